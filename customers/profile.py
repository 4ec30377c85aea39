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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Count, Value

from .compiled import (
    Compilation,
    check,
    checking,
    compiled,
    customer_shape,
    one_instant,
    reader_scope,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

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


@dataclass(frozen=True)
class CountedBadge:
    """A badge drawn from counts of rows: `counts` ({name: aggregate over `rows`}, e.g.
    Count("pk")) are read together with every other badge's in one query, then
    `badge({name: value})` makes the badge (or None). `rows` may be given as a function
    making the queryset: the query being compiled once per reader and shape of customer
    (customers.compiled), it is then built only when compiled."""

    rows: "QuerySet[Any] | Callable[[], QuerySet[Any]]"
    counts: Mapping[str, Aggregate]
    badge: Callable[[dict[str, int]], ProfileBadge | None]

    def queryset(self) -> "QuerySet[Any]":
        return self.rows() if callable(self.rows) else self.rows


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


def counted_rows_badge(
    rows: "QuerySet[Any] | Callable[[], QuerySet[Any]]",
    label: Any,
    *,
    tone: str,
    kind: str = "",
    icon: str = "",
) -> CountedBadge:
    """count_badge() of how many `rows` (a queryset, or a function making it) there are,
    counted with every other badge."""
    return CountedBadge(
        rows,
        {"count": Count("pk")},
        lambda counts: count_badge(counts["count"], label, tone=tone, kind=kind, icon=icon),
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
BadgeBuilder = Callable[["Customer", "User"], ProfileBadge | CountedBadge | None]
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
    """The header's badges, the counts of all of them read in one query, compiled once per
    reader and shape of customer (customers.compiled)."""
    with one_instant():
        made = [builder(customer, user) for builder in _badge_builders]
        counted = [item for item in made if isinstance(item, CountedBadge)]
        counts = iter(_read_counts(customer, user, counted))
    badges = []
    for item in made:
        badge = item.badge(next(counts)) if isinstance(item, CountedBadge) else item
        if badge is not None:
            badges.append(badge)
    return sorted(badges, key=lambda badge: TONE_ORDER.get(badge.tone, len(TONE_ORDER)))


def _shape(counted: list[CountedBadge]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(item.counts) for item in counted)


def _counted_of(customer: "Customer", user: "User") -> list[CountedBadge]:
    made = (builder(customer, user) for builder in _badge_builders)
    return [item for item in made if isinstance(item, CountedBadge)]


def _read_counts(
    customer: "Customer", user: "User", counted: list[CountedBadge]
) -> list[dict[str, int]]:
    """The counts of each badge: one row of a CROSS JOIN of each badge's aggregate read (one
    row each: no GROUP BY); a read of nothing the user may see counts zeros, unread."""
    found = [dict.fromkeys(item.counts, 0) for item in counted]
    if not counted:
        return found
    kept = None
    if customer is not None and user is not None:  # (the registries' tests ask for neither)
        key = (
            "badges",
            customer._state.db,
            tuple(_badge_builders),
            reader_scope(user),
            customer_shape(customer),
        )
        kept = compiled(key, customer, lambda probe: _counts_sql(_counted_of(probe, user)))
    usable = kept is not None and kept.signature[0] == _shape(counted)
    fresh = _counts_sql(counted) if not usable or checking() else None
    if kept is not None and usable:
        db = customer._state.db or "default"
        sql, params, columns = kept.sql, kept.bind(customer.pk, db), kept.signature[1]
        if checking():
            check((sql, params), fresh, "badge counts")
    else:
        assert fresh is not None
        db = counted[0].queryset().db
        sql, params, columns = fresh[0], list(fresh[1]), fresh[2][1]
    if not columns:
        return found
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    for (index, name), value in zip(columns, row, strict=True):
        found[index][name] = value or 0
    return found


def _counts_sql(counted: list[CountedBadge]) -> Compilation:
    """The SQL and parameters of the counts' CROSS JOIN, and (the badges' shape, the
    (badge, count name) of each column)."""
    parts: list[str] = []
    params: list[Any] = []
    columns: list[tuple[int, str]] = []
    for index, item in enumerate(counted):
        names = {f"badge_{index}_{name}": name for name in item.counts}
        read = (
            item.queryset()
            .order_by()
            # Grouped by a constant, which Django leaves out of the GROUP BY: one row.
            .annotate(badge_group=Value(1))
            .values("badge_group")
            .annotate(**{alias: item.counts[name] for alias, name in names.items()})
            .values(*names)
        )
        try:
            sql, part_params = read.query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"({sql}) AS badge_{index}")
        params.extend(part_params)
        columns.extend((index, name) for name in names.values())
    sql = f"SELECT * FROM {' CROSS JOIN '.join(parts)}" if parts else ""
    return sql, params, (_shape(counted), tuple(columns))


def profile_actions(customer: "Customer", user: "User") -> list[ProfileAction]:
    """The actions this user may take, the primary ones first (registration order kept)."""
    actions = [action for action in (b(customer, user) for b in _action_builders) if action]
    return sorted(actions, key=lambda action: not action.primary)
