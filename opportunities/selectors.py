"""Reads of opportunities, donor contacts and interests: who sees what, the board, the list
filters, the detail page's timeline and the work waiting for each user."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from core import cache
from core.numbers import format_amount
from core.pagination import COUNT_CAP, kept_count
from core.text import normalize_arabic
from customers.models import Customer, CustomerKind
from customers.timeline import person_fields, read_together_by_key
from finance import selectors as finance_selectors
from finance.models import Donation
from programmes.models import Programme

from . import problems as problems_panel
from .models import (
    OPEN_STATES,
    PARTY_PERMISSIONS,
    STALE_AFTER,
    ApprovalParty,
    ContactApproval,
    ContactApprovalStep,
    DesignationState,
    DesignationTransition,
    DonorContact,
    DonorProblem,
    Opportunity,
    OpportunityState,
    OpportunityTransition,
    PointOfContactDesignation,
    PotentialDonor,
    StepDecision,
)

# Cards shown per board column; the rest are one click away in the filtered list. The
# closed columns show only the latest outcomes: the board is for the open pipeline.
BOARD_CARDS_PER_COLUMN = 30
BOARD_CARDS_PER_CLOSED_COLUMN = 20
# How far back a point of contact is shown the contacts others made with their donors.
FLAGGED_CONTACTS_WINDOW = timedelta(days=14)


# --- visibility -------------------------------------------------------------------------


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    """Every opportunity for anyone who may view opportunities; nothing for anyone else."""
    queryset = Opportunity.objects.select_related("programme", "owner", "pledge_donor")
    if not user.has_perm("opportunities.view_opportunity"):
        return queryset.none()
    return queryset


def may_open_pledge(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    """The signed pledge is for those who work the opportunity (issue 10, item 20): CRM
    staff and manager and resource development (`view_pledge`), the pledging donor's point
    of contact, and the sub-council secretary only while a decision of hers is pending on
    it: an approval of a contact about this opportunity or with its pledging donor, or of a
    point of contact for that donor."""
    if not user.is_authenticated or not user.has_perm("opportunities.view_opportunity"):
        return False
    if user.has_perm("opportunities.view_pledge"):
        return True
    donor_id, donor = opportunity.pledge_donor_id, opportunity.pledge_donor
    if donor is not None and donor.point_of_contact_id == user.pk:
        return True
    if user.has_perm(PARTY_PERMISSIONS[ApprovalParty.COUNCIL_SECRETARY]):
        about = Q(contact__opportunity=opportunity)
        if donor_id is not None:
            about |= Q(contact__donor_id=donor_id)
        if ContactApprovalStep.objects.filter(
            about, party=ApprovalParty.COUNCIL_SECRETARY, decision=StepDecision.PENDING
        ).exists():
            return True
    if donor_id is not None and user.has_perm("opportunities.approve_pointofcontactdesignation"):
        return PointOfContactDesignation.objects.filter(
            donor_id=donor_id, state=DesignationState.PROPOSED
        ).exists()
    return False


def active_donors() -> QuerySet[Customer]:
    return Customer.objects.filter(kind=CustomerKind.DONOR, is_active=True).order_by("name")


def suggested_donors(programme: Programme | None) -> QuerySet[Customer]:
    """Active donors who recorded an interest in the programme's category (3.1.12)."""
    if programme is None:
        return Customer.objects.none()
    return (
        active_donors()
        .filter(interests__category_id=programme.category_id)
        .select_related("point_of_contact")
    )


def donor_rows(opportunity: Opportunity) -> QuerySet[PotentialDonor]:
    """The potential donors of one opportunity, with their point of contact, by name."""
    return (
        PotentialDonor.objects.filter(opportunity=opportunity)
        .select_related("donor__point_of_contact", "added_by")
        .only(*_DONOR_ROW_FIELDS)
        .order_by("donor__name", "pk")
    )


# What the opportunity page reads of its donors (the donors' table, the contact form's
# choices, the others' points of contact): not the whole customer rows.
_DONOR_ROW_FIELDS = (
    "suggested",
    "added_at",
    *person_fields("added_by"),
    "donor__code",
    "donor__name",
    *person_fields("donor__point_of_contact"),
)


