"""The recurring groups' totals of a reader and period are kept in the cache
(complaint_tallies.TOTALS_TOPIC) until the roll-up changes: every write that moves a
complaint renews them, and what a page shows stays what counting the cases gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from complaints import complaint_tallies, recurring, selectors
from complaints.models import Case, CaseCategory, ComplaintTally

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def food(db):
    return CaseCategory.objects.create(name="السلال الغذائية")


def period():
    today = timezone.localdate()
    day = lambda date: timezone.make_aware(  # noqa: E731
        datetime.datetime.combine(date, datetime.time.min)
    )
    return day(today - datetime.timedelta(days=90)), day(today + datetime.timedelta(days=1))


def totals(user):
    """(key, count) of the reader's groups, read as the pages read them."""
    start, end = period()
    groups = recurring.find_groups(selectors.analysis_scope(user), start, end)
    return sorted((group.key, group.count) for group in groups)


def counted(user):
    """The same, counted from the cases the reader sees."""
    start, end = period()
    groups = recurring.find_groups(selectors.analysis_cases(user), start, end)
    return sorted((group.key, group.count) for group in groups)


def complaint(actor, category, days_ago=3, **fields):
    return register(
        actor,
        category=category,
        subject="تأخر توزيع السلة",
        received_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


def test_a_reader_s_totals_are_read_once_then_kept(people, food):
    for days_ago in (3, 40, 75):
        complaint(people["crm"], food, days_ago)
    manager = people["crm_manager"]
    first = totals(manager)
    assert first == counted(manager) and first
    with CaptureQueriesContext(connection) as queries:
        assert totals(manager) == first
    assert [query["sql"] for query in queries.captured_queries] == []


def test_every_write_that_moves_a_complaint_renews_them(people, customers, food):
    manager = people["crm_manager"]
    kept = complaint(people["crm"], food)
    complaint(people["crm"], food, 50)
    assert totals(manager) == counted(manager)
    complaint(people["crm_manager"], food, 20)  # a new one
    assert totals(manager) == counted(manager)
    kept.received_at = timezone.now() - datetime.timedelta(days=200)  # out of the period
    kept.save()
    assert totals(manager) == counted(manager)
    Case.objects.filter(pk=kept.pk).delete()
    assert totals(manager) == counted(manager)
    # A bulk write that skips the signals, then the rebuild its writer must call.
    other = CaseCategory.objects.create(name="المرافق")
    Case.objects.filter(kind="complaint").update(category=other)
    complaint_tallies.rebuild()
    assert totals(manager) == counted(manager)
    assert recurring.category_centre_key(other.pk, None) in dict(totals(manager))
    # A rebuild into an empty roll-up deletes nothing (no signal): it renews them itself.
    ComplaintTally.objects.all().delete()
    assert totals(manager) == []
    complaint_tallies.rebuild()
    assert totals(manager) == counted(manager) != []


def test_readers_who_see_other_complaints_keep_other_totals(people, customers, food):
    complaint(people["crm"], food)
    complaint(people["crm"], food, 10)
    complaint(people["centres_manager"], food, customer=customers["beneficiary"])
    complaint(people["centres_manager"], food, 12, customer=customers["beneficiary"])
    keys = set()
    for name in ("crm", "crm_manager", "centres_manager", "quality"):
        user = people[name]
        assert totals(user) == counted(user)
        keys.add(selectors.analysis_scope(user).key)
    assert len(keys) == 4
    # Centres-affairs staff read their own centres: their totals are counted on each read.
    assert selectors.analysis_scope(people["centres"]).key is None
    assert totals(people["centres"]) == counted(people["centres"])


def test_the_group_page_lists_as_many_complaints_as_the_group_counts(client, people, food):
    for days_ago in range(1, 30, 1):
        complaint(people["crm"], food, days_ago)
    complaint(people["crm"], food, 200)  # before the period
    client.force_login(people["crm_manager"])
    key = recurring.category_centre_key(food.pk, None)
    url = f"{reverse('complaints:recurring_detail')}?{urlencode({'key': key})}"
    response = client.get(url)
    page = response.context["page"]
    assert response.context["group"].count == page.paginator.count == 29
    assert (page.paginator.num_pages, len(page)) == (2, 25)
    second = client.get(f"{url}&page=2").context["page"]
    assert len(second) == 4
    # Each row names its state as get_state_display does.
    assert all(case.state_label == case.get_state_display() for case in second)
    assert str(second[0].get_state_display()) in response.content.decode()
