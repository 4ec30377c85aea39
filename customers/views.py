import copy
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import jobs, pagination
from core.pagination import CappedPaginator
from core.permissions import require
from core.phones import format_saudi_mobile_local
from core.steps import Action, action_panel
from core.text import normalize_digits
from core.views_steps import post_step, redisplay

from . import presentation, selectors, services, statistics, tasks
from .consents import consent_grid
from .filters import CustomerFilter, RequestFilter
from .forms import ApprovalForm, CustomerDataForm, RejectionForm, RequestReasonForm
from .models import RequestKind
from .profile import profile_actions, profile_badges, profile_panels
from .profile_cache import profile_body
from .tasks import not_entered_message
from .timeline import customer_timeline

PAGE_SIZE = 25
logger = logging.getLogger(__name__)


def _visible_customer_or_404(user, pk):
    """The customer of the modify form: its page shows the name and code and the form reads
    the customer's own columns (its places by id), so no join of its city, centre and point
    of contact."""
    require(user, "customers.view_customer")
    return get_object_or_404(selectors.customers_visible_to(user).select_related(None), pk=pk)


def _visible_request_or_404(user, pk):
    require(user, "customers.view_customerrequest")
    return get_object_or_404(selectors.requests_visible_to(user), pk=pk)


def filtered_customers(request):
    """The customer list as filtered in the query string (shared by the list and exports)."""
    require(request.user, "customers.view_customer")
    queryset = selectors.customers_visible_to(request.user)
    queryset = selectors.search_customers(queryset, request.GET.get("q"))
    return CustomerFilter(request.GET, queryset=queryset, request=request)


@require_GET
def customer_list(request):
    customer_filter = filtered_customers(request)
    # The rows show no point of contact, and their places come from the cache: no join;
    # only the columns the rows show.
    rows = customer_filter.qs.select_related(None)
    shown = rows.only("code", "name", "kind", "city_id", "centre_id", "mobile", "is_active")
    count = statistics.list_count(rows, pagination.COUNT_CAP)
    page = CappedPaginator(shown, PAGE_SIZE, known_count=count).get_page(request.GET.get("page"))
    page.object_list = selectors.with_cached_places(page.object_list)
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": customer_filter,
            "page": page,
            "query": request.GET.get("q", ""),
            "querystring": _querystring_without_page(request),
        },
    )


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def customer_detail(request, pk):
    """The customer 360: the header card (badges and actions registered by every app), the
    details with the apps' panels, and one timeline of everything done with this person;
    its body kept until something about the customer changes (customers.profile_cache)."""
    require(request.user, "customers.view_customer")
    # Its city and centre from the places cache: the page's first query joins only the
    # point of contact.
    visible = selectors.customers_visible_to(request.user).select_related(None)
    customer = get_object_or_404(visible.select_related("point_of_contact"), pk=pk)
    page, kind = _page_number(request.GET.get("page")), request.GET.get("kind", "")
    body = profile_body(
        customer,
        request.user,
        f"{page}:{kind}",
        lambda: render_to_string(
            "customers/includes/customer_360.html",
            _profile_context(customer, request.user, page=page, kind=kind),
        ),
    )
    return render(request, "customers/customer_detail.html", {"customer": customer, "body": body})


def _profile_context(customer, user, *, page, kind):
    selectors.with_cached_places([customer])
    values = services.customer_values(customer)
    # The forms card shows each form's number, step and the line's action: not the proposed
    # and former values (JSON decoded per line) nor who prepared it.
    lines = (
        customer.request_lines.select_related("request")
        .only("request_id", "action", "customer_id", "request__state")
        .order_by("-id")[:20]
    )
    badges = profile_badges(customer, user)
    # The panels before the timeline: it shows the rows they read without reading them again.
    panels = profile_panels(customer, user)
    timeline = customer_timeline(customer, user, page=page, kind=kind)
    return {
        "customer": customer,
        "mobile": format_saudi_mobile_local(customer.mobile),
        "rows": presentation.value_rows(
            values, presentation.related_objects(values, loaded=customer)
        ),
        "changes": presentation.history_entries(customer),
        "lines": lines,
        "badges": badges,
        "actions": profile_actions(customer, user),
        "panels": panels,
        "timeline": timeline,
        "timeline_entries": presentation.timeline_entries_html(timeline.entries),
    }


