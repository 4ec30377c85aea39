"""The opportunities list reads its rows as plain values (selectors.list_rows) and keeps its
capped count with the board (selectors.list_count, BOARD_TOPIC) until an opportunity
changes; a filter on the last activity, which reads the clock, is counted on each view."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from opportunities import services
from opportunities.models import STALE_AFTER, Opportunity

from .conftest import days_ago, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def listed(client, **params):
    response = client.get(reverse("opportunities:list"), params)
    assert response.status_code == 200
    return response


def count(client, **params):
    return listed(client, **params).context["page"].paginator.count


def rows_of(response):
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


def counts_in(queries):
    return [query for query in queries if "COUNT(" in query["sql"].upper()]


def test_a_second_view_counts_nothing_and_shows_the_same_rows(client, people, programme):
    new_opportunity(people, programme, title="فرصة أولى")
    client.force_login(people["staff"])
    first = listed(client, q="فرصه")
    with CaptureQueriesContext(connection) as queries:
        second = listed(client, q="فرصه")
    assert not counts_in(queries)
    assert second.context["page"].paginator.count == 1
    assert rows_of(second) == rows_of(first) and "فرصة أولى" in rows_of(second)


def test_the_count_follows_the_writes(client, people, donors, programme):
    client.force_login(people["staff"])
    first = new_opportunity(people, programme, title="فرصة أولى")
    assert count(client, q="فرصة") == 1
    new_opportunity(people, programme, title="فرصة ثانية")  # a save: the signals
    assert count(client, q="فرصة") == 2
    services.opportunity_correct(  # an update(): the service renews the board's topic
        opportunity=first,
        actor=people["staff"],
        title="تمويل مصحح",
        expected_amount=Decimal("5000"),
        programme=programme,
    )
    assert count(client, q="فرصة") == 1
    assert count(client) == 2


def test_the_activity_filter_is_counted_on_each_view(client, people, programme):
    client.force_login(people["staff"])
    opportunity = new_opportunity(people, programme)
    assert count(client, stale="1") == 0
    # Turning stale is no write: only the clock moved (here, the row under the signals).
    Opportunity.objects.filter(pk=opportunity.pk).update(
        last_activity_at=days_ago(STALE_AFTER.days + 1)
    )
    response = listed(client, stale="1")
    assert response.context["page"].paginator.count == 1
    assert 'data-stale="1"' in response.content.decode()


def test_a_row_names_three_donors_then_an_ellipsis(client, people, donors, programme):
    fourth = Customer.objects.create(code=200009, name="مانح رابع", kind="donor")
    four = [donors["free"], donors["with_point"], donors["uninterested"], fourth]
    new_opportunity(people, programme, four, title="أربعة مانحين")
    client.force_login(people["staff"])
    response = listed(client)
    row = response.context["page"].object_list[0]
    assert row.title == "أربعة مانحين" and len(row.donor_names) == 4
    assert row.owner_name == (people["staff"].get_full_name() or people["staff"].username)
    shown = "، ".join(f"<bdi>{name}</bdi>" for name in row.donor_names[:3])
    assert f'<td class="small">{shown} …</td>' in response.content.decode()
