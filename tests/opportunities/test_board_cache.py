"""The board's columns are cached (opportunities.selectors.BOARD_TOPIC, issue 13): a second
read asks the database nothing about opportunities; a write shows at once, through the
signals or the services' update() writes; and an opportunity turning stale moves the stale
counts and the stale filter without any write."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities import services
from opportunities.models import STALE_AFTER, Opportunity

from .conftest import contacted, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def board(client, **params):
    response = client.get(reverse("opportunities:board"), params)
    assert response.status_code == 200
    return {column.state: column for column in response.context["columns"]}


def titles(client, **params):
    return [card.title for card in board(client, **params)["identification"].cards]


def test_a_second_read_of_the_board_asks_nothing_about_opportunities(client, people, programme):
    new_opportunity(people, programme, title="فرصة أولى")
    client.force_login(people["staff"])
    board(client)
    with CaptureQueriesContext(connection) as queries:
        assert titles(client) == ["فرصة أولى"]
    assert not [query for query in queries if "opportunities_" in query["sql"]]


def test_writes_through_the_signals_show_at_once(client, people, donors, programme):
    client.force_login(people["staff"])
    first = new_opportunity(people, programme, [donors["free"]], title="فرصة أولى")
    assert titles(client) == ["فرصة أولى"]
    new_opportunity(people, programme, title="فرصة ثانية")
    assert titles(client) == ["فرصة ثانية", "فرصة أولى"]
    services.opportunity_add_donor(
        opportunity=first, actor=people["staff"], donor=donors["with_point"]
    )
    cards = {card.title: card for card in board(client)["identification"].cards}
    assert len(cards["فرصة أولى"].donor_names) == 2
    donors["free"].name = "مانح بعد التصحيح"
    donors["free"].save()
    cards = {card.title: card for card in board(client)["identification"].cards}
    assert "مانح بعد التصحيح" in cards["فرصة أولى"].donor_names
    programme.name = "برنامج بعد التصحيح"
    programme.save()
    assert board(client)["identification"].cards[0].programme_name == "برنامج بعد التصحيح"


def test_the_services_update_writes_show_at_once(client, people, donors, programme):
    client.force_login(people["staff"])
    first = new_opportunity(people, programme, [donors["free"]], title="فرصة أولى")
    second = new_opportunity(people, programme, title="فرصة ثانية")
    assert titles(client) == ["فرصة ثانية", "فرصة أولى"]
    services.opportunity_update_probability(
        opportunity=first, actor=people["staff"], probability=55, success_factors=""
    )
    cards = board(client)["identification"].cards
    assert [card.title for card in cards] == ["فرصة أولى", "فرصة ثانية"]  # latest activity
    assert cards[0].probability == 55
    services.opportunity_correct(
        opportunity=second,
        actor=people["staff"],
        title="فرصة مصححة",
        expected_amount=Decimal("5000"),
        programme=programme,
    )
    cards = board(client)["identification"].cards
    assert [card.title for card in cards] == ["فرصة مصححة", "فرصة أولى"]
    assert cards[0].amount == Decimal("5000")
    contacted(first, people["staff"], donors["free"])  # a contact is activity
    assert titles(client) == ["فرصة أولى", "فرصة مصححة"]


def test_an_opportunity_turning_stale_is_counted_without_any_write(
    client, people, programme, monkeypatch
):
    opportunity = new_opportunity(people, programme, title="فرصة تكاد تنسى")
    almost = timezone.now() - STALE_AFTER + datetime.timedelta(hours=1)
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=almost)
    client.force_login(people["staff"])
    assert board(client)["identification"].stale_count == 0
    assert board(client, stale="1")["identification"].count == 0
    assert board(client, stale="0")["identification"].count == 1
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    column = board(client)["identification"]
    assert (column.count, column.stale_count, column.cards[0].is_stale) == (1, 1, True)
    assert board(client, stale="1")["identification"].count == 1
    assert board(client, stale="0")["identification"].count == 0


def test_each_filter_has_its_own_columns(client, people, programme, category):
    other = programme.__class__.objects.create(code="HLT-01", name="عيادة", category=category)
    new_opportunity(people, programme, title="فرصة التعليم")
    new_opportunity(people, other, title="فرصة الصحة")
    client.force_login(people["staff"])
    assert titles(client) == ["فرصة الصحة", "فرصة التعليم"]
    assert titles(client, programme=other.pk) == ["فرصة الصحة"]
    assert titles(client, q="التعليم") == ["فرصة التعليم"]
    assert titles(client) == ["فرصة الصحة", "فرصة التعليم"]


# --- the opportunity page's reads -------------------------------------------------------


def test_the_page_reads_approval_steps_only_when_a_contact_needed_approval(
    client, people, donors, programme
):
    opportunity = new_opportunity(people, programme, [donors["free"], donors["with_point"]])
    contacted(opportunity, people["staff"], donors["free"])  # nobody's donor: no approval
    client.force_login(people["manager"])
    url = reverse("opportunities:detail", args=[opportunity.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        page = client.get(url).content.decode()
    assert 'data-testid="approval-steps"' not in page
    assert not [query for query in plain if "contactapprovalstep" in query["sql"]]
    # Another's contact with the donor `staff` speaks for: three approvals awaited.
    contacted(opportunity, people["staff2"], donors["with_point"])
    with CaptureQueriesContext(connection) as flagged:
        page = client.get(url).content.decode()
    assert page.count('data-testid="approval-steps"') == 1
    assert len([query for query in flagged if "contactapprovalstep" in query["sql"]]) == 1
    assert len(flagged) == len(plain) + 1


def test_the_contact_form_offers_the_potential_donors_by_name(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"], donors["free"]])
    client.force_login(people["staff"])
    response = client.get(reverse("opportunities:detail", args=[opportunity.pk]))
    form = response.context["contact_form"]
    expected = [("", form.fields["donor"].empty_label)] + [
        (donor.pk, donor.name) for donor in opportunity.potential_donors.order_by("name")
    ]
    assert [(value, str(label)) for value, label in form.fields["donor"].widget.choices] == [
        (value, str(label)) for value, label in expected
    ]
    page = response.content.decode()
    for donor in opportunity.potential_donors.all():
        assert f'<option value="{donor.pk}">{donor.name}</option>' in page
