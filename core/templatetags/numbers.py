"""Template filters for numbers and mobiles, one policy with PDFs and XLSX (core.numbers):
{% load numbers %}. Each renders plain text; put it in an `ltr-value` element (or <bdi>)
inside Arabic text. `|bdi` isolates a name, code, e-mail or file name inside a sentence,
`{% blocktranslate with name=customer.name|bdi %}` included; `|isolate` does it with Unicode
isolates where <bdi> does nothing or cannot go (PDFs, <title>, attributes)."""

from django import template
from django.utils.safestring import SafeString

from core.numbers import (
    format_amount,
    format_file_size,
    format_number,
    format_percent,
    format_riyals,
)
from core.phones import format_saudi_mobile_local
from core.text import bdi as bdi_element
from core.text import isolate as isolate_text

register = template.Library()


@register.filter
def number(value: object, places: int = 0) -> str:
    """{{ total|number }} -> "12,500"; {{ rate|number:1 }} -> "3.5"."""
    return format_number(value, int(places))


@register.filter
def amount(value: object) -> str:
    """{{ donation.amount|amount }} -> "1,500.00" (SAR)."""
    return format_amount(value)


@register.filter
def riyals(value: object) -> str:
    """{{ programme.budget|riyals }} -> "120,000"; "1,500.50" when there are halalas."""
    return format_riyals(value)


@register.filter
def percent(value: object, places: int = 1) -> str:
    """{{ row.percentage|percent }} -> "35.0%"."""
    return format_percent(value, int(places))


@register.filter
def mobile(value: str | None) -> str:
    """{{ customer.mobile|mobile }}: "+966512345678" -> "051 234 5678"; "—" when empty."""
    return format_saudi_mobile_local(value or "") or "—"


@register.filter
def file_size(value: int | None) -> str:
    """{{ attachment.size|file_size }} -> "1.5 ميجابايت" (one spelling of the units)."""
    return format_file_size(value)


@register.filter
def bdi(value: object) -> SafeString:
    """{{ customer.name|bdi }} -> "<bdi>John &amp; Sons</bdi>": escaped, then isolated so a
    Latin value keeps the order of an Arabic sentence (and the reverse); "" when empty."""
    return bdi_element(value)


@register.filter(is_safe=True)
def isolate(value: object) -> str:
    """{{ row.owner|isolate }} -> "\u2068John Smith\u2069" (escaped as usual): for PDFs, where
    WeasyPrint ignores <bdi>, and for <title> or attributes; "" when empty."""
    return isolate_text(value)
