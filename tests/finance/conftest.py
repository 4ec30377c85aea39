"""Shared fixtures of the finance tests: a user per role that meets donations, two donors,
two programmes and a way to record a donation as the finance system would."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from association import roles
from customers.models import Customer
from finance.models import Donation
from programmes.models import Programme, ProgrammeCategory


@pytest.fixture
def people_roles():
    return {
        "staff": roles.CRM_STAFF,
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
def manager(people):
    return people["manager"]


@pytest.fixture
def staff(people):
    return people["staff"]


@pytest.fixture
def quality(people):
    return people["quality"]


@pytest.fixture
def english(client, settings):
    """Messages compared in English, in the functions and in the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def donor(db):
    return Customer.objects.create(code=100234, name="مؤسسة الخير الخيرية", kind="donor")


@pytest.fixture
def other_donor(db):
    return Customer.objects.create(code=100235, name="عبدالله سعيد الحربي", kind="donor")


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        code="PRG-1",
        name="كفالة الأيتام",
        category=ProgrammeCategory.objects.create(name="أيتام"),
        budget=Decimal("500000"),
    )


@pytest.fixture
def other_programme(programme):
    return Programme.objects.create(
        code="PRG-2", name="السلة الغذائية", category=programme.category, budget=Decimal("1000")
    )


def record(receipt, amount="100.00", day="2024-01-10", **fields):
    return Donation.objects.create(
        receipt_number=receipt,
        amount=Decimal(amount),
        received_on=datetime.date.fromisoformat(day),
        **fields,
    )


@pytest.fixture
def postgresql_only():
    from django.db import connection

    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
