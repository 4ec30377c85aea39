"""Part B's services: registration through the customers' form and the link, deliveries,
recurring schedules and their re-assessment, closing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from customers import services as customer_services
from customers.models import CustomerKind, CustomerRequest, RequestKind
from support import delivery
from support.errors import DeliveryError, SupportRequestError
from support.models import Delivery, RequestState, RequestTransition, SupportSchedule
from tests.support.test_service_fixtures import *  # noqa: F403
from tests.support.test_service_fixtures import NATIONAL_IDS, accepted, rejected

pytestmark = pytest.mark.django_db


# --- step 6: registration ---------------------------------------------------------------------


def _register(support_request, people):
    return delivery.registration_start(
        support_request=support_request,
        actor=people["crm"],
        proposed=delivery.registration_values(support_request),
        reason=delivery.registration_reason(support_request),
    )


def test_registration_goes_through_the_customers_form_and_links_on_entry(
    accepted_request, b_people
):
    form = _register(accepted_request, b_people)
    assert form.kind == RequestKind.CREATE
    line = form.lines.get()
    assert line.proposed["kind"] == CustomerKind.BENEFICIARY
    assert line.proposed["national_id"] == accepted_request.applicant_national_id
    accepted_request.refresh_from_db()
    assert accepted_request.customer_request == form
    assert accepted_request.state == RequestState.ACCEPTED  # nothing written to customers yet

    customer_services.customer_request_approve(request=form, actor=b_people["crm_manager"])
    customer_services.customer_request_enter(request=form, actor=b_people["steward"])

    accepted_request.refresh_from_db()
    assert accepted_request.state == RequestState.REGISTERED
    assert accepted_request.customer.name == accepted_request.applicant_name
    assert accepted_request.customer.kind == CustomerKind.BENEFICIARY
    assert accepted_request.linked_at is not None
    step = RequestTransition.objects.filter(request=accepted_request).latest("pk")
    assert step.target == RequestState.REGISTERED and step.actor == b_people["steward"]


def test_registration_is_refused_twice_while_the_form_waits(accepted_request, b_people):
    _register(accepted_request, b_people)
    with pytest.raises(SupportRequestError):
        _register(accepted_request, b_people)
    assert CustomerRequest.objects.count() == 1


def test_registration_only_of_an_accepted_request_as_a_beneficiary(
    b_people, b_places, b_types, accepted_request
):
    refused = rejected(
        b_people, b_places, b_types["basket"], b_types["reason"], national_id=NATIONAL_IDS[1]
    )
    with pytest.raises(SupportRequestError):
        _register(refused, b_people)
    values = {**delivery.registration_values(accepted_request), "kind": CustomerKind.DONOR}
    with pytest.raises(SupportRequestError):
        delivery.registration_start(
            support_request=accepted_request, actor=b_people["crm"], proposed=values, reason="x"
        )


def test_registration_needs_the_right_to_prepare_customer_forms(accepted_request, b_people):
    # Centres-affairs staff handle requests but do not prepare customer forms.
    with pytest.raises(PermissionDenied):
        _register(accepted_request, {"crm": b_people["centres"]})


def test_an_existing_beneficiary_is_linked_directly(b_people, b_places, b_types, b_customers):
    support_request = accepted(
        b_people,
        b_places,
        b_types["basket"],
        national_id=NATIONAL_IDS[1],
        customer=b_customers["beneficiary"],
    )
    delivery.request_link_customer(support_request=support_request, actor=b_people["crm"])
    support_request.refresh_from_db()
    assert support_request.state == RequestState.REGISTERED
    assert support_request.customer == b_customers["beneficiary"]


def test_only_a_beneficiary_is_linked(accepted_request, b_people, b_customers):
    with pytest.raises(SupportRequestError):
        delivery.request_link_customer(
            support_request=accepted_request, actor=b_people["crm"], customer=b_customers["donor"]
        )
    with pytest.raises(SupportRequestError):
        delivery.request_link_customer(support_request=accepted_request, actor=b_people["crm"])


# --- step 7: deliveries -----------------------------------------------------------------------


@pytest.fixture
def registered(accepted_request, b_people, b_customers):
    return delivery.request_link_customer(
        support_request=accepted_request,
        actor=b_people["crm"],
        customer=b_customers["beneficiary"],
    )


def test_the_first_delivery_starts_the_service(registered, b_people):
    entry = delivery.delivery_record(
        support_request=registered, actor=b_people["centres"], quantity=2
    )
    registered.refresh_from_db()
    assert registered.state == RequestState.IN_SERVICE
    assert registered.service_started_at is not None
    assert entry.customer == registered.customer and entry.quantity == 2 and entry.amount is None
    assert entry.delivered_by == b_people["centres"] and entry.centre == registered.centre
    second = delivery.delivery_record(support_request=registered, actor=b_people["crm"], quantity=1)
    assert second.pk != entry.pk
    assert RequestTransition.objects.filter(request=registered, note__contains="سلة").count() >= 1


def test_a_delivery_needs_a_registered_request(accepted_request, b_people):
    with pytest.raises(DeliveryError):
        delivery.delivery_record(
            support_request=accepted_request, actor=b_people["crm"], quantity=1
        )
    assert not Delivery.objects.exists()


def test_a_delivery_is_measured_as_its_support_type_says(registered, b_people):
    with pytest.raises(DeliveryError):
        delivery.delivery_record(support_request=registered, actor=b_people["crm"])
    with pytest.raises(DeliveryError):
        delivery.delivery_record(support_request=registered, actor=b_people["crm"], quantity=-1)


def test_a_delivery_is_not_dated_in_the_future(registered, b_people):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DeliveryError):
        delivery.delivery_record(
            support_request=registered, actor=b_people["crm"], quantity=1, delivered_on=tomorrow
        )


def test_centres_staff_deliver_only_in_their_centres(registered, b_people):
    with pytest.raises(PermissionDenied):
        delivery.delivery_record(
            support_request=registered, actor=b_people["centres_other"], quantity=1
        )
    with pytest.raises(PermissionDenied):
        delivery.delivery_record(support_request=registered, actor=b_people["quality"], quantity=1)


# --- recurring support ------------------------------------------------------------------------


@pytest.fixture
def recurring(b_people, b_places, b_types, b_customers):
    support_request = accepted(
        b_people,
        b_places,
        b_types["rent"],
        national_id=NATIONAL_IDS[2],
        customer=b_customers["beneficiary"],
    )
    return delivery.request_link_customer(support_request=support_request, actor=b_people["crm"])


def test_recurring_support_gets_its_schedule_and_reassessment_date(recurring, b_people):
    day = datetime.date(2026, 1, 31)
    entry = delivery.delivery_record(
        support_request=recurring,
        actor=b_people["crm"],
        amount=Decimal("1500"),
        delivered_on=max(day, timezone.localdate(recurring.decided_at)),
    )
    schedule = entry.schedule
    assert schedule is not None and schedule.is_active
    assert schedule.next_due_on == delivery.add_months(entry.delivered_on, 1)
    assert schedule.reassess_on == delivery.add_months(entry.delivered_on, 6)
    again = delivery.delivery_record(
        support_request=recurring, actor=b_people["crm"], amount=Decimal("1500")
    )
    assert again.schedule == schedule
    assert SupportSchedule.objects.count() == 1


def test_add_months_keeps_the_end_of_a_shorter_month():
    assert delivery.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert delivery.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_the_reassessment_date_sends_the_request_back_to_research(recurring, b_people):
    entry = delivery.delivery_record(
        support_request=recurring, actor=b_people["crm"], amount=Decimal("1500")
    )
    assert delivery.schedules_reassess_due(entry.schedule.reassess_on - datetime.timedelta(1)) == 0
    assert delivery.schedules_reassess_due(entry.schedule.reassess_on) == 1
    recurring.refresh_from_db()
    assert recurring.state == RequestState.RESEARCH
    assert delivery.schedules_reassess_due(entry.schedule.reassess_on) == 0  # once
    entry.schedule.refresh_from_db()
    assert entry.schedule.reassessment_started_at is not None
    # While it is re-assessed, no delivery.
    with pytest.raises(DeliveryError):
        delivery.delivery_record(
            support_request=recurring, actor=b_people["crm"], amount=Decimal("1500")
        )


def test_the_beat_task_starts_the_reassessments(recurring, b_people):
    from support.tasks import start_due_reassessments

    entry = delivery.delivery_record(
        support_request=recurring, actor=b_people["crm"], amount=Decimal("1500")
    )
    SupportSchedule.objects.filter(pk=entry.schedule_id).update(reassess_on=timezone.localdate())
    assert start_due_reassessments() == 1


def test_staff_change_the_schedule_with_history(recurring, b_people):
    entry = delivery.delivery_record(
        support_request=recurring, actor=b_people["crm"], amount=Decimal("1500")
    )
    later = entry.schedule.reassess_on + datetime.timedelta(days=30)
    schedule = delivery.schedule_change(
        schedule=entry.schedule,
        actor=b_people["crm"],
        next_due_on=entry.schedule.next_due_on,
        reassess_on=later,
        interval_months=2,
        note="طلب الباحث",
    )
    assert schedule.reassess_on == later and schedule.interval_months == 2
    assert schedule.history.first().history_user == b_people["crm"]
    with pytest.raises(DeliveryError):
        delivery.schedule_change(
            schedule=schedule,
            actor=b_people["crm"],
            next_due_on=schedule.next_due_on,
            reassess_on=schedule.starts_on - datetime.timedelta(days=1),
            interval_months=1,
        )


def test_closing_ends_the_schedules(recurring, b_people):
    delivery.delivery_record(support_request=recurring, actor=b_people["crm"], amount=Decimal("9"))
    with pytest.raises(SupportRequestError):
        delivery.request_close(support_request=recurring, actor=b_people["crm"], note=" ")
    delivery.request_close(support_request=recurring, actor=b_people["crm"], note="انتهى الدعم")
    recurring.refresh_from_db()
    assert recurring.state == RequestState.CLOSED and recurring.close_note == "انتهى الدعم"
    assert not SupportSchedule.objects.filter(is_active=True).exists()
