"""Issue 13: the customer 360's badge counts and timeline dates are compiled once per reader
and shape of customer (customers.compiled), the customer's key and the clock bound per
request; a query that depends on anything else is compiled on every request, as before."""

import datetime

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from customers import compiled, profile, timeline
from customers.compiled import profile_now
from customers.models import Customer
from customers.profile import CountedBadge, ProfileBadge
from customers.timeline import TimelineRows, register_timeline_source

from .test_customer_360 import own_registries  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_kept(settings):
    """No query kept from another test, and no check against a fresh compilation: the test
    counts the compilations itself."""
    settings.CUSTOMER_PROFILE_SQL_CHECK = False
    compiled.forget()
    yield
    compiled.forget()


@pytest.fixture
def compilations(monkeypatch):
    """How many times the badges' query was compiled."""
    calls = []
    original = profile._counts_sql

    def counting(counted):
        calls.append(len(counted))
        return original(counted)

    monkeypatch.setattr(profile, "_counts_sql", counting)
    return calls


def customers(*names):
    return [
        Customer.objects.create(code=970001 + index, name=name, kind="donor")
        for index, name in enumerate(names)
    ]


def test_a_badge_read_by_the_customer_and_the_clock_is_compiled_once(
    own_registries,  # noqa: F811
    fresh_kept,
    compilations,
    crm_staff,
):
    first, second = customers("عميل أول", "عميل ثان")
    Customer.objects.filter(pk=second.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    second.refresh_from_db()

    def badge(customer, user):
        week_ago = profile_now() - datetime.timedelta(days=7)
        return CountedBadge(
            lambda: Customer.objects.filter(pk=customer.pk),
            {"all": Count("pk"), "recent": Count("pk", filter=Q(created_at__gte=week_ago))},
            lambda counts: ProfileBadge(f"{counts['all']}/{counts['recent']}", "info"),
        )

    profile.register_profile_badge(badge)
    assert [item.label for item in profile.profile_badges(first, crm_staff)] == ["1/1"]
    assert compilations == [1, 1]  # the two probes
    assert [item.label for item in profile.profile_badges(second, crm_staff)] == ["1/0"]
    assert compilations == [1, 1]  # bound for the second customer, not compiled again


def test_a_badge_reading_another_column_of_the_customer_is_compiled_each_time(
    own_registries,  # noqa: F811
    fresh_kept,
    compilations,
    crm_staff,
):
    first, second = customers("عميل أول", "عميل ثان")
    profile.register_profile_badge(
        lambda customer, user: CountedBadge(
            lambda: Customer.objects.filter(name=customer.name),
            {"n": Count("pk")},
            lambda counts: ProfileBadge(str(counts["n"]), "info"),
        )
    )
    for customer in (first, second, first):
        assert [item.label for item in profile.profile_badges(customer, crm_staff)] == ["1"]
    assert len(compilations) == 2 + 3  # the probes found it depends on the name: not kept


def test_a_reader_of_other_permissions_gets_a_query_of_their_own(
    own_registries,  # noqa: F811
    fresh_kept,
    crm_staff,
    management_user,
):
    (customer,) = customers("عميل")

    def badge(customer, user):
        rows = Customer.objects.filter(pk=customer.pk)
        if not user.has_perm("customers.add_customerrequest"):
            rows = rows.none()
        return CountedBadge(
            rows, {"n": Count("pk")}, lambda counts: ProfileBadge(str(counts["n"]), "info")
        )

    profile.register_profile_badge(badge)
    assert crm_staff.has_perm("customers.add_customerrequest")
    assert not management_user.has_perm("customers.add_customerrequest")
    assert [item.label for item in profile.profile_badges(customer, crm_staff)] == ["1"]
    assert [item.label for item in profile.profile_badges(customer, management_user)] == ["0"]


def test_the_timeline_dates_are_compiled_once_and_bound_per_customer(
    own_registries,  # noqa: F811
    fresh_kept,
    monkeypatch,
    crm_staff,
):
    first, second = customers("عميل أول", "عميل ثان")
    calls = []
    original = timeline._dates_sql
    monkeypatch.setattr(
        timeline, "_dates_sql", lambda queries, limit: calls.append(1) or original(queries, limit)
    )

    @register_timeline_source("records", "Records", "dot")
    def records(customer, user, limit):
        return [
            TimelineRows(
                lambda: Customer.objects.filter(pk=customer.pk).order_by("-created_at", "-id"),
                model=Customer,
                at="created_at",
                entry=lambda row: timeline.TimelineEntry(
                    row.created_at, "records", "dot", row.name
                ),
                fields=("created_at", "name"),
            )
        ]

    titles = [entry.title for entry in timeline.customer_timeline(first, crm_staff).entries]
    assert titles == ["عميل أول"]
    assert len(calls) == 2  # the two probes
    titles = [entry.title for entry in timeline.customer_timeline(second, crm_staff).entries]
    assert titles == ["عميل ثان"]
    assert len(calls) == 2


def test_rows_given_as_a_function_need_their_model():
    with pytest.raises(TypeError):
        TimelineRows(lambda: Customer.objects.all(), at="created_at", entry=str)
