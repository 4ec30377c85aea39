"""The customer 360's timeline reads every source's dates in one query and then only the
rows of the page shown (issue 13): the same entries in the same order as reading each
source's newest rows whole, in a number of queries that does not grow with the entries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import timeline
from customers.models import Customer
from customers.timeline import TimelineRows

from .test_customer_360 import _add_entries, demo  # noqa: F401  (the fixture)

# The page as it is built (its queries, its context), not as customers.profile_cache keeps it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("profile_built")]


def read_whole(customer, user, *, page=1, kind=""):
    """The timeline as each source's newest rows read whole, merged newest first (the
    reading before issue 13): the reference the ids-first reading must match."""
    keys = {item.key for item in timeline.timeline_kinds(user)}
    limit = page * timeline.PAGE_SIZE + 1
    entries = []
    for source in timeline._sources:
        if source.kind.key in keys and (not kind or source.kind.key == kind):
            for item in source.entries(customer, user, limit):
                if isinstance(item, TimelineRows):
                    rows = list(item.queryset[:limit])
                    if item.prepare is not None:
                        item.prepare(rows)
                    entries.extend(item.entry(row) for row in rows)
                else:
                    entries.append(item)
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    start = (page - 1) * timeline.PAGE_SIZE
    return entries[start : start + timeline.PAGE_SIZE]


def fresh(customer):
    return Customer.objects.get(pk=customer.pk)


def queries_of(customer, user, **options):
    with CaptureQueriesContext(connection) as queries:
        timeline.customer_timeline(fresh(customer), user, **options)
    return len(queries)


def test_the_timeline_shows_what_reading_every_source_whole_shows(demo):  # noqa: F811
    donor = demo["donor"]
    users = get_user_model().objects.filter(username__in=["crm_manager", "crm_staff", "secretary"])
    _add_entries(donor, get_user_model().objects.get(username="crm_staff"), 36)
    for user in users:
        kinds = [""] + [kind.key for kind in timeline.timeline_kinds(user)]
        for customer in (donor, demo["beneficiary"]):
            for page in (1, 2, 3):
                for kind in kinds:
                    shown = timeline.customer_timeline(fresh(customer), user, page=page, kind=kind)
                    assert shown.entries == read_whole(fresh(customer), user, page=page, kind=kind)


def test_the_timeline_s_queries_do_not_grow_with_the_entries(demo):  # noqa: F811
    donor = demo["donor"]
    manager = get_user_model().objects.get(username="crm_manager")
    staff = get_user_model().objects.get(username="crm_staff")
    _add_entries(donor, staff, 3)
    timeline.customer_timeline(fresh(donor), manager)  # the permissions and caches read once
    kinds = ["contacts", "donations", "cases"]
    few = {kind: queries_of(donor, manager, kind=kind) for kind in kinds}
    _add_entries(donor, staff, 33, first=3)
    many = {kind: queries_of(donor, manager, kind=kind) for kind in kinds}
    assert many == few
    # Every kind: one query for all the dates, then one per query with rows on the page.
    queries = [
        item
        for source in timeline._sources
        for item in source.entries(fresh(donor), manager, 31)
        if isinstance(item, TimelineRows)
    ]
    for page in (1, 2, 3):
        assert queries_of(donor, manager, page=page) <= 1 + len(queries)


def test_the_page_shows_the_rows_its_panels_read_as_reading_them_anew_would(client, demo):  # noqa: F811
    """The cases, contacts and designations the panels read are shown from their rows."""
    donor = demo["donor"]
    _add_entries(donor, get_user_model().objects.get(username="crm_staff"), 6)
    for username in ("crm_manager", "crm_staff"):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        for page in ("1", "2"):
            response = client.get(reverse("customers:detail", args=[donor.pk]), {"page": page})
            assert response.context["timeline"].entries == read_whole(
                fresh(donor), user, page=int(page)
            )


def test_the_rows_shown_are_read_in_one_query_and_the_profile_s_count_is_fixed(client, demo):  # noqa: F811
    """Issue 13: every source of the project names the fields its entries read, so the rows
    shown, of every kind (six workflows' steps, contacts, donations, cases…), come in one
    UNION ALL: the timeline is two queries (the dates, the rows) on every page and filter,
    and the donor's profile runs as many queries with few entries as with many."""
    donor = demo["donor"]
    manager = get_user_model().objects.get(username="crm_manager")
    staff = get_user_model().objects.get(username="crm_staff")
    for item in (
        item
        for source in timeline._sources
        for item in source.entries(fresh(donor), manager, 31)
        if isinstance(item, TimelineRows)
    ):
        assert item.fields, item.model_read
    _add_entries(donor, staff, 3)
    timeline.customer_timeline(fresh(donor), manager)  # the permissions and caches read once
    client.force_login(manager)
    url = reverse("customers:detail", args=[donor.pk])
    client.get(url)

    def profile_queries(page):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page": page}).status_code == 200
        return len(queries)

    few = [profile_queries(page) for page in ("1", "2")]
    _add_entries(donor, staff, 33, first=3)
    for page in (1, 2, 3):
        for kind in ["", *(kind.key for kind in timeline.timeline_kinds(manager))]:
            # The customer (read afresh), the dates, the rows.
            assert queries_of(donor, manager, page=page, kind=kind) <= 3, (page, kind)
    many = [profile_queries(page) for page in ("1", "2")]
    assert many == few
    assert max(many) <= 19, many


def test_the_rows_shown_are_read_by_a_sql_compiled_once_per_shape(demo, monkeypatch):  # noqa: F811
    """The second reading of the rows shown (by primary key, from each source's table)
    depends only on the model, the fields and the number of rows: compiled once, then reused
    for another customer with as many rows of a kind shown (a full page), still showing
    what reading every source whole shows."""
    donor = demo["donor"]
    manager = get_user_model().objects.get(username="crm_manager")
    staff = get_user_model().objects.get(username="crm_staff")
    other = Customer.objects.filter(kind="donor").exclude(pk=donor.pk).order_by("pk").first()
    for first, customer in enumerate((donor, other)):
        _add_entries(customer, staff, timeline.PAGE_SIZE + 1, first=first * 100)
    monkeypatch.setattr(timeline, "_ROWS_SQL", {})
    compiled = []
    compile_row = timeline._JsonRow.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.paths)
        return compile_row(self, *args, **kwargs)

    monkeypatch.setattr(timeline._JsonRow, "as_sql", counting)
    for customer in (donor, other):
        for kind in ("contacts", "donations"):
            shown = timeline.customer_timeline(fresh(customer), manager, kind=kind)
            assert len(shown.entries) == timeline.PAGE_SIZE
            assert shown.entries == read_whole(fresh(customer), manager, kind=kind)
    assert len(compiled) == 2, compiled  # one reading of contacts, one of donations
