import os

import pytest

from association import roles
from tests.factories import UserFactory
from tests.helpers import user_with

# CI sets this so that a test that needs Chromium or Redis fails instead of skipping.
REQUIRE_ALL = os.environ.get("CRM_REQUIRE_ALL_TESTS") == "1"


def skip_or_fail(reason):
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (CRM_REQUIRE_ALL_TESTS=1: this test must run here)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cached_reads():
    """Each test reads cities, holidays, permissions... afresh (core.cache): the rollback
    that ends a test sends no signal, so what the last test cached would outlive its rows."""
    from core.cache import bump_all

    bump_all()


@pytest.fixture(autouse=True)
def _language_restored():
    """A request through the test client activates its language for the thread and leaves it
    active (LocaleMiddleware never deactivates it): the next test would read English."""
    from django.utils import translation

    language = translation.get_language()
    yield
    if language:
        translation.activate(language)
    else:
        translation.deactivate_all()


@pytest.fixture
def profile_built(settings):
    """The customer 360 built on every view, not served from customers.profile_cache: for
    the tests that count its queries or read its template context."""
    settings.CUSTOMER_PROFILE_CACHE = False


@pytest.fixture
def make_user(db):
    """make_user(role=None, **fields): a user holding the given role (a roles.Role)."""

    def _make(role=None, **fields):
        user = UserFactory(**fields)
        if role is not None:
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=role.group_name))
        return user

    return _make


@pytest.fixture
def people_roles():
    """{username: role or None}: the people a package's tests meet. Each package's conftest
    overrides it with its own table; `people` makes them."""
    return {}


@pytest.fixture
def people(db, people_roles):
    """One user per entry of people_roles, named by its key, in the table's order. A
    package's conftest may extend it (a designation, a centre) by asking for `people`."""
    return {name: user_with(role, name) for name, role in people_roles.items()}


@pytest.fixture
def crm_staff(make_user):
    return make_user(roles.CRM_STAFF, username="crm_staff_user")


@pytest.fixture
def management_user(make_user):
    return make_user(roles.MANAGEMENT, username="management_user", is_staff=True)


@pytest.fixture
def superuser(make_user):
    return make_user(username="root_user", is_staff=True, is_superuser=True)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = os.environ.get("REDIS_URL") or "not set (tasks eager; worker test uses localhost)"
    return [f"database: {engine}", f"redis: {redis}", f"require all tests: {REQUIRE_ALL}"]
