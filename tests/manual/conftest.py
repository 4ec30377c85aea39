import pytest
from django.utils import translation

from association import roles
from manual import services
from manual.models import ManualDocument


@pytest.fixture
def people_roles():
    return {
        "controller": roles.CRM_MANAGER,
        "crm": roles.CRM_STAFF,
        "crm2": roles.CRM_STAFF,
        "centres": roles.CENTRES_STAFF,
        "quality": roles.QUALITY_OFFICER,
        "secretary": roles.COUNCIL_SECRETARY,
        "centres_manager": roles.CENTRES_MANAGER,
        "nobody": None,
    }


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def loaded(db):
    services.load_manual()
    return {document.key: document for document in ManualDocument.objects.all()}


@pytest.fixture
def crm_manual(loaded):
    return loaded["crm"]


@pytest.fixture
def policy(loaded):
    return loaded["beneficiary-relations"]
