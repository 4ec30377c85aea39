"""Shared fixtures of the opportunity tests. Nothing here is autouse: the donations tests in
this folder bring their own."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from association import roles
from customers.models import Customer
from finance.models import Donation
from opportunities import services
from opportunities.models import DonorInterest
from programmes.models import Programme, ProgrammeCategory

# A complete, tiny PDF: enough for the magic-byte check and for a browser to open.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SMALL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 32


@pytest.fixture
def people_roles():
    """One user per role that meets opportunities, and one with no role."""
    return {
        "staff": roles.CRM_STAFF,
        "staff2": roles.CRM_STAFF,
        "manager": roles.CRM_MANAGER,
        "manager2": roles.CRM_MANAGER,
        "resources": roles.RESOURCE_DEVELOPMENT,
        "quality": roles.QUALITY_OFFICER,
        "management": roles.MANAGEMENT,
        "planning": roles.PLANNING_DIRECTOR,
        "secretary": roles.COUNCIL_SECRETARY,
        "centres": roles.CENTRES_STAFF,
        "nobody": None,
    }


@pytest.fixture
def english(client, settings):
    """Messages compared in English, in the functions and in the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def category(db):
    return ProgrammeCategory.objects.create(name="تعليم")


@pytest.fixture
def programme(category):
    return Programme.objects.create(code="EDU-01", name="برنامج محو الأمية", category=category)


@pytest.fixture
def donors(people, category):
    """Two active donors interested in education (one spoken for by `staff`), one donor
    with no interest, one archived donor with the interest, and a beneficiary."""
    made = {
        "with_point": Customer.objects.create(
            code=200001,
            name="مؤسسة عبدالله الخيرية",
            kind="donor",
            point_of_contact=people["staff"],
        ),
        "free": Customer.objects.create(code=200002, name="شركة الوفاء للتجارة", kind="donor"),
        "uninterested": Customer.objects.create(code=200003, name="سلمان فهد الحربي", kind="donor"),
        "archived": Customer.objects.create(
            code=200004, name="مانح مؤرشف", kind="donor", is_active=False
        ),
        "beneficiary": Customer.objects.create(
            code=200005, name="فاطمة علي الزهراني", kind="beneficiary"
        ),
    }
    for key in ("with_point", "free", "archived"):
        DonorInterest.objects.create(
            donor=made[key], category=category, recorded_by=people["staff"]
        )
    return made


def pdf_upload(name="pledge.pdf", content=SMALL_PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def new_opportunity(people, programme, donors=(), **overrides):
    values = {
        "actor": people["staff"],
        "title": "تمويل برنامج محو الأمية",
        "programme": programme,
        "expected_amount": Decimal("150000"),
        "probability": 40,
        "success_factors": "اهتمام سابق بالتعليم",
        "donors": list(donors),
    }
    values.update(overrides)
    return services.opportunity_create(**values)


def contacted(opportunity, actor, donor, **overrides):
    values = {
        "actor": actor,
        "donor": donor,
        "opportunity": opportunity,
        "contact_date": timezone.localdate(),
        "channel": "phone",
        "summary": "عرض البرنامج على المانح",
    }
    values.update(overrides)
    return services.donor_contact_log(**values)


def in_follow_up(people, programme, donors):
    """An opportunity with the free donor, contacted by its owner, moved to follow-up."""
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    return services.opportunity_start_follow_up(opportunity=opportunity, actor=people["manager"])


def in_closing(people, programme, donors, amount=Decimal("100000")):
    opportunity = in_follow_up(people, programme, donors)
    return services.opportunity_close_with_pledge(
        opportunity=opportunity,
        actor=people["manager"],
        pledge_donor=donors["free"],
        pledged_amount=amount,
        pledge_date=timezone.localdate(),
        pledge_file=pdf_upload(),
    )


def donation(donor, programme, amount, received_on=None, receipt=None):
    received_on = received_on or timezone.localdate()
    receipt = receipt or f"R-{Donation.objects.count() + 1:05d}"
    return Donation.objects.create(
        receipt_number=receipt,
        received_on=received_on,
        amount=Decimal(amount),
        donor=donor,
        programme=programme,
    )


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)
