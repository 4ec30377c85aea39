"""Each app registers its demo loader (core/demo.py); load_demo_data runs them in order."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from core import demo


@pytest.fixture
def extra_loader():
    """Registers loaders for one test, then removes them."""
    added = []

    def _register(loader):
        added.append(loader.name)
        return demo.register_demo_loader(loader)

    yield _register
    for name in added:
        demo.unregister_demo_loader(name)


def test_each_loader_runs_after_the_loaders_it_builds_on():
    order = [loader.name for loader in demo.demo_loaders_in_order()]
    assert order == [
        "association",
        "manual",
        "customers",
        "messaging",
        "programmes",
        "opportunities",
        "opportunities.problems",
        "opportunities.pipeline",
        "complaints",
        "messaging.messages",
        "reports",
        "links",
        "campaigns",
        "surveys",
        "survey_analysis",
        "support",
    ]
    for position, loader in enumerate(demo.demo_loaders_in_order()):
        assert set(loader.after) <= set(order[:position]), loader.name


def test_a_loader_registered_first_still_waits_for_what_it_names(extra_loader):
    extra_loader(demo.DemoLoader("test.needs_other", lambda: 0, after=("test.other",)))
    extra_loader(demo.DemoLoader("test.other", lambda: 0))
    order = [loader.name for loader in demo.demo_loaders_in_order()]
    assert order[-2:] == ["test.other", "test.needs_other"]


def test_a_loader_waiting_for_an_unknown_loader_is_refused(extra_loader):
    extra_loader(demo.DemoLoader("orphan", lambda: 0, after=("nowhere",)))
    with pytest.raises(ImproperlyConfigured, match="orphan"):
        demo.demo_loaders_in_order()


@pytest.mark.django_db
def test_load_demo_data_prints_each_apps_message_in_order():
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    created = [line for line in out.getvalue().splitlines() if line.startswith("Created")]
    assert created == [
        "Created 6 demo customers.",
        "Created the demo portfolio cycles.",
        "Created the demo donor-relationship problems.",
        "Created 4 demo opportunities and the demo donations.",
        "Created 14 demo cases.",
        "Created 2 demo tracked links.",
        "Created 2 demo campaigns.",
        "Created 1 demo survey rounds.",
        "Created 1 finished demo survey rounds.",
        "Created 11 demo support requests.",
        "Created demo users: crm_staff, crm_manager, centres_staff, centres_manager, quality, "
        "steward, deputy_steward, management, planning, resources, secretary, researcher, "
        "committee, admin_affairs, admin",
    ]
