"""Issue 13: the admin's changelists of the big models (core.admin.LargeTableAdminMixin) show
what Django's would, at a cost that does not grow with the rows: each row's link built once
per page, the date drill-down of the unfiltered list cached until a row changes, a page of
donor contacts read ids first. (The query counts at N and 3N rows:
tests/site/test_list_queries_at_scale.py.)"""

import datetime
import random
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin import LargeTableAdminMixin, LargeTableChangeList, dates_topic
from core.cache import bump, topic_version
from customers.models import Customer, CustomerRequest
from finance.models import Donation
from opportunities.admin import search_by_donor
from opportunities.management.commands.bench_opportunities import Command as BenchOpportunities
from opportunities.models import DonorContact, Opportunity
from programmes.models import PortfolioCycle

pytestmark = pytest.mark.django_db

RESULTS = re.compile(r'<table id="result_list">.*?</table>', re.DOTALL)
DATES = re.compile(r'<nav class="toplinks">.*?</nav>', re.DOTALL)
HREF = re.compile(r'href="[^"]*"')


def _get(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def _contact(donor, staff, day, summary="اتصال"):
    return DonorContact.objects.create(
        donor=donor, staff=staff, contact_date=day, channel="phone", summary=summary
    )


@pytest.mark.parametrize(
    "model", [Customer, CustomerRequest, DonorContact, Donation, PortfolioCycle]
)
def test_the_big_models_admins_are_large_table_admins(model):
    assert isinstance(admin.site._registry[model], LargeTableAdminMixin)


@pytest.mark.parametrize("params", [{}, {"q": "عميل"}, {"q": "عميل", "kind": "donor", "o": "2"}])
def test_the_rows_link_to_their_records_as_django_s_changelist_does(
    client, superuser, monkeypatch, params
):
    for number in range(3):
        Customer.objects.create(code=900400 + number, name=f"عميل رقم {number}", kind="donor")
    client.force_login(superuser)
    url = reverse("admin:customers_customer_changelist")
    response, _queries = _get(client, url, params)
    assert isinstance(response.context["cl"], LargeTableChangeList)
    ours = RESULTS.search(response.content.decode()).group()
    assert ours.count("/change/") == 3

    model_admin = admin.site._registry[Customer]
    monkeypatch.setattr(model_admin, "get_changelist", lambda request, **kwargs: ChangeList)
    response, _queries = _get(client, url, params)
    assert type(response.context["cl"]) is ChangeList
    assert RESULTS.search(response.content.decode()).group() == ours
    if params:
        # The way back keeps the search (and the filter): `_changelist_filters` in each link.
        assert "_changelist_filters=q%3D" in ours


def test_the_date_drill_down_is_read_once_until_a_contact_changes(client, superuser):
    donor = Customer.objects.create(code=900500, name="متبرع كريم", kind="donor")
    _contact(donor, superuser, datetime.date(2025, 3, 2))
    _contact(donor, superuser, datetime.date(2026, 4, 5))
    client.force_login(superuser)
    url = reverse("admin:opportunities_donorcontact_changelist")
    first, read = _get(client, url)
    drill_down = DATES.search(first.content.decode()).group()
    assert "2025" in drill_down and "2026" in drill_down
    assert any("DISTINCT" in sql for sql in read)

    again, queries = _get(client, url)
    assert DATES.search(again.content.decode()).group() == drill_down
    assert len(queries) < len(read) and not any("DISTINCT" in sql for sql in queries)

    # Django's own drill-down, read from the rows (with any parameter), is the same.
    django_s, queries = _get(client, url, {"q": ""})
    assert any("DISTINCT" in sql for sql in queries)
    # (Its links keep the parameter.)
    assert HREF.sub("", DATES.search(django_s.content.decode()).group()) == HREF.sub("", drill_down)

    # A new contact renews it.
    _contact(donor, superuser, datetime.date(2024, 1, 9))
    renewed, _queries = _get(client, url)
    assert "2024" in DATES.search(renewed.content.decode()).group()


def test_a_drilled_down_or_searched_list_reads_its_own_dates(client, superuser):
    donor = Customer.objects.create(code=900600, name="متبرع كريم", kind="donor")
    _contact(donor, superuser, datetime.date(2025, 3, 2))
    _contact(donor, superuser, datetime.date(2025, 7, 5))
    _contact(donor, superuser, datetime.date(2026, 4, 5))
    client.force_login(superuser)
    url = reverse("admin:opportunities_donorcontact_changelist")
    _get(client, url)  # the unfiltered drill-down cached
    response, _queries = _get(client, url, {"contact_date__year": "2025"})
    drill_down = DATES.search(response.content.decode()).group()
    assert "2026" not in drill_down
    assert drill_down.count("contact_date__month=") == 2


def test_a_page_of_donor_contacts_is_newest_first(client, superuser, monkeypatch):
    donor = Customer.objects.create(code=900700, name="متبرع كريم", kind="donor")
    days = [datetime.date(2026, 1, day) for day in (5, 1, 9, 9, 3)]
    contacts = [_contact(donor, superuser, day) for day in days]
    newest_first = sorted(contacts, key=lambda contact: (contact.contact_date, contact.pk))[::-1]
    # Pages of two: a list on one page is read whole, as Django reads it.
    monkeypatch.setattr(admin.site._registry[DonorContact], "list_per_page", 2)
    client.force_login(superuser)
    url = reverse("admin:opportunities_donorcontact_changelist")
    for page, expected in (("1", newest_first[:2]), ("3", newest_first[4:])):
        response, queries = _get(client, url, {"p": page})
        assert list(response.context["cl"].result_list) == expected
        # The ids are sorted on the contacts' table alone, then those rows read with their
        # donor and staff member.
        ids_query = next(sql for sql in queries if "ORDER BY" in sql and "contact_date" in sql)
        assert "JOIN" not in ids_query


def test_the_bench_seeding_renews_the_drill_downs_it_bypasses(superuser):
    # Its bulk inserts send no signal.
    seeder = BenchOpportunities(stdout=StringIO())
    seeder.rng = random.Random(3)
    models = (Opportunity, DonorContact)
    before = [topic_version(dates_topic(model)) for model in models]
    seeder._top_up(superuser, {"donors": 3, "opportunities": 2, "donations": 2})
    assert DonorContact.objects.exists()
    assert all(
        topic_version(dates_topic(model)) != version
        for model, version in zip(models, before, strict=True)
    )


def _searches(queries):
    """The queries that run the donors' name search."""
    return [sql for sql in queries if "name_normalized" in sql and "LIKE" in sql]


def _counted(queries):
    return [sql for sql in _searches(queries) if sql.startswith("SELECT COUNT(*)")]


def _days(queries):
    return [sql for sql in _searches(queries) if "DISTINCT" in sql]


@pytest.mark.parametrize("per_page", [2, 100])
def test_a_search_through_the_donors_is_counted_once_until_a_contact_or_a_donor_changes(
    client, superuser, monkeypatch, per_page
):
    found = Customer.objects.create(code=900800, name="محمد الكريم", kind="donor")
    other = Customer.objects.create(code=900801, name="سالم", kind="donor")
    days = [datetime.date(2025, 3, 2), datetime.date(2026, 1, 9), datetime.date(2026, 4, 5)]
    contacts = [_contact(found, superuser, day) for day in days]
    _contact(other, superuser, datetime.date(2026, 2, 1))
    monkeypatch.setattr(admin.site._registry[DonorContact], "list_per_page", per_page)
    client.force_login(superuser)
    url = reverse("admin:opportunities_donorcontact_changelist")
    response, queries = _get(client, url, {"q": "محمّد"})
    changelist = response.context["cl"]
    assert list(changelist.result_list) == contacts[::-1][:per_page]
    assert changelist.result_count == 3
    # The count and the date drill-down's days are read once, beside the page (its contacts
    # read newest first, each one's donor checked by key).
    assert len(_counted(queries)) == len(_days(queries)) == 1
    drill_down = DATES.search(response.content.decode()).group()
    assert "2025" in drill_down and "2026" in drill_down

    # Again: the count and the days are kept, only the page is read.
    again, queries = _get(client, url, {"q": "محمّد"})
    assert list(again.context["cl"].result_list) == list(changelist.result_list)
    assert again.context["cl"].result_count == 3
    assert _counted(queries) == _days(queries) == []
    assert _searches(queries) and not any(" IN (SELECT" in sql for sql in _searches(queries))
    assert DATES.search(again.content.decode()).group() == drill_down

    # The search by a subquery of the donors, counted on each visit, finds the same.
    model_admin = admin.site._registry[DonorContact]
    monkeypatch.setattr(type(model_admin), "search_selector", staticmethod(search_by_donor))
    monkeypatch.setattr(model_admin, "search_topics", ())
    response, queries = _get(client, url, {"q": "محمّد"})
    assert list(response.context["cl"].result_list) == list(changelist.result_list)
    assert response.context["cl"].result_count == 3
    monkeypatch.undo()

    # A new contact, or a donor renamed, is counted and listed at once.
    monkeypatch.setattr(admin.site._registry[DonorContact], "list_per_page", per_page)
    newest = _contact(found, superuser, datetime.date(2026, 5, 1))
    response, _queries = _get(client, url, {"q": "محمّد"})
    assert response.context["cl"].result_count == 4
    assert response.context["cl"].result_list[0] == newest
    other.name = "سالم محمد"
    other.save()
    response, _queries = _get(client, url, {"q": "محمّد"})
    assert response.context["cl"].result_count == 5


@pytest.mark.parametrize(
    "days",
    [
        # Several years: the years are listed.
        [datetime.date(2024, 5, 1), datetime.date(2025, 3, 2), datetime.date(2026, 4, 5)],
        # One year: its months.
        [datetime.date(2026, 1, 9), datetime.date(2026, 4, 5), datetime.date(2026, 4, 20)],
        # One month: its days.
        [datetime.date(2026, 4, 5), datetime.date(2026, 4, 20)],
    ],
)
def test_a_searched_list_s_date_drill_down_is_django_s_from_one_read(client, superuser, days):
    donor = Customer.objects.create(code=900900, name="محمد الكريم", kind="donor")
    for day in days:
        _contact(donor, superuser, day)
    client.force_login(superuser)
    _assert_drill_down_is_django_s_from_one_read(
        client, reverse("admin:opportunities_donorcontact_changelist"), "محمد"
    )


def _assert_drill_down_is_django_s_from_one_read(client, url, search):
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    from core.templatetags.admin_dates import cached_date_hierarchy

    response, _queries = _get(client, url, {"q": search})
    changelist = response.context["cl"]
    for topic in changelist.model_admin.search_topics:
        bump(topic)  # the days read again, not taken from what the page kept
    with CaptureQueriesContext(connection) as ours:
        drill_down = cached_date_hierarchy(changelist)
    assert drill_down == date_hierarchy(changelist)
    # One read of the distinct days, whatever level the drill-down opens at.
    assert len(ours) == 1


@pytest.mark.parametrize(
    "moments",
    [
        # Two days of one month (the days are listed), then two years.
        ["2026-04-05 10:00", "2026-04-20 23:30"],
        ["2025-12-31 22:30", "2026-01-01 08:00"],
    ],
)
def test_a_searched_list_of_datetimes_drills_down_as_django_s_from_one_read(
    client, superuser, moments
):
    """Opportunities drill down by a datetime: the days are read in the reader's zone, and
    the months and years derived from them are the ones the database would give."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from programmes.models import Programme, ProgrammeCategory

    programme = Programme.objects.create(
        code="PRG-DH", name="كفالة", category=ProgrammeCategory.objects.create(name="أيتام")
    )
    for moment in moments:
        created = Opportunity.objects.create(
            title="فرصة كفالة", programme=programme, owner=superuser
        )
        at = timezone.make_aware(parse_datetime(moment))
        Opportunity.objects.filter(pk=created.pk).update(created_at=at)
    client.force_login(superuser)
    _assert_drill_down_is_django_s_from_one_read(
        client, reverse("admin:opportunities_opportunity_changelist"), "فرصه"
    )


@pytest.mark.parametrize("model", [Customer, DonorContact, Donation, Opportunity])
def test_a_large_list_shows_as_many_rows_as_the_site_s_lists(model):
    from customers.views import PAGE_SIZE

    assert admin.site._registry[model].list_per_page == PAGE_SIZE == 25


def test_a_searched_opportunity_list_keeps_its_count_and_days_until_an_opportunity_changes(
    client, superuser
):
    """The admin's opportunity search (titles, or programmes) counts and drills down once,
    then reads only its page until an opportunity or a programme changes (its search_topics:
    the board's topic, which their update() writes renew too)."""
    from programmes.models import Programme, ProgrammeCategory

    programme = Programme.objects.create(
        code="PRG-KP", name="كفالة", category=ProgrammeCategory.objects.create(name="أيتام")
    )
    for _ in range(2):
        Opportunity.objects.create(title="فرصة كفالة", programme=programme, owner=superuser)
    client.force_login(superuser)
    url = reverse("admin:opportunities_opportunity_changelist")

    def titles(queries):
        return [sql for sql in queries if "title_normalized" in sql and "LIKE" in sql]

    response, queries = _get(client, url, {"q": "فرصه"})
    assert response.context["cl"].result_count == 2
    assert any(sql.startswith("SELECT COUNT(*)") for sql in titles(queries))
    assert any("DISTINCT" in sql for sql in titles(queries))

    again, queries = _get(client, url, {"q": "فرصه"})
    assert again.context["cl"].result_count == 2
    assert not any(
        sql.startswith("SELECT COUNT(*)") or "DISTINCT" in sql for sql in titles(queries)
    )
    assert (
        DATES.search(again.content.decode()).group()
        == DATES.search(response.content.decode()).group()
    )

    Opportunity.objects.create(title="فرصة ثالثة", programme=programme, owner=superuser)
    response, _queries = _get(client, url, {"q": "فرصه"})
    assert response.context["cl"].result_count == 3
