"""core.pagination: the staff lists count at most 10,000 rows, through a LIMITed subquery,
and say «أكثر من 10,000» when more matched."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import pagination
from core.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


def groups(count):
    Group.objects.bulk_create(Group(name=f"group {number:04}") for number in range(count))
    return mine()


def mine():
    """The groups a test made (the roles' groups exist already)."""
    return Group.objects.filter(name__startswith="group ").order_by("name")


def test_below_the_cap_the_count_is_exact():
    paginator = CappedPaginator(groups(7), 3, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 3)
    assert [group.name for group in paginator.page(3)] == ["group 0006"]


def test_at_the_cap_the_count_is_still_exact():
    paginator = CappedPaginator(groups(10), 3, cap=10)
    assert (paginator.count, paginator.capped) == (10, False)


def test_above_the_cap_the_count_stops_there_and_says_so():
    paginator = CappedPaginator(groups(25), 3, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 4)
    last = paginator.get_page(99)
    assert last.number == 4
    assert [group.name for group in last] == ["group 0009"]


def test_the_default_cap_is_ten_thousand(monkeypatch):
    assert pagination.COUNT_CAP == 10_000
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    paginator = CappedPaginator(groups(6), 2)
    assert (paginator.cap, paginator.count, paginator.capped) == (4, 4, True)


def test_the_count_reads_a_limited_subquery_and_its_queries_do_not_grow_with_the_rows():
    def queries_of_a_page(queryset):
        with CaptureQueriesContext(connection) as captured:
            page = CappedPaginator(queryset, 5, cap=20).get_page(2)
            list(page)
            page.paginator.num_pages  # noqa: B018 - read, as the page template does
        return captured.captured_queries

    few = queries_of_a_page(groups(12))
    Group.objects.bulk_create(Group(name=f"group more {number:04}") for number in range(300))
    many = queries_of_a_page(mine())
    assert len(few) == len(many) == 2
    count_sql = many[0]["sql"].upper()
    assert "COUNT(*)" in count_sql
    assert "LIMIT 21" in count_sql
    # Unordered: the database stops after the 21st row instead of sorting them all.
    assert "ORDER BY" not in count_sql


def test_a_page_read_by_ids_first_keeps_the_order_and_costs_one_query_more():
    queryset = groups(9).order_by("-name")
    with CaptureQueriesContext(connection) as captured:
        page = CappedPaginator(queryset, 4, cap=100, ids_first=True).page(2)
    assert [group.name for group in page] == [f"group {n:04}" for n in (4, 3, 2, 1)]
    assert len(captured.captured_queries) == 3


def test_a_count_computed_elsewhere_is_capped_without_a_query():
    with CaptureQueriesContext(connection) as captured:
        paginator = CappedPaginator(mine(), 10, known_count=15, cap=12)
        assert (paginator.count, paginator.capped) == (12, True)
    assert captured.captured_queries == []


@pytest.mark.parametrize(
    ("cap", "expected"), [(100, (12, False)), (12, (12, False)), (11, (11, True)), (5, (5, True))]
)
def test_a_list_counted_part_by_part_counts_each_part_once_in_one_query(cap, expected):
    groups(12)
    parts = [
        mine().filter(name__lt="group 0005"),
        mine().filter(name__gte="group 0005"),
        Group.objects.filter(pk__in=[]),  # holds nothing: left out
    ]
    with CaptureQueriesContext(connection) as captured:
        paginator = CappedPaginator(mine(), 5, cap=cap, count_parts=parts)
        assert (paginator.count, paginator.capped) == expected
    assert len(captured.captured_queries) == 1
    assert pagination.capped_count_of_parts(parts[2:], cap) == (0, False)


def test_a_list_in_memory_is_counted_whole():
    paginator = CappedPaginator(list(range(30)), 10, cap=5)
    assert (paginator.count, paginator.capped) == (30, False)


def test_the_pages_say_more_than_ten_thousand_in_arabic():
    paginator = CappedPaginator(groups(5), 2, cap=3)
    assert paginator.capped is False  # not counted yet
    assert paginator.count == 3
    paginator.cap = 10_000  # the words as they read at the real cap
    with translation.override("ar"):
        html = render_to_string("includes/pagination.html", {"page": paginator.page(1)})
    assert 'data-testid="capped-count"' in html
    assert "أكثر من 10,000 نتيجة" in html
    assert "Page" not in html
    with translation.override("ar"):
        exact = render_to_string(
            "includes/pagination.html", {"page": CappedPaginator(groups(0), 2).page(1)}
        )
    assert "capped-count" not in exact


def _paginator_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.paginator":
            yield from (alias.name for alias in node.names)


def test_every_list_of_the_project_pages_with_the_capped_paginator():
    """A staff list paged by Django's Paginator would count every row on every view."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for app in settings.PROJECT_APPS
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "pagination.py"
        and "Paginator" in set(_paginator_names(path))
    ]
    assert offenders == []


def test_the_admins_of_the_large_models_count_once_and_search_like_the_site():
    from django.contrib import admin

    from complaints.models import Case
    from core.admin import LargeTableAdminMixin
    from customers.models import Customer
    from finance.models import Donation
    from opportunities.models import DonorContact, Opportunity

    for model in (Customer, Case, Opportunity, Donation, DonorContact):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, LargeTableAdminMixin), model
        assert model_admin.show_full_result_count is False, model
        assert model_admin.paginator is CappedPaginator, model
        assert model_admin.search_selector is not None, model


def test_a_list_page_says_more_than_the_cap_under_its_pages(client, crm_staff, monkeypatch):
    from django.urls import reverse

    from customers.models import Customer

    for number in range(30):
        Customer.objects.create(code=900500 + number, name=f"عميل {number}", kind="donor")
    monkeypatch.setattr(pagination, "COUNT_CAP", 26)
    client.force_login(crm_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("customers:list"))
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (26, True, 2)
    content = response.content.decode()
    assert 'data-testid="capped-count"' in content
    assert "أكثر من 26 نتيجة" in content
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    content = client.get(reverse("customers:list")).content.decode()
    assert "capped-count" not in content


def test_an_empty_list_reads_no_rows():
    """Nothing counted, nothing read: the page is empty without building the rows' SQL."""
    with CaptureQueriesContext(connection) as captured:
        page = CappedPaginator(mine(), 10, known_count=0, ids_first=True).get_page("1")
        assert list(page) == []
    assert captured.captured_queries == []
    assert (page.number, page.paginator.num_pages, page.has_other_pages()) == (1, 1, False)
