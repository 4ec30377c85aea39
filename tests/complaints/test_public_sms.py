"""The public filer who gives a mobile gets the tracking number by SMS once the case is
registered (messaging.services.direct_sms_queue, a service notice to a number that is no
customer's record); a gateway that fails never breaks the filing."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints.models import Case
from customers.models import Customer
from messaging.backends import locmem
from messaging.backends.base import BaseSmsBackend, GatewayUnavailable
from messaging.choices import RecipientStatus
from messaging.models import DirectSms, Message

from .test_public import FILE_URL, FILED_URL, filing

pytestmark = pytest.mark.django_db


class DownBackend(BaseSmsBackend):
    def send(self, messages):
        raise GatewayUnavailable("Unifonic unreachable: timed out")


class BrokenBackend(BaseSmsBackend):
    def send(self, messages):
        raise RuntimeError("a bug in the gateway's client")


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    locmem.outbox.clear()
    yield
    cache.clear()


def file_case(client, capture, **changes):
    with capture(execute=True):
        response = client.post(FILE_URL, filing(**changes))
    assert response.status_code == 302 and response["Location"] == FILED_URL
    return Case.objects.get()


def test_the_filer_gets_the_tracking_number_by_sms_once(client, django_capture_on_commit_callbacks):
    case = file_case(client, django_capture_on_commit_callbacks, mobile="0559876543")
    assert len(locmem.outbox) == 1
    sms = locmem.outbox[0]
    assert sms.to == "+966559876543"
    assert case.tracking_number in sms.body
    assert reverse("public:track") in sms.body
    record = DirectSms.objects.get()
    assert (record.status, record.purpose) == (RecipientStatus.SENT, "service")
    assert case.tracking_number in record.about
    # Not a message to a customer: the filer is nobody's record until staff confirm it.
    assert not Message.objects.exists()
    # Showing the thank-you page again sends nothing more.
    client.get(FILED_URL)
    assert len(locmem.outbox) == 1


def test_a_filer_matching_a_customer_is_still_sent_to_the_number_typed(
    client, django_capture_on_commit_callbacks
):
    Customer.objects.create(code=910009, name="مانح", kind="donor", mobile="+966559876543")
    file_case(client, django_capture_on_commit_callbacks, mobile="0559876543")
    assert [sms.to for sms in locmem.outbox] == ["+966559876543"]
    assert not Message.objects.exists()


def test_a_gateway_failure_does_not_break_the_filing(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.complaints.test_public_sms.DownBackend"
    case = file_case(client, django_capture_on_commit_callbacks)
    assert case.tracking_number
    record = DirectSms.objects.get()
    assert record.status == RecipientStatus.PENDING  # tried again later by the beat task
    assert record.attempts == 1 and record.retry_at is not None


def test_a_broken_backend_does_not_break_the_filing(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.SMS_BACKEND = "tests.complaints.test_public_sms.BrokenBackend"
    with caplog.at_level(logging.ERROR):
        case = file_case(client, django_capture_on_commit_callbacks)
    assert case.tracking_number
    assert "a bug in the gateway" in caplog.text
    # Claimed and left: settled as interrupted later, never sent twice.
    assert DirectSms.objects.get().status == RecipientStatus.CLAIMED