def _page_number(text):
    try:
        return int(normalize_digits(text or "1"))
    except ValueError:
        return 1


@require_http_methods(["GET", "POST"])
def request_new(request):
    return _request_form(request, customer=None)


@require_http_methods(["GET", "POST"])
def request_modify(request, pk):
    customer = _visible_customer_or_404(request.user, pk)
    return _request_form(request, customer=customer)


def _request_form(request, *, customer):
    require(request.user, "customers.add_customerrequest")
    data_form = CustomerDataForm(
        request.POST or None,
        instance=_unsaved_copy(customer),
        consents_before=consent_grid(customer.pk) if customer else None,
    )
    reason_form = RequestReasonForm(request.POST or None)
    if request.method == "POST" and data_form.is_valid() and reason_form.is_valid():
        proposed = services.values_from_cleaned_data(data_form.cleaned_data)
        try:
            form_request = services.customer_request_create(
                actor=request.user,
                kind=RequestKind.MODIFY if customer else RequestKind.CREATE,
                reason=reason_form.cleaned_data["reason"],
                lines=[(customer, proposed, None)],
                submit="save_draft" not in request.POST,
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The form was saved as number %(number)s.") % {"number": form_request.pk}
            )
            return redirect("customers:request_detail", pk=form_request.pk)
    return render(
        request,
        "customers/request_form.html",
        {"data_form": data_form, "reason_form": reason_form, "customer": customer},
    )


def _unsaved_copy(customer):
    """A form must never write to the customer: give it a detached copy to validate against
    (copy.copy copies the instance's state too, so the customer itself is left as read)."""
    if customer is None:
        return None
    detached = copy.copy(customer)
    detached.pk = None
    detached._state.adding = True
    return detached


@require_GET
def request_list(request):
    require(request.user, "customers.view_customerrequest")
    request_filter = RequestFilter(
        request.GET,
        queryset=selectors.requests_visible_to(request.user).prefetch_related("lines"),
        request=request,
    )
    page = CappedPaginator(request_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/request_list.html",
        {"filter": request_filter, "page": page, "querystring": _querystring_without_page(request)},
    )


LINES_PER_PAGE = 50


@require_GET
def request_detail(request, pk):
    form_request = _visible_request_or_404(request.user, pk)
    return render(request, "customers/request_detail.html", _request_page(request, form_request))


# The steps of the form's page (names from services.available_actions), the natural next
# step first: the first one available is the primary action.
REQUEST_ACTIONS = (
    Action("submit", gettext_lazy("Submit to the CRM manager"), icon="bi-send"),
    Action("approve", gettext_lazy("Approve"), ApprovalForm, icon="bi-check2", style="success"),
    Action(
        "enter",
        gettext_lazy("Enter into the customer database"),
        icon="bi-database-add",
        help=gettext_lazy(
            "Entering applies the form to the customer database and signs it with your name."
        ),
    ),
    Action("file", gettext_lazy("File the form"), icon="bi-archive"),
    Action(
        "reject",
        gettext_lazy("Reject"),
        RejectionForm,
        icon="bi-x-circle",
        confirm=gettext_lazy("Reject this form?"),
    ),
)
_REQUEST_FORMS = {action.name for action in REQUEST_ACTIONS if action.form}


