"""Template filters for Gregorian and Hijri dates: {% load dates %}."""

from datetime import date, datetime

from django import template

from core.dates import format_gregorian_hijri, format_hijri

register = template.Library()


@register.filter
def hijri(value: date | datetime | None) -> str:
    """{{ day|hijri }} -> "11 جمادى الآخرة 1448 هـ"; "" for empty or unsupported dates."""
    return format_hijri(value)


@register.filter
def gregorian_hijri(value: date | datetime | None) -> str:
    """{{ day|gregorian_hijri }} -> "21 نوفمبر 2026 (11 جمادى الآخرة 1448 هـ)"."""
    return format_gregorian_hijri(value)
