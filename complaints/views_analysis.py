"""Analysis pages (manual 5.1.7-5.1.8 and procedure steps 8-9): recurring complaint groups
with the quality officer's analysis, and recommendations with the secretary's decision and
their follow-up. Thin views: the rules are in complaints.recurring and
complaints.recommendations."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import text_step_form
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, HistoryItem, action_panel
from core.views_steps import post_step, redisplay

from . import presentation, recommendations, recurring, register_reviews, selectors
from .complaint_tallies import Scope
from .errors import RecommendationError, RecurringGroupError
from .filters import local_day_start
from .forms import (
    PeriodForm,
    RecommendationFilterForm,
    RecommendationForm,
    ReviewForm,
    SolutionForm,
)
from .models import (
    Implementation,
    Recommendation,
    RecommendationDecision,
)

GROUPS_PAGE_SIZE = 20
CASES_PAGE_SIZE = 25
RECOMMENDATIONS_PAGE_SIZE = 25
# What a row of a group's complaints shows (complaints/recurring_detail.html).
GROUP_CASE_COLUMNS = (
    "tracking_number",
    "subject",
    "contact_name",
    "customer",
    "customer__code",
    "customer__name",
    "centre",
    "centre__name",
    "centre__name_en",
    "received_at",
    "state",
)
# What a group's page shows of its recommendations (the text and the decision) and of the
# earlier versions of its analysis: the other columns and the four people joined to a
# recommendation cost more to select than the few rows do to read. The state fields stay
# (django-fsm reads them).
GROUP_RECOMMENDATION_COLUMNS = ("text", "decision", "implementation")
GROUP_HISTORY_COLUMNS = (
    "history_date",
    "root_causes",
    "proposed_solutions",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
)


def _bounds(first_day, last_day):
    return local_day_start(first_day), local_day_start(last_day + datetime.timedelta(days=1))


# --- recurring groups ---------------------------------------------------------------------


def _period_query(first_day, last_day, kind=""):
    params = {"date_from": first_day.isoformat(), "date_to": last_day.isoformat()}
    if kind:
        params["kind"] = kind
    return urlencode(params)


@require_GET
def recurring_list(request):
    require(request.user, "complaints.view_recurringgroupreview")
    form = PeriodForm(request.GET)
    first_day, last_day, kind = form.period()
    start, end = _bounds(first_day, last_day)
    scope = selectors.analysis_scope(request.user)
    groups = recurring.find_groups(scope, start, end, kind)
    page = CappedPaginator(groups, GROUPS_PAGE_SIZE).get_page(request.GET.get("page"))
    recurring.add_details(page.object_list, scope, end)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/recurring_list.html",
        {
            "form": form,
            "page": page,
            "first_day": first_day,
            "last_day": last_day,
            "period_query": _period_query(first_day, last_day),
            "querystring": query.urlencode(),
        },
    )


def _may_write_review(user):
    return user.has_perm("complaints.add_recurringgroupreview") or user.has_perm(
        "complaints.change_recurringgroupreview"
    )


@require_http_methods(["GET", "POST"])
def recurring_detail(request):
    require(request.user, "complaints.view_recurringgroupreview")
    group_key = recurring.parse_group_key(request.GET.get("key", ""))
    if group_key is None:
        raise Http404
    read = _read_group(request, group_key)
    group = read.group
    may_write = _may_write_review(request.user)
    review_form = None
    if may_write:
        review = group.review
        review_form = ReviewForm(
            request.POST or None,
            initial={"root_causes": review.root_causes if review else ""},
        )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if review_form.is_valid():
            try:
                recurring.save_group_review(
                    actor=request.user,
                    group_key=group_key.key,
                    label=group.label,
                    **review_form.cleaned_data,
                )
            except RecurringGroupError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The analysis of the group was saved."))
                return redirect(request.get_full_path())
    return render_group_page(request, group_key, read=read, review_form=review_form)


@dataclass(frozen=True)
class _GroupRead:
    """A recurring group found for one request, with the period and the reader's scope it
    was found in (read once, whichever view draws the page)."""

    first_day: datetime.date
    last_day: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    scope: Scope
    group: recurring.RecurringGroup


def _read_group(request, group_key):
    first_day, last_day, _kind = PeriodForm(request.GET).period()
    start, end = _bounds(first_day, last_day)
    scope = selectors.analysis_scope(request.user)
    group = recurring.find_group(scope, group_key, start, end)
    return _GroupRead(first_day, last_day, start, end, scope, group)


def render_group_page(request, group_key, *, read=None, review_form=None, solution_form=None):
    """The page of one recurring group: its frequency, complaints, the quality officer's
    root causes, the proposed solutions with their implementation, the recommendations.
    `read` is the group already found for this request, if any."""
    from . import solutions

    if read is None:
        read = _read_group(request, group_key)
    first_day, last_day, start, end = read.first_day, read.last_day, read.start, read.end
    group, cases = read.group, read.scope.cases
    if review_form is None and _may_write_review(request.user):
        review_form = ReviewForm(
            initial={"root_causes": group.review.root_causes if group.review else ""}
        )
    if solution_form is None and request.user.has_perm(solutions.ADD_PERMISSION):
        solution_form = SolutionForm(initial={"group_key": group.key})
    shows_cases = request.user.has_perm("complaints.view_case")
    page = None
    if shows_cases:
        # The rows show the customer and the centre: nothing else is read. The group's
        # count is the roll-up's (the same complaints, analysis_scope mirroring the cases):
        # counting the period's complaints again would read all of them.
        group_cases = selectors.group_cases(cases, group_key, start, end).select_related(None)
        page = CappedPaginator(
            group_cases.select_related("customer", "centre").only(*GROUP_CASE_COLUMNS),
            CASES_PAGE_SIZE,
            known_count=group.count,
        ).get_page(request.GET.get("page"))
        presentation.with_state_labels(page)
    history = []
    group_solutions = []
    if group.review is not None:
        history = list(
            group.review.history.select_related("history_user")
            .only(*GROUP_HISTORY_COLUMNS)
            .order_by("-history_date")
        )
        group_solutions = list(solutions.solutions_of_reviews([group.review]))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/recurring_detail.html",
        {
            "group": group,
            "first_day": first_day,
            "last_day": last_day,
            "review_form": review_form,
            "solution_form": solution_form,
            "solutions": group_solutions,
            "page": page,
            "shows_cases": shows_cases,
            "history": history,
            "querystring": query.urlencode(),
            "period_query": _period_query(first_day, last_day),
            "recommendation_url": (
                f"{reverse('complaints:recommendation_new')}?{urlencode({'group_key': group.key})}"
            ),
            "recommendations": selectors.recommendations_visible_to(request.user)
            .filter(group_key=group.key)
            .select_related(None)
            .only(*GROUP_RECOMMENDATION_COLUMNS),
        },
    )


# --- recommendations ----------------------------------------------------------------------


def _require_recommendation_reader(user):
    """Holders of view_recommendation, and owners of a recommendation (their own only)."""
    if user.has_perm("complaints.view_recommendation"):
        return
    if not Recommendation.objects.filter(owner=user).exists():
        raise PermissionDenied


@require_GET
def recommendation_list(request):
    _require_recommendation_reader(request.user)
    filter_form = RecommendationFilterForm(request.GET)
    queryset = filter_form.filter(selectors.recommendations_visible_to(request.user))
    queryset = selectors.recommendations_ordered_for(queryset, request.user)
    page = CappedPaginator(queryset, RECOMMENDATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/recommendation_list.html",
        {"filter_form": filter_form, "page": page, "querystring": query.urlencode()},
    )


def _default_department(user):
    departments = recommendations.managed_departments(user)
    return departments[0] if len(departments) == 1 else ""


@require_http_methods(["GET", "POST"])
def recommendation_new(request):
    require(request.user, "complaints.add_recommendation")
    group_key = request.GET.get("group_key", "")
    if request.method == "POST":
        form = RecommendationForm(request.POST, user=request.user)
    else:
        initial = {
            "group_key": group_key if recurring.parse_group_key(group_key) else "",
            "department": _default_department(request.user),
        }
        review = _review_to_raise_from(request.user, request.GET.get("register_review"))
        if review is not None:
            initial.update(register_review=review.pk, department=review.department)
        form = RecommendationForm(initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = recommendations.recommendation_raise(actor=request.user, **data)
        except RecommendationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The recommendation was raised to the sub-council secretary.")
            )
            return redirect("complaints:recommendation_detail", pk=recommendation.pk)
    key = form["group_key"].value() or ""
    return render(
        request,
        "complaints/recommendation_form.html",
        {
            "form": form,
            "group_label": recurring.label_for_key(key) if key else "",
            "group_key": key,
            "register_review": _review_to_raise_from(request.user, form["register_review"].value()),
        },
    )


def _review_to_raise_from(user, pk):
    """The user's own department's weekly review with this id, or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        register_reviews.reviews_visible_to(user)
        .filter(pk=pk, department__in=register_reviews.departments_reviewed_by(user))
        .first()
    )