@dataclass(frozen=True)
class ListRow:
    """A row of the opportunities list (templatetags.opportunity_tags.opportunity_cells), as
    plain values: 25 opportunities with their programme, owner and pledging donor, and
    their donors, made into model instances cost more than the rest of the page."""

    pk: int
    title: str
    state: str
    expected_amount: Decimal
    pledged_amount: Decimal | None
    probability: int
    last_activity_at: datetime
    programme_code: str
    programme_name: str
    owner_name: str  # the full name, or the username
    pledge_donor_name: str | None  # None without a pledging donor
    is_stale: bool
    donor_names: list[str]  # the potential donors, the suggested first, each group by name


_LIST_ROW_VALUES = (
    "pk",
    "title",
    "state",
    "expected_amount",
    "pledged_amount",
    "probability",
    "last_activity_at",
    "programme__code",
    "programme__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "pledge_donor_id",
    "pledge_donor__name",
)


def list_values(queryset: QuerySet[Opportunity]) -> QuerySet[Any]:
    """The list's rows as the values a row shows: page them, then `list_rows(page)`."""
    return queryset.values_list(*_LIST_ROW_VALUES)


def list_rows(values: Iterable[Sequence[Any]]) -> list[ListRow]:
    """The ListRow of each of `values` (a page of `list_values`), with its donors' names in
    one query."""
    values = list(values)
    names: dict[int, list[str]] = {row[0]: [] for row in values}
    if names:
        donors = (
            PotentialDonor.objects.filter(opportunity_id__in=names)
            .order_by("-suggested", "donor__name")
            .values_list("opportunity_id", "donor__name")
        )
        for opportunity_id, name in donors:
            names[opportunity_id].append(name)
    cutoff = stale_cutoff()
    return [
        ListRow(
            pk=pk,
            title=title,
            state=state,
            expected_amount=expected,
            pledged_amount=pledged,
            probability=probability,
            last_activity_at=last_activity_at,
            programme_code=programme_code,
            programme_name=programme_name,
            owner_name=f"{first_name} {last_name}".strip() or username,
            pledge_donor_name=pledge_donor_name if pledge_donor_id is not None else None,
            is_stale=state in OPEN_STATES and last_activity_at < cutoff,
            donor_names=names[pk],
        )
        for (
            pk,
            title,
            state,
            expected,
            pledged,
            probability,
            last_activity_at,
            programme_code,
            programme_name,
            username,
            first_name,
            last_name,
            pledge_donor_id,
            pledge_donor_name,
        ) in values
    ]


def list_count(queryset: QuerySet[Opportunity], cap: int = COUNT_CAP) -> int:
    """How many rows the list `queryset` holds, for CappedPaginator's `known_count` (the
    site's list and the admin's): kept with the board (BOARD_TOPIC, renewed by every write
    of an opportunity or a programme) rather than counted on each view, where a search as
    common as «فرصة» walks 10,001 titles. Not for a filter on the last activity: its
    cutoff moves with the clock."""
    return kept_count(queryset, cap, [BOARD_TOPIC])


# --- search and board -------------------------------------------------------------------

# The programmes and owners offered by the list's and the board's filter: those of some
# opportunity. Renewed by every save of an opportunity, a programme or a user (names), and
# by the writes that bypass the signals (the bench's bulk insert bumps it).
FILTER_OPTIONS_TOPIC = "opportunity_filter_options"
cache.register_topic(FILTER_OPTIONS_TOPIC, Opportunity, Programme, User, form_options=False)


