"""The data of the evaluation tests: a launched campaign with visits, cases, customers,
donations and opportunities (the `seeded` fixture), and the helpers that make them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaigns import services
from campaigns.models import Channel, Placement
from complaints.models import Case
from complaints.services import case_file_public
from customers.models import Customer, CustomerKind, EntityType
from customers.services import allocate_customer_code
from finance.models import Donation
from links.models import LinkVisit, TrackedLink
from opportunities.models import Opportunity, PotentialDonor
from programmes.models import Programme, ProgrammeCategory

from .conftest import advance, make_campaign, make_plan


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


def link_of(placement):
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
    billboard_link, leaflet_link = link_of(billboard), link_of(leaflet)
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
    visit(link_of(b.placements.get()), 1)
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
