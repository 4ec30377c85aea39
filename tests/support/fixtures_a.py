"""Fixtures of part A's tests (steps 1–5): the people of every role, two centres, the
catalogue, and requests brought through the services to each step. Imported by
tests/support/test_requests_*.py and test_committee*.py."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from association import roles
from core.choices import ContactChannel
from support import services
from support.models import (
    AgendaItem,
    CommitteeMeeting,
    DocumentType,
    Recurrence,
    RejectionReason,
    SupportRequest,
    SupportType,
    SupportUnit,
)
from tests.factories import CentreFactory, StaffProfileFactory
from tests.helpers import user_with

# Valid national IDs (the Saudi Luhn check digit), one per applicant of a test.
IDS = [
    "1000000008",
    "1000000016",
    "1000000024",
    "1000000032",
    "1000000040",
    "1000000057",
    "1000000065",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

__all__ = [
    "english_services",
    "places",
    "people",
    "catalogue",
    "received",
    "ready",
    "meeting",
    "on_agenda",
    "IDS",
    "scan",
    "receive",
    "make_ready",
    "check_all",
]


@pytest.fixture
def english_services():
    """The services' messages in English, as the assertions read them."""
    from django.utils import translation  # noqa: PLC0415

    with translation.override("en"):
        yield


def scan(name: str = "declaration.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_places():
    return {"mine": CentreFactory(), "other": CentreFactory()}


@pytest.fixture
def places(db):
    return make_places()


@pytest.fixture
def people(db, places):
    return make_people(places)


def make_people(places):
    crew = {
        "crm": user_with(roles.CRM_STAFF, "a_crm"),
        "crm_manager": user_with(roles.CRM_MANAGER, "a_crm_manager"),
        "centres": user_with(roles.CENTRES_STAFF, "a_centres"),
        "centres_other": user_with(roles.CENTRES_STAFF, "a_centres_other"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "a_centres_manager"),
        "researcher": user_with(roles.RESEARCH_OFFICER, "a_researcher"),
        "committee": user_with(roles.COMMITTEE_MEMBER, "a_committee"),
        "committee2": user_with(roles.COMMITTEE_MEMBER, "a_committee2"),
        "management": user_with(roles.MANAGEMENT, "a_management"),
        "quality": user_with(roles.QUALITY_OFFICER, "a_quality"),
        "nobody": user_with(None, "a_nobody"),
    }
    StaffProfileFactory(user=crew["centres"]).centres.add(places["mine"])
    StaffProfileFactory(user=crew["centres_other"]).centres.add(places["other"])
    return crew


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def make_catalogue():
    identity = DocumentType.objects.create(name="صورة الهوية", has_expiry=True, position=1)
    family = DocumentType.objects.create(name="سجل الأسرة", position=2)
    basket = SupportType.objects.create(
        name="سلة غذائية", unit=SupportUnit.ITEMS, recurrence=Recurrence.RECURRING
    )
    basket.required_documents.set([identity, family])
    rent = SupportType.objects.create(
        name="مساعدة إيجار", unit=SupportUnit.RIYALS, requires_research=True
    )
    rent.required_documents.set([identity])
    return {
        "identity": identity,
        "family": family,
        "basket": basket,
        "rent": rent,
        "reason": RejectionReason.objects.create(name="الدخل يتجاوز الحد"),
    }


def receive(people, places, catalogue, *, kind="basket", national_id=IDS[0], **values):
    fields = {
        "actor": people["centres"],
        "channel": ContactChannel.PHONE,
        "support_type": catalogue[kind],
        "applicant_name": "مريم سعيد الغامدي",
        "applicant_national_id": national_id,
        "applicant_mobile": "0501234567",
        "centre": places["mine"],
        "need": "سلة غذائية للأسرة",
        **values,
    }
    return services.request_receive(**fields)


def check_all(support_request, actor, *, skip=None, expires_on=None):
    """Every required document present, legible and valid (but `skip`, left missing)."""
    expires_on = expires_on or timezone.localdate() + datetime.timedelta(days=300)
    return services.documents_check(
        support_request=support_request,
        actor=actor,
        checks=[
            {
                "document_type": document_type,
                "present": document_type != skip,
                "legible": True,
                "expires_on": expires_on if document_type.has_expiry else None,
            }
            for document_type in support_request.support_type.required_documents.all()
        ],
    )


def make_ready(support_request, people):
    check_all(support_request, people["centres"])
    services.request_confirm_complete(support_request=support_request, actor=people["centres"])
    return services.request_declare(
        support_request=support_request, actor=people["centres"], scan=scan()
    )


@pytest.fixture
def received(people, places, catalogue) -> SupportRequest:
    return receive(people, places, catalogue)


@pytest.fixture
def ready(people, places, catalogue) -> SupportRequest:
    return make_ready(receive(people, places, catalogue, national_id=IDS[1]), people)


@pytest.fixture
def meeting(people) -> CommitteeMeeting:
    return services.meeting_create(
        actor=people["researcher"], meets_at=timezone.now() + datetime.timedelta(days=2)
    )


@pytest.fixture
def on_agenda(ready, meeting, people) -> AgendaItem:
    return services.meeting_add_request(
        meeting=meeting, support_request=ready, actor=people["researcher"]
    )


def decide_accept(item, people, amount="500"):
    return services.agenda_decide(
        item=item,
        actor=people["committee"],
        outcome="accepted",
        granted_quantity=1,
        granted_amount=Decimal(amount) if amount else None,
    )


def make_customer(**fields):
    """A customer row written as the steward's entry would (tests only)."""
    from customers.models import Customer  # noqa: PLC0415
    from customers.services import allocate_customer_code  # noqa: PLC0415

    values = {"name": "مستفيد", "kind": "beneficiary", **fields}
    return Customer.objects.create(code=allocate_customer_code(), **values)
