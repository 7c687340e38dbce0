"""Template filters of the convention pages."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def breakable(value, size: int = 16):
    """A long token (a SHA-256) that may wrap on a narrow screen every `size` characters, and
    still copies as one: <wbr> marks where it may break."""
    text = str(value or "")
    return mark_safe("<wbr>".join(escape(text[i : i + size]) for i in range(0, len(text), size)))
