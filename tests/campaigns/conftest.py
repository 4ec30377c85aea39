"""Shared fixtures of the campaigns tests: the people of the procedure, an agency, an
approved plan and a campaign put at any step through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from association import roles
from campaigns import services
from campaigns.models import Channel, Department
from customers.models import Customer, CustomerKind, EntityType
from customers.services import allocate_customer_code

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SMALL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 32

STEPS = (
    "submit_channels",
    "approve_channels",
    "request_proposals",
    "upload",
    "choose_proposal",
    "placement",
    "submit_programme",
    "approve_programme",
    "evidence",
    "launch",
)


@pytest.fixture
def people_roles():
    return {
        "staff": roles.CRM_STAFF,
        "manager": roles.CRM_MANAGER,
        "management": roles.MANAGEMENT,
        "planning": roles.PLANNING_DIRECTOR,
        "centres_manager": roles.CENTRES_MANAGER,
        "resources": roles.RESOURCE_DEVELOPMENT,
        "quality": roles.QUALITY_OFFICER,
        "nobody": None,
    }


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agency(db):
    return Customer.objects.create(
        code=allocate_customer_code(),
        name="وكالة الاختبار",
        kind=CustomerKind.OTHER,
        entity_type=EntityType.ORGANISATION,
        email="agency@example.com",
    )


def pdf(name="proposals.pdf"):
    return SimpleUploadedFile(name, SMALL_PDF, content_type="application/pdf")


def make_plan(people, *, approve=True, year=None):
    plan = services.plan_create(
        actor=people["manager"],
        year=year or timezone.localdate().year,
        title="الخطة السنوية",
        objectives="أهداف",
        strategic_goals="الخطة الاستراتيجية",
    )
    if approve:
        services.plan_send_for_coordination(plan=plan, actor=people["manager"])
        for department, who in (
            (Department.FINANCE, "resources"),
            (Department.PLANNING, "planning"),
            (Department.CENTRES, "centres_manager"),
            (Department.PROGRAMMES, "planning"),
        ):
            services.plan_coordinate(
                plan=plan, actor=people[who], department=department, verdict="agree"
            )
        services.plan_submit(plan=plan, actor=people["manager"])
        services.plan_approve(plan=plan, actor=people["management"])
    plan.refresh_from_db()
    return plan


def make_campaign(people, plan=None, *, adhoc_reason="", **values):
    year = plan.year if plan else timezone.localdate().year
    fields = {
        "title": "حملة تجريبية",
        "objectives": "التعريف بالبرامج",
        "starts_on": date(year, 1, 10),
        "ends_on": date(year, 12, 20),
        "budget": Decimal("10000"),
        "channels": [Channel.SOCIAL, Channel.BILLBOARDS],
        **values,
    }
    return services.campaign_create(
        actor=people["manager"], plan=plan, adhoc_reason=adhoc_reason, **fields
    )


def advance(campaign, people, agency, until, start="submit_channels"):
    """Take the campaign's steps in order from `start` up to and including `until` (names
    of STEPS)."""
    manager, management, staff = people["manager"], people["management"], people["staff"]
    proposal = campaign.proposals.order_by("version").last()
    for step in STEPS[STEPS.index(start) :]:
        if step == "submit_channels":
            services.campaign_submit_channels(campaign=campaign, actor=manager)
        elif step == "approve_channels":
            services.campaign_approve_channels(campaign=campaign, actor=management)
        elif step == "request_proposals":
            services.campaign_request_proposals(
                campaign=campaign, actor=manager, agency=agency, requirements="لوحات ومنشورات"
            )
        elif step == "upload":
            proposal = services.proposal_upload(campaign=campaign, actor=staff, upload=pdf())
        elif step == "choose_proposal":
            services.campaign_choose_proposal(
                campaign=campaign, actor=manager, proposal=proposal, evaluation="مناسب"
            )
        elif step == "placement":
            services.placement_add(
                campaign=campaign,
                actor=manager,
                channel=Channel.BILLBOARDS,
                location="طريق الملك عبدالعزيز",
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                cost=Decimal("5000"),
                proposal=proposal,
            )
        elif step == "submit_programme":
            services.campaign_submit_programme(campaign=campaign, actor=manager)
        elif step == "approve_programme":
            services.campaign_approve_programme(campaign=campaign, actor=management)
        elif step == "evidence":
            services.evidence_add(campaign=campaign, actor=staff, url="https://x.com/a/1")
        elif step == "launch":
            services.campaign_launch(
                campaign=campaign, actor=manager, launched_on=timezone.localdate()
            )
        if step == until:
            break
    campaign.refresh_from_db()
    return campaign


# The evaluation's data (tests/campaigns/evaluation_world.py).
from .evaluation_world import programme, seeded  # noqa: E402, F401