def _visible_recommendation_or_404(user, pk):
    return get_object_or_404(selectors.recommendations_visible_to(user), pk=pk)


@require_GET
def recommendation_detail(request, pk):
    recommendation = _visible_recommendation_or_404(request.user, pk)
    return render(
        request,
        "complaints/recommendation_detail.html",
        _recommendation_context(request, recommendation),
    )


def _recommendation_history(recommendation):
    """Its steps; the first is its raising, a step that keeps the state the investigation."""
    history = []
    for index, step in enumerate(recommendation.transitions.select_related("actor")):
        if index == 0:
            title = _("Raised")
        elif step.source == step.target:
            title = _("Investigation")
        else:
            title = step.get_target_display()
        history.append(HistoryItem(step.at, step.actor, title, step.note))
    return history


def _recommendation_context(request, recommendation, *, bound=None):
    group_label = ""
    if recommendation.group_key:
        group_label = recurring.label_for_key(recommendation.group_key)
    actions = recommendations.available_actions(recommendation, request.user)
    return {
        "rec": recommendation,
        "actions": actions,
        "panel": action_panel(
            RECOMMENDATION_ACTIONS,
            actions,
            url=lambda name: reverse(
                "complaints:recommendation_action", args=[recommendation.pk, name]
            ),
            bound=bound,
        ),
        "transitions": _recommendation_history(recommendation),
        "group_label": group_label,
        "may_read_groups": request.user.has_perm("complaints.view_recurringgroupreview"),
        "may_read_register_review": recommendation.register_review is not None
        and recommendation.register_review.department
        in register_reviews.departments_visible_to(request.user),
        "decisions": RecommendationDecision,
        "implementations": Implementation,
    }


