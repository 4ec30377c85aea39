import pytest
from django.core.cache import cache

from association import roles
from links import services
from links.models import AllowedRedirectHost


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people_roles():
    return {
        "crm_manager": roles.CRM_MANAGER,
        "crm_staff": roles.CRM_STAFF,
        "management": roles.MANAGEMENT,
        "nobody": None,
    }


@pytest.fixture
def manager(people):
    return people["crm_manager"]


@pytest.fixture
def allowed_host(db):
    return AllowedRedirectHost.objects.create(host="www.example.org")


@pytest.fixture
def make_link(manager):
    def _make(label="ملصق المول", target="/public/cases/new/", **fields):
        return services.link_create(actor=manager, label=label, target=target, **fields)

    return _make
