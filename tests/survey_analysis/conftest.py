import pytest

from association import roles


@pytest.fixture
def people_roles():
    return {
        "quality": roles.QUALITY_OFFICER,
        "crm_manager": roles.CRM_MANAGER,
        "centres_manager": roles.CENTRES_MANAGER,
        "management": roles.MANAGEMENT,
        "crm_staff": roles.CRM_STAFF,
        "steward": roles.DATA_STEWARD,
    }
