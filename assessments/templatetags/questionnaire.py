"""The questionnaire's scale in templates: `{% load questionnaire %}{% scale_options pk item.choice scale %}`."""

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# One radio button and its label: the markup a `{% for value, anchor in scale %}` loop wrote in
# assessments/_question.html, whitespace included.
_OPTION = (
    '\n        <input class="btn-check" type="radio" name="current" id="q{pk}-c{value}"'
    ' value="{value}"{checked}>'
    '\n        <label class="btn btn-outline-primary scale-option" for="q{pk}-c{value}">'
    '\n          <span class="scale-value">{value}</span><span class="scale-anchor">{anchor}</span>'
    "\n        </label>\n      "
)


@register.simple_tag
def scale_options(pk: int, choice: str, scale: Iterable[tuple[str, str]]) -> SafeString:
    """Return the radio buttons 1-5 of one question, the one saved (`choice`) checked.

    A step page shows 16 questions of 5 options each: written here in Python they cost a
    fraction of the same loop in the template language (about a tenth of the page's CPU time).
    """
    key = escape(pk)
    return mark_safe(  # noqa: S308 - every value is escaped above or below
        "".join(
            _OPTION.format(
                pk=key,
                value=escape(value),
                anchor=escape(anchor),
                checked=" checked" if choice == value else "",
            )
            for value, anchor in scale
        )
    )
