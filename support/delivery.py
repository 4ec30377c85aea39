"""Steps 6 and 7 of a support request (part B): registration of the accepted applicant
through the customers' create form and the link to the new customer; the support delivered
(one delivery, a distribution day of many beneficiaries, recurring support with its schedule
and re-assessment); closing the request.

Every write here goes through REQUEST_WORKFLOW (support.services) for the request's steps.
The customer database is written only by customers.services (the create form, approved by
the CRM manager and entered by the data steward); this module listens to
`customers.signals.request_entered` to link the request once the form is entered."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from association.models import Centre
from core.dates import format_compact_date
from core.permissions import require
from core.text import normalize_arabic, normalize_digits
from customers.models import Customer, CustomerKind, CustomerRequest, LineAction, RequestKind
from customers.selectors import customers_visible_to
from customers.services import RequestError, customer_request_create
from customers.signals import request_entered

from . import selectors
from .errors import DeliveryError, SupportRequestError
from .models import (
    Delivery,
    DistributionDay,
    DistributionDayState,
    RequestState,
    SupportRequest,
    SupportSchedule,
    SupportType,
    SupportUnit,
)
from .services import REQUEST_WORKFLOW

HANDLE = "support.handle_request"
DELIVER = "support.deliver_support"
RUN_DAY = "support.run_distribution_day"
VIEW_ALL = "support.view_all_requests"

# The states in which support may be delivered on a request: linked to its customer.
SERVING_STATES = (RequestState.REGISTERED, RequestState.IN_SERVICE)
MAX_NOTE = 300
# A national ID or Iqama has ten digits, starting with 1 (citizen) or 2 (resident); a
# customer code is any other run of digits.
NATIONAL_ID_LENGTH = 10


# --- helpers ----------------------------------------------------------------------------------


def _locked(support_request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("support_type", "granted_support_type")
        .get(pk=support_request.pk)
    )


def _require_visible(actor: User, support_request: SupportRequest) -> None:
    if not selectors.may_see_request(actor, support_request):
        raise PermissionDenied


def _may_work_in(actor: User, centre: Centre | None) -> bool:
    if centre is None:
        return actor.has_perm(VIEW_ALL)
    return selectors.may_work_in_centre(actor, centre)


def _touch(record: Any) -> None:
    cast(SupportRequest, record).last_activity_at = timezone.now()


def _step(
    support_request: SupportRequest,
    transition: str,
    *,
    actor: User | None,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> None:
    REQUEST_WORKFLOW.take_step(
        support_request, transition, actor=actor, note=note, fields=fields, before_save=_touch
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _amounts(
    support_type: SupportType,
    amount: Decimal | None,
    quantity: int | None,
    *,
    error: type[Exception],
) -> tuple[Decimal | None, int | None]:
    """The amount (riyals) or the quantity (items) the support type is measured in."""
    if amount is not None and amount < 0 or quantity is not None and quantity < 0:
        raise error(_("The amount and the quantity cannot be negative."))
    if support_type.unit == SupportUnit.RIYALS:
        if not amount:
            raise error(_("Write the amount in riyals."))
        return amount, None
    if not quantity:
        raise error(_("Write the quantity."))
    return None, quantity


def granted_type(support_request: SupportRequest) -> SupportType:
    return support_request.granted_support_type or support_request.support_type


# --- step 6: registration ---------------------------------------------------------------------


def registration_values(support_request: SupportRequest) -> dict[str, Any]:
    """The customers' create form prefilled from the request: a beneficiary with the
    applicant's name, national ID, mobile, address and centre."""
    centre = support_request.centre
    return {
        "name": support_request.applicant_name,
        "kind": CustomerKind.BENEFICIARY,
        "national_id": support_request.applicant_national_id,
        "mobile": support_request.applicant_mobile,
        "address": support_request.applicant_address,
        "city": centre.city_id if centre is not None else None,
        "centre": centre.pk if centre is not None else None,
        "contact_channel": support_request.channel,
    }


def registration_reason(support_request: SupportRequest) -> str:
    return _(
        "Registration of the beneficiary accepted by the research committee (support request "
        "%(number)s)."
    ) % {"number": support_request.tracking_number}


def _check_registrable(support_request: SupportRequest) -> None:
    if support_request.state != RequestState.ACCEPTED:
        raise SupportRequestError(
            _("Only a request accepted by the committee registers its applicant.")
        )
    if support_request.customer_id is not None:
        raise SupportRequestError(_("The applicant is a customer already: link the request."))
    pending = support_request.customer_request
    if pending is not None and pending.state not in ("rejected", "entered", "filed"):
        raise SupportRequestError(
            _("A customer form for this applicant is waiting already (form %(number)s).")
            % {"number": pending.pk}
        )


