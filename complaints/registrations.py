"""What the complaints app adds to the shared navigation bar and the my-work page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from core import cache, dashboard, mywork, navigation

from . import (  # noqa: F401
    complaint_tallies,
    faq,
    profile_panels,
    recommendations,
    recurring,
    register_reviews,
    solutions,
)
from .models import CaseCategory, ComplaintTally

# The cases' categories: options of the register's filters and forms, read from the cache
# until one of them is saved or deleted.
cache.register_topic("case_categories", CaseCategory)
# The recurring groups' totals per reader and period (complaint_tallies.group_totals), kept
# until the roll-up changes: every write that moves a complaint saves its rows.
cache.register_topic(complaint_tallies.TOTALS_TOPIC, ComplaintTally, form_options=False)

# The public pages' bar: filing a case, tracking it, the FAQ.
for public_link in (
    navigation.PublicLink(
        gettext_lazy("Send a request"),
        "public:file",
        "pencil-square",
        weight=10,
        current=("public:file", "public:filed"),
    ),
    navigation.PublicLink(
        gettext_lazy("Track a request"),
        "public:track",
        "search",
        weight=20,
        current=("public:track",),
    ),
    navigation.PublicLink(
        gettext_lazy("FAQ"), "public:faq", "question-circle", weight=40, current=("public:faq",)
    ),
):
    navigation.register_public_link(public_link)

navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Complaints register"),
        "complaints:list",
        "journal-text",
        "complaints.view_case",
    ),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Register a case"),
        "complaints:new",
        "plus-circle",
        "complaints.add_case",
    ),
)

navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Frequently asked questions"),
        "complaints:faq_list",
        "patch-question",
        "complaints.view_faqentry",
    ),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(gettext_lazy("Public page"), "public:file", "globe", "complaints.view_case"),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Recurring complaints"),
        "complaints:recurring",
        "arrow-repeat",
        "complaints.view_recurringgroupreview",
    ),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Recommendations"),
        "complaints:recommendations",
        "lightbulb",
        "complaints.view_recommendation",
    ),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Weekly register reviews"),
        "complaints:register_reviews",
        "journal-check",
        "complaints.view_registerreview",
    ),
)
for provider in (
    register_reviews.register_reviews_due,
    faq.faq_proposals_to_approve,
    recommendations.recommendations_awaiting_decision,
    recommendations.recommendations_due,
    recommendations.recommendations_awaiting_investigation,
    recurring.groups_awaiting_analysis,
    solutions.solutions_to_implement,
    solutions.solutions_overdue,
):
    mywork.register_work_provider(provider)


# The cases listed in a section of "عملي" (the register holds the rest).
WORK_ITEMS = 20


def _today_bounds():
    today = timezone.localdate()
    return (
        timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(today, datetime.time.max)),
    )


@mywork.register_work_provider
def cases_due(user):
    """Open cases of my queue that are overdue or due today (manual 5.2 deadlines), and,
    on a working day, those studied or awaiting a callback with no register entry yet
    today (the register is updated daily)."""
    from django.db.models import Q

    from association.workdays import is_working_day

    from .models import OPEN_STATES, CaseState
    from .selectors import cases_in_order, cases_in_queue_of, first_case_ids

    if not user.has_perm("complaints.change_case"):
        return None
    start_of_today, end_of_today = _today_bounds()
    due = Q(due_at__lte=end_of_today)
    if is_working_day(timezone.localdate()):
        waiting = (CaseState.UNDER_STUDY, CaseState.CALLBACK_PROMISED)
        due |= Q(state__in=waiting, last_activity_at__lt=start_of_today)
    cases = (
        cases_in_queue_of(user).filter(state__in=OPEN_STATES).filter(due).order_by("due_at", "pk")
    )
    # The twenty ids first (no join), then those rows alone.
    items = [
        mywork.WorkItem(
            title=str(case),
            url=reverse("complaints:detail", args=[case.pk]),
            due=case.due_at,
            detail=_daily_detail(case, start_of_today),
        )
        for case in cases_in_order(first_case_ids(cases, WORK_ITEMS))
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Cases due today or overdue"),
        items=items,
        list_url=f"{reverse('complaints:list')}?state=open",
    )


def _daily_detail(case, start_of_today):
    detail = f"{case.get_kind_display()} · {case.get_state_display()}"
    if case.last_activity_at and case.last_activity_at < start_of_today:
        detail += " · " + _("not updated today")
    return detail


@mywork.register_work_provider
def cases_referred(user):
    """Cases referred to my queue (by another department or centre, or re-routed when
    linked to a customer of another kind) that nobody here has acted on yet."""
    from django.db.models import F, OuterRef, Q, Subquery

    from .models import OPEN_STATES, Case, CaseEvent, route_label
    from .selectors import cases_in_order, cases_in_queue_of, first_case_ids

    if not user.has_perm("complaints.change_case"):
        return None
    referred = (
        cases_in_queue_of(user)
        .filter(state__in=OPEN_STATES, referred_at__isnull=False)
        .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lte=F("referred_at")))
        .order_by("-referred_at", "-pk")
    )
    # The twenty ids first (no join), then where those twenty came from.
    moves = (
        CaseEvent.objects.filter(case=OuterRef("pk")).exclude(to_route="").order_by("-at", "-pk")
    )
    cases = cases_in_order(
        first_case_ids(referred, WORK_ITEMS),
        Case.objects.annotate(
            came_from_route=Subquery(moves.values("from_route")[:1]),
            came_from_centre=Subquery(moves.values("from_centre__name")[:1]),
        ),
    )
    items = [
        mywork.WorkItem(
            title=str(case),
            url=reverse("complaints:detail", args=[case.pk]),
            due=case.due_at,
            detail=_("%(kind)s · from %(source)s")
            % {
                "kind": case.get_kind_display(),
                "source": route_label(case.came_from_route, case.came_from_centre),
            },
        )
        for case in cases
    ]
    if not items:
        return None
    return mywork.WorkSection(title=_("Newly referred to you"), items=items)


# --- headline figures on "عملي" (core.dashboard) ---------------------------------------------


def _register_link(user, **query):
    """The register filtered by `query`, for those who may open it."""
    if not user.has_perm("complaints.view_case"):
        return ""
    return f"{reverse('complaints:list')}?{urlencode(query)}"


@dashboard.register_headline
def open_cases_headline(user):
    """Open and overdue cases (of the manager's queue; the association's for the others),
    with the cases received month by month."""
    from .selectors import headline_cases, open_case_counts

    cases = headline_cases(user)
    open_count, overdue = open_case_counts(cases, timezone.now())
    received = dashboard.monthly_counts(cases, "received_at", dashboard.recent_months())
    return dashboard.waiting_headline(
        key="open_cases",
        order=10,
        label=_("Open cases"),
        waiting=open_count,
        overdue=overdue,
        overdue_text=npgettext("cases", "%(count)s overdue", "%(count)s overdue", overdue),
        url=_register_link(user, state="open", **({"overdue": "1"} if overdue else {})),
        chart=dashboard.bar_chart(received, _("Cases received each month")),
    )


@dashboard.register_headline
def within_deadline_headline(user):
    """The share of this month's cases answered by their answer deadline (manual 5.2), with
    the share month by month."""
    from .selectors import answered_within_deadline_by_month, headline_cases

    months = dashboard.recent_months()
    rows = answered_within_deadline_by_month(headline_cases(user), months)
    _month, answered, within = rows[-1]
    shares = [
        (dashboard.month_label(day), round(100 * done / total) if total else 0)
        for day, total, done in rows
    ]
    return dashboard.Headline(
        key="within_deadline",
        order=20,
        label=_("Answered within the deadline this month"),
        value=dashboard.percentage(within / answered if answered else None),
        detail=ngettext(
            "%(within)s of %(answered)s case answered",
            "%(within)s of %(answered)s cases answered",
            answered,
        )
        % {"within": dashboard.figure(within), "answered": dashboard.figure(answered)},
        url=_register_link(user, date_from=months[-1].isoformat()),
        chart=dashboard.bar_chart(shares, _("Share answered within the deadline, by month (%)")),
    )
