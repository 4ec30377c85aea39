"""The customer 360 page: what other pillars add to a customer's profile.

Each app registers, from its registrations module, functions taking (customer, user):

- `register_profile_panel(fn)` → a ProfilePanel (template + context) or None: a card on the
  «البيانات» tab (opportunities, donations, cases, proposals…);
- `register_profile_badge(fn)` → a ProfileBadge or None: a count in the header card (open
  cases, forms awaiting a decision, contacts awaiting approval…);
- `register_profile_action(fn)` → a ProfileAction or None: a button in the header card (new
  case, request a change, log a contact…), returned only when the user may open its link.

The one timeline of the «السجل الزمني» tab has its own registry, `customers.timeline`.
Customers never import the apps that register here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Customer


@dataclass
class ProfilePanel:
    title: str
    template: str  # rendered with the panel's context plus `customer`
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfileBadge:
    """A count shown in the header card, e.g. «3 طلبات مفتوحة». `label` already holds the
    count in words (ngettext); `tone` is a Bootstrap colour (warning, danger, info…)."""

    label: str
    tone: str = "secondary"
    url: str = ""  # the list behind the count, when the user may open it
    icon: str = ""


@dataclass(frozen=True)
class ProfileAction:
    """A button in the header card; the first registered primary action is the prominent
    one, the others are secondary."""

    label: str
    url: str
    icon: str = ""
    primary: bool = False


def count_badge(
    count: int, label: Any, *, tone: str, kind: str = "", icon: str = ""
) -> ProfileBadge | None:
    """A badge counting something, or None for nothing. `label` is an
    ngettext_lazy(singular, plural, "count"); with a timeline `kind`, the badge opens the
    timeline filtered by it."""
    if not count:
        return None
    return ProfileBadge(
        label=label % {"count": count},
        tone=tone,
        url=f"?kind={kind}#timeline" if kind else "",
        icon=icon,
    )


def remember_rows(customer: "Customer", key: str, rows: list[Any]) -> list[Any]:
    """Keep rows a panel read on the customer instance (fetched anew by each request), for
    the timeline to show without reading them again (`remembered_rows`)."""
    customer.__dict__.setdefault("_profile_rows", {})[key] = rows
    return rows


def remembered_rows(customer: "Customer", key: str) -> list[Any]:
    """The rows kept under `key` by this request's panels, none if no panel read them."""
    rows: list[Any] = customer.__dict__.get("_profile_rows", {}).get(key, [])
    return rows


PanelBuilder = Callable[["Customer", "User"], ProfilePanel | None]
BadgeBuilder = Callable[["Customer", "User"], ProfileBadge | None]
ActionBuilder = Callable[["Customer", "User"], ProfileAction | None]

_panel_builders: list[PanelBuilder] = []
_badge_builders: list[BadgeBuilder] = []
_action_builders: list[ActionBuilder] = []


def register_profile_panel(builder: PanelBuilder) -> PanelBuilder:
    if builder not in _panel_builders:
        _panel_builders.append(builder)
    return builder


def register_profile_badge(builder: BadgeBuilder) -> BadgeBuilder:
    if builder not in _badge_builders:
        _badge_builders.append(builder)
    return builder


def register_profile_action(builder: ActionBuilder) -> ActionBuilder:
    if builder not in _action_builders:
        _action_builders.append(builder)
    return builder


def profile_panels(customer: "Customer", user: "User") -> list[ProfilePanel]:
    panels = (builder(customer, user) for builder in _panel_builders)
    return [panel for panel in panels if panel is not None]


# The most urgent badges first (registration order among equals).
TONE_ORDER = {"danger": 0, "warning": 1, "info": 2, "primary": 3, "success": 4}


def profile_badges(customer: "Customer", user: "User") -> list[ProfileBadge]:
    badges = [badge for badge in (b(customer, user) for b in _badge_builders) if badge]
    return sorted(badges, key=lambda badge: TONE_ORDER.get(badge.tone, len(TONE_ORDER)))


def profile_actions(customer: "Customer", user: "User") -> list[ProfileAction]:
    """The actions this user may take, the primary ones first (registration order kept)."""
    actions = [action for action in (b(customer, user) for b in _action_builders) if action]
    return sorted(actions, key=lambda action: not action.primary)
