"""The reads of the complaints register: who sees which cases (each department its own
queue, manual 5, and whoever registered a case keeps reading it wherever it was routed),
the public's tracking lookup, the complaints of the recurring-group analysis, the FAQ and
the recommendations. The writes are in services.py, faq.py, recommendations.py and the
other workflow modules."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db.models import Case as Conditional
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from association import roles
from association.models import Centre, StaffProfile
from core.cache import cached, register_topic
from core.dashboard import by_month, month_after, month_start
from core.text import normalize_arabic
from customers.models import Customer

from .models import (
    OPEN_STATES,
    Case,
    CaseCategory,
    CaseEvent,
    CaseKind,
    CaseRoute,
    CaseTransition,
    FaqEntry,
    FaqState,
    Recommendation,
    RecommendationDecision,
)

if TYPE_CHECKING:
    from .complaint_tallies import Scope
    from .recurring import GroupKey

AnyUser = User | AnonymousUser

# Roles reading every case: the quality officer analyses all complaints.
READ_ALL_ROLES = {roles.QUALITY_OFFICER}
CRM_ROLES = {roles.CRM_STAFF, roles.CRM_MANAGER}

_RELATED = ("customer", "centre", "programme", "category", "assigned_to", "registered_by")
# The relations the case page joins: those of almost every case. PostgreSQL plans a join
# of ten tables in longer than it runs it (about 3 ms against 0.5 ms for these five); the
# links a case seldom has (programme, FAQ entry, registration request, possible match,
# tracked link) are read on their own, and only when set.
CASE_PAGE_RELATED = ("customer", "centre", "category", "assigned_to", "registered_by")

# Who may be assigned a case (case_handlers): renewed by any change of a user, a group,
# a permission, their links, or a staff member's centres.
CASE_HANDLERS_TOPIC = "case_handlers"
register_topic(
    CASE_HANDLERS_TOPIC,
    get_user_model(),
    Group,
    Permission,
    StaffProfile,
    m2m_through=(
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
        StaffProfile.centres.through,
    ),
    form_options=False,
)


def _queue_routes(user: User) -> tuple[list[str], bool]:
    """The queues this user's roles handle: the routes handled whole, and whether the
    centres cases of the user's own centres are handled too. CRM staff and manager: the CRM
    queue. Centres-affairs manager: the whole centres queue; centres-affairs staff: the
    centres cases of their own centres."""
    user_role_set = set(roles.user_roles(user))
    routes: list[str] = []
    if user_role_set & CRM_ROLES:
        routes.append(CaseRoute.CRM)
    if roles.CENTRES_MANAGER in user_role_set:
        routes.append(CaseRoute.CENTRES)
    own_centres = roles.CENTRES_STAFF in user_role_set and CaseRoute.CENTRES not in routes
    return routes, own_centres


def _queue_condition(user: User, *, route: str = "routed_to", centre: str = "centre") -> Q:
    """The queues this user's roles handle (_queue_routes), as a condition on a route field
    and a centre field (of a case, or of a case event's origin)."""
    routes, own_centres = _queue_routes(user)
    condition = Q(pk__in=[])
    for handled in routes:
        condition |= Q(**{route: handled})
    if own_centres:
        condition |= Q(
            **{route: CaseRoute.CENTRES, f"{centre}__in": Centre.objects.filter(staff__user=user)}
        )
    return condition


def category_names() -> dict[int, str]:
    """Every case category's name by its id, from the `case_categories` cache."""
    return cached(
        "case_categories",
        "names:by_pk",
        lambda: dict(CaseCategory.objects.values_list("pk", "name")),
    )


def cases_in_queue_of(user: AnyUser) -> QuerySet[Case]:
    """The cases this user's department (and centres) handle now: the only cases they may
    act on (services._require_handler). Superusers: every case."""
    queryset = Case.objects.select_related(*_RELATED)
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_queue_condition(user))


def first_case_ids(cases: QuerySet[Case], limit: int) -> list[int]:
    """The ids of the first `limit` cases of `cases`, in its order, read without a join:
    the queue's condition, the filter and the order alone, which the partial indexes of
    open cases (Case.Meta.indexes) answer, whatever the size of the register."""
    return list(cases.select_related(None).values_list("pk", flat=True)[:limit])


