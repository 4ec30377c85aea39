"""The distribution day: each beneficiary recorded once, by code, national ID or name, even
when two members of staff record the same person at the same moment."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from support import delivery
from support.errors import DeliveryError
from support.models import Delivery, DistributionDay, RequestState
from tests.concurrency import run_together
from tests.support.test_service_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(b_people, b_places, b_types, b_customers):
    return delivery.distribution_day_create(
        actor=b_people["centres"],
        title="توزيع سلال رمضان",
        day=timezone.localdate(),
        centre=b_places["mine"],
        support_type=b_types["basket"],
        quantity=1,
    )


def test_a_day_needs_its_title_and_amount(b_people, b_places, b_types):
    with pytest.raises(DeliveryError):
        delivery.distribution_day_create(
            actor=b_people["centres"],
            title=" ",
            day=None,
            centre=b_places["mine"],
            support_type=b_types["basket"],
            quantity=1,
        )
    with pytest.raises(DeliveryError):
        delivery.distribution_day_create(
            actor=b_people["centres"],
            title="يوم",
            day=datetime.date(2026, 1, 1),
            centre=b_places["mine"],
            support_type=b_types["basket"],
        )
    with pytest.raises(DeliveryError):
        delivery.distribution_day_create(
            actor=b_people["centres"],
            title="يوم",
            day=datetime.date(2026, 1, 1),
            centre=b_places["other"],
            support_type=b_types["basket"],
            quantity=1,
        )
    with pytest.raises(PermissionDenied):
        delivery.distribution_day_create(
            actor=b_people["crm"],
            title="يوم",
            day=datetime.date(2026, 1, 1),
            centre=b_places["mine"],
            support_type=b_types["basket"],
            quantity=1,
        )


def test_recorded_by_code_then_refused_twice(day, b_people, b_customers):
    first = delivery.distribution_record(day=day, actor=b_people["centres"], key="910001")
    assert first.created and first.delivery.customer == b_customers["beneficiary"]
    assert first.delivery.quantity == 1 and first.delivery.delivered_on == day.day
    again = delivery.distribution_record(day=day, actor=b_people["centres"], key="910001")
    assert not again.created and again.delivery.pk == first.delivery.pk
    assert Delivery.objects.filter(distribution_day=day).count() == 1


def test_recorded_by_national_id_typed_in_arabic_indic_digits(day, b_people, b_customers):
    recorded = delivery.distribution_record(day=day, actor=b_people["centres"], key=" ١٠٠٠٠٠٠٠٥٧ ")
    assert recorded.created and recorded.delivery.customer == b_customers["beneficiary"]


def test_recorded_by_a_name_matching_one_beneficiary(day, b_people, b_customers):
    recorded = delivery.distribution_record(day=day, actor=b_people["centres"], key="فاطمه")
    assert recorded.delivery.customer == b_customers["beneficiary"]


def test_a_name_matching_several_lists_them(day, b_people, b_places, b_customers):
    from customers.models import Customer

    Customer.objects.create(
        code=910010, name="فاطمة العمري", kind="beneficiary", centre=b_places["mine"]
    )
    with pytest.raises(delivery.Candidates) as refused:
        delivery.distribution_record(day=day, actor=b_people["centres"], key="فاطمة")
    assert len(refused.value.customers) == 2


def test_unknown_and_other_kinds_are_refused_with_a_message(day, b_people):
    for key in ("", "999999", "910003", "ab"):
        with pytest.raises(DeliveryError):
            delivery.distribution_record(day=day, actor=b_people["centres"], key=key)
    # A beneficiary of another centre is not visible to this centre's staff.
    with pytest.raises(DeliveryError):
        delivery.distribution_record(day=day, actor=b_people["centres"], key="910002")
    assert not Delivery.objects.exists()


def test_a_closed_day_records_nobody(day, b_people):
    delivery.distribution_day_close(day=day, actor=b_people["centres"])
    day.refresh_from_db()
    with pytest.raises(DeliveryError):
        delivery.distribution_record(day=day, actor=b_people["centres"], key="910001")
    with pytest.raises(DeliveryError):
        delivery.distribution_day_close(day=day, actor=b_people["centres"])


def test_staff_of_another_centre_cannot_record(day, b_people):
    with pytest.raises(PermissionDenied):
        delivery.distribution_record(day=day, actor=b_people["centres_other"], key="910001")


def test_the_entry_starts_the_service_of_a_registered_request(
    day, b_people, b_customers, accepted_request
):
    delivery.request_link_customer(
        support_request=accepted_request,
        actor=b_people["crm"],
        customer=b_customers["beneficiary"],
    )
    recorded = delivery.distribution_record(day=day, actor=b_people["centres"], key="910001")
    accepted_request.refresh_from_db()
    assert recorded.delivery.request_id == accepted_request.pk
    assert accepted_request.state == RequestState.IN_SERVICE


def test_an_entry_made_by_mistake_is_removed(day, b_people):
    recorded = delivery.distribution_record(day=day, actor=b_people["centres"], key="910001")
    with pytest.raises(PermissionDenied):
        delivery.distribution_undo(delivery=recorded.delivery, actor=b_people["centres_other"])
    delivery.distribution_undo(delivery=recorded.delivery, actor=b_people["centres"])
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_recording_the_same_beneficiary_at_once_record_it_once(
    b_people, b_places, b_types, b_customers
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL")
    day = DistributionDay.objects.create(
        title="يوم",
        day=datetime.date(2026, 12, 1),
        centre=b_places["mine"],
        support_type=b_types["basket"],
        quantity=1,
    )

    def job():
        # Each request reads its user afresh, as a page does.
        actor = User.objects.get(pk=b_people["centres"].pk)
        return delivery.distribution_record(
            day=DistributionDay.objects.get(pk=day.pk), actor=actor, key="910001"
        )

    outcomes = run_together(job, job, job)
    assert all(kind == "ok" for kind, _result in outcomes), outcomes
    assert sorted(result.created for _kind, result in outcomes) == [False, False, True]
    assert Delivery.objects.filter(distribution_day=day).count() == 1
