"""Tags of the Russian history page (templates/simple_history/object_history_list.html)."""

from django import template

from leanedu.history import human_reason

register = template.Library()


@register.simple_tag
def history_reason(opts, reason):
    return human_reason(opts.model, reason)


@register.filter
def history_attribute(record, name):
    return getattr(record, name, "")
