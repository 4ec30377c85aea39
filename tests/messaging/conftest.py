import pytest

from association import roles
from customers.models import Customer, StewardDesignation


@pytest.fixture
def people_roles():
    return {
        "staff": roles.CRM_STAFF,
        "manager": roles.CRM_MANAGER,
        "steward": roles.DATA_STEWARD,
        "deputy": roles.DEPUTY_STEWARD,
    }


@pytest.fixture
def people(people):
    StewardDesignation.objects.create(steward=people["steward"], deputy=people["deputy"])
    return people


@pytest.fixture
def customer(db):
    return Customer.objects.create(
        code=900101,
        name="سارة عبدالله القحطاني",
        kind="donor",
        entity_type="individual",
        mobile="+966551112233",
        email="sara@example.org",
    )


@pytest.fixture
def other_customer(db):
    return Customer.objects.create(
        code=900102, name="خالد سعد العمري", kind="beneficiary", mobile="+966551112244"
    )