def _request_page(request, form_request, *, bound=None):
    """The form's page; `bound` is (action name, form) of a step's form sent back."""
    lines_page = CappedPaginator(
        form_request.lines.select_related("customer"), LINES_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = presentation.request_context(form_request, request.user, lines=lines_page.object_list)
    context["page"] = lines_page
    context["panel"] = action_panel(
        REQUEST_ACTIONS,
        context["actions"],
        url=lambda name: reverse("customers:request_action", args=[form_request.pk, name]),
        bound=bound,
        form_kwargs={"approve": {"override": context["has_blocking_duplicates"]}},
    )
    return context


_ACTIONS = {
    "submit": lambda form_request, user, data: services.customer_request_submit(
        request=form_request, actor=user
    ),
    "approve": lambda form_request, user, data: services.customer_request_approve(
        request=form_request,
        actor=user,
        note=data.get("note", ""),
        override_reason=data.get("override_reason", ""),
    ),
    "reject": lambda form_request, user, data: services.customer_request_reject(
        request=form_request, actor=user, note=data.get("note", "")
    ),
    "enter": lambda form_request, user, data: services.customer_request_enter(
        request=form_request, actor=user
    ),
    "file": lambda form_request, user, data: services.customer_request_file(
        request=form_request, actor=user
    ),
}

_DONE_MESSAGES = {
    "submit": gettext_lazy("The form was submitted to the CRM manager."),
    "approve": gettext_lazy("The form was approved and sent to the data steward."),
    "reject": gettext_lazy("The form was rejected."),
    "enter": gettext_lazy("The form was entered into the customer database."),
    "file": gettext_lazy("The form was filed."),
}


# A form with more lines than this is entered in the background, with a progress bar.
BACKGROUND_ENTRY_LINES = 100


@require_POST
def request_action(request, pk, action):
    form_request = _visible_request_or_404(request.user, pk)
    if action not in _ACTIONS:
        raise PermissionDenied
    if action == "enter" and form_request.lines.count() > BACKGROUND_ENTRY_LINES:
        return _enter_in_background(request, form_request)
    if action in _REQUEST_FORMS:
        # The manager's decision, with its note: shown again with what was typed when refused.
        return post_step(
            request,
            action=action,
            declared=REQUEST_ACTIONS,
            available=services.available_actions(form_request, request.user),
            step=lambda data: _ACTIONS[action](form_request, request.user, data),
            refusal=services.RequestError,
            done=_DONE_MESSAGES[action],
            show_again=lambda name, form: _redisplay_request(request, form_request, name, form),
            form_kwargs={"override": bool(selectors.blocking_duplicates(form_request))}
            if action == "approve"
            else None,
            to="customers:request_detail",
            pk=form_request.pk,
        )
    try:
        result = _ACTIONS[action](form_request, request.user, request.POST)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        if isinstance(result, services.EntryResult) and not result.entered:
            messages.warning(request, not_entered_message(result))
        else:
            messages.success(request, str(_DONE_MESSAGES[action]))
    return redirect(reverse("customers:request_detail", args=[form_request.pk]))


def _redisplay_request(request, form_request, action, form):
    form_request.refresh_from_db()
    return redisplay(
        request,
        "customers/request_detail.html",
        _request_page(request, form_request, bound=(action, form)),
    )


def _enter_in_background(request, form_request):
    """The steward's entry of a large form, as a background job: its progress page, then
    the form. A second click finds the job already at work."""
    if not services.may_enter(request.user):
        raise PermissionDenied
    detail_url = reverse("customers:request_detail", args=[form_request.pk])
    if "enter" not in services.available_actions(form_request, request.user):
        messages.error(
            request, _("This form is no longer at this step. Reload the page to see its status.")
        )
        return redirect(detail_url)
    job, _started = jobs.start_job(
        kind=tasks.REQUEST_ENTER,
        owner=request.user,
        key=str(form_request.pk),
        params={"request": form_request.pk},
    )
    if job.owner_id != request.user.pk:
        messages.error(request, _("Someone else is entering this form at this moment."))
        return redirect(detail_url)
    return redirect("core:job_detail", pk=job.pk)


@require_GET
def request_pdf(request, pk):
    from .pdf import render_request_pdf

    form_request = _visible_request_or_404(request.user, pk)
    try:
        return render_request_pdf(form_request, request.user)
    except OSError:
        # WeasyPrint needs the Pango library; a machine without it must not answer a 500.
        logger.exception("PDF of customer form %s could not be produced", form_request.pk)
        messages.error(
            request,
            _(
                "The PDF could not be produced on this server. Ask the system administrator "
                "to install the PDF libraries (Pango)."
            ),
        )
        return redirect("customers:request_detail", pk=form_request.pk)