def cases_in_order(ids: list[int], queryset: QuerySet[Case] | None = None) -> list[Case]:
    """The cases of `ids` in that order, read by primary key from `queryset` (the plain
    cases by default: add the relations and annotations the page shows)."""
    if not ids:
        return []
    base = Case.objects.all() if queryset is None else queryset
    found = {case.pk: case for case in base.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]


def case_handlers(case: Case, *, current: User | None = None) -> QuerySet[User]:
    """The people who may handle the case now, as its assignee: active staff with the right
    to act on cases whose queue holds it (the rule of _queue_condition, read from the user's
    side), `current` first, then by name."""
    may_act = Q(
        groups__permissions__codename="change_case",
        groups__permissions__content_type__app_label="complaints",
    ) | Q(
        user_permissions__codename="change_case",
        user_permissions__content_type__app_label="complaints",
    )
    if case.routed_to == CaseRoute.CRM:
        queue = Q(groups__name__in=[role.group_name for role in CRM_ROLES])
    elif case.routed_to == CaseRoute.CENTRES:
        queue = Q(groups__name=roles.CENTRES_MANAGER.group_name) | Q(
            groups__name=roles.CENTRES_STAFF.group_name,
            staff_profile__centres=case.centre_id,
        )
    else:
        queue = Q(pk__in=[])
    handler_pks = (
        get_user_model().objects.filter(may_act, is_active=True).filter(queue).values("pk")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=handler_pks)
        .annotate(
            is_current=Conditional(
                When(pk=current.pk if current else None, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_current", "first_name", "last_name", "username")
    )


def case_handler_choices(case: Case, *, current: User | None = None) -> list[tuple[int, str]]:
    """case_handlers(case, current=current) as [(pk, full name or username)], read from
    the cache (one per queue): the options of the assignee's select."""

    def compute() -> list[tuple[int, str]]:
        return [
            (user.pk, user.get_full_name() or user.get_username())
            for user in case_handlers(case).only("username", "first_name", "last_name")
        ]

    # The centre matters to the centres' queue only.
    centre = case.centre_id if case.routed_to == CaseRoute.CENTRES else ""
    handlers = cached(CASE_HANDLERS_TOPIC, f"{case.routed_to}:{centre}", compute)
    # case_handlers' order: the current user first, the others by name as they are.
    return sorted(handlers, key=lambda choice: current is None or choice[0] != current.pk)


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """The cases this user reads. Superusers and the quality officer: every case. Everyone
    else with the right to read cases: their queue (cases_in_queue_of), and the cases they
    registered themselves, wherever those were routed. Anyone else: nothing."""
    queryset = Case.objects.select_related(*_RELATED)
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return queryset.none()
    if _reads_every_case(user):
        return queryset
    return queryset.filter(_queue_condition(user) | Q(registered_by=user))


def _reads_every_case(user: AnyUser) -> bool:
    return user.is_superuser or bool(set(roles.user_roles(user)) & READ_ALL_ROLES)


def visible_case_parts(user: AnyUser) -> list[QuerySet[Case]]:
    """cases_visible_to(user) as querysets with no case in common: the user's queue, then
    the cases they registered for another queue. Counted one by one, each reads its own
    index (core.pagination.capped_count_of_parts). Empty when the user reads every case or
    none: there is nothing to split."""
    if not user.has_perm("complaints.view_case") or _reads_every_case(user):
        return []
    queue = _queue_condition(cast(User, user))  # has a permission, so signed in
    return [
        Case.objects.filter(queue),
        Case.objects.filter(registered_by=user).exclude(queue),
    ]


# What a row of the register shows (complaints/case_list.html): the case's own columns and
# its customer's code and name. Centres and category names come from their caches, so the
# page's rows are read with one join, not six.
REGISTER_COLUMNS = (
    "tracking_number",
    "kind",
    "channel",
    "routed_to",
    "subject",
    "contact_name",
    "customer",
    "customer__code",
    "customer__name",
    "centre",
    "category",
    "state",
    "received_at",
    "replied_at",
    "answer_due_at",
    "due_at",
)


def register_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The register's `cases` reading only what its rows show (REGISTER_COLUMNS)."""
    return cases.select_related(None).select_related("customer").only(*REGISTER_COLUMNS)


def cases_of_customer(user: AnyUser, customer: Customer) -> QuerySet[Case]:
    """This customer's cases that this user reads (the customer 360 page). Built once per
    customer instance (fetched anew by each request) and reader: the page asks it for its
    panel, badge and timeline, and the reader's queue condition is dear to build; each
    caller gets its own copy (a QuerySet keeps the rows it read)."""
    built: dict[Any, QuerySet[Case]] = customer.__dict__.setdefault("_cases_of_reader", {})
    if user.pk not in built:
        built[user.pk] = cases_visible_to(user).filter(customer=customer)
    return built[user.pk].all()


def open_cases_of_customer(user: AnyUser, customer: Customer) -> QuerySet[Case]:
    """This customer's open cases the user reads."""
    return Case.objects.filter(
        pk__in=cases_of_customer(user, customer).values("pk"), state__in=OPEN_STATES
    )


def case_steps_of_customer(user: AnyUser, customer: Customer) -> QuerySet[CaseTransition]:
    """The steps of this customer's cases the user reads, newest first."""
    cases = cases_of_customer(user, customer).values("pk")
    return (
        CaseTransition.objects.filter(case__in=cases)
        .select_related("actor", "case")
        .order_by("-at", "-id")
    )


def case_events_of_customer(user: AnyUser, customer: Customer) -> QuerySet[CaseEvent]:
    """The referrals and re-routes of this customer's cases the user reads. Their
    centres are not joined (the customer 360 takes them from the places cache)."""
    cases = cases_of_customer(user, customer).values("pk")
    return (
        CaseEvent.objects.filter(case__in=cases)
        .select_related("actor", "case")
        .order_by("-at", "-id")
    )


def user_handles_case(user: AnyUser, case: Case) -> bool:
    """Whether the case is in this user's queue now. Asked several times by one page (the
    buttons, the referral, the match): remembered on the case for its current queue, so a
    move of the in-memory case asks again."""
    remembered = case.__dict__.setdefault("_handled_by", {})
    key = (user.pk, case.routed_to, case.centre_id)
    if key not in remembered:
        remembered[key] = _in_queue_of(user, case)
    return remembered[key]


def _in_queue_of(user: AnyUser, case: Case) -> bool:
    """cases_in_queue_of(user) holds the case, read from the case's route and centre: no
    query, but for a centres case asked by a centres-affairs employee (their own centres)."""
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return False
    if user.is_superuser:
        return True
    routes, own_centres = _queue_routes(user)
    if case.routed_to in routes:
        return True
    return (
        own_centres
        and case.routed_to == CaseRoute.CENTRES
        and case.centre_id is not None
        and Centre.objects.filter(staff__user=user, pk=case.centre_id).exists()
    )


def case_left_queue_of(user: AnyUser, pk: int | str) -> bool:
    """True when the case was moved out of this user's queue (referred, or re-routed when
    linked to a customer): an action sent from a page shown before the move then gets a
    message instead of a 404."""
    if not user.is_authenticated or not user.has_perm("complaints.change_case"):
        return False
    return (
        CaseEvent.objects.filter(case_id=pk)
        .exclude(to_route="")
        .filter(_queue_condition(user, route="from_route", centre="from_centre"))
        .exists()
    )


def find_public_case(tracking_number: str, mobile: str) -> Case | None:
    """The case with this tracking number whose contact mobile, or whose customer's mobile,
    is this one (both normalised); None otherwise. One indexed query."""
    return (
        Case.objects.filter(tracking_number=tracking_number)
        .filter(Q(contact_mobile=mobile) | Q(customer__mobile=mobile))
        .only(
            "tracking_number",
            "kind",
            "subject",
            "received_at",
            "state",
            "reply",
            "immediate_answer",
            "replied_at",
            "closed_at",
        )
        .first()
    )


# --- recurring groups (complaints.recurring) ----------------------------------------------


def analysis_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases whose groups this user reads. Staff of a queue: their own cases. Readers
    of the analysis without access to the register (the sub-council secretary, the
    planning director): every case, for the counts only; the pages never list the cases
    to them."""
    if user.has_perm("complaints.view_case"):
        return cases_visible_to(user)
    if user.is_authenticated and user.has_perm("complaints.view_recurringgroupreview"):
        return Case.objects.all()
    return Case.objects.none()


def analysis_scope(user: AnyUser) -> "Scope":
    """analysis_cases(user) as the recurring-complaints roll-up reads it: a condition on
    ComplaintTally rows (their queue, route and centre, or the user as their registrar)."""
    from .complaint_tallies import Scope

    cases = analysis_cases(user)
    if user.has_perm("complaints.view_case"):
        if _reads_every_case(user):
            return Scope(cases, key="all")
        reader = cast(User, user)  # has a permission, so signed in
        routes, own_centres = _queue_routes(reader)
        return Scope(
            cases,
            rows=_queue_condition(reader, centre="centre_key") | Q(registrar_key=reader.pk),
            # Centres-affairs staff read their own centres: their totals are not kept.
            key=None if own_centres else f"routes:{','.join(routes)}:registrar:{reader.pk}",
        )
    if user.is_authenticated and user.has_perm("complaints.view_recurringgroupreview"):
        return Scope(cases, key="all")
    return Scope(cases, rows=Q(pk__in=[]))


def complaints_between(
    cases: QuerySet[Case], start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Case]:
    return cases.filter(kind=CaseKind.COMPLAINT, received_at__gte=start, received_at__lt=end)


def group_cases(
    cases: QuerySet[Case], group_key: "GroupKey", start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Case]:
    """The complaints of one group in the period, the latest first."""
    return (
        complaints_between(cases, start, end)
        .filter(group_key.condition())
        .order_by("-received_at", "-id")
    )


# --- the FAQ ---------------------------------------------------------------------------------

# Search words shorter than this are ignored (single letters match almost everything).
_MIN_SEARCH_WORD = 2
# Search words taken from the public page's ?q=, so that a long query cannot make a long
# SQL statement.
FAQ_MAX_WORDS = 8


def faq_entries_visible_to(user: AnyUser) -> QuerySet[FaqEntry]:
    """Every entry, whatever its state, for staff who read the FAQ; nothing otherwise."""
    queryset = FaqEntry.objects.select_related("category", "proposed_by", "decided_by")
    if not user.has_perm("complaints.view_faqentry"):
        return queryset.none()
    return queryset


def published_faq_entries() -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(state=FaqState.PUBLISHED).select_related("category")


def search_faq_entries(queryset: QuerySet[FaqEntry], text: str | None) -> QuerySet[FaqEntry]:
    """Every word of the query, Arabic-normalised, must appear in the question or answer:
    "الأسئلة" finds "الاسئله", and Arabic-Indic digits find ASCII ones."""
    words = [word for word in normalize_arabic(text or "").split() if len(word) >= _MIN_SEARCH_WORD]
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition) if words else queryset


def faq_ordered_for(queryset: QuerySet[FaqEntry], user: AnyUser) -> QuerySet[FaqEntry]:
    """For a manager who publishes, the proposals awaiting approval come first (oldest
    first); everyone else sees the most used answers first."""
    if user.has_perm("complaints.publish_faqentry"):
        waiting = Conditional(
            When(state=FaqState.PROPOSED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return queryset.annotate(waiting_first=waiting).order_by(
            "waiting_first", "-times_used", "proposed_at", "pk"
        )
    return queryset.order_by("-times_used", "question", "pk")


def faq_proposals_awaiting(user: AnyUser) -> QuerySet[FaqEntry]:
    """Proposals a manager may approve: waiting, and none of whose text they wrote."""
    if not user.has_perm("complaints.publish_faqentry"):
        return FaqEntry.objects.none()
    return (
        FaqEntry.objects.filter(state=FaqState.PROPOSED)
        .exclude(proposed_by=user)
        .exclude(text_authors=user)
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )


def published_faq(query: str = "", category: Any = None) -> QuerySet[FaqEntry]:
    """Published FAQ entries matching every word of the query after Arabic normalisation,
    the most used first."""
    entries = FaqEntry.objects.filter(state=FaqState.PUBLISHED)
    for word in normalize_arabic(query).split()[:FAQ_MAX_WORDS]:
        entries = entries.filter(search_text__contains=word)
    if category is not None:
        entries = entries.filter(category=category)
    return entries.select_related("category").order_by("-times_used", "question", "pk")


# --- recommendations -----------------------------------------------------------------------


def recommendations_visible_to(user: AnyUser) -> QuerySet[Recommendation]:
    """Managers, the quality officer and the secretary (view_recommendation) see every
    recommendation; anyone else only those they own."""
    queryset = Recommendation.objects.select_related(
        "owner", "raised_by", "decided_by", "investigated_by", "register_review"
    )
    if not user.is_authenticated:
        return queryset.none()
    if user.has_perm("complaints.view_recommendation"):
        return queryset
    return queryset.filter(owner=user)


def recommendations_ordered_for(
    queryset: QuerySet[Recommendation], user: AnyUser
) -> QuerySet[Recommendation]:
    """The secretary sees those awaiting her decision first."""
    if user.has_perm("complaints.decide_recommendation"):
        return queryset.order_by(
            Conditional(
                When(decision=RecommendationDecision.RAISED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-raised_at",
            "-id",
        )
    return queryset.order_by("-raised_at", "-id")


def owner_choices() -> QuerySet[User]:
    """The people a recommendation or a proposed solution may be given to: active users."""
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


# --- headline figures on "عملي" (core.dashboard) ---------------------------------------------


def headline_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases a user's headline figures count: the cases they read (a manager's queue),
    or every case for the readers of the figures without the register (the sub-council
    secretary and the association's management, who read them in the monthly report)."""
    if user.has_perm("complaints.view_case"):
        return cases_visible_to(user)
    return Case.objects.all()


def open_case_counts(cases: QuerySet[Case], now: datetime.datetime) -> tuple[int, int]:
    """(open, overdue) among `cases`, in one aggregate query. Open: not closed (the
    register's "open" filter); overdue: open and past the deadline of its current step."""
    from .models import OPEN_STATES

    totals = (
        cases.filter(state__in=OPEN_STATES)
        .order_by()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    return totals["open"], totals["overdue"]


def answered_within_deadline_by_month(
    cases: QuerySet[Case], months: list[datetime.date]
) -> list[tuple[datetime.date, int, int]]:
    """[(first day of the month, answered, answered within the answer deadline)] of the cases
    received in each month of `months` (oldest first), in one grouped query (the closed
    months kept an hour): the share of the monthly report
    (complaints.statistics.within_deadline_share) month by month."""
    if not months:
        return []

    def shares(chosen: Sequence[datetime.date]) -> list[tuple[datetime.date, int, int]]:
        rows = (
            cases.filter(
                received_at__gte=month_start(chosen[0]),
                received_at__lt=month_start(month_after(chosen[-1])),
                replied_at__isnull=False,
                answer_due_at__isnull=False,
            )
            .order_by()
            .annotate(month=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
            .values("month")
            .annotate(
                answered=Count("pk"),
                within=Count("pk", filter=Q(replied_at__lte=F("answer_due_at"))),
            )
        )
        totals: dict[tuple[int, int], tuple[int, int]] = {}
        for row in rows:
            month = timezone.localtime(row["month"], timezone.get_default_timezone())
            answered, within = totals.get((month.year, month.month), (0, 0))
            totals[(month.year, month.month)] = (
                answered + row["answered"],
                within + row["within"],
            )
        return [(day, *totals.get((day.year, day.month), (0, 0))) for day in chosen]

    # The closed months kept an hour per queue (core.dashboard.by_month).
    return by_month("answered_within_deadline", cases, months, shares)
