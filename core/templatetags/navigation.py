"""{% load navigation %} then {% navigation_menus navigation %}: the bar's pillar menus
(core.navigation.menus_html), drawn once per set of permissions and language."""

from django import template
from django.utils.safestring import SafeString

from core.navigation import Menus, menus_html

register = template.Library()


@register.simple_tag
def navigation_menus(menus: Menus) -> SafeString:
    return menus_html(menus)
