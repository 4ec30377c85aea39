"""A campaign's procedure, steps 1–6 («الحملات التسويقية»): roles, deadlines, guards."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from association.workdays import working_deadline
from campaigns import services
from campaigns.errors import CampaignError
from campaigns.models import CampaignState, Channel

from .conftest import SMALL_PNG, WINDOWS_EXE, advance, make_campaign, make_plan, pdf

pytestmark = pytest.mark.django_db


def test_the_whole_procedure_records_every_step_with_who(people, agency, media_root, english):
    campaign = make_campaign(people, make_plan(people))
    campaign = advance(campaign, people, agency, "launch")
    assert campaign.state == CampaignState.LAUNCHED
    assert campaign.launched_on == timezone.localdate()
    moves = [
        (t.target, t.actor.username)
        for t in campaign.transitions.select_related("actor")
        if t.source != t.target
    ]
    assert moves == [
        ("channels_submitted", "manager"),
        ("channels_approved", "management"),
        ("proposals_requested", "manager"),
        ("proposal_chosen", "manager"),
        ("programme_submitted", "manager"),
        ("programme_approved", "management"),
        ("launched", "manager"),
    ]


def test_proposals_are_due_two_working_weeks_after_the_request(people, agency, english):
    campaign = advance(
        make_campaign(people, make_plan(people)), people, agency, "request_proposals"
    )
    requested = campaign.proposals_requested_at
    assert campaign.due_at == working_deadline(requested, services.PROPOSALS_WORKING_DAYS)
    assert str(campaign.due_label) == "Agency's proposals due"
    assert not campaign.is_overdue
    campaign.due_at = timezone.now() - timedelta(minutes=1)
    assert campaign.is_overdue


def test_the_first_proposals_start_the_evaluation_clock(people, agency, media_root, english):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "upload")
    assert campaign.due_at.date() > timezone.localdate()
    second = services.proposal_upload(campaign=campaign, actor=people["staff"], upload=pdf())
    assert second.version == 2 and campaign.proposals.count() == 2


def test_only_the_crm_manager_takes_his_steps_and_only_management_approves(people, english):
    campaign = make_campaign(people, make_plan(people))
    for who in ("staff", "management", "planning"):
        with pytest.raises(PermissionDenied):
            services.campaign_submit_channels(campaign=campaign, actor=people[who])
    services.campaign_submit_channels(campaign=campaign, actor=people["manager"])
    with pytest.raises(PermissionDenied):
        services.campaign_approve_channels(campaign=campaign, actor=people["manager"])
    with pytest.raises(CampaignError, match="why"):
        services.campaign_return_channels(campaign=campaign, actor=people["management"], reason="")
    services.campaign_return_channels(
        campaign=campaign, actor=people["management"], reason="أضيفوا الرسائل القصيرة"
    )
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT
    assert campaign.return_reason == "أضيفوا الرسائل القصيرة"


def test_an_adhoc_campaign_needs_its_reason(people, english):
    with pytest.raises(CampaignError, match="outside the annual plan"):
        make_campaign(people, None)
    campaign = make_campaign(people, None, adhoc_reason="مبادرة طارئة")
    assert campaign.is_adhoc


def test_a_campaign_of_a_plan_not_approved_is_never_approved_nor_launched(
    people, agency, media_root, english
):
    plan = make_plan(people, approve=False)
    campaign = advance(make_campaign(people, plan), people, agency, "submit_programme")
    with pytest.raises(CampaignError, match="not approved"):
        services.campaign_approve_programme(campaign=campaign, actor=people["management"])
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PROGRAMME_SUBMITTED


def test_channels_are_required_and_the_chosen_proposal_is_the_campaigns(
    people, agency, media_root, english
):
    empty = make_campaign(people, make_plan(people), channels=[])
    with pytest.raises(CampaignError, match="channels"):
        services.campaign_submit_channels(campaign=empty, actor=people["manager"])
    other = advance(make_campaign(people, empty.plan, title="أخرى"), people, agency, "upload")
    campaign = advance(make_campaign(people, empty.plan), people, agency, "request_proposals")
    with pytest.raises(CampaignError, match="this campaign's proposals"):
        services.campaign_choose_proposal(
            campaign=campaign,
            actor=people["manager"],
            proposal=other.proposals.get(),
            evaluation="x",
        )


def test_the_programme_needs_placements_and_the_launch_needs_evidence(
    people, agency, media_root, english
):
    campaign = advance(make_campaign(people, make_plan(people)), people, agency, "choose_proposal")
    with pytest.raises(CampaignError, match="placements"):
        services.campaign_submit_programme(campaign=campaign, actor=people["manager"])
    with pytest.raises(CampaignError, match="end before"):
        services.placement_add(
            campaign=campaign,
            actor=people["manager"],
            channel=Channel.SOCIAL,
            location="x",
            starts_on=campaign.ends_on,
            ends_on=campaign.starts_on,
            cost=Decimal(1),
        )
    campaign = advance(campaign, people, agency, "approve_programme", start="placement")
    with pytest.raises(CampaignError, match="evidence"):
        services.campaign_launch(
            campaign=campaign, actor=people["manager"], launched_on=timezone.localdate()
        )


def test_uploads_are_checked_by_content(people, agency, media_root, english):
    campaign = advance(
        make_campaign(people, make_plan(people)), people, agency, "request_proposals"
    )
    disguised = SimpleUploadedFile("proposals.pdf", WINDOWS_EXE, content_type="application/pdf")
    with pytest.raises(CampaignError, match="not a PDF, JPEG or PNG"):
        services.proposal_upload(campaign=campaign, actor=people["staff"], upload=disguised)
    image = SimpleUploadedFile("board.png", SMALL_PNG, content_type="image/png")
    assert (
        services.proposal_upload(
            campaign=campaign, actor=people["staff"], upload=image
        ).content_type
        == "image/png"
    )
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * services.PROPOSAL_MAX_BYTES)
    with pytest.raises(CampaignError, match="larger than"):
        services.proposal_upload(campaign=campaign, actor=people["staff"], upload=big)
    assert campaign.proposals.count() == 1


def test_launch_photos_are_images_by_content(people, agency, media_root, english):
    campaign = advance(
        make_campaign(people, make_plan(people)), people, agency, "approve_programme"
    )
    fake = SimpleUploadedFile("board.jpg", WINDOWS_EXE)
    with pytest.raises(CampaignError, match="not a JPEG or PNG"):
        services.evidence_add(campaign=campaign, actor=people["staff"], photo=fake)
    photo = SimpleUploadedFile("board.png", SMALL_PNG)
    assert services.evidence_add(campaign=campaign, actor=people["staff"], photo=photo).photo


def test_cancel_needs_a_reason(people, english):
    campaign = make_campaign(people, make_plan(people))
    with pytest.raises(CampaignError, match="why"):
        services.campaign_cancel(campaign=campaign, actor=people["manager"], reason="")
    services.campaign_cancel(campaign=campaign, actor=people["manager"], reason="أُلغيت")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CANCELLED and campaign.due_at is None


def test_listed_steps_are_the_steps_the_services_accept(people, agency, media_root):
    from campaigns.models import Campaign
    from tests.core.test_workflow import assert_actions_match_services

    plan = make_plan(people)
    calls = {
        "submit_channels": lambda c, u: services.campaign_submit_channels(campaign=c, actor=u),
        "approve_channels": lambda c, u: services.campaign_approve_channels(campaign=c, actor=u),
        "return_channels": lambda c, u: services.campaign_return_channels(
            campaign=c, actor=u, reason="x"
        ),
        "submit_programme": lambda c, u: services.campaign_submit_programme(campaign=c, actor=u),
        "approve_programme": lambda c, u: services.campaign_approve_programme(campaign=c, actor=u),
        "return_programme": lambda c, u: services.campaign_return_programme(
            campaign=c, actor=u, reason="x"
        ),
        "cancel": lambda c, u: services.campaign_cancel(campaign=c, actor=u, reason="x"),
    }
    for until in ("submit_channels", "submit_programme"):
        campaign = advance(make_campaign(people, plan), people, agency, until)
        assert_actions_match_services(
            lambda pk=campaign.pk: Campaign.objects.get(pk=pk),
            people,
            calls,
            lambda c, u: [
                a for a in services.CAMPAIGN_WORKFLOW.available_actions(c, u) if a in calls
            ],
            CampaignError,
            PermissionDenied,
        )
