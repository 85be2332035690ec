from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from documents.querysets import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()


@register.filter
def highlight(fragment: str) -> str:
    """A search headline, escaped, with the matched words in <mark>."""
    escaped = str(conditional_escape(fragment or ""))
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))  # noqa: S308
