import pytest

from association import roles
from complaints import services
from customers.models import Customer
from tests.factories import CentreFactory, StaffProfileFactory


@pytest.fixture
def places(db):
    return {"mine": CentreFactory(), "other": CentreFactory()}


@pytest.fixture
def people_roles():
    """One user per role involved in the complaints register."""
    return {
        "crm": roles.CRM_STAFF,
        "crm_manager": roles.CRM_MANAGER,
        "centres": roles.CENTRES_STAFF,
        "centres_other": roles.CENTRES_STAFF,
        "centres_manager": roles.CENTRES_MANAGER,
        "quality": roles.QUALITY_OFFICER,
        "steward": roles.DATA_STEWARD,
    }


@pytest.fixture
def people(places, people):
    """The centres-affairs staff each work at one of the two centres."""
    StaffProfileFactory(user=people["centres"]).centres.add(places["mine"])
    StaffProfileFactory(user=people["centres_other"]).centres.add(places["other"])
    return people


@pytest.fixture
def customers(db, places):
    return {
        "beneficiary": Customer.objects.create(
            code=900001, name="مستفيد", kind="beneficiary", centre=places["mine"]
        ),
        "beneficiary_other": Customer.objects.create(
            code=900002, name="مستفيد آخر", kind="beneficiary", centre=places["other"]
        ),
        "donor": Customer.objects.create(code=900003, name="مانح", kind="donor"),
    }


def register(actor, customer=None, **fields):
    values = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الخدمة",
        "description": "لم تصل السلة الغذائية",
        "customer": customer,
        "contact_name": "" if customer else "زائر",
    }
    values.update(fields)
    return services.case_register(actor=actor, **values)


@pytest.fixture
def beneficiary_case(people, customers):
    return register(people["centres"], customers["beneficiary"])


@pytest.fixture
def donor_case(people, customers):
    return register(people["crm"], customers["donor"])
