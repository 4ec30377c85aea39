"""A campaign's target segment and programmes (cities, centres, interests, programmes) are
read from the cache (campaigns.selectors.campaign_segment): the campaign page and its form
show the same rows, in the same order, as reading each relation, renewed when the
campaign's choices or one of those rows change, in a number of queries that does not grow
with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaigns import services
from campaigns.forms import CampaignForm
from campaigns.models import CAMPAIGN_RELATIONS
from campaigns.selectors import campaign_segment
from programmes.models import Programme, ProgrammeCategory
from tests.factories import CentreFactory, CityFactory

from .conftest import make_campaign, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def choices(db):
    jeddah, taif = (
        CityFactory(name="جدة", name_en="Jeddah"),
        CityFactory(name="الطائف", name_en="Taif"),
    )
    category = ProgrammeCategory.objects.create(name="أيتام")
    return {
        "cities": [jeddah, taif],
        "centres": [
            CentreFactory(name="مركز حي الصفا", city=jeddah),
            CentreFactory(name="مركز حي الشهداء", city=taif),
        ],
        "interests": [category, ProgrammeCategory.objects.create(name="تعليم")],
        "programmes": [
            Programme.objects.create(code=f"PRG-{n}", name=f"برنامج {n}", category=category)
            for n in (2, 1)
        ],
    }


def _reads(campaign):
    return {name: list(getattr(campaign, name).all()) for name in CAMPAIGN_RELATIONS}


def test_the_segment_is_the_campaigns_rows_in_their_order(people, choices):
    campaign = make_campaign(people, make_plan(people), **choices)
    assert campaign_segment(campaign) == _reads(campaign)
    with CaptureQueriesContext(connection) as queries:
        segment = campaign_segment(campaign)
    assert len(queries) == 0  # from the cache
    assert segment == _reads(campaign)
    assert [p.code for p in segment["programmes"]] == ["PRG-1", "PRG-2"]
    with translation.override("en"):
        assert [str(city) for city in segment["cities"]] == ["Taif", "Jeddah"]
        assert [str(centre) for centre in segment["centres"]] == [
            "مركز حي الشهداء",
            "مركز حي الصفا",
        ]
    assert [str(category) for category in segment["interests"]] == ["أيتام", "تعليم"]


def test_the_segment_is_renewed_when_the_choices_or_their_rows_change(people, choices):
    campaign = make_campaign(people, make_plan(people), cities=choices["cities"][:1])
    assert campaign_segment(campaign)["cities"] == choices["cities"][:1]
    services.campaign_update(
        campaign=campaign,
        actor=people["manager"],
        cities=choices["cities"],
        programmes=choices["programmes"][:1],
    )
    assert campaign_segment(campaign) == _reads(campaign)
    assert len(campaign_segment(campaign)["cities"]) == 2
    city = choices["cities"][0]
    city.name = "جدة التاريخية"
    city.save()
    assert "جدة التاريخية" in [c.name for c in campaign_segment(campaign)["cities"]]
    programme = choices["programmes"][0]  # PRG-2, the one chosen
    programme.name = "برنامج معدل"
    programme.save()
    assert [p.name for p in campaign_segment(campaign)["programmes"]] == ["برنامج معدل"]
    campaign.cities.clear()
    assert campaign_segment(campaign)["cities"] == []


def test_the_page_and_the_form_show_the_segment(client, people, choices):
    campaign = make_campaign(people, make_plan(people), **choices)
    client.force_login(people["manager"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    for name in ("جدة", "الطائف", "مركز حي الصفا", "مركز حي الشهداء", "أيتام", "تعليم"):
        assert f'<span class="badge text-bg-light border">{name}</span>' in page
    assert "<bdi>برنامج 1</bdi>، <bdi>برنامج 2</bdi>" in page
    form = client.get(reverse("campaigns:campaign_edit", args=[campaign.pk])).context["form"]
    reference = {name: [row.pk for row in rows] for name, rows in _reads(campaign).items()}
    assert {name: form[name].value() for name in CAMPAIGN_RELATIONS} == reference
    assert list(form.fields) == [name for name in CampaignForm.field_order if name != "plan"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_pages_read_the_same_queries_whatever_the_segment(client, people, choices):
    plan = make_plan(people)
    small = make_campaign(people, plan)
    large = make_campaign(people, plan, **choices)
    client.force_login(people["manager"])
    for name in ("campaign_detail", "campaign_edit"):
        small_url = reverse(f"campaigns:{name}", args=[small.pk])
        large_url = reverse(f"campaigns:{name}", args=[large.pk])
        _queries(client, small_url), _queries(client, large_url)  # the cache filled
        assert _queries(client, small_url) == _queries(client, large_url), name
    # The form's options come from the cache too: more programmes, the same queries.
    create = reverse("campaigns:campaign_create")
    before = _queries(client, create)
    for n in range(3, 8):
        Programme.objects.create(
            code=f"PRG-{n}", name=f"برنامج {n}", category=choices["interests"][0]
        )
    _queries(client, create)
    assert _queries(client, create) == before
