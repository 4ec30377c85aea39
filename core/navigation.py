"""The navigation bar: the manual's three pillars and reports.

Each app registers the pages it adds under a pillar (in its AppConfig.ready); a user sees
only the pages whose permission they hold, and only the pillars where they have a page.

Every page draws the bar: it is built once per set of permissions in each process (the
users of a role share it) and kept until the registry changes; a user's permissions come
from core.auth's cache, so a change of role gives another set, hence another bar. Its menus
are drawn as HTML once per bar and language too (menus_html): the rest of the bar (the
user's name, the language switch, the active link) is drawn on each page.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Engine
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
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


@dataclass(frozen=True)
class PublicLink:
    """A tab of the public pages' bar (no login): an app's public page (filing a complaint,
    asking for support…). `current` names the views (namespace:name) where it is the tab
    shown as current."""

    label: object
    url_name: str
    icon: str
    weight: int = 0
    current: tuple[str, ...] = ()


_public_links: list[PublicLink] = []


def register_public_link(link: PublicLink) -> None:
    if link not in _public_links:
        _public_links.append(link)
        _public_links.sort(key=lambda known: known.weight)


def public_links() -> list[PublicLink]:
    return list(_public_links)


Menus = list[tuple[Pillar, list[tuple[NavItem, str]]]]
# The bars built, by (registry, URLconf, permissions); at most _BUILT_LIMIT of them.
_built: dict[tuple[object, ...], Menus] = {}
_BUILT_LIMIT = 256
MENUS_TEMPLATE = "includes/navbar_menus.html"
# The menus drawn, by bar (its id, the bar kept beside it) and language, with the template
# they were drawn from: a template reloaded while developing draws them again.
_drawn: dict[tuple[int, str | None], tuple[Menus, object, SafeString]] = {}


def register_nav_item(pillar_code: str, item: NavItem) -> None:
    if pillar_code not in _items_by_pillar:
        raise KeyError(f"Unknown pillar {pillar_code!r}")
    if item not in _items_by_pillar[pillar_code]:
        _items_by_pillar[pillar_code].append(item)
    _forget_built()


def unregister_nav_item(pillar_code: str, item: NavItem) -> None:
    _items_by_pillar[pillar_code].remove(item)
    _forget_built()


def _forget_built() -> None:
    _built.clear()
    _drawn.clear()


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
            _forget_built()
        menus = _built[key] = _build(user)
    return menus


def menus_html(menus: Menus) -> SafeString:
    """The bar's pillar menus (MENUS_TEMPLATE) in the active language, drawn once per bar
    built by navigation_for and kept as long as the bar."""
    # The engine's own template (the same object while the loader keeps it).
    template = Engine.get_default().get_template(MENUS_TEMPLATE)
    key = (id(menus), translation.get_language())
    drawn = _drawn.get(key)
    if drawn is None or drawn[0] is not menus or drawn[1] is not template:
        if len(_drawn) >= 2 * _BUILT_LIMIT:
            _drawn.clear()
        # A template's output, escaped as it was drawn.
        html = mark_safe(template.render(Context({"navigation": menus})))
        drawn = _drawn[key] = (menus, template, html)
    return drawn[2]


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
