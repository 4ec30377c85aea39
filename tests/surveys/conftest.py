import pytest
from django.utils import translation

from association import roles


@pytest.fixture
def people_roles():
    return {
        "quality": roles.QUALITY_OFFICER,
        "crm_manager": roles.CRM_MANAGER,
        "centres_manager": roles.CENTRES_MANAGER,
        "management": roles.MANAGEMENT,
        "crm_staff": roles.CRM_STAFF,
        "centres_staff": roles.CENTRES_STAFF,
        "planning": roles.PLANNING_DIRECTOR,
        "nobody": None,
    }


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def without_part_two(monkeypatch):
    """Part 1's own machinery alone: survey_analysis's gates and panels (its findings,
    treatment steps, decision and donor report, tested in tests/survey_analysis) left out."""
    from surveys import plugins

    monkeypatch.setattr(plugins, "_gates", {})
    monkeypatch.setattr(plugins, "_panels", [])
