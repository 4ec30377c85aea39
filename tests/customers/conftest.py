import pytest
from django.contrib.auth.models import Group

from association import roles
from customers.models import Customer, StewardDesignation
from customers.services import CUSTOMER_FIELDS
from tests.factories import UserFactory


def blank_values(**overrides):
    """Proposed values for a new customer: every form field, overridable."""
    values = dict.fromkeys(CUSTOMER_FIELDS, "")
    values.update(
        city=None,
        centre=None,
        consent_date=None,
        sms_consent=False,
        email_consent=False,
        is_active=True,
        entity_type="individual",
        kind="beneficiary",
        name="أحمد محمد الغامدي",
        mobile="+966501234567",
    )
    values.update(overrides)
    return values


def user_with(role, username, **fields):
    user = UserFactory(username=username, **fields)
    user.groups.add(Group.objects.get(name=role.group_name))
    return user


@pytest.fixture
def people(db):
    """One user per role involved in the form, and the steward designation."""
    crew = {
        "staff": user_with(roles.CRM_STAFF, "staff"),
        "staff2": user_with(roles.CRM_STAFF, "staff2"),
        "manager": user_with(roles.CRM_MANAGER, "manager"),
        "steward": user_with(roles.DATA_STEWARD, "steward"),
        "deputy": user_with(roles.DEPUTY_STEWARD, "deputy"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "centres": user_with(roles.CENTRES_STAFF, "centres"),
    }
    StewardDesignation.objects.create(steward=crew["steward"], deputy=crew["deputy"])
    return crew


@pytest.fixture
def existing_customer(db):
    return Customer.objects.create(
        code=900001,
        name="سارة عبدالله القحطاني",
        kind="donor",
        entity_type="individual",
        mobile="+966551112233",
        email="sara@example.org",
        national_id="1234567897",
    )
