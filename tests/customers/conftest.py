import pytest

from association import roles
from customers.models import Customer, StewardDesignation
from customers.services import CUSTOMER_FIELDS


def blank_values(**overrides):
    """Proposed values for a new customer: every form field, overridable."""
    values = dict.fromkeys(CUSTOMER_FIELDS, "")
    values.update(
        city=None,
        centre=None,
        is_active=True,
        entity_type="individual",
        kind="beneficiary",
        name="أحمد محمد الغامدي",
        mobile="+966501234567",
    )
    values.update(overrides)
    return values


@pytest.fixture
def people_roles():
    """One user per role involved in the form."""
    return {
        "staff": roles.CRM_STAFF,
        "staff2": roles.CRM_STAFF,
        "manager": roles.CRM_MANAGER,
        "steward": roles.DATA_STEWARD,
        "deputy": roles.DEPUTY_STEWARD,
        "quality": roles.QUALITY_OFFICER,
        "centres": roles.CENTRES_STAFF,
    }


@pytest.fixture
def people(people):
    """With the steward and the deputy designated."""
    StewardDesignation.objects.create(steward=people["steward"], deputy=people["deputy"])
    return people


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
