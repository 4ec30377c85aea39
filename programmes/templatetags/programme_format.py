"""{% load programme_format %}: amounts in riyals."""

from django import template

from programmes.presentation import format_riyals

register = template.Library()


@register.filter
def riyals(value):
    """{{ programme.budget|riyals }} -> "120,000"."""
    return format_riyals(value)
