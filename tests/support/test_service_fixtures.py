"""Fixtures of part B's tests (imported by tests/support/test_service_*.py and
test_public_*.py): the people, two centres, the catalogue, and requests brought through
part A's services to the committee's decision."""

from decimal import Decimal

import pytest
from django.utils import timezone

from association import roles
from customers.models import Customer, StewardDesignation
from support import services
from support.models import (
    Outcome,
    Recurrence,
    RejectionReason,
    SupportRequest,
    SupportType,
    SupportUnit,
)
from tests.factories import CentreFactory, StaffProfileFactory
from tests.helpers import user_with

NATIONAL_IDS = ["1000000008", "1000000016", "1000000024", "1000000032", "1000000040"]

__all__ = [
    "b_places",
    "b_people",
    "b_types",
    "b_customers",
    "accepted",
    "rejected",
    "accepted_request",
    "NATIONAL_IDS",
]


@pytest.fixture
def b_places(db):
    return {"mine": CentreFactory(), "other": CentreFactory()}


@pytest.fixture
def b_people(db, b_places):
    people = {
        "crm": user_with(roles.CRM_STAFF, "b_crm"),
        "crm_manager": user_with(roles.CRM_MANAGER, "b_crm_manager"),
        "centres": user_with(roles.CENTRES_STAFF, "b_centres"),
        "centres_other": user_with(roles.CENTRES_STAFF, "b_centres_other"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "b_centres_manager"),
        "researcher": user_with(roles.RESEARCH_OFFICER, "b_researcher"),
        "committee": user_with(roles.COMMITTEE_MEMBER, "b_committee"),
        "steward": user_with(roles.DATA_STEWARD, "b_steward"),
        "deputy": user_with(roles.DEPUTY_STEWARD, "b_deputy"),
        "quality": user_with(roles.QUALITY_OFFICER, "b_quality"),
    }
    StaffProfileFactory(user=people["centres"]).centres.add(b_places["mine"])
    StaffProfileFactory(user=people["centres_other"]).centres.add(b_places["other"])
    StewardDesignation.objects.create(steward=people["steward"], deputy=people["deputy"])
    return people


@pytest.fixture
def b_types(db):
    return {
        "basket": SupportType.objects.create(
            name="سلة غذائية", unit=SupportUnit.ITEMS, recurrence=Recurrence.ONE_OFF
        ),
        "rent": SupportType.objects.create(
            name="إيجار",
            unit=SupportUnit.RIYALS,
            recurrence=Recurrence.RECURRING,
            interval_months=1,
            reassess_after_months=6,
        ),
        "reason": RejectionReason.objects.create(name="الدخل يتجاوز الحد"),
    }


@pytest.fixture
def b_customers(db, b_places):
    return {
        "beneficiary": Customer.objects.create(
            code=910001,
            name="فاطمة الزهراني",
            kind="beneficiary",
            national_id="1000000057",
            centre=b_places["mine"],
        ),
        "beneficiary_other": Customer.objects.create(
            code=910002, name="نورة القحطاني", kind="beneficiary", centre=b_places["other"]
        ),
        "donor": Customer.objects.create(code=910003, name="مانح كريم", kind="donor"),
    }


def _ready(people, places, support_type, *, national_id, customer=None, name="خالد الغامدي"):
    support_request = services.request_receive(
        actor=people["crm"],
        channel="phone",
        support_type=support_type,
        applicant_name=name,
        applicant_national_id=national_id,
        applicant_mobile="0551234567",
        customer=customer,
        centre=places["mine"],
        need="يحتاج الدعم",
    )
    services.declaration_record_online(support_request=support_request)
    return services.request_confirm_complete(support_request=support_request, actor=people["crm"])


def _decide(people, support_request, outcome, **decision):
    meeting = services.meeting_create(actor=people["researcher"], meets_at=timezone.now())
    item = services.meeting_add_request(
        meeting=meeting, support_request=support_request, actor=people["researcher"]
    )
    services.agenda_decide(item=item, actor=people["committee"], outcome=outcome, **decision)
    return SupportRequest.objects.get(pk=support_request.pk)


def accepted(people, places, support_type, *, national_id, customer=None, **decision):
    support_request = _ready(
        people, places, support_type, national_id=national_id, customer=customer
    )
    if not decision:
        decision = (
            {"granted_amount": Decimal("1500")}
            if support_type.unit == SupportUnit.RIYALS
            else {"granted_quantity": 2}
        )
    return _decide(people, support_request, Outcome.ACCEPTED, **decision)


def rejected(people, places, support_type, reason, *, national_id):
    support_request = _ready(people, places, support_type, national_id=national_id)
    return _decide(
        people, support_request, Outcome.REJECTED, rejection_reason=reason, note="لا يستحق"
    )


@pytest.fixture
def accepted_request(b_people, b_places, b_types):
    return accepted(b_people, b_places, b_types["basket"], national_id=NATIONAL_IDS[0])
