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


@pytest.fixture
def english(client, settings):
    """Messages compared in English, in the functions and in the pages."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