def registration_start(
    *,
    support_request: SupportRequest,
    actor: User,
    proposed: dict[str, Any],
    reason: str,
    submit: bool = True,
) -> CustomerRequest:
    """Step 6: an accepted applicant who is not a customer yet is registered through the
    customers' create form (type beneficiary), which goes to the CRM manager's approval and
    the data steward's entry like any other. The request keeps the form; when the steward
    enters it the request is linked to the new customer (`_link_on_entry`)."""
    require(actor, HANDLE)
    require(actor, "customers.add_customerrequest")
    _require_visible(actor, support_request)
    if proposed.get("kind") != CustomerKind.BENEFICIARY:
        raise SupportRequestError(_("The applicant is registered as a beneficiary."))
    with transaction.atomic():
        locked = _locked(support_request)
        _check_registrable(locked)
        try:
            form = customer_request_create(
                actor=actor,
                kind=RequestKind.CREATE,
                reason=reason,
                lines=[(None, proposed, None)],
                submit=submit,
            )
        except RequestError as error:
            raise SupportRequestError(str(error)) from error
        locked.customer_request = form
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=["customer_request", "last_activity_at"])
        REQUEST_WORKFLOW.record_event(
            locked,
            actor=actor,
            note=_("Customer form %(number)s prepared to register the applicant")
            % {"number": form.pk},
        )
    return form


