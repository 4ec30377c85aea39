"""Pages of the proposed solutions of a recurring group (procedure step 7): propose one
from the group's page, read one with its monitoring, record a monitoring step, revise its
plan. Thin views: the rules are in complaints.solutions."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import text_step_form
from core.steps import Action, action_panel
from core.views_steps import post_step, redisplay

from . import recurring, solutions
from .errors import SolutionError
from .forms import SolutionForm
from .models import ProposedSolution


def _monitor_form(step: str, *, required: bool) -> type[forms.Form]:
    """A monitoring step's own form: its note (required where the service requires it) and
    the step it takes, sent to the one monitoring URL."""
    note_form = text_step_form(gettext_lazy("monitoring note"), required=required)
    return type(
        "MonitorStepForm",
        (note_form,),
        {"step": forms.CharField(widget=forms.HiddenInput, initial=step)},
    )


def _solution_action(step, label, *, icon, help, style="brand", confirm=""):
    _transition, _who, needs_note = solutions.STEPS[step]
    return Action(
        step,
        label,
        _monitor_form(step, required=needs_note),
        icon=icon,
        style=style,
        confirm=confirm,
        help=help,
    )


# The monitoring steps of the solution's page (names from solutions.available_actions), the
# natural next step first: the owner starts it and reports it implemented; the quality
# officer then judges its effect. A note alone and cancelling are always the alternatives.
SOLUTION_ACTIONS = (
    _solution_action(
        "start",
        gettext_lazy("Start the implementation"),
        icon="bi-play-circle",
        help=gettext_lazy("The work on the plan has begun. A note is optional."),
    ),
    _solution_action(
        "complete",
        gettext_lazy("Report it implemented"),
        icon="bi-check2-square",
        help=gettext_lazy(
            "The plan was carried out: the quality officer then checks its effect on the "
            "complaints."
        ),
    ),
    _solution_action(
        "effective",
        gettext_lazy("Confirm it was effective"),
        icon="bi-patch-check",
        style="success",
        help=gettext_lazy("The complaints of this group stopped after the implementation."),
    ),
    _solution_action(
        "not_effective",
        gettext_lazy("Judge it not effective"),
        icon="bi-x-octagon",
        help=gettext_lazy("The complaints go on: write what was found."),
    ),
    _solution_action(
        "resume",
        gettext_lazy("Back to work with a revised plan"),
        icon="bi-arrow-repeat",
        help=gettext_lazy("Write what changes; edit the plan if it changes too."),
    ),
    _solution_action(
        "note",
        gettext_lazy("Add a monitoring note"),
        icon="bi-journal-text",
        help=gettext_lazy("Progress or obstacles, without changing the status."),
    ),
    _solution_action(
        "cancel",
        gettext_lazy("Cancel the solution"),
        icon="bi-x-circle",
        confirm=gettext_lazy("Cancel this solution?"),
        help=gettext_lazy("Write why the solution is dropped."),
    ),
)

# What the solution's due date is due for while it is still to be implemented.
IMPLEMENTATION_DUE = gettext_lazy("Implementation of the solution due")


def group_url(review):
    return f"{reverse('complaints:recurring_detail')}?{urlencode({'key': review.group_key})}"


def _solution_or_404(user, pk):
    return get_object_or_404(solutions.solutions_visible_to(user), pk=pk)


@require_POST
def solution_new(request):
    """The quality officer proposes a solution from the group's page."""
    from .views_analysis import render_group_page

    if not request.user.has_perm(solutions.ADD_PERMISSION):
        raise PermissionDenied
    form = SolutionForm(request.POST)
    group_key = recurring.parse_group_key(request.POST.get("group_key", ""))
    if group_key is None:
        messages.error(request, _("This recurring group does not exist."))
        return redirect("complaints:recurring")
    if form.is_valid():
        data = form.cleaned_data
        try:
            solutions.solution_add(
                actor=request.user,
                group_key=group_key.key,
                label=recurring.label_for_key(group_key.key),
                text=data["text"],
                plan=data["implementation_plan"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except SolutionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The proposed solution was added; its owner sees it."))
            url = f"{reverse('complaints:recurring_detail')}?{urlencode({'key': group_key.key})}"
            return redirect(f"{url}#solutions")
    request.GET = request.GET.copy()
    request.GET["key"] = group_key.key
    return render_group_page(request, group_key, solution_form=form)


def _detail_context(request, solution, *, bound=None):
    """The solution's page; `bound` is (step, form) of a monitoring step sent back."""
    steps = solutions.available_actions(solution, request.user)
    return {
        "solution": solution,
        "steps": steps,
        "panel": action_panel(
            SOLUTION_ACTIONS,
            steps,
            url=lambda name: reverse("complaints:solution_monitor", args=[solution.pk]),
            bound=bound,
        ),
        "due_label": IMPLEMENTATION_DUE,
        # The day it is due while it is still to be implemented.
        "due_on": solution.due_date if solution.is_open else None,
        "monitoring": solution.monitoring.select_related("actor").order_by("at", "pk"),
        "plan_changes": solutions.plan_changes(solution),
        "may_edit": solutions.is_monitor(request.user),
        "may_read_group": request.user.has_perm(solutions.READ_PERMISSION),
        "group_url": group_url(solution.review),
    }


@require_GET
def solution_detail(request, pk):
    solution = _solution_or_404(request.user, pk)
    return render(request, "complaints/solution_detail.html", _detail_context(request, solution))


@require_POST
def solution_monitor(request, pk):
    """One monitoring step of the action card (the step named by the form's `step`)."""
    solution = _solution_or_404(request.user, pk)
    steps = solutions.available_actions(solution, request.user)
    if not steps:
        raise PermissionDenied
    step = request.POST.get("step", "")
    return post_step(
        request,
        action=step,
        declared=SOLUTION_ACTIONS,
        available=steps,
        step=lambda data: solutions.solution_monitor(
            actor=request.user, solution=solution, step=step, note=data.get("note", "")
        ),
        refusal=SolutionError,
        done=_("The monitoring was recorded."),
        show_again=lambda name, form: _redisplay(request, solution, name, form),
        to="complaints:solution_detail",
        pk=solution.pk,
    )


def _redisplay(request, solution, step, form):
    solution.refresh_from_db()
    return redisplay(
        request,
        "complaints/solution_detail.html",
        _detail_context(request, solution, bound=(step, form)),
    )


@require_http_methods(["GET", "POST"])
def solution_edit(request, pk):
    solution = _solution_or_404(request.user, pk)
    if not solutions.is_monitor(request.user):
        raise PermissionDenied
    form = SolutionForm(request.POST or None, instance=ProposedSolution.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            solutions.solution_update(
                actor=request.user,
                solution=solution,
                text=data["text"],
                plan=data["implementation_plan"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except SolutionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The solution was saved."))
            return redirect("complaints:solution_detail", pk=solution.pk)
    return render(
        request,
        "complaints/solution_form.html",
        {"form": form, "solution": solution, "group_url": group_url(solution.review)},
    )