def filter_options() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """([(pk, "code · name")] of the programmes, [(pk, full name or username)] of the owners
    that some opportunity has, as plain values (cached)."""

    def compute() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        programmes = (
            Programme.objects.filter(Exists(Opportunity.objects.filter(programme=OuterRef("pk"))))
            .order_by("code")
            .values_list("pk", "code", "name")
        )
        owners = (
            User.objects.filter(Exists(Opportunity.objects.filter(owner=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", "username", "first_name", "last_name")
        )
        return (
            [(pk, f"{code} · {name}") for pk, code, name in programmes],
            [(pk, f"{first} {last}".strip() or username) for pk, username, first, last in owners],
        )

    return cache.cached(FILTER_OPTIONS_TOPIC, "options", compute)


def search_opportunities(
    queryset: QuerySet[Opportunity], text: str | None
) -> QuerySet[Opportunity]:
    """Part of the title, in any spelling: the stored normalised title (filled on save,
    trigram-indexed on PostgreSQL) against the normalised text (core.text)."""
    text = normalize_arabic(text)
    if not text:
        return queryset
    return queryset.filter(title_normalized__contains=text)


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - STALE_AFTER


@dataclass
class BoardCard:
    """What a board card shows, read as plain values: a board holds up to 250 of them."""

    pk: int
    title: str
    state: str
    programme_code: str
    programme_name: str
    pledge_donor_name: str | None
    amount: Decimal  # the pledge once there is one, else the expected amount
    probability: int
    last_activity_at: datetime
    url: str
    donor_names: list[str] = field(default_factory=list)

    @property
    def is_stale(self) -> bool:
        return self.state in OPEN_STATES and self.last_activity_at < stale_cutoff()

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount or 0)


_CARD_VALUES = (
    "pk",
    "title",
    "state",
    "programme__code",
    "programme__name",
    "pledge_donor__name",
    "pledged_amount",
    "expected_amount",
    "probability",
    "last_activity_at",
)


@dataclass
class BoardColumn:
    state: str
    label: str | Promise
    count: int
    stale_count: int
    cards: list[BoardCard]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


# The board's columns (counts and cards) for each filter, cached: renewed by any save or
# delete of what a card shows, and by the services' update() writes (services.py bumps it).
BOARD_TOPIC = "opportunity_board"
cache.register_topic(
    BOARD_TOPIC, Opportunity, PotentialDonor, Programme, Customer, form_options=False
)


@dataclass(frozen=True)
class _BoardData:
    """What the board reads from the database, as plain values (cached)."""

    counts: dict[str, tuple[int, int]]  # state: (count, stale count)
    rows: list[Sequence[Any]]  # the cards' _CARD_VALUES
    donor_names: list[tuple[int, str]]  # (opportunity id, donor's name), in card order
    # When the next open opportunity turns stale: the stale counts hold until then.
    fresh_until: datetime | None


def board_columns(
    queryset: QuerySet[Opportunity], cap: int | None = None, *, cache_key: str | None = None
) -> list[BoardColumn]:
    """One column per state: its count and the most recently active cards (at most `cap`,
    fewer in the closed columns).

    With `cache_key` (naming the filter that made `queryset`) the columns are read from the
    cache (BOARD_TOPIC): no query while nothing changed and no opportunity turned stale.
    Otherwise one count, the cards (a short read per state on the last-activity index, sent
    as one UNION ALL where the database takes a LIMIT in each part: PostgreSQL; a query per
    state otherwise) and one for the donors' names."""
    open_cap = cap or BOARD_CARDS_PER_COLUMN
    closed_cap = min(open_cap, BOARD_CARDS_PER_CLOSED_COLUMN)
    if cache_key is None:
        data = _board_data(queryset, open_cap, closed_cap)
    else:
        data = _cached_board_data(queryset, open_cap, closed_cap, cache_key)
    return _columns(data)


def _cached_board_data(
    queryset: QuerySet[Opportunity], open_cap: int, closed_cap: int, cache_key: str
) -> _BoardData:
    key = f"{cache_key}:{open_cap}:{closed_cap}"

    def compute() -> _BoardData:
        return _board_data(queryset, open_cap, closed_cap)

    data = cache.cached(BOARD_TOPIC, key, compute)
    if data.fresh_until is not None and timezone.now() >= data.fresh_until:
        # An opportunity turned stale since: every filter's counts are read again.
        cache.bump(BOARD_TOPIC)
        data = cache.cached(BOARD_TOPIC, key, compute)
    return data


def _board_data(queryset: QuerySet[Opportunity], open_cap: int, closed_cap: int) -> _BoardData:
    now = timezone.now()
    cutoff = stale_cutoff(now)
    counts = {
        row["state"]: (row["count"], row["stale"])
        for row in queryset.order_by()
        .values("state")
        .annotate(
            count=Count("pk"),
            stale=Count("pk", filter=Q(last_activity_at__lt=cutoff, state__in=OPEN_STATES)),
        )
    }
    latest = [
        queryset.filter(state=state)
        .order_by("-last_activity_at", "-pk")
        .values_list(*_CARD_VALUES)[: open_cap if state in OPEN_STATES else closed_cap]
        for state, _label in OpportunityState.choices
        if counts.get(state, (0, 0))[0]
    ]
    rows: list[Sequence[Any]]
    if len(latest) > 1 and connection.features.supports_slicing_ordering_in_compound:
        rows = list(latest[0].union(*latest[1:], all=True))
    else:
        rows = [tuple(row) for part in latest for row in part]
    names = (
        PotentialDonor.objects.filter(opportunity_id__in=[row[0] for row in rows])
        .order_by("-suggested", "donor__name")
        .values_list("opportunity_id", "donor__name")
    )
    # Whatever the filter (`stale` selects by it too), the first open opportunity of any
    # filter to turn stale: its last activity is the oldest of those still active.
    next_stale = (
        Opportunity.objects.filter(state__in=OPEN_STATES, last_activity_at__gte=cutoff)
        .order_by("last_activity_at")
        .values_list("last_activity_at", flat=True)
        .first()
    )
    return _BoardData(
        counts=counts,
        rows=rows,
        donor_names=list(names) if rows else [],
        fresh_until=next_stale + STALE_AFTER if next_stale is not None else None,
    )


def _columns(data: _BoardData) -> list[BoardColumn]:
    # One reverse() for the board, not one per card.
    url = reverse("opportunities:detail", args=[0]).replace("/0/", "/{}/")
    rows_of: dict[str, list[Sequence[Any]]] = {}
    for row in data.rows:
        rows_of.setdefault(row[2], []).append(row)
    columns = []
    for state, label in OpportunityState.choices:
        count, stale_count = data.counts.get(state, (0, 0))
        # The order of a UNION's rows is not promised: each column's cards sorted again.
        ordered = sorted(rows_of.get(state, []), key=lambda row: (row[9], row[0]), reverse=True)
        columns.append(
            BoardColumn(
                state=state,
                label=label,
                count=count,
                stale_count=stale_count,
                cards=[_card(row, url=url.format(row[0])) for row in ordered],
            )
        )
    cards = {card.pk: card for column in columns for card in column.cards}
    for opportunity_id, name in data.donor_names:
        cards[opportunity_id].donor_names.append(name)
    return columns


def _card(row: Sequence[Any], url: str) -> BoardCard:
    pk, title, state, code, name, pledge_donor, pledged, expected, probability, activity = row
    return BoardCard(
        pk=pk,
        title=title,
        state=state,
        programme_code=code,
        programme_name=name,
        pledge_donor_name=pledge_donor,
        amount=pledged if pledged is not None else expected,
        probability=probability,
        last_activity_at=activity,
        url=url,
    )


# --- money received ---------------------------------------------------------------------


def pledge_received_amount(opportunity: Opportunity) -> Decimal:
    """What the pledging donor has given to the opportunity's programme since the
    opportunity was created (its local date, Asia/Riyadh). Decimal; 0 when none."""
    if opportunity.pledge_donor_id is None or opportunity.programme_id is None:
        return Decimal("0")
    since = timezone.localdate(opportunity.created_at) if opportunity.created_at else None
    return finance_selectors.donations_received_for(
        donor=opportunity.pledge_donor_id,
        programme=opportunity.programme_id,
        since=since,
    )


def with_received_amount(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Annotate `received_amount`: donations from the pledging donor to the programme since
    the opportunity was created, in one query (the same rule as
    pledge_received_amount, for lists and reports)."""
    received = (
        Donation.objects.filter(
            donor_id=OuterRef("pledge_donor_id"),
            programme_id=OuterRef("programme_id"),
            received_on__gte=OuterRef("created_on"),
        )
        .order_by()
        .values("donor_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money: DecimalField = DecimalField(max_digits=14, decimal_places=2)
    # The local (Asia/Riyadh) day the opportunity was created on.
    return queryset.alias(created_on=TruncDate("created_at")).annotate(
        received_amount=Coalesce(
            Subquery(received, output_field=money), Value(Decimal("0")), output_field=money
        )
    )


# --- the detail page --------------------------------------------------------------------


@dataclass
class TimelineEntry:
    kind: str  # "created", "contact", "transition", "probability" or "correction"
    at: datetime
    actor: object
    item: object = None


# What the timeline shows of each kind of row (customers.timeline.read_together's paths):
# contacts, corrections, steps and probability changes, each with who made it.
_TIMELINE_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "contacts",
        (
            "created_at",
            "contact_date",
            "channel",
            "summary",
            "is_planned",
            "approval",
            "made_under_id",
            "donor__name",
            *person_fields("staff"),
        ),
    ),
    ("corrections", ("at", "field", "old_value", "new_value", "note", *person_fields("actor"))),
    ("transitions", ("at", "source", "target", "note", *person_fields("actor"))),
    (
        "probability_changes",
        ("at", "old_probability", "new_probability", "success_factors", *person_fields("actor")),
    ),
)


def _timeline_parts(pk: int) -> list[tuple[QuerySet[Any], tuple[str, ...]]]:
    opportunity = Opportunity(pk=pk)
    return [
        (getattr(opportunity, relation).order_by(), fields) for relation, fields in _TIMELINE_PARTS
    ]


def _timeline_and_problem_parts(pk: int) -> list[tuple[QuerySet[Any], tuple[str, ...]]]:
    problems = Opportunity(pk=pk).problems.order_by()
    return [*_timeline_parts(pk), (problems, problems_panel.OPPORTUNITY_PANEL_FIELDS)]


@dataclass
class History:
    """What the opportunity page lists: its timeline, newest first, and the problems
    recorded on it in the panel's order (None unless asked for)."""

    timeline: list[TimelineEntry]
    problems: list[DonorProblem] | None


def history(opportunity: Opportunity, *, with_problems: bool = False) -> History:
    """Contacts (with the approvals of those that needed them), steps, probability changes
    and corrections, newest first, and with `with_problems` the problems (for those who may
    see them): one query, two when a contact needed approval."""
    name, parts = (
        ("opportunity_history", _timeline_and_problem_parts)
        if with_problems
        else ("opportunity_timeline", _timeline_parts)
    )
    contacts, corrections, steps, changes, *problems = read_together_by_key(
        name, parts, opportunity.pk, using=opportunity._state.db or DEFAULT_DB_ALIAS
    )
    # Each kind in its Meta.ordering first, which orders the rows of one kind made at once.
    contacts.sort(key=lambda contact: (contact.contact_date, contact.pk), reverse=True)
    for rows in (corrections, steps, changes):
        rows.sort(key=lambda row: (row.at, row.pk))
    # Only a flagged contact shows its approval steps: no query when none is.
    flagged = [contact for contact in contacts if contact.is_flagged]
    if flagged:
        prefetch_related_objects(
            flagged,
            Prefetch(
                "approval_steps",
                queryset=ContactApprovalStep.objects.select_related("decided_by"),
            ),
        )
    entries = [TimelineEntry("created", opportunity.created_at, opportunity.owner)]
    entries += [
        TimelineEntry("contact", contact.created_at, contact.staff, contact) for contact in contacts
    ]
    entries += [
        TimelineEntry("correction", correction.at, correction.actor, correction)
        for correction in corrections
    ]
    entries += [TimelineEntry("transition", step.at, step.actor, step) for step in steps]
    entries += [TimelineEntry("probability", change.at, change.actor, change) for change in changes]
    order = {"created": 0, "contact": 1, "correction": 2, "probability": 3, "transition": 4}
    return History(
        timeline=sorted(entries, key=lambda entry: (entry.at, order[entry.kind]), reverse=True),
        problems=problems_panel.in_panel_order(problems[0]) if problems else None,
    )


# --- donor contacts ---------------------------------------------------------------------


def _with_steps(queryset: QuerySet[DonorContact]) -> QuerySet[DonorContact]:
    return queryset.prefetch_related(
        Prefetch(
            "approval_steps",
            queryset=ContactApprovalStep.objects.select_related("decided_by"),
        )
    )


def contact_steps_awaiting(user: User) -> QuerySet[ContactApprovalStep]:
    """The decisions on contacts with others' donors this user may give now: one row per
    pending step of a party they decide for, never on their own contacts; oldest first."""
    parties = [party for party in ApprovalParty if user.has_perm(PARTY_PERMISSIONS[party])]
    if not parties:
        return ContactApprovalStep.objects.none()
    return (
        ContactApprovalStep.objects.filter(
            party__in=parties,
            decision=StepDecision.PENDING,
            contact__approval=ContactApproval.PENDING,
        )
        .exclude(contact__staff=user)
        .select_related(
            "contact__donor__point_of_contact", "contact__staff", "contact__opportunity"
        )
        .order_by("due_at", "contact_id", "id")
    )


def contacts_awaiting_approval(user: User) -> QuerySet[DonorContact]:
    """The flagged contacts awaiting a decision of this user, with all their steps."""
    ids = contact_steps_awaiting(user).values("contact_id")
    return _with_steps(
        DonorContact.objects.filter(pk__in=ids)
        .select_related("donor__point_of_contact", "staff", "opportunity")
        .order_by("created_at", "pk")
    )


def contact_with_steps(pk: int) -> QuerySet[DonorContact]:
    return _with_steps(
        DonorContact.objects.select_related(
            "donor__point_of_contact", "staff", "opportunity", "decided_by", "made_under"
        )
    ).filter(pk=pk)


def flagged_contacts_of(user: User, now: datetime | None = None) -> QuerySet[DonorContact]:
    """The contacts this user made or asked for that needed approval: those still waiting,
    and those decided in the last two weeks (the person learns the decision, 3.1.21)."""
    since = (now or timezone.now()) - FLAGGED_CONTACTS_WINDOW
    return _with_steps(
        DonorContact.objects.filter(staff=user)
        .filter(
            Q(approval=ContactApproval.PENDING)
            | Q(
                approval__in=[ContactApproval.APPROVED, ContactApproval.REFUSED],
                decided_at__gte=since,
            )
        )
        .select_related("donor", "opportunity", "made_contact")
        .order_by("-created_at", "-pk")
    )


# --- points of contact (3.1.21) ---------------------------------------------------------


def point_of_contact_candidates() -> QuerySet[User]:
    """Who may speak for a donor: active CRM staff, CRM managers and resource development."""
    from django.contrib.auth import get_user_model

    from association import roles

    groups = [
        role.group_name for role in (roles.CRM_STAFF, roles.CRM_MANAGER, roles.RESOURCE_DEVELOPMENT)
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def designations() -> QuerySet[PointOfContactDesignation]:
    return PointOfContactDesignation.objects.select_related(
        "donor", "staff", "proposed_by", "decided_by"
    )


def designations_awaiting_approval() -> QuerySet[PointOfContactDesignation]:
    return designations().filter(state=DesignationState.PROPOSED).order_by("due_at", "pk")


def designations_of(donor: Customer) -> QuerySet[PointOfContactDesignation]:
    return designations().filter(donor=donor).order_by("-created_at", "-pk")


def designation_proposals_of(
    user: User, now: datetime | None = None
) -> QuerySet[PointOfContactDesignation]:
    """This user's proposals awaiting the secretary, or decided in the last two weeks."""
    since = (now or timezone.now()) - FLAGGED_CONTACTS_WINDOW
    return (
        designations()
        .filter(proposed_by=user)
        .filter(
            Q(state=DesignationState.PROPOSED)
            | Q(
                state__in=[DesignationState.APPROVED, DesignationState.REFUSED],
                decided_at__gte=since,
            )
        )
        .order_by("-created_at", "-pk")
    )


def flagged_contacts_with_donors_of(
    user: User, now: datetime | None = None
) -> QuerySet[DonorContact]:
    """Contacts others made in the last two weeks with the donors this user speaks for."""
    since = (now or timezone.now()) - FLAGGED_CONTACTS_WINDOW
    return (
        DonorContact.objects.filter(donor__point_of_contact=user, created_at__gte=since)
        .exclude(approval=ContactApproval.NOT_NEEDED)
        .exclude(staff=user)
        .select_related("donor", "staff", "opportunity")
        .order_by("-created_at", "-pk")
    )


def recent_contacts_with(donor: Customer, limit: int = 5) -> QuerySet[DonorContact]:
    return (
        DonorContact.objects.filter(donor=donor)
        .select_related("staff", "opportunity")
        .order_by("-contact_date", "-pk")[:limit]
    )


def open_opportunities_of(donor: Customer) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.open()
        .filter(potentialdonor__donor=donor)
        .select_related("programme")
        .order_by("-last_activity_at")
    )


# --- the customer 360 ------------------------------------------------------------------


def pending_contacts_of(donor: Customer) -> QuerySet[DonorContact]:
    """Contacts with this donor awaiting the three parties' approval (3.1.21)."""
    return DonorContact.objects.filter(donor=donor, approval=ContactApproval.PENDING)


def contacts_of_donor(donor: Customer) -> QuerySet[DonorContact]:
    return (
        DonorContact.objects.filter(donor=donor)
        .select_related("staff", "opportunity")
        .order_by("-created_at", "-pk")
    )


def _opportunity_ids_of_donor(donor: Customer) -> QuerySet[Any]:
    """The ids of the opportunities this donor is a potential or the pledging donor of: a
    union of two index reads (an OR across the join read every opportunity)."""
    return (
        PotentialDonor.objects.filter(donor=donor)
        .order_by()
        .values("opportunity_id")
        .union(Opportunity.objects.filter(pledge_donor=donor).order_by().values("pk"))
    )


def opportunity_steps_of_donor(donor: Customer) -> QuerySet[OpportunityTransition]:
    """The moves of the donor's opportunities, not joined to them (a join let the planner
    hash every opportunity): the timeline reads the titles of the rows shown by key."""
    ids = _opportunity_ids_of_donor(donor)
    return (
        OpportunityTransition.objects.filter(opportunity_id__in=ids)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def donor_additions_of(donor: Customer) -> QuerySet[PotentialDonor]:
    """When the donor was named a potential donor of an opportunity, and by whom."""
    return (
        PotentialDonor.objects.filter(donor=donor)
        .select_related("opportunity", "added_by")
        .order_by("-added_at", "-id")
    )


def designation_steps_of(donor: Customer) -> QuerySet[DesignationTransition]:
    return (
        DesignationTransition.objects.filter(designation__donor=donor)
        .select_related("actor", "designation__staff")
        .order_by("-at", "-id")
    )


# --- my work ----------------------------------------------------------------------------


def stale_opportunities_for(user: User) -> QuerySet[Opportunity]:
    """The CRM manager reviews every stale opportunity; anyone else their own."""
    queryset = Opportunity.objects.stale().select_related("programme").order_by("last_activity_at")
    if user.has_perm("opportunities.move_opportunity"):
        return queryset
    return queryset.filter(owner=user)


# --- the pipeline (headline on "عملي", weekly report) -------------------------------------


@dataclass(frozen=True)
class PipelineRow:
    state: str
    count: int
    total: Decimal  # expected amounts (SAR)
    weighted: Decimal  # expected amounts weighted by the success probability (SAR)


def open_pipeline_by_state() -> list[PipelineRow]:
    """The open opportunities per state (identification, follow-up, closing, in that order,
    every state present): their number, expected amounts and weighted amounts. One query."""
    money: DecimalField = DecimalField(max_digits=20, decimal_places=2)
    rows = {
        row["state"]: row
        for row in Opportunity.objects.open()
        .order_by()
        .values("state")
        .annotate(
            count=Count("pk"),
            total=Sum("expected_amount"),
            weighted=Sum(
                ExpressionWrapper(F("expected_amount") * F("probability"), output_field=money)
            ),
        )
    }
    return [
        PipelineRow(
            state=state,
            count=rows.get(state, {}).get("count") or 0,
            total=Decimal(rows.get(state, {}).get("total") or 0),
            weighted=Decimal(rows.get(state, {}).get("weighted") or 0) / Decimal(100),
        )
        for state in OPEN_STATES
    ]
