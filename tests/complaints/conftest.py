import pytest
from django.contrib.auth.models import Group

from association import roles
from complaints import services
from customers.models import Customer
from tests.factories import CentreFactory, StaffProfileFactory, UserFactory


def user_with(role, username, **fields):
    user = UserFactory(username=username, **fields)
    user.groups.add(Group.objects.get(name=role.group_name))
    return user


@pytest.fixture
def places(db):
    return {"mine": CentreFactory(), "other": CentreFactory()}


@pytest.fixture
def people(db, places):
    """One user per role involved in the complaints register."""
    crew = {
        "crm": user_with(roles.CRM_STAFF, "crm"),
        "crm_manager": user_with(roles.CRM_MANAGER, "crm_manager"),
        "centres": user_with(roles.CENTRES_STAFF, "centres"),
        "centres_other": user_with(roles.CENTRES_STAFF, "centres_other"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "centres_manager"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "steward": user_with(roles.DATA_STEWARD, "steward"),
    }
    StaffProfileFactory(user=crew["centres"]).centres.add(places["mine"])
    StaffProfileFactory(user=crew["centres_other"]).centres.add(places["other"])
    return crew


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
