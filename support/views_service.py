"""The staff's pages of part B: the request page's panel (registration, deliveries, the
recurring schedule, the decision notice, the appeal, closing), the distribution days, the
statistics and their export. Thin: require → object or 404 → form → service → message."""

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ServiceError
from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.text import bdi, html_message
from customers.forms import CustomerDataForm, RequestReasonForm
from customers.models import RequestState as FormState
from customers.services import values_from_cleaned_data

from . import delivery, notices, selectors, statistics
from .errors import DeliveryError, SupportRequestError
from .forms_service import (
    AppealForm,
    CloseForm,
    DeliveryForm,
    DistributionDayForm,
    EntryForm,
    LinkCustomerForm,
    NoticeForm,
    ScheduleForm,
    StatisticsForm,
)
from .models import (
    Delivery,
    DistributionDay,
    DistributionDayState,
    RequestState,
    SupportRequest,
    SupportSchedule,
    SupportUnit,
)

PAGE_SIZE = 25
RECENT_DELIVERIES = 10
RUNNING_LIST = 50


def _request_or_404(request: AuthenticatedRequest, pk: int) -> SupportRequest:
    require(request.user, "support.view_supportrequest")
    support_request = selectors.request_for_page(request.user, pk)
    if support_request is None:
        raise Http404
    return support_request


def _form_errors(form: Any) -> str:
    errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
    return " ".join(errors) or _("Please correct the errors below.")


def _back(support_request: SupportRequest) -> HttpResponse:
    return redirect("support:request_detail", pk=support_request.pk)


# --- the panel on the request page ------------------------------------------------------------


def request_panel_context(
    request: AuthenticatedRequest, support_request: SupportRequest
) -> dict[str, Any] | None:
    """What support/service/request_panel.html shows on the request page (called by part A's
    request_detail view): nothing before the committee's decision."""
    user = request.user
    state = support_request.state
    if support_request.decided_at is None and not support_request.appealed_at:
        return None
    may_handle = user.has_perm("support.handle_request")
    unit = delivery.granted_type(support_request).unit
    context: dict[str, Any] = {
        "may_handle": may_handle,
        "may_deliver": user.has_perm("support.deliver_support"),
        "unit": unit,
        "granted": notices.granted_text(support_request)
        if support_request.decided_at and state != RequestState.REJECTED
        else "",
        "notifiable": state in notices.NOTIFIABLE_STATES and support_request.decided_at,
        "notice_form": NoticeForm(prefix="notice"),
    }
    if state == RequestState.ACCEPTED:
        form = support_request.customer_request
        context["customer_form"] = form
        context["form_waiting"] = form is not None and form.state not in (
            FormState.REJECTED,
            FormState.ENTERED,
            FormState.FILED,
        )
        context["may_register"] = may_handle and user.has_perm("customers.add_customerrequest")
        context["link_form"] = LinkCustomerForm(prefix="link", user=user)
    if state == RequestState.REJECTED and support_request.appealed_at is None:
        context["appeal_form"] = AppealForm(prefix="appeal")
    if state in (RequestState.REJECTED, RequestState.REGISTERED, RequestState.IN_SERVICE):
        context["close_form"] = CloseForm(prefix="close")
    if state in delivery.SERVING_STATES:
        context["delivery_form"] = DeliveryForm(
            prefix="delivery",
            unit=unit,
            initial={
                "amount": support_request.granted_amount,
                "quantity": support_request.granted_quantity,
                "centre": support_request.centre_id,
            },
        )
    context["deliveries"] = list(
        Delivery.objects.filter(request=support_request)
        .select_related("support_type", "delivered_by", "distribution_day")
        .order_by("-delivered_on", "-id")[:RECENT_DELIVERIES]
    )
    context["schedules"] = list(
        SupportSchedule.objects.filter(request=support_request).order_by("-is_active", "-id")[:3]
    )
    return context


def _panel_post(
    request: AuthenticatedRequest,
    pk: int,
    form_class: Any,
    prefix: str,
    step: Any,
    done: Any,
    refusal: type[Exception] | tuple[type[Exception], ...] = ServiceError,
    **form_kwargs: Any,
) -> HttpResponse:
    support_request = _request_or_404(request, pk)
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(support_request)
    try:
        step(support_request, form.cleaned_data)
    except refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return _back(support_request)


