"""Consent records, the current state and may_message (issue 15: consent per channel and
purpose, the suppression list on top)."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.consent import ALL_PAIRS
from messaging import selectors, services
from messaging.models import Consent, Suppression, SuppressionReason

pytestmark = pytest.mark.django_db


def record(customer, key, given, *, source="form", at=None):
    return services.consents_record(
        customer_id=customer.pk,
        changes={key: given},
        at=at or timezone.now(),
        source=source,
        evidence="اختبار",
    )


def test_the_state_is_the_latest_record_of_each_pair_in_one_query(
    customer, django_assert_num_queries
):
    record(customer, "sms.marketing", True)
    record(customer, "sms.marketing", False, source="unsubscribe_link")
    record(customer, "email.service", True)
    with django_assert_num_queries(1):
        state = selectors.consent_state(customer.pk)
    assert set(state) == set(ALL_PAIRS)
    assert state[("sms", "marketing")].given is False
    assert state[("sms", "marketing")].source == "unsubscribe_link"
    assert state[("email", "service")].given is True
    assert state[("sms", "surveys")] is None


def test_only_the_pairs_whose_answer_changes_are_recorded(customer):
    assert len(record(customer, "sms.marketing", True)) == 1
    assert record(customer, "sms.marketing", True) == []  # the same answer again
    written = services.consents_record(
        customer_id=customer.pk,
        changes={"sms.marketing": True, "email.surveys": True},
        at=timezone.now(),
        source="phone",
    )
    assert [(row.channel, row.purpose) for row in written] == [("email", "surveys")]
    assert Consent.objects.filter(customer=customer).count() == 2


def test_records_are_kept_as_history_never_changed(customer):
    record(customer, "sms.marketing", True)
    record(customer, "sms.marketing", False)
    record(customer, "sms.marketing", True)
    history = list(selectors.history_of(customer.pk).values_list("given", flat=True))
    assert history == [True, False, True]


def test_marketing_needs_consent_and_the_latest_answer_wins(customer):
    assert not selectors.may_message(customer, "sms", "marketing")  # never asked
    record(customer, "sms.marketing", True)
    assert selectors.may_message(customer, "sms", "marketing")
    assert not selectors.may_message(customer, "email", "marketing")  # another channel
    record(customer, "sms.marketing", False)
    assert not selectors.may_message(customer, "sms", "marketing")


def test_service_notices_are_sent_unless_withdrawn(customer):
    """Transactional notices about the person's own request or complaint (and the
    confirmation of a withdrawal) need no consent; a withdrawal stops them."""
    assert selectors.may_message(customer, "sms", "service")
    record(customer, "sms.service", False)
    assert not selectors.may_message(customer, "sms", "service")
    assert selectors.may_message(customer, "email", "service")


def test_a_suppressed_or_missing_address_is_never_messaged(customer):
    record(customer, "sms.marketing", True)
    record(customer, "email.marketing", True)
    Suppression.objects.create(
        address="+966551112233", reason=SuppressionReason.COMPLAINED, at=timezone.now()
    )
    assert not selectors.may_message(customer, "sms", "marketing")
    assert not selectors.may_message(customer, "sms", "service")
    assert selectors.may_message(customer, "email", "marketing")
    customer.email = ""
    assert not selectors.may_message(customer, "email", "marketing")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0551112233", "+966551112233"),
        ("٠٥٥١١١٢٢٣٣", "+966551112233"),
        ("+966 55 111 2233", "+966551112233"),
        (" Sara@Example.ORG ", "sara@example.org"),
        ("12345", ""),
        ("", ""),
    ],
)
def test_addresses_are_kept_normalised(typed, kept):
    assert selectors.normalized_address(typed) == kept


def test_an_address_is_suppressed_once(db):
    Suppression.objects.create(address="a@b.org", reason="bounced", at=timezone.now())
    with pytest.raises(IntegrityError):
        Suppression.objects.create(address="a@b.org", reason="invalid", at=timezone.now())


def test_the_suppression_form_normalises_the_address(db):
    from messaging.forms import SuppressionForm

    form = SuppressionForm(
        data={"address": "٠٥٠١٢٣٤٥٦٧", "reason": "requested", "at": "2026-12-01 10:00"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["address"] == "+966501234567"
    assert not SuppressionForm(data={"address": "nothing", "reason": "invalid"}).is_valid()


def test_the_grids_of_many_customers_are_read_in_one_query(
    customer, other_customer, django_assert_num_queries
):
    record(customer, "sms.marketing", True)
    record(other_customer, "email.surveys", True)
    record(other_customer, "email.surveys", False)
    with django_assert_num_queries(1):
        grids = selectors.consent_grids([customer.pk, other_customer.pk])
    assert grids[customer.pk]["sms.marketing"] is True
    assert not any(grids[other_customer.pk].values())


def test_a_day_starts_at_midnight_in_riyadh():
    at = services.day_start(datetime.date(2026, 1, 15))
    assert at.astimezone(datetime.UTC) == datetime.datetime(2026, 1, 14, 21, 0, tzinfo=datetime.UTC)
