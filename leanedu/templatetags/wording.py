"""{% phrase opts "add" %}: an admin phrase in the grammar of the model's name
(leanedu/wording.py), for the admin templates that the project overrides."""

from django import template

from leanedu.wording import phrase as make_phrase

register = template.Library()


@register.simple_tag
def phrase(opts, key, obj=None, count=None):
    return make_phrase(opts.model, key, obj=obj, count=count)
