"""The navigation bar: the manual's three pillars and reports.

Each app registers the pages it adds under a pillar (in its AppConfig.ready); a user sees
only the pages whose permission they hold, and only the pillars where they have a page.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse
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
        return self.permission is None or user.has_perm(self.permission)


PILLARS = (
    Pillar("marketing", _("Marketing"), "megaphone"),
    Pillar("complaints", _("Complaints, inquiries and suggestions"), "chat-left-text"),
    Pillar("customers", _("Customers"), "people"),
    Pillar("reports", _("Reports"), "bar-chart-line"),
)

_items_by_pillar: dict[str, list[NavItem]] = {pillar.code: [] for pillar in PILLARS}


def register_nav_item(pillar_code: str, item: NavItem) -> None:
    if pillar_code not in _items_by_pillar:
        raise KeyError(f"Unknown pillar {pillar_code!r}")
    if item not in _items_by_pillar[pillar_code]:
        _items_by_pillar[pillar_code].append(item)


def unregister_nav_item(pillar_code: str, item: NavItem) -> None:
    _items_by_pillar[pillar_code].remove(item)


def navigation_for(
    user: User | AnonymousUser,
) -> list[tuple[Pillar, list[tuple[NavItem, str]]]]:
    """Pillars with the links this user may follow: [(pillar, [(item, url), ...]), ...].
    A pillar with no page for this user is left out (no empty menu), and a page registered
    twice is listed once, under the first pillar that lists it."""
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
