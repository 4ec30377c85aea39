"""The weekly review of the complaints register (procedure step 8): the list of weeks with
each department's review, missed weeks marked, and one week's page with the register's
figures, the review form and the recommendations raised from it. Thin views: the rules are
in complaints.register_reviews."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.pagination import CappedPaginator

from . import register_reviews as reviews
from . import selectors
from .errors import RegisterReviewError
from .forms import RegisterReviewForm, WeeksFilterForm
from .models import CaseRoute

WEEKS_PAGE_SIZE = 12


def _require_reader(user):
    if not reviews.departments_visible_to(user):
        raise PermissionDenied


@require_GET
def register_review_list(request):
    """Every week since the reviews started, newest first, with each department's review
    or its state (due, missed, no working day)."""
    _require_reader(request.user)
    visible = reviews.departments_visible_to(request.user)
    filter_form = WeeksFilterForm(request.GET or None, departments=visible)
    departments = visible
    missed_only = False
    if filter_form.is_valid():
        if filter_form.cleaned_data["department"]:
            departments = [filter_form.cleaned_data["department"]]
        missed_only = filter_form.cleaned_data["missed"]
    this_week = reviews.current_week()
    by_department = {
        department: {
            week.week_start: week
            for week in reviews.weeks_of(department, reviews.schedule_start(department), this_week)
        }
        for department in departments
    }
    week_starts = sorted({day for weeks in by_department.values() for day in weeks}, reverse=True)
    rows = [
        {
            "week_start": day,
            "label": reviews.week_label(day),
            "cells": [by_department[department].get(day) for department in departments],
        }
        for day in week_starts
    ]
    if missed_only:
        rows = [row for row in rows if any(c and c.state == "missed" for c in row["cells"])]
    missed_count = sum(
        1 for weeks in by_department.values() for week in weeks.values() if week.state == "missed"
    )
    page = CappedPaginator(rows, WEEKS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/register_review_list.html",
        {
            "filter_form": filter_form,
            "departments": departments,
            "department_labels": [CaseRoute(department).label for department in departments],
            "page": page,
            "missed_count": missed_count,
            "querystring": query.urlencode(),
        },
    )


def _week_or_404(user, department, week):
    """The department and the Sunday of the week, when this user reads that department's
    reviews and the week has started; 404 otherwise."""
    if department not in reviews.departments_visible_to(user):
        raise Http404
    try:
        week_start = datetime.date.fromisoformat(week)
    except ValueError as error:
        raise Http404 from error
    if not reviews.is_week_start(week_start) or week_start > reviews.current_week():
        raise Http404
    return week_start


def _register_links(department, week_start):
    """Links to the register filtered on the department: the cases received in the week,
    the open ones, the overdue ones."""
    base = reverse("complaints:list")
    week = {
        "routed_to": department,
        "date_from": week_start.isoformat(),
        "date_to": (week_start + datetime.timedelta(days=6)).isoformat(),
    }
    return {
        "received": f"{base}?{urlencode(week)}",
        "open": f"{base}?{urlencode({'routed_to': department, 'state': 'open'})}",
        "overdue": f"{base}?{urlencode({'routed_to': department, 'overdue': 'on'})}",
    }


@require_http_methods(["GET", "POST"])
def register_review_week(request, department, week):
    user = request.user
    _require_reader(user)
    week_start = _week_or_404(user, department, week)
    may_record = department in reviews.departments_reviewed_by(user)
    [state] = reviews.weeks_of(department, week_start, week_start)
    review = state.review
    form = None
    if review is None and may_record and week_start >= reviews.schedule_start(department):
        form = RegisterReviewForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form is not None and form.is_valid():
            try:
                reviews.register_review_record(
                    actor=user,
                    department=department,
                    week_start=week_start,
                    findings=form.cleaned_data["findings"],
                )
            except RegisterReviewError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("The weekly review was recorded. Raise the recommendations it calls for."),
                )
                return redirect("complaints:register_review", department=department, week=week)
        elif form is None:
            messages.error(request, _("This week's review can no longer be recorded here."))
            return redirect("complaints:register_review", department=department, week=week)
    raised = []
    if review is not None:
        raised = selectors.recommendations_visible_to(user).filter(register_review=review)
    return render(
        request,
        "complaints/register_review_week.html",
        {
            "department": department,
            "department_label": CaseRoute(department).label,
            "week": state,
            "review": review,
            "figures": reviews.week_figures(department, week_start) if review is None else None,
            "links": _register_links(department, week_start)
            if user.has_perm("complaints.view_case")
            else None,
            "form": form,
            "may_raise": review is not None
            and may_record
            and user.has_perm("complaints.add_recommendation"),
            "raise_url": f"{reverse('complaints:recommendation_new')}?"
            f"{urlencode({'register_review': review.pk})}"
            if review is not None
            else "",
            "raised": raised,
        },
    )
