"""The customer 360 of a beneficiary with support requests: the panel lists them, the
timeline shows each request's reception and steps, and the page reads the same number of
queries however many requests there are (the panel reads the columns the timeline shows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.fixtures_a import *  # noqa: F403  (fixtures)
from tests.support.fixtures_a import IDS, check_all, make_customer, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_services")]


def _page(client, customer, **query):
    response = client.get(reverse("customers:detail", args=[customer.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, customer):
    with CaptureQueriesContext(connection) as queries:
        _page(client, customer)
    return len(queries)


def test_the_profile_shows_the_requests_and_their_steps(client, people, places, catalogue):
    customer = make_customer(name="فاطمة", national_id=IDS[4], centre=places["mine"])
    first = receive(people, places, catalogue, customer=customer)
    check_all(first, people["centres"])
    client.force_login(people["crm_manager"])
    page = _page(client, customer)
    assert 'data-testid="support-panel"' in page
    assert first.tracking_number in page
    timeline = _page(client, customer, kind="support_requests")
    assert first.tracking_number in timeline
    before = _queries(client, customer)
    for _number in range(2):
        support_request = receive(people, places, catalogue, customer=customer)
        check_all(support_request, people["centres"])
    _page(client, customer)
    assert _queries(client, customer) <= before


def test_no_panel_for_a_reader_without_the_right(client, people, places, catalogue):
    customer = make_customer(name="فاطمة", national_id=IDS[4], centre=places["mine"])
    receive(people, places, catalogue, customer=customer)
    client.force_login(people["quality"])
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert 'data-testid="support-panel"' not in response.content.decode()


def test_a_staff_member_moved_to_another_centre_reads_that_centre_s_requests(
    client, people, places, catalogue
):
    """The page's SQL is compiled once per reader (customers.compiled) and its body kept per
    reader (customers.profile_cache): the reader's centres are part of both keys, so a move
    is shown at the next view, not the previous centres' requests."""
    customer = make_customer(name="فاطمة", national_id=IDS[4], centre=places["other"])
    support_request = receive(people, places, catalogue, customer=customer)  # at "mine"
    reader = people["centres_other"]
    client.force_login(reader)
    assert support_request.tracking_number not in _page(client, customer, kind="support_requests")
    reader.staff_profile.centres.add(places["mine"])
    assert support_request.tracking_number in _page(client, customer, kind="support_requests")
    reader.staff_profile.centres.remove(places["mine"])
    assert support_request.tracking_number not in _page(client, customer, kind="support_requests")
