"""The complaints register (سجل شكاوى العملاء, manual 5.1.6): the list with its filters."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors
from .filters import CaseFilterForm

PAGE_SIZE = 25


def _require_perm(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


@require_GET
def case_list(request):
    _require_perm(request.user, "complaints.view_case")
    filter_form = CaseFilterForm(request.GET)
    cases = filter_form.filter(selectors.cases_visible_to(request.user), timezone.now())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/case_list.html",
        {"filter_form": filter_form, "page": page, "querystring": query.urlencode()},
    )
