"""Pages of the proposed solutions of a recurring group (procedure step 7): propose one
from the group's page, read one with its monitoring, record a monitoring step, revise its
plan. Thin views: the rules are in complaints.solutions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import recurring, solutions
from .errors import SolutionError
from .forms import MonitorForm, SolutionForm
from .models import ProposedSolution


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


@require_GET
def solution_detail(request, pk):
    solution = _solution_or_404(request.user, pk)
    steps = solutions.available_actions(solution, request.user)
    return render(
        request,
        "complaints/solution_detail.html",
        {
            "solution": solution,
            "steps": steps,
            "monitor_form": MonitorForm(steps=steps) if steps else None,
            "monitoring": solution.monitoring.select_related("actor").order_by("-at", "-pk"),
            "plan_changes": solutions.plan_changes(solution),
            "may_edit": solutions.is_monitor(request.user),
            "may_read_group": request.user.has_perm(solutions.READ_PERMISSION),
            "group_url": group_url(solution.review),
        },
    )


@require_POST
def solution_monitor(request, pk):
    solution = _solution_or_404(request.user, pk)
    steps = solutions.available_actions(solution, request.user)
    if not steps:
        raise PermissionDenied
    form = MonitorForm(request.POST, steps=steps)
    if not form.is_valid():
        messages.error(request, _("This step is not available now. Reload the page."))
        return redirect("complaints:solution_detail", pk=solution.pk)
    try:
        solutions.solution_monitor(
            actor=request.user,
            solution=solution,
            step=form.cleaned_data["step"],
            note=form.cleaned_data["note"],
        )
    except SolutionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The monitoring was recorded."))
    return redirect("complaints:solution_detail", pk=solution.pk)


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
