import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from association import roles
from customers.models import Customer
from programmes import services
from programmes.models import Programme, ProgrammeCategory


@pytest.fixture
def people_roles():
    """One user per role the portfolio pages care about."""
    return {
        "staff": roles.CRM_STAFF,
        "manager": roles.CRM_MANAGER,
        "planning": roles.PLANNING_DIRECTOR,
        "quality": roles.QUALITY_OFFICER,
        "management": roles.MANAGEMENT,
    }


@pytest.fixture
def category(db):
    return ProgrammeCategory.objects.create(name="تعليم")


def make_programme(code="PRG-001", name="برنامج محو الأمية", category=None, **fields):
    if category is None:
        category, _created = ProgrammeCategory.objects.get_or_create(name="تعليم")
    fields.setdefault("budget", Decimal("100000"))
    return Programme.objects.create(code=code, name=name, category=category, **fields)


@pytest.fixture
def programme(category):
    return make_programme(
        category=category,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        portfolio_year=2026,
    )


_donor_codes = iter(range(700001, 800000))


def make_donor(name="مؤسسة الخير", **fields):
    return Customer.objects.create(code=next(_donor_codes), name=name, kind="donor", **fields)


@pytest.fixture
def manager_programme(people, category):
    """A programme made through the service, as the CRM manager."""
    return services.programme_create(
        actor=people["manager"], code="PRG-100", name="برنامج الأسر المنتجة", category=category
    )


@pytest.fixture
def in_english(client, settings):
    """Pages and messages in English, so that tests compare msgids and keep passing once
    the Arabic catalogue translates them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
