"""The campaign pages: the list with its filters, the campaign page guided by its next step,
the steps over HTTP, the brief PDF and «عملي»."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignState
from core.mywork import work_sections_for

from .conftest import advance, make_campaign, make_plan, pdf

pytestmark = pytest.mark.django_db


def test_the_manager_runs_the_steps_over_http_and_management_approves(
    client, people, agency, media_root, english
):
    campaign = make_campaign(people, make_plan(people))
    client.force_login(people["manager"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    # One primary next step: the channels go to management.
    assert 'data-testid="action-submit_channels"' in page
    assert page.index('data-testid="action-submit_channels"') < page.index("action-cancel")
    step = reverse("campaigns:campaign_step", args=[campaign.pk, "submit_channels"])
    assert client.post(step, {"note": ""}).status_code == 302
    approve = reverse("campaigns:campaign_step", args=[campaign.pk, "approve_channels"])
    assert client.post(approve, {"note": ""}).status_code == 403
    client.force_login(people["management"])
    client.post(approve, {"note": "موافق"})
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CHANNELS_APPROVED
    client.force_login(people["manager"])
    request = reverse("campaigns:campaign_step", args=[campaign.pk, "request_proposals"])
    response = client.post(request, {"agency": agency.pk, "requirements": ""})
    assert response.status_code == 200  # shown again, with what was typed
    assert "This field is required" in response.content.decode()
    client.post(request, {"agency": agency.pk, "requirements": "لوحات"})
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PROPOSALS_REQUESTED
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Agency&#x27;s proposals due" in page and 'data-testid="agency-link"' in page
    client.force_login(people["staff"])
    upload = reverse("campaigns:proposal_upload", args=[campaign.pk])
    assert client.post(upload, {"file": pdf(), "title": "v1"}).status_code == 302
    assert client.get(reverse("campaigns:proposal_file", args=[campaign.pk, 1])).status_code == 200


def test_the_agency_gets_its_link_by_email(
    people, agency, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "approve_channels")
    from campaigns import services

    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_request_proposals(
            campaign=campaign, actor=people["manager"], agency=agency, requirements="لوحات"
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [agency.email]
    assert "/agency/proposals/?t=" in mailoutbox[0].body


def test_the_list_filters_and_marks_overdue_campaigns(client, people, agency, english):
    plan = make_plan(people)
    late = advance(make_campaign(people, plan, title="متأخرة"), people, agency, "request_proposals")
    Campaign.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    make_campaign(people, plan, title="مسودة")
    client.force_login(people["management"])
    url = reverse("campaigns:campaign_list")
    page = client.get(url).content.decode()
    assert page.count('data-testid="campaign-row"') == 2
    assert 'class="table-danger"' in page
    overdue = client.get(url, {"overdue": "1"}).content.decode()
    assert overdue.count('data-testid="campaign-row"') == 1 and "متأخرة" in overdue
    drafts = client.get(url, {"state": "draft"}).content.decode()
    assert drafts.count('data-testid="campaign-row"') == 1 and "مسودة" in drafts


def test_the_brief_is_a_pdf_in_the_identity(client, people, agency, english):
    campaign = advance(
        make_campaign(people, make_plan(people)), people, agency, "request_proposals"
    )
    client.force_login(people["staff"])
    response = client.get(reverse("campaigns:brief_pdf", args=[campaign.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")


def test_my_work_shows_each_person_their_step_and_the_overdue_proposals(people, agency, english):
    plan = make_plan(people)
    late = advance(make_campaign(people, plan, title="متأخرة"), people, agency, "request_proposals")
    Campaign.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    waiting = advance(
        make_campaign(people, plan, title="للاعتماد"), people, agency, "submit_channels"
    )

    def items(who):
        sections = [s for s in work_sections_for(people[who]) if s.title == "Marketing campaigns"]
        return {item.title.split(" · ")[0]: item for s in sections for item in s.items}

    manager = items("manager")
    assert manager["متأخرة"].is_overdue
    assert "للاعتماد" not in manager
    assert set(items("management")) == {waiting.title}
    assert "متأخرة" in items("staff")
    assert items("quality") == {}


def test_programme_approval_and_launch_over_http(client, people, agency, media_root, english):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "submit_programme")
    client.force_login(people["management"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="action-approve_programme"' in page
    client.post(reverse("campaigns:campaign_step", args=[campaign.pk, "approve_programme"]), {})
    client.force_login(people["manager"])
    launch = reverse("campaigns:campaign_step", args=[campaign.pk, "launch"])
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(launch, {"launched_on": today}, follow=True)
    assert "Add the launch evidence first" in response.content.decode()
    client.post(
        reverse("campaigns:evidence_add", args=[campaign.pk]),
        {"url": "https://x.com/association/status/2", "note": "منشور"},
    )
    client.post(launch, {"launched_on": today})
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.LAUNCHED
    assert campaign.launched_on == timezone.localdate()


def test_cancelling_is_folded_apart_and_needs_a_reason(client, people, agency, english):
    campaign = advance(
        make_campaign(people, make_plan(people)), people, agency, "request_proposals"
    )
    client.force_login(people["manager"])
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    # Nothing to do but wait: no step card, a note, and the cancellation folded.
    assert 'data-testid="actions"' not in page
    assert 'data-testid="waiting-proposals"' in page
    assert 'data-testid="action-cancel"' in page
    cancel = reverse("campaigns:campaign_step", args=[campaign.pk, "cancel"])
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(cancel, {"reason": "أُجّلت إلى العام القادم"})
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CANCELLED
    assert campaign.cancel_reason == "أُجّلت إلى العام القادم"


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_and_plan_pages_do_not_grow_with_the_campaigns(client, people, english):
    plan = make_plan(people)
    for number in range(2):
        make_campaign(people, plan, title=f"حملة {number}")
    client.force_login(people["management"])
    urls = [
        reverse("campaigns:campaign_list"),
        reverse("campaigns:plan_list"),
        reverse("campaigns:plan_calendar", args=[plan.pk]),
    ]
    for url in urls:  # the first visit fills the caches (the signed-in user, the places)
        _queries_of(client, url)
    before = [_queries_of(client, url)[0] for url in urls]
    for number in range(2, 6):
        make_campaign(people, plan, title=f"حملة {number}")
    after = [_queries_of(client, url) for url in urls]
    assert [count for count, _page in after] == before
    assert after[0][1].count('data-testid="campaign-row"') == 6