def _note(data, name="note"):
    return data.get(name, "")


_ACTIONS = {
    "approve": lambda rec, user, data: recommendations.recommendation_decide(
        actor=user, recommendation=rec, approve=True, note=_note(data)
    ),
    "reject": lambda rec, user, data: recommendations.recommendation_decide(
        actor=user, recommendation=rec, approve=False, note=_note(data)
    ),
    "implemented": lambda rec, user, data: recommendations.recommendation_record_implementation(
        actor=user, recommendation=rec, implemented=True, note=_note(data)
    ),
    "not_implemented": lambda rec, user, data: recommendations.recommendation_record_implementation(
        actor=user, recommendation=rec, implemented=False, note=_note(data)
    ),
    "investigation": lambda rec, user, data: recommendations.recommendation_record_investigation(
        actor=user, recommendation=rec, reasons=_note(data, "reasons")
    ),
}

# The steps of the recommendation page, the natural next step first (core.steps).
RECOMMENDATION_ACTIONS = (
    Action(
        "approve",
        gettext_lazy("Approve"),
        text_step_form(gettext_lazy("decision note"), required=False),
        icon="bi-check2",
        style="success",
    ),
    Action(
        "investigation",
        gettext_lazy("Record the investigation"),
        text_step_form(gettext_lazy("reasons found"), name="reasons"),
        icon="bi-search",
    ),
    Action(
        "implemented",
        pgettext_lazy("recommendation", "Implemented"),
        text_step_form(gettext_lazy("implementation note"), required=False),
        icon="bi-check2-circle",
        style="success",
    ),
    Action(
        "reject",
        gettext_lazy("Reject"),
        text_step_form(gettext_lazy("Reason for rejecting")),
        icon="bi-x-circle",
        confirm=gettext_lazy("Reject this recommendation?"),
    ),
    Action(
        "not_implemented",
        pgettext_lazy("recommendation", "Not implemented"),
        text_step_form(gettext_lazy("Why was it not implemented?")),
        icon="bi-x-circle",
        confirm=gettext_lazy("Record this recommendation as not implemented?"),
    ),
)

_DONE_MESSAGES = {
    "approve": gettext_lazy("The recommendation was approved."),
    "reject": gettext_lazy("The recommendation was rejected."),
    "implemented": gettext_lazy("The recommendation was recorded as implemented."),
    "not_implemented": gettext_lazy(
        "The recommendation was recorded as not implemented: investigate the reasons within "
        "2 working days."
    ),
    "investigation": gettext_lazy("The reasons found were recorded."),
}


@require_POST
def recommendation_action(request, pk, action):
    recommendation = _visible_recommendation_or_404(request.user, pk)
    if action not in _ACTIONS:
        raise PermissionDenied
    return post_step(
        request,
        action=action,
        declared=RECOMMENDATION_ACTIONS,
        available=recommendations.available_actions(recommendation, request.user),
        step=lambda data: _ACTIONS[action](recommendation, request.user, data),
        refusal=RecommendationError,
        done=_DONE_MESSAGES[action],
        show_again=lambda name, form: redisplay(
            request,
            "complaints/recommendation_detail.html",
            _recommendation_context(request, recommendation, bound=(name, form)),
        ),
        to="complaints:recommendation_detail",
        pk=recommendation.pk,
    )