def request_link_customer(
    *, support_request: SupportRequest, actor: User, customer: Customer | None = None
) -> SupportRequest:
    """Step 6 for an applicant who is a customer already (chosen at reception, or found by
    staff now): the request is linked and the applicant registered."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    with transaction.atomic():
        locked = _locked(support_request)
        chosen = customer or locked.customer
        if chosen is None:
            raise SupportRequestError(
                _("Choose the customer, or register the applicant through the customer form.")
            )
        if not chosen.is_active:
            raise SupportRequestError(_("This customer is archived."))
        if chosen.kind != CustomerKind.BENEFICIARY:
            raise SupportRequestError(_("Only a beneficiary can be linked to a support request."))
        # The step's condition reads the customer: set it first.
        locked.customer = chosen
        _step(
            locked,
            "link_customer",
            actor=actor,
            note=str(chosen),
            fields={"customer": chosen, "linked_at": timezone.now()},
        )
    return locked


@receiver(request_entered, dispatch_uid="support.link_on_entry")
def _link_on_entry(sender: object, request: CustomerRequest, **kwargs: Any) -> None:
    """The steward entered a customers' create form: each accepted support request waiting
    for that form is linked to the customer it created (inside the entry's transaction)."""
    waiting = list(
        SupportRequest.objects.select_for_update(of=("self",)).filter(
            customer_request=request, state=RequestState.ACCEPTED, customer__isnull=True
        )
    )
    if not waiting:
        return
    created = [
        line.customer
        for line in request.lines.select_related("customer")
        if line.action == LineAction.CREATE and line.customer is not None
    ]
    if not created:
        return
    customer = created[0]
    for support_request in waiting:
        support_request.customer = customer
        _step(
            support_request,
            "link_customer",
            actor=request.entered_by,
            note=_("Registered by the customer form %(number)s: %(customer)s")
            % {"number": request.pk, "customer": customer},
            fields={"customer": customer, "linked_at": timezone.now()},
        )


# --- step 7: one delivery ---------------------------------------------------------------------


def delivery_record(
    *,
    support_request: SupportRequest,
    actor: User,
    amount: Decimal | None = None,
    quantity: int | None = None,
    delivered_on: datetime.date | None = None,
    centre: Centre | None = None,
    delivered_by: User | None = None,
    note: str = "",
) -> Delivery:
    """Step 7: the support delivered on a registered request (what, how much, when, where,
    by whom). The first delivery starts the service; the first delivery of recurring
    support starts its schedule (every `interval_months`, re-assessed after
    `reassess_after_months`); a later one moves the schedule's next due date on."""
    require(actor, DELIVER)
    _require_visible(actor, support_request)
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if delivered_on > today:
        raise DeliveryError(_("The delivery date cannot be in the future."))
    by = delivered_by or actor
    if not by.has_perm(DELIVER):
        raise DeliveryError(_("Choose a member of staff who delivers support."))
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state not in SERVING_STATES or locked.customer is None:
            raise DeliveryError(
                _("Support is delivered once the request is accepted and its applicant registered.")
            )
        if locked.decided_at and delivered_on < timezone.localdate(locked.decided_at):
            raise DeliveryError(_("The delivery date cannot be before the committee's decision."))
        centre = centre or locked.centre
        if not _may_work_in(actor, centre):
            raise DeliveryError(_("You can record deliveries only in your own centres."))
        support_type = granted_type(locked)
        amount, quantity = _amounts(support_type, amount, quantity, error=DeliveryError)
        schedule = None
        if support_type.is_recurring:
            schedule = _schedule_for(locked, support_type, amount, quantity, delivered_on, actor)
        delivery = Delivery.objects.create(
            customer=locked.customer,
            request=locked,
            support_type=support_type,
            amount=amount,
            quantity=quantity,
            delivered_on=delivered_on,
            centre=centre,
            delivered_by=by,
            schedule=schedule,
            note=(note or "").strip()[:MAX_NOTE],
        )
        if locked.state == RequestState.REGISTERED:
            _step(
                locked,
                "start_service",
                actor=actor,
                note=_("First delivery: %(what)s") % {"what": delivery_label(delivery)},
                fields={"service_started_at": timezone.now()},
            )
        else:
            REQUEST_WORKFLOW.record_event(
                locked,
                actor=actor,
                note=_("Delivered: %(what)s") % {"what": delivery_label(delivery)},
            )
    return delivery


def delivery_label(delivery: Delivery) -> str:
    if delivery.amount is not None:
        what = _("%(amount)s riyals") % {"amount": f"{delivery.amount:,.2f}"}
    else:
        what = _("%(quantity)s items") % {"quantity": delivery.quantity}
    return f"{delivery.support_type} · {what} · {format_compact_date(delivery.delivered_on)}"


def _schedule_for(
    support_request: SupportRequest,
    support_type: SupportType,
    amount: Decimal | None,
    quantity: int | None,
    delivered_on: datetime.date,
    actor: User,
) -> SupportSchedule:
    """The request's running schedule, moved on to the next due date; started with this
    delivery when it has none (or when its last one went to re-assessment)."""
    schedule = (
        SupportSchedule.objects.select_for_update()
        .filter(request=support_request, is_active=True, reassessment_started_at__isnull=True)
        .first()
    )
    if schedule is None:
        now = timezone.now()
        SupportSchedule.objects.filter(request=support_request, is_active=True).update(
            is_active=False, ended_at=now
        )
        interval = max(support_type.interval_months, 1)
        schedule = SupportSchedule(
            request=support_request,
            customer=cast(Customer, support_request.customer),
            support_type=support_type,
            amount=amount,
            quantity=quantity,
            interval_months=interval,
            starts_on=delivered_on,
            next_due_on=add_months(delivered_on, interval),
            reassess_on=add_months(delivered_on, max(support_type.reassess_after_months, 1)),
            created_by=actor,
        )
        schedule._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        schedule.save()
        return schedule
    schedule.next_due_on = add_months(delivered_on, schedule.interval_months)
    schedule._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    schedule.save(update_fields=["next_due_on"])
    return schedule


def schedule_change(
    *,
    schedule: SupportSchedule,
    actor: User,
    next_due_on: datetime.date,
    reassess_on: datetime.date,
    interval_months: int,
    note: str = "",
) -> SupportSchedule:
    """Staff move a recurring support's next delivery or its re-assessment date."""
    require(actor, DELIVER)
    _require_visible(actor, schedule.request)
    if interval_months < 1:
        raise DeliveryError(_("The interval is at least one month."))
    if reassess_on < schedule.starts_on or next_due_on < schedule.starts_on:
        raise DeliveryError(_("The dates cannot be before the schedule started."))
    with transaction.atomic():
        locked = SupportSchedule.objects.select_for_update().get(pk=schedule.pk)
        if not locked.is_active:
            raise DeliveryError(_("This schedule has ended."))
        if locked.reassessment_started_at is not None:
            raise DeliveryError(_("The re-assessment of this support has started already."))
        locked.next_due_on = next_due_on
        locked.reassess_on = reassess_on
        locked.interval_months = interval_months
        locked._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        locked._change_reason = (note or "").strip()[:100]  # type: ignore[attr-defined]  # simple-history
        locked.save(update_fields=["next_due_on", "reassess_on", "interval_months"])
    return locked


def schedules_reassess_due(today: datetime.date | None = None) -> int:
    """The re-assessment date of recurring support came: its request goes back to the
    social research officer (step 3), who sees it on «عملي». Run every night by the beat
    task support.tasks.start_due_reassessments; idempotent. Returns how many started."""
    today = today or timezone.localdate()
    due = list(
        SupportSchedule.objects.filter(
            is_active=True, reassessment_started_at__isnull=True, reassess_on__lte=today
        ).values_list("pk", flat=True)[:1000]
    )
    started = 0
    for pk in due:
        with transaction.atomic():
            schedule = (
                SupportSchedule.objects.select_for_update()
                .filter(pk=pk, is_active=True, reassessment_started_at__isnull=True)
                .first()
            )
            if schedule is None:
                continue
            support_request = _locked(schedule.request)
            # The steps' audit names a person: the request's researcher, else its handler,
            # else whoever started the schedule (the note says the step was automatic).
            actor = (
                support_request.researcher
                or support_request.handler
                or schedule.created_by
                or support_request.registered_by
            )
            if actor is None:
                continue
            schedule.reassessment_started_at = timezone.now()
            schedule.save(update_fields=["reassessment_started_at"])
            if support_request.state != RequestState.IN_SERVICE:
                continue
            _step(
                support_request,
                "reassess",
                actor=actor,
                note=_(
                    "Re-assessment of the recurring support due on %(date)s (taken "
                    "automatically on that date)"
                )
                % {"date": schedule.reassess_on.isoformat()},
                fields={"referral_reason": _("Re-assessment of recurring support")},
            )
            started += 1
    return started


def request_close(*, support_request: SupportRequest, actor: User, note: str) -> SupportRequest:
    """The request's file is closed (the support given, or the rejected applicant told and no
    appeal): its schedules end."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    note = (note or "").strip()
    if not note:
        raise SupportRequestError(_("Write why the request is closed."))
    with transaction.atomic():
        locked = _locked(support_request)
        now = timezone.now()
        _step(
            locked, "close", actor=actor, note=note, fields={"closed_at": now, "close_note": note}
        )
        SupportSchedule.objects.filter(request=locked, is_active=True).update(
            is_active=False, ended_at=now
        )
    return locked


# --- step 7: the distribution day -------------------------------------------------------------


def distribution_day_create(
    *,
    actor: User,
    title: str,
    day: datetime.date,
    centre: Centre | None,
    support_type: SupportType,
    amount: Decimal | None = None,
    quantity: int | None = None,
) -> DistributionDay:
    require(actor, RUN_DAY)
    title = (title or "").strip()
    if not title:
        raise DeliveryError(_("Write the title of the distribution day."))
    if day is None:
        raise DeliveryError(_("Choose the day."))
    if support_type is None or not support_type.is_active:
        raise DeliveryError(_("Choose an active support type."))
    if not _may_work_in(actor, centre):
        raise DeliveryError(_("You can run distribution days only in your own centres."))
    amount, quantity = _amounts(support_type, amount, quantity, error=DeliveryError)
    return DistributionDay.objects.create(
        title=title[:200],
        day=day,
        centre=centre,
        support_type=support_type,
        amount=amount,
        quantity=quantity,
        created_by=actor,
    )


def distribution_day_close(*, day: DistributionDay, actor: User) -> DistributionDay:
    require(actor, RUN_DAY)
    if not _may_work_in(actor, day.centre):
        raise PermissionDenied
    with transaction.atomic():
        locked = DistributionDay.objects.select_for_update().get(pk=day.pk)
        if locked.state != DistributionDayState.OPEN:
            raise DeliveryError(_("This distribution day is closed already."))
        locked.state = DistributionDayState.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
    return locked


@dataclass(frozen=True)
class Recorded:
    """One entry of a distribution day: the delivery, and whether this entry made it (False:
    the beneficiary had been recorded already, by this person or another)."""

    delivery: Delivery
    created: bool


class Candidates(DeliveryError):
    """A typed name matched several beneficiaries: the page lists them to choose from."""

    def __init__(self, message: str, customers: list[Customer]) -> None:
        super().__init__(message)
        self.customers = customers


def _beneficiaries(actor: User) -> QuerySet[Customer]:
    return (
        customers_visible_to(actor)
        .select_related(None)
        .filter(kind=CustomerKind.BENEFICIARY, is_active=True)
    )


def find_beneficiary(actor: User, key: str) -> Customer:
    """The beneficiary a scanned or typed key names: a customer code, a national ID or
    Iqama (ten digits), or a name matching exactly one beneficiary."""
    key = normalize_digits(key or "").strip().replace(" ", "").replace("\u200f", "")
    if not key:
        raise DeliveryError(_("Scan or type the customer code or the national ID."))
    beneficiaries = _beneficiaries(actor).only("pk", "code", "name", "national_id", "centre_id")
    if key.isdigit():
        if len(key) == NATIONAL_ID_LENGTH and key[0] in "12":
            found = list(beneficiaries.filter(national_id=key)[:2])
            if len(found) > 1:
                raise DeliveryError(
                    _("Several beneficiaries have the national ID %(key)s: scan the customer code.")
                    % {"key": key}
                )
        else:
            found = list(beneficiaries.filter(code=int(key))[:1])
        if not found:
            raise DeliveryError(
                _("No beneficiary has the code or national ID %(key)s.") % {"key": key}
            )
        return found[0]
    text = normalize_arabic(key)
    if len(text) < 3:
        raise DeliveryError(_("Type at least three letters of the name."))
    found = list(beneficiaries.filter(name_normalized__contains=text).order_by("name")[:11])
    if not found:
        raise DeliveryError(_("No beneficiary's name contains «%(key)s».") % {"key": key})
    if len(found) > 1:
        raise Candidates(_("Several beneficiaries match: choose one."), found[:10])
    return found[0]


def distribution_record(*, day: DistributionDay, actor: User, key: str) -> Recorded:
    """One beneficiary of a distribution day, by code, national ID or name: recorded once.
    Two members of staff recording the same beneficiary at the same moment make one delivery
    (the unique constraint "support_once_per_distribution_day"); the second is told who
    recorded it and when. The beneficiary's request being served, if any, is linked."""
    require(actor, DELIVER)
    if day.state != DistributionDayState.OPEN:
        raise DeliveryError(_("This distribution day is closed."))
    if not _may_work_in(actor, day.centre):
        raise PermissionDenied
    customer = find_beneficiary(actor, key)
    existing = _recorded_already(day, customer)
    if existing is not None:
        return Recorded(existing, created=False)
    serving = (
        SupportRequest.objects.filter(customer=customer, state__in=SERVING_STATES)
        .only("pk", "state")
        .order_by("-received_at")
        .first()
    )
    delivery = Delivery(
        customer=customer,
        request_id=serving.pk if serving is not None else None,
        support_type_id=day.support_type_id,
        amount=day.amount,
        quantity=day.quantity,
        delivered_on=day.day,
        centre_id=day.centre_id,
        delivered_by=actor,
        distribution_day=day,
    )
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
            if serving is not None and serving.state == RequestState.REGISTERED:
                locked = _locked(serving)
                if locked.state == RequestState.REGISTERED:
                    _step(
                        locked,
                        "start_service",
                        actor=actor,
                        note=_("First delivery: %(day)s") % {"day": day.title},
                        fields={"service_started_at": timezone.now()},
                    )
    except IntegrityError:
        existing = _recorded_already(day, customer)
        if existing is None:
            raise
        return Recorded(existing, created=False)
    delivery.customer = customer
    return Recorded(delivery, created=True)


def _recorded_already(day: DistributionDay, customer: Customer) -> Delivery | None:
    delivery = (
        Delivery.objects.filter(distribution_day=day, customer=customer)
        .select_related("delivered_by")
        .only(
            "pk",
            "created_at",
            "customer_id",
            "delivered_by__first_name",
            "delivered_by__last_name",
            "delivered_by__username",
        )
        .first()
    )
    if delivery is not None:
        delivery.customer = customer
    return delivery


def distribution_undo(*, delivery: Delivery, actor: User) -> None:
    """An entry made by mistake on an open distribution day is removed (by whoever runs the
    day, or by the person who recorded it)."""
    require(actor, DELIVER)
    day = delivery.distribution_day
    if day is None:
        raise DeliveryError(_("Only an entry of a distribution day can be removed."))
    if not (actor.has_perm(RUN_DAY) or delivery.delivered_by_id == actor.pk):
        raise PermissionDenied
    if not _may_work_in(actor, day.centre):
        raise PermissionDenied
    with transaction.atomic():
        locked_day = DistributionDay.objects.select_for_update().get(pk=day.pk)
        if locked_day.state != DistributionDayState.OPEN:
            raise DeliveryError(_("This distribution day is closed."))
        Delivery.objects.filter(pk=delivery.pk).delete()
