"""Pages of the donor-relationship problems register: thin views over
opportunities.problems (access → form → service → message → redirect)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagination import CappedPaginator
from core.steps import Action, action_panel
from core.text import bdi, html_message
from core.views_steps import redisplay, step_runner

from . import problems
from .forms_problems import ActionForm, AssignForm, ProblemFilter, ProblemForm, ResolveForm
from .models import Opportunity, ProblemState

PAGE_SIZE = 25


def _require_register(user):
    if not problems.may_open_register(user):
        raise PermissionDenied


def _problem_or_404(user, pk):
    _require_register(user)
    return get_object_or_404(problems.problems_visible_to(user), pk=pk)


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def problem_list(request):
    _require_register(request.user)
    problem_filter = ProblemFilter(request.GET, queryset=problems.problems_visible_to(request.user))
    queryset = problems.register_rows(problem_filter.qs)
    queryset = queryset.order_by("resolved_at", "resolve_by", "-pk")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/problem_list.html",
        {
            "filter": problem_filter,
            "page": page,
            "querystring": _querystring_without_page(request),
        },
    )


def _opportunity_from(params, user):
    value = params.get("opportunity", "")
    if not value.isdigit() or not user.has_perm("opportunities.view_opportunity"):
        return None
    return Opportunity.objects.select_related("programme", "pledge_donor").filter(pk=value).first()


def _initial(request, opportunity):
    initial = {}
    donor = request.GET.get("donor", "")
    if donor.isdigit():
        from customers.models import Customer

        found = Customer.objects.filter(pk=donor).values_list("code", flat=True).first()
        if found:
            initial["donor_code"] = found
    if opportunity is not None:
        if opportunity.pledge_donor_id and "donor_code" not in initial:
            initial["donor_code"] = opportunity.pledge_donor.code
        if request.GET.get("kind") == "pledge":
            initial.update(kind="pledge_not_honoured", severity="high")
            initial["title"] = _("Pledge not received: %(title)s") % {"title": opportunity.title}
    return initial


@require_http_methods(["GET", "POST"])
def problem_create(request):
    if not request.user.has_perm("opportunities.add_donorproblem"):
        raise PermissionDenied
    # The query string names the opportunity on the form page and on its submission alike.
    opportunity = _opportunity_from(request.GET, request.user)
    may_assign = problems.may_manage(request.user)
    form = ProblemForm(
        request.POST or None,
        initial=_initial(request, opportunity),
        may_assign=may_assign,
        opportunity=opportunity,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = problems.problem_raise(
                actor=request.user,
                donor=data["donor_code"],
                kind=data["kind"],
                severity=data["severity"],
                title=data["title"],
                description=data["description"],
                opportunity=opportunity,
                programme=data.get("programme"),
                owner=data.get("owner"),
            )
        except problems.ProblemError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                html_message(
                    _("The problem was recorded and %(owner)s is handling it."),
                    {"owner": bdi(problem.owner.get_full_name() or problem.owner.get_username())},
                ),
            )
            return redirect("opportunities:problem_detail", pk=problem.pk)
    return render(
        request,
        "opportunities/problem_form.html",
        {"form": form, "opportunity": opportunity},
    )


# The steps of the problem's page, the natural next step first (core.steps): the view of
# each step checks its form and calls its service.
PROBLEM_ACTIONS = (
    Action(
        "add_action",
        gettext_lazy("Record the action"),
        ActionForm,
        icon="bi-journal-plus",
        testid="action-form",
    ),
    Action(
        "resolve",
        gettext_lazy("Resolve and close"),
        ResolveForm,
        icon="bi-check2-circle",
        style="success",
        confirm=gettext_lazy("Close this problem as resolved? It can no longer change afterwards."),
        testid="resolve-form",
    ),
    Action(
        "assign",
        gettext_lazy("Owner and severity"),
        AssignForm,
        icon="bi-person-check",
        testid="assign-form",
    ),
)
_PROBLEM_URLS = {
    "add_action": "opportunities:problem_add_action",
    "resolve": "opportunities:problem_resolve",
    "assign": "opportunities:problem_assign",
}
_BOUND_NAMES = {"action_form": "add_action", "resolve_form": "resolve", "assign_form": "assign"}


def _context(request, problem, **bound):
    actions = problems.available_actions(problem, request.user)
    sent_back = next(((_BOUND_NAMES[name], form) for name, form in bound.items()), None)
    return {
        "problem": problem,
        "actions": actions,
        "panel": action_panel(
            PROBLEM_ACTIONS,
            actions,
            url=lambda name: reverse(_PROBLEM_URLS[name], args=[problem.pk]),
            bound=sent_back,
            form_kwargs={
                "assign": {"initial": {"owner": problem.owner_id, "severity": problem.severity}}
            },
        ),
        "log": problem.actions.select_related("actor"),
        "transitions": problem.transitions.select_related("actor"),
        "may_see_opportunity": request.user.has_perm("opportunities.view_opportunity"),
    }


@require_GET
def problem_detail(request, pk):
    problem = _problem_or_404(request.user, pk)
    return render(request, "opportunities/problem_detail.html", _context(request, problem))


def _redisplay(request, problem, **bound):
    return redisplay(
        request, "opportunities/problem_detail.html", _context(request, problem, **bound)
    )


_act = step_runner(refusal=problems.ProblemError, to="opportunities:problem_detail")


@require_POST
def problem_add_action(request, pk):
    problem = _problem_or_404(request.user, pk)
    if not problems.may_act(request.user, problem):
        raise PermissionDenied
    form = ActionForm(request.POST, auto_id="id_add_action_%s")
    if not form.is_valid():
        return _redisplay(request, problem, action_form=form)
    started = problem.state == ProblemState.OPEN
    return _act(
        request,
        problem,
        lambda: problems.problem_add_action(
            problem=problem, actor=request.user, **form.cleaned_data
        ),
        _("The action was recorded and the problem is being handled.")
        if started
        else _("The action was recorded."),
    )


@require_POST
def problem_resolve(request, pk):
    problem = _problem_or_404(request.user, pk)
    if not problems.may_act(request.user, problem):
        raise PermissionDenied
    form = ResolveForm(request.POST, auto_id="id_resolve_%s")
    if not form.is_valid():
        return _redisplay(request, problem, resolve_form=form)
    return _act(
        request,
        problem,
        lambda: problems.problem_resolve(
            problem=problem, actor=request.user, resolution=form.cleaned_data["resolution"]
        ),
        _("The problem was resolved and closed."),
    )


@require_POST
def problem_assign(request, pk):
    problem = _problem_or_404(request.user, pk)
    if not problems.may_manage(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST, auto_id="id_assign_%s")
    if not form.is_valid():
        return _redisplay(request, problem, assign_form=form)
    return _act(
        request,
        problem,
        lambda: problems.problem_assign(problem=problem, actor=request.user, **form.cleaned_data),
        _("The owner and severity were saved; the deadlines follow the severity."),
    )