@require_POST
def notice_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.handle_request")
    return _panel_post(
        request,
        pk,
        NoticeForm,
        "notice",
        lambda support_request, data: notices.notice_send(
            support_request=support_request, actor=request.user, channel=data["channel"]
        ),
        _("The decision notice was recorded."),
    )


@require_GET
def letter_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    require(request.user, "support.handle_request")
    support_request = _request_or_404(request, pk)
    try:
        rendered = notices.render_letter_pdf(support_request)
    except SupportRequestError as error:
        messages.error(request, str(error))
        return _back(support_request)
    return FileResponse(
        BytesIO(rendered.content),
        as_attachment=False,
        filename=download_name(
            _("Decision letter"),
            support_request.tracking_number,
            when=timezone.localdate(),
            extension="pdf",
        ),
        content_type="application/pdf",
    )


@require_POST
def appeal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.handle_request")
    return _panel_post(
        request,
        pk,
        AppealForm,
        "appeal",
        lambda support_request, data: notices.appeal_record(
            support_request=support_request, actor=request.user, text=data["text"]
        ),
        _("The appeal was recorded: the request goes back to the research committee."),
    )


@require_POST
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.handle_request")
    return _panel_post(
        request,
        pk,
        CloseForm,
        "close",
        lambda support_request, data: delivery.request_close(
            support_request=support_request, actor=request.user, note=data["note"]
        ),
        _("The request was closed."),
    )


