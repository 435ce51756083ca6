"""Template filters that show library text in the reader's display script."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from library.reading import convert, display_config

register = template.Library()


@register.filter
def in_script(text: str, script: str) -> str:
    """`text` (a title, a label) in the reader's script; a character-level conversion,
    so a mixed or unknown original is treated as Simplified with Traditional left alone."""
    return convert(text or "", display_config(script or "", "mixed"))


@register.filter
def marked(text: str, marks) -> str:
    """`text` with the (start, end) stretches in `marks` wrapped in <mark>; every piece
    of text escaped (the only HTML is the <mark> elements this filter writes)."""
    pieces = []
    cursor = 0
    for start, end in sorted(marks or ()):
        if start < cursor or end <= start:
            continue
        pieces.append(conditional_escape(text[cursor:start]))
        pieces.append(format_html("<mark>{}</mark>", text[start:end]))
        cursor = end
    pieces.append(conditional_escape(text[cursor:]))
    return mark_safe("".join(pieces))  # noqa: S308 - built from escaped parts above
