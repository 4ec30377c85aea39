"""The navigation bar: the manual's three pillars and reports.

Each app registers the pages it adds under a pillar (in its AppConfig.ready); a user sees
only the pages whose permission they hold, and only the pillars where they have a page.

Every page draws the bar: it is built once per set of permissions in each process (the
users of a role share it) and kept until the registry changes; a user's permissions come
from core.auth's cache, so a change of role gives another set, hence another bar.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Pillar:
    code: str
    label: object
    icon: str  # a Bootstrap Icons name


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    icon: str = "dot"
    permission: str | None = None  # "app_label.codename"; None means every staff member
    # Items of a pillar are listed by weight, then in registration order; a change of
    # weight starts a new group (a divider in the menu).
    weight: int = 0

    def visible_to(self, user: User | AnonymousUser) -> bool:
        # Only the user's permissions: the bar is kept per set of permissions.
        return self.permission is None or user.has_perm(self.permission)


PILLARS = (
    Pillar("marketing", _("Marketing"), "megaphone"),
    Pillar("complaints", _("Complaints, inquiries and suggestions"), "chat-left-text"),
    Pillar("customers", _("Customers"), "people"),
    Pillar("reports", _("Reports"), "bar-chart-line"),
)

_items_by_pillar: dict[str, list[NavItem]] = {pillar.code: [] for pillar in PILLARS}


Menus = list[tuple[Pillar, list[tuple[NavItem, str]]]]
# The bars built, by (registry, URLconf, permissions); at most _BUILT_LIMIT of them.
_built: dict[tuple[object, ...], Menus] = {}
_BUILT_LIMIT = 256


def register_nav_item(pillar_code: str, item: NavItem) -> None:
    if pillar_code not in _items_by_pillar:
        raise KeyError(f"Unknown pillar {pillar_code!r}")
    if item not in _items_by_pillar[pillar_code]:
        _items_by_pillar[pillar_code].append(item)
    _built.clear()


def unregister_nav_item(pillar_code: str, item: NavItem) -> None:
    _items_by_pillar[pillar_code].remove(item)
    _built.clear()


def navigation_for(user: User | AnonymousUser) -> Menus:
    """Pillars with the links this user may follow: [(pillar, [(item, url), ...]), ...].
    A pillar with no page for this user is left out (no empty menu), and a page registered
    twice is listed once, under the first pillar that lists it. Built once per set of
    permissions: an item's visible_to may read only the user's permissions."""
    if not user.is_active:
        return _build(user)
    permissions: object = "*" if user.is_superuser else frozenset(user.get_all_permissions())
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), permissions)
    menus = _built.get(key)
    if menus is None:
        if len(_built) >= _BUILT_LIMIT:
            _built.clear()
        menus = _built[key] = _build(user)
    return menus


def _build(user: User | AnonymousUser) -> Menus:
    seen: set[str] = set()
    menus = []
    for pillar in PILLARS:
        links = []
        for item in sorted(_items_by_pillar[pillar.code], key=lambda each: each.weight):
            if item.url_name in seen or not item.visible_to(user):
                continue
            seen.add(item.url_name)
            links.append((item, reverse(item.url_name)))
        if links:
            menus.append((pillar, links))
    return menus
