"""Each placement of an approved advertising programme gets its tracked link (owner, target,
UTM) in the approval's transaction, and the campaign page shows its short URL, the link's
page (QR codes) to those who may see links, and its visits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.errors import CampaignError
from campaigns.models import DEFAULT_PLACEMENT_TARGET, Channel, Placement
from links.models import LinkVisit, TrackedLink
from links.services import visit_record

from .conftest import advance, make_campaign, make_plan

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def links_of(campaign):
    return TrackedLink.objects.filter(
        owner_type=ContentType.objects.get_for_model(Placement),
        owner_id__in=campaign.placements.values("pk"),
    )


def add_placements(campaign, people, count, *, target=DEFAULT_PLACEMENT_TARGET):
    for number in range(count):
        services.placement_add(
            campaign=campaign,
            actor=people["manager"],
            channel=Channel.LEAFLETS,
            location=f"مجمع تجاري {number}",
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            cost=Decimal("1000"),
            target=target,
        )


def submitted(people, agency, *, extra=0, target=DEFAULT_PLACEMENT_TARGET, plan=None):
    """A campaign whose programme (one billboard, `extra` leaflet placements) awaits
    management's approval."""
    campaign = advance(
        make_campaign(people, plan or make_plan(people)), people, agency, "placement"
    )
    add_placements(campaign, people, extra, target=target)
    return advance(campaign, people, agency, "submit_programme", start="submit_programme")


def test_approval_gives_each_placement_one_link_with_owner_target_and_utm(people, agency):
    campaign = submitted(people, agency, extra=1, target="/public/faq/")
    assert not links_of(campaign).exists()
    services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    billboard, leaflet = campaign.placements.order_by("pk")
    assert billboard.target == DEFAULT_PLACEMENT_TARGET
    links = {link.owner: link for link in links_of(campaign)}
    assert set(links) == {billboard, leaflet}
    for placement in (billboard, leaflet):
        link = links[placement]
        assert link.target == placement.target
        assert link.label == f"{campaign.title} · {placement.get_channel_display()} · " + (
            placement.location
        )
        assert (link.utm_source, link.utm_campaign, link.utm_content) == (
            placement.channel,
            str(campaign.pk),
            str(placement.pk),
        )
        # Made in the preparer's name: management is given no right over links.
        assert link.created_by == campaign.created_by == people["manager"]
    assert links[billboard].utm_medium == "outdoor"
    assert links[leaflet].utm_medium == "print"
    assert links[leaflet].target == "/public/faq/"
    assert not people["management"].has_perm("links.add_trackedlink")


def test_a_second_approval_makes_no_link(people, agency):
    campaign = submitted(people, agency, extra=1)
    services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    first = set(links_of(campaign).values_list("pk", flat=True))
    with pytest.raises(CampaignError):
        services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    assert set(TrackedLink.objects.values_list("pk", flat=True)) == first
    assert len(first) == 2


def test_a_refused_link_refuses_the_approval_and_writes_nothing(people, agency, english):
    campaign = submitted(people, agency)
    manager = people["manager"]
    manager.groups.clear()
    manager.user_permissions.clear()
    with pytest.raises(CampaignError, match="tracked links"):
        services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    campaign.refresh_from_db()
    assert campaign.state == "programme_submitted"
    assert not TrackedLink.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "/no/such/page/", ""]
)
def test_a_placement_target_outside_the_site_and_the_allow_list_is_refused(people, agency, target):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "choose_proposal")
    with pytest.raises(CampaignError):
        add_placements(campaign, people, 1, target=target)
    assert not campaign.placements.exists()