@require_POST
def link_customer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.handle_request")
    support_request = _request_or_404(request, pk)
    if support_request.customer_id is not None and "link-customer" not in request.POST:
        # The applicant was chosen as a customer at reception: link that one.
        try:
            delivery.request_link_customer(support_request=support_request, actor=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The request is linked to its customer."))
        return _back(support_request)
    return _panel_post(
        request,
        pk,
        LinkCustomerForm,
        "link",
        lambda record, data: delivery.request_link_customer(
            support_request=record, actor=request.user, customer=data["customer"]
        ),
        _("The request is linked to its customer."),
        user=request.user,
    )


@require_POST
def delivery_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.deliver_support")
    support_request = _request_or_404(request, pk)
    unit = delivery.granted_type(support_request).unit
    return _panel_post(
        request,
        pk,
        DeliveryForm,
        "delivery",
        lambda record, data: delivery.delivery_record(
            support_request=record,
            actor=request.user,
            amount=data.get("amount"),
            quantity=data.get("quantity"),
            delivered_on=data["delivered_on"],
            centre=data.get("centre"),
            note=data.get("note") or "",
        ),
        _("The delivery was recorded."),
        unit=unit,
    )


@require_http_methods(["GET", "POST"])
def schedule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.deliver_support")
    schedule = get_object_or_404(SupportSchedule.objects.select_related("support_type"), pk=pk)
    support_request = _request_or_404(request, schedule.request_id)
    form = ScheduleForm(
        request.POST or None,
        initial={
            "next_due_on": schedule.next_due_on,
            "reassess_on": schedule.reassess_on,
            "interval_months": schedule.interval_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            delivery.schedule_change(
                schedule=schedule,
                actor=request.user,
                next_due_on=form.cleaned_data["next_due_on"],
                reassess_on=form.cleaned_data["reassess_on"],
                interval_months=form.cleaned_data["interval_months"],
                note=form.cleaned_data.get("note") or "",
            )
        except DeliveryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The schedule was changed."))
            return _back(support_request)
    return render(
        request,
        "support/service/schedule_form.html",
        {
            "form": form,
            "schedule": schedule,
            "support_request": support_request,
            "history": schedule.history.select_related("history_user").order_by("-history_date")[
                :10
            ],
        },
    )


# --- step 6: registration through the customers' create form ---------------------------------


@require_http_methods(["GET", "POST"])
def register_applicant(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The customers' create form (نموذج إنشاء وتعديل معلومات العملاء), prefilled from the
    request: it goes to the CRM manager's approval and the steward's entry like any other."""
    require(request.user, "support.handle_request")
    require(request.user, "customers.add_customerrequest")
    support_request = _request_or_404(request, pk)
    if support_request.state != RequestState.ACCEPTED or support_request.customer_id:
        messages.error(
            request, _("Only a request accepted by the committee registers its applicant.")
        )
        return _back(support_request)
    data_form = CustomerDataForm(
        request.POST or None, initial=delivery.registration_values(support_request)
    )
    reason_form = RequestReasonForm(
        request.POST or None, initial={"reason": delivery.registration_reason(support_request)}
    )
    if request.method == "POST" and data_form.is_valid() and reason_form.is_valid():
        try:
            form = delivery.registration_start(
                support_request=support_request,
                actor=request.user,
                proposed=values_from_cleaned_data(data_form.cleaned_data),
                reason=reason_form.cleaned_data["reason"],
                submit="save_draft" not in request.POST,
            )
        except SupportRequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                html_message(
                    _(
                        "The customer form was saved as number %(number)s. The request is "
                        "linked to the new beneficiary when the data steward enters it."
                    ),
                    {"number": form.pk},
                ),
            )
            return _back(support_request)
    messages.info(
        request,
        html_message(
            _(
                "Registering the applicant of support request %(number)s: the form is prefilled "
                "from the request; it goes to the CRM manager's approval and the steward's entry."
            ),
            {"number": bdi(support_request.tracking_number)},
        ),
    )
    return render(
        request,
        "customers/request_form.html",
        {"data_form": data_form, "reason_form": reason_form, "customer": None},
    )


# --- distribution days ------------------------------------------------------------------------


def _days_visible_to(request: AuthenticatedRequest) -> QuerySet[DistributionDay]:
    user = request.user
    days = DistributionDay.objects.select_related("centre", "support_type", "created_by")
    if user.has_perm("support.view_all_requests"):
        return days
    return days.filter(centre_id__in=selectors.staff_centre_ids(user))


def _day_or_404(request: AuthenticatedRequest, pk: int) -> DistributionDay:
    require(request.user, "support.deliver_support")
    day = _days_visible_to(request).filter(pk=pk).first()
    if day is None:
        raise Http404
    return day


@require_GET
def distribution_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "support.deliver_support")
    from django.db.models import Count

    days = _days_visible_to(request).annotate(entries=Count("deliveries")).order_by("-day", "-id")
    page = CappedPaginator(days, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/service/distribution_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def distribution_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "support.run_distribution_day")
    form = DistributionDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = delivery.distribution_day_create(
                actor=request.user,
                title=data["title"],
                day=data["day"],
                centre=data.get("centre"),
                support_type=data["support_type"],
                amount=data.get("amount"),
                quantity=data.get("quantity"),
            )
        except DeliveryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The distribution day was created: record the beneficiaries.")
            )
            return redirect("support:distribution_detail", pk=day.pk)
    return render(request, "support/service/distribution_form.html", {"form": form})


def _entry_row(entry: Delivery, user: Any) -> dict[str, Any]:
    person = entry.delivered_by
    return {
        "pk": entry.pk,
        "code": entry.customer.code,
        "name": entry.customer.name,
        "at": timezone.localtime(entry.created_at).strftime("%H:%M"),
        "by": (person.get_full_name() or person.get_username()) if person else "",
    }


def _running_list(day: DistributionDay) -> list[Delivery]:
    return list(
        Delivery.objects.filter(distribution_day=day)
        .select_related("customer", "delivered_by")
        .only(
            "pk",
            "created_at",
            "customer__code",
            "customer__name",
            "delivered_by__first_name",
            "delivered_by__last_name",
            "delivered_by__username",
        )
        .order_by("-created_at", "-id")[:RUNNING_LIST]
    )


def _wants_json(request: AuthenticatedRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@require_http_methods(["GET", "POST"])
def distribution_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The distribution day's entry page: scan or type a code, national ID or name, Enter
    records it, the box clears and keeps the focus (static/js/distribution-day.js, or a page
    reload without JavaScript); the running list under it."""
    day = _day_or_404(request, pk)
    form = EntryForm(request.POST or None)
    outcome: dict[str, Any] = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = delivery.distribution_record(
                    day=day, actor=request.user, key=form.cleaned_data["key"]
                )
            except delivery.Candidates as error:
                outcome = {
                    "status": "choose",
                    "message": str(error),
                    "candidates": [
                        {"code": customer.code, "name": customer.name}
                        for customer in error.customers
                    ],
                }
            except DeliveryError as error:
                outcome = {"status": "error", "message": str(error)}
            else:
                row = _entry_row(recorded.delivery, request.user)
                if recorded.created:
                    outcome = {
                        "status": "recorded",
                        "message": _("Recorded: %(name)s (%(code)s)")
                        % {"name": row["name"], "code": row["code"]},
                        "row": row,
                    }
                else:
                    outcome = {
                        "status": "duplicate",
                        "message": _(
                            "Already recorded today: %(name)s (%(code)s), at %(at)s by %(by)s. "
                            "Not recorded twice."
                        )
                        % row,
                    }
        else:
            outcome = {"status": "error", "message": _form_errors(form)}
        if _wants_json(request):
            outcome["count"] = Delivery.objects.filter(distribution_day=day).count()
            return JsonResponse(outcome, status=200)
        level = {"recorded": messages.SUCCESS, "duplicate": messages.WARNING}.get(
            outcome.get("status", ""), messages.ERROR
        )
        messages.add_message(request, level, outcome.get("message", ""))
        if outcome.get("status") == "choose":
            request.session["distribution_candidates"] = outcome["candidates"]
        return redirect("support:distribution_detail", pk=day.pk)
    candidates = request.session.pop("distribution_candidates", None)
    return render(
        request,
        "support/service/distribution_detail.html",
        {
            "day": day,
            "form": EntryForm(),
            "entries": _running_list(day),
            "count": Delivery.objects.filter(distribution_day=day).count(),
            "candidates": candidates,
            "is_open": day.state == DistributionDayState.OPEN,
            "may_run": request.user.has_perm("support.run_distribution_day"),
            "unit_is_amount": day.support_type.unit == SupportUnit.RIYALS,
        },
    )


@require_POST
def distribution_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "support.run_distribution_day")
    day = _day_or_404(request, pk)
    try:
        delivery.distribution_day_close(day=day, actor=request.user)
    except DeliveryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The distribution day was closed."))
    return redirect("support:distribution_detail", pk=day.pk)


@require_POST
def distribution_undo(request: AuthenticatedRequest, pk: int, delivery_pk: int) -> HttpResponse:
    day = _day_or_404(request, pk)
    entry = get_object_or_404(
        Delivery.objects.select_related("distribution_day"), pk=delivery_pk, distribution_day=day
    )
    try:
        delivery.distribution_undo(delivery=entry, actor=request.user)
    except DeliveryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The entry was removed."))
    return redirect("support:distribution_detail", pk=day.pk)


# --- statistics -------------------------------------------------------------------------------


def _statistics_filters(
    request: AuthenticatedRequest,
) -> tuple[StatisticsForm, statistics.Period, Any]:
    form = StatisticsForm(request.GET or None)
    period = statistics.default_period()
    centre = None
    if form.is_bound and form.is_valid():
        period = statistics.Period(
            form.cleaned_data.get("start") or period.start,
            form.cleaned_data.get("end") or period.end,
        )
        centre = form.cleaned_data.get("centre")
    return form, period, centre


@require_GET
def statistics_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "support.view_support_statistics")
    form, period, centre = _statistics_filters(request)
    data = statistics.figures(request.user, period, centre=centre)
    titles = statistics.dimension_titles()
    return render(
        request,
        "support/service/statistics.html",
        {
            "form": form,
            "data": data,
            "dimensions": [(titles[name], data.by.get(name, [])) for name in statistics.DIMENSIONS],
            "querystring": request.GET.urlencode(),
        },
    )


@require_GET
def statistics_export(request: AuthenticatedRequest) -> HttpResponseBase:
    require(request.user, "support.export_support_requests")
    _form, period, centre = _statistics_filters(request)
    data = statistics.figures(request.user, period, centre=centre)
    content = statistics.workbook(data)
    name = download_name(_("Support requests statistics"), when=timezone.now(), extension="xlsx")
    return FileResponse(
        BytesIO(content),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
