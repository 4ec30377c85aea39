"""The campaign evaluation's figures (campaigns.evaluation, manual 3.1.9): visits and unique
visitors per placement and campaign, attributed outcomes, new customers, opportunities and
donations through the campaign's customers, spending and cost per result, targets against
results; and a number of queries that does not grow with campaigns, placements or visits."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services
from campaigns.evaluation import ATTRIBUTION_WINDOW_DAYS, attribution_window, evaluate
from campaigns.models import Campaign, CampaignState, Channel, Placement
from complaints.models import Case
from complaints.services import case_file_public
from customers.models import Customer, CustomerKind, EntityType
from customers.services import allocate_customer_code
from finance.models import Donation
from links import services as link_services
from links.models import LinkVisit, TrackedLink
from opportunities.models import Opportunity, PotentialDonor
from programmes.models import Programme, ProgrammeCategory

from .conftest import advance, make_campaign, make_plan

pytestmark = pytest.mark.django_db


def add_leaflets(campaign, people, count, *, cost="1000"):
    for number in range(count):
        services.placement_add(
            campaign=campaign,
            actor=people["manager"],
            channel=Channel.LEAFLETS,
            location=f"مجمع تجاري {number}",
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            cost=Decimal(cost),
        )


def launched(people, agency, *, leaflets=0, plan=None, **values):
    """A campaign launched today through the services: one billboard (5,000) and
    `leaflets` leaflet placements (1,000 each), each with its tracked link."""
    campaign = make_campaign(people, plan or make_plan(people), **values)
    campaign = advance(campaign, people, agency, "placement")
    add_leaflets(campaign, people, leaflets)
    return advance(campaign, people, agency, "launch", start="submit_programme")


def _link(placement):
    return TrackedLink.objects.get(
        owner_type=ContentType.objects.get_for_model(Placement), owner_id=placement.pk
    )


def visit(link, visitor, *, day=None):
    day = day or timezone.localdate()
    LinkVisit.objects.create(link=link, visited_at=timezone.now(), day=day, visitor=visitor)


def file_case(link, name="زائر"):
    return case_file_public(
        kind="suggestion",
        subject="اقتراح",
        description="وصلت من الإعلان",
        contact_name=name,
        contact_mobile="0551234567",
        contact_kind="other",
        source_link_id=link.pk,
    )


def customer(name, *, created_at=None):
    person = Customer.objects.create(
        code=allocate_customer_code(),
        name=name,
        kind=CustomerKind.DONOR,
        entity_type=EntityType.INDIVIDUAL,
    )
    if created_at is not None:
        Customer.objects.filter(pk=person.pk).update(created_at=created_at)
        person.refresh_from_db()
    return person


def donation(donor, programme, amount, received_on):
    return Donation.objects.create(
        receipt_number=f"R-{Donation.objects.count() + 1:05d}",
        received_on=received_on,
        amount=Decimal(amount),
        donor=donor,
        programme=programme,
    )


def opportunity(owner, programme, *, pledge_donor=None, potential=None, created_on=None):
    opened = Opportunity.objects.create(
        title="كفالة", programme=programme, owner=owner, pledge_donor=pledge_donor
    )
    if potential is not None:
        PotentialDonor.objects.create(opportunity=opened, donor=potential, added_by=owner)
    if created_on is not None:
        at = timezone.make_aware(datetime.datetime.combine(created_on, datetime.time(10)))
        Opportunity.objects.filter(pk=opened.pk).update(created_at=at)
    return opened


@pytest.fixture
def programme(db):
    category = ProgrammeCategory.objects.create(name="تعليم")
    return Programme.objects.create(code="EDU-01", name="محو الأمية", category=category)


@pytest.fixture
def seeded(people, agency, programme):
    """Campaign A (launched today, a billboard and two leaflets, budget 10,000) with visits,
    three cases, a new and an existing customer, their donations and opportunities; campaign
    B launched with one visit of its own; campaign C still a draft."""
    today = timezone.localdate()
    plan = make_plan(people)
    a = launched(
        people,
        agency,
        leaflets=2,
        plan=plan,
        target_visits=20,
        target_reach=10,
        target_new_customers=2,
        target_donations=Decimal("5000"),
    )
    billboard, leaflet, quiet = a.placements.order_by("pk")
    billboard_link, leaflet_link = _link(billboard), _link(leaflet)
    # Billboard: person 1 twice and person 2; leaflet: person 1 again and person 3.
    for visitor in (1, 1, 2):
        visit(billboard_link, visitor)
    for visitor in (1, 3):
        visit(leaflet_link, visitor)

    anonymous = file_case(billboard_link)
    # An existing customer (recorded a year ago) matched to a case from the billboard.
    existing = customer("متبرع قديم", created_at=timezone.now() - datetime.timedelta(days=365))
    matched = file_case(billboard_link, "متبرع قديم")
    # A newcomer: the case came first, staff recorded the customer after it.
    new_case = file_case(leaflet_link, "متبرع جديد")
    Case.objects.filter(pk=new_case.pk).update(
        received_at=timezone.now() - datetime.timedelta(hours=2)
    )
    newcomer = customer("متبرع جديد")
    Case.objects.filter(pk=matched.pk).update(customer=existing)
    Case.objects.filter(pk=new_case.pk).update(customer=newcomer)

    donation(newcomer, programme, "3000", today)
    donation(newcomer, programme, "1000", today - datetime.timedelta(days=5))  # before launch
    donation(existing, programme, "500", today)
    opportunity(people["manager"], programme, pledge_donor=existing, created_on=today)
    opportunity(people["manager"], programme, potential=newcomer, created_on=today)
    opportunity(
        people["manager"],
        programme,
        potential=newcomer,
        created_on=today - datetime.timedelta(days=10),
    )

    b = launched(people, agency, plan=plan, title="حملة ثانية")
    visit(_link(b.placements.get()), 1)
    c = make_campaign(people, plan, title="حملة لم تنطلق")
    return {
        "a": a,
        "b": b,
        "c": c,
        "placements": (billboard, leaflet, quiet),
        "cases": (anonymous, matched, new_case),
        "existing": existing,
        "newcomer": newcomer,
    }


def test_visits_and_unique_visitors_per_placement_and_campaign(seeded):
    results = evaluate(Campaign.objects.filter(pk__in=[seeded["a"].pk, seeded["b"].pk]))
    a = results[seeded["a"].pk]
    rows = {row.placement.pk: row for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert (rows[billboard.pk].visits, rows[billboard.pk].unique_visitors) == (3, 2)
    assert (rows[leaflet.pk].visits, rows[leaflet.pk].unique_visitors) == (2, 2)
    assert (rows[quiet.pk].visits, rows[quiet.pk].unique_visitors) == (0, 0)
    # Person 1 came through both placements the same day: one visitor of the campaign.
    assert (a.visits, a.unique_visitors) == (5, 3)
    b = results[seeded["b"].pk]
    assert (b.visits, b.unique_visitors) == (1, 1)


def test_outcomes_customers_and_new_customers(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    assert [(o.key, o.count) for o in a.outcomes] == [("cases", 3)]
    assert a.outcomes_total == 3
    rows = {row.placement.pk: row.outcomes for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert (rows[billboard.pk], rows[leaflet.pk], rows[quiet.pk]) == (2, 1, 0)
    # The matched customer existed before; the newcomer was recorded after the case.
    assert (a.customers_reached, a.new_customers) == (2, 1)


def test_opportunities_and_donations_of_the_campaigns_customers_within_the_window(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    today = timezone.localdate()
    assert a.window == (
        today,
        seeded["a"].ends_on + datetime.timedelta(days=ATTRIBUTION_WINDOW_DAYS),
    )
    assert a.opportunities == 2  # the one opened before the launch is not the campaign's
    assert (a.donations_count, a.donations_total) == (2, Decimal("3500"))


def test_spending_budget_and_cost_per_result(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    assert (a.budget, a.spending, a.remaining) == (
        Decimal("10000"),
        Decimal("7000"),
        Decimal("3000"),
    )
    assert a.spent_percent == 70
    assert a.cost_per_visit == Decimal("1400.00")
    assert a.cost_per_unique_visitor == Decimal("2333.33")
    assert a.cost_per_outcome == Decimal("2333.33")
    assert a.cost_per_new_customer == Decimal("7000.00")
    rows = {row.placement.pk: row.cost_per_visit for row in a.placements}
    billboard, leaflet, quiet = seeded["placements"]
    assert rows[billboard.pk] == Decimal("1666.67")
    assert rows[leaflet.pk] == Decimal("500.00")
    assert rows[quiet.pk] is None


def test_targets_against_results_and_empty_targets_have_no_percentage(seeded):
    a = evaluate([seeded["a"]])[seeded["a"].pk]
    targets = {target.key: target for target in a.targets}
    assert list(targets) == [
        "reach",
        "visits",
        "new_customers",
        "support_requests",
        "donations",
        "opportunities",
    ]
    assert (targets["reach"].result, targets["reach"].percent) == (3, 30)
    assert (targets["visits"].result, targets["visits"].percent, targets["visits"].bar) == (
        5,
        25,
        25,
    )
    assert targets["new_customers"].percent == 50
    assert (targets["donations"].percent, targets["donations"].is_money) == (70, True)
    # No target set: no percentage, not 0 %.
    assert targets["opportunities"].target is None
    assert targets["opportunities"].percent is None
    assert targets["opportunities"].result == 2
    # Support requests cannot be filed yet: nothing measures them.
    assert targets["support_requests"].result is None
    assert targets["support_requests"].percent is None


def test_a_target_passed_shows_its_percentage_and_a_full_bar(people, agency):
    campaign = launched(people, agency, target_visits=2)
    link = _link(campaign.placements.get())
    for visitor in (1, 2, 3):
        visit(link, visitor)
    visits = {t.key: t for t in evaluate([campaign])[campaign.pk].targets}["visits"]
    assert (visits.percent, visits.bar) == (150, 100)


def test_a_campaign_not_launched_has_zeros_and_no_window(seeded):
    c = evaluate([seeded["c"]])[seeded["c"].pk]
    assert not c.is_launched
    assert c.window is None
    assert c.placements == []
    assert (c.visits, c.unique_visitors, c.outcomes_total, c.new_customers) == (0, 0, 0, 0)
    assert (c.opportunities, c.donations_total, c.spending) == (0, Decimal(0), Decimal(0))
    assert c.cost_per_visit is None
    assert attribution_window(seeded["c"]) is None


def test_nothing_to_evaluate(db):
    assert evaluate(Campaign.objects.none()) == {}
    assert evaluate([]) == {}


def _campaigns_with_results(people, programme, count, *, placements=2, visits=3):
    """`count` launched campaigns made directly (no workflow), each with `placements`
    linked placements, `visits` visits each, a case with a new customer, a donation and
    an opportunity."""
    today = timezone.localdate()
    plan = make_plan(people) if not Campaign.objects.exists() else Campaign.objects.first().plan
    made = []
    for number in range(count):
        campaign = make_campaign(people, plan, title=f"حملة {number}")
        Campaign.objects.filter(pk=campaign.pk).update(
            state=CampaignState.LAUNCHED, launched_on=today
        )
        for index in range(placements):
            placement = Placement.objects.create(
                campaign=campaign,
                channel=Channel.SOCIAL,
                location=f"حساب {index}",
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                cost=Decimal("100"),
                added_by=people["manager"],
            )
            link = link_services.link_create(
                actor=people["manager"], label=f"{number}-{index}", target="/", owner=placement
            )
            for visitor in range(visits):
                visit(link, number * 1000 + visitor)
        case = file_case(link)
        person = customer(f"عميل {number}")
        Case.objects.filter(pk=case.pk).update(customer=person)
        donation(person, programme, "100", today)
        opportunity(people["manager"], programme, pledge_donor=person, created_on=today)
        made.append(campaign.pk)
    return made


def _queries(ids):
    with CaptureQueriesContext(connection) as context:
        results = evaluate(Campaign.objects.filter(pk__in=ids))
    return len(context.captured_queries), results


def test_the_number_of_queries_does_not_grow_with_campaigns_placements_or_visits(people, programme):
    few = _campaigns_with_results(people, programme, 2, placements=1, visits=1)
    few_queries, few_results = _queries(few)
    many = few + _campaigns_with_results(people, programme, 4, placements=3, visits=4)
    many_queries, many_results = _queries(many)
    assert few_queries == many_queries
    # campaigns, placements, links, visits per link, visitors per campaign, cases,
    # opportunities (potential, pledging), donations.
    assert many_queries == 9
    assert all(many_results[pk].new_customers == 1 for pk in many)
    assert all(many_results[pk].opportunities == 1 for pk in many)
    assert sum(r.visits for r in many_results.values()) == 2 * 1 + 4 * 3 * 4
    assert few_results[few[0]].donations_total == Decimal("100")