def test_the_placement_form_checks_the_target(client, people, agency, english):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "choose_proposal")
    client.force_login(people["manager"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert f'value="{DEFAULT_PLACEMENT_TARGET}"' in page
    today = timezone.localdate()
    values = {
        "channel": Channel.SOCIAL,
        "location": "حساب إكس",
        "starts_on": today.strftime("%d/%m/%Y"),
        "ends_on": (today + timedelta(days=7)).strftime("%d/%m/%Y"),
        "cost": "100",
    }
    add = reverse("campaigns:placement_add", args=[campaign.pk])
    response = client.post(add, {**values, "target": "https://evil.example/"})
    assert "is not on the allowed list" in response.content.decode()
    assert not campaign.placements.exists()
    client.post(add, {**values, "target": "/public/faq/"})
    assert campaign.placements.get().target == "/public/faq/"


def approved_with_visits(people, agency, *, extra, plan=None):
    campaign = submitted(people, agency, extra=extra, plan=plan)
    services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    for number, link in enumerate(links_of(campaign).order_by("pk")):
        for visitor in range(number + 2):
            visit_record(link=link, ip=f"203.0.113.{visitor}", user_agent=PHONE)
    return campaign


def test_the_page_shows_each_short_url_its_visits_and_the_link_page(client, people, agency):
    campaign = approved_with_visits(people, agency, extra=1)
    links = list(links_of(campaign).order_by("pk"))
    client.force_login(people["staff"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert page.count('data-testid="placement-short-url"') == 2
    for number, link in enumerate(links):
        assert f'<span class="ltr-value" data-testid="placement-short-url">{link.short_url}' in page
        assert reverse("links:detail", args=[link.pk]) in page
        assert LinkVisit.objects.filter(link=link).count() == number + 2
    visits = page.split('data-testid="placement-visits">')[1:]
    assert [cell.split("<")[0] for cell in visits] == ["2", "3"]


def test_who_may_not_view_links_sees_the_url_but_no_link_page(client, people, agency):
    campaign = approved_with_visits(people, agency, extra=0)
    link = links_of(campaign).get()
    assert people["staff"].has_perm("links.view_trackedlink")
    # Management reads campaigns but not links; a CRM staff member without the links
    # right (given campaigns reading alone) likewise.
    reader = people["nobody"]
    reader.groups.clear()
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaigns",
            codename__in=("view_campaign", "view_marketingplan"),
        )
    )
    for user in (people["management"], reader):
        assert not user.has_perm("links.view_trackedlink")
        client.force_login(user)
        response = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert link.short_url in page
        assert 'data-testid="placement-link-page"' not in page
        assert reverse("links:detail", args=[link.pk]) not in page
        assert client.get(reverse("links:detail", args=[link.pk])).status_code == 403


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_page_does_not_grow_with_the_placements(client, people, agency):
    small = approved_with_visits(people, agency, extra=1)
    large = approved_with_visits(people, agency, extra=5, plan=small.plan)
    client.force_login(people["staff"])
    # A first visit fills the per-process caches (session, content types) for both, and
    # each campaign's segment (campaigns.selectors.campaign_segment) for its page.
    _queries_of(client, reverse("campaigns:campaign_detail", args=[small.pk]))
    _queries_of(client, reverse("campaigns:campaign_detail", args=[large.pk]))
    small_count, small_page = _queries_of(
        client, reverse("campaigns:campaign_detail", args=[small.pk])
    )
    large_count, large_page = _queries_of(
        client, reverse("campaigns:campaign_detail", args=[large.pk])
    )
    assert small_page.count('data-testid="placement-short-url"') == 2
    assert large_page.count('data-testid="placement-short-url"') == 6
    assert large_count == small_count


def _many_days_of_visits(campaign):
    """Visits on the campaign's links over 40 days (the nightly totals then roll them up)."""
    today = timezone.localdate()
    rows = [
        LinkVisit(
            link=link,
            visited_at=timezone.now(),
            day=today - timedelta(days=days_ago),
            visitor=visitor,
        )
        for link in links_of(campaign)
        for days_ago in range(40)
        for visitor in range(days_ago % 4 + 1)
    ]
    LinkVisit.objects.bulk_create(rows)


def test_the_page_reads_the_same_queries_with_2_or_30_placements_and_many_visits(
    client, people, agency
):
    from links.services import visits_roll_up

    small = approved_with_visits(people, agency, extra=1)
    large = approved_with_visits(people, agency, extra=29, plan=small.plan)
    _many_days_of_visits(large)
    client.force_login(people["staff"])
    small_url = reverse("campaigns:campaign_detail", args=[small.pk])
    large_url = reverse("campaigns:campaign_detail", args=[large.pk])
    _queries_of(client, small_url)
    _queries_of(client, large_url)  # each campaign's segment cached on its first visit
    before = _queries_of(client, large_url)
    visits_roll_up()
    after = _queries_of(client, large_url)
    small_count, _small_page = _queries_of(client, small_url)
    assert before[0] == after[0] == small_count
    assert after[1].count('data-testid="placement-short-url"') == 30
    # The figures shown are the same whether the past days are rolled up or counted live.
    shown = [cell.split("<")[0] for cell in after[1].split('data-testid="placement-visits">')[1:]]
    assert shown == [
        cell.split("<")[0] for cell in before[1].split('data-testid="placement-visits">')[1:]
    ]
    first = links_of(large).order_by("pk").first()
    assert shown[0] == str(LinkVisit.objects.filter(link=first).count())
