"""Demo campaigns for `make run`, put through the services: this year's plan approved
after the four departments' notes, an advertising agency (a customer of type Other), one
campaign launched with its placements (their tracked links and visits) and evidence, and
one awaiting the agency's proposals past their due date. Runs once: nothing happens when a
plan already exists or the demo users are missing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from association.models import City
from complaints.models import Case
from complaints.services import case_file_public
from customers.models import Customer, CustomerKind, EntityType
from customers.services import allocate_customer_code
from finance.models import Donation
from links.models import LinkVisit
from links.services import visitor_hash
from opportunities.services import opportunity_create
from programmes.models import Programme

from . import selectors, services
from .models import Campaign, Channel, Department, MarketingPlan

# The donor who came through the billboard (a new customer of the launched campaign).
NEW_DONOR = "ماجد سعد القحطاني"
NEW_DONOR_MOBILE = "+966503330011"
VISIT_DAYS = 14
USERNAMES = ("crm_manager", "crm_staff", "management", "planning", "centres_manager", "resources")
DEMO_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
AGENCY_NAME = "وكالة الإبداع للدعاية والإعلان"
# A one-page PDF: the agency's proposals in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _users() -> dict[str, User] | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    return users if len(users) == len(USERNAMES) else None


def _agency() -> Customer:
    agency = Customer.objects.filter(name=AGENCY_NAME, kind=CustomerKind.OTHER).first()
    if agency is not None:
        return agency
    return Customer.objects.create(
        code=allocate_customer_code(),
        name=AGENCY_NAME,
        kind=CustomerKind.OTHER,
        entity_type=EntityType.ORGANISATION,
        email="proposals@ibdaa-agency.example",
    )


@transaction.atomic
def load_demo_campaigns() -> int:
    """Returns the number of campaigns created (0 or 2)."""
    users = _users()
    year = timezone.localdate().year
    if users is None or MarketingPlan.objects.filter(year=year).exists():
        return 0
    manager, staff, management = users["crm_manager"], users["crm_staff"], users["management"]
    plan = services.plan_create(
        actor=manager,
        year=year,
        title=f"الخطة السنوية للحملات التسويقية {year}",
        objectives="رفع الوعي برسالة الجمعية وبرامجها في أحياء جدة ومكة والطائف، "
        "وزيادة عدد المانحين والمستفيدين من البرامج.",
        strategic_goals="الهدف الاستراتيجي الثاني: تعزيز الشراكة المجتمعية وتنمية الموارد.",
        promotion_plans="حملة رمضان، حملة اليوم الوطني، نشرات دورية في المراكز.",
        timing="تُطلق الحملات قبل المواسم بأسبوعين على الأقل.",
    )
    services.plan_send_for_coordination(plan=plan, actor=manager)
    notes = {
        Department.FINANCE: users["resources"],
        Department.PLANNING: users["planning"],
        Department.CENTRES: users["centres_manager"],
        Department.PROGRAMMES: users["planning"],
    }
    for department, user in notes.items():
        services.plan_coordinate(plan=plan, actor=user, department=department, verdict="agree")
    services.plan_submit(plan=plan, actor=manager)
    services.plan_approve(plan=plan, actor=management, note="معتمدة.")
    agency = _agency()
    programmes = list(Programme.objects.order_by("pk")[:2])
    _launched(plan, year, manager, staff, management, agency, programmes)
    _awaiting_proposals(plan, year, manager, management, agency)
    return 2


def _launched(plan, year, manager, staff, management, agency, programmes) -> Campaign:
    # Launched two weeks ago and running for six more weeks: its links' visits, the cases
    # filed through them and the new donor's gift fall inside its evaluation.
    launched_on = timezone.localdate() - timedelta(days=VISIT_DAYS - 1)
    ends_on = timezone.localdate() + timedelta(days=42)
    campaign = services.campaign_create(
        actor=manager,
        plan=plan,
        title="حملة السلال الغذائية للأسر المحتاجة",
        objectives="التعريف ببرنامج السلال الغذائية وجمع التبرعات له.",
        starts_on=launched_on,
        ends_on=ends_on,
        budget=Decimal("60000"),
        customer_kinds=[CustomerKind.DONOR, CustomerKind.BENEFICIARY],
        target_reach=600,
        target_visits=800,
        target_new_customers=10,
        target_support_requests=20,
        target_donations=Decimal("50000"),
        target_opportunities=4,
        channels=[Channel.BILLBOARDS, Channel.SOCIAL, Channel.LEAFLETS],
        channel_notes="لوحات على طريق الملك عبدالعزيز بجدة، ونشرات في الأسواق التجارية.",
        cities=list(City.objects.all()),
        programmes=programmes,
    )
    services.campaign_submit_channels(campaign=campaign, actor=manager)
    services.campaign_approve_channels(campaign=campaign, actor=management)
    services.campaign_request_proposals(
        campaign=campaign,
        actor=manager,
        agency=agency,
        requirements="ثلاث لوحات خارجية، ومنشورات على وسائل التواصل، و5000 نشرة مطبوعة.",
    )
    proposal = services.proposal_upload(
        campaign=campaign,
        actor=staff,
        upload=ContentFile(DEMO_PDF, name="proposals.pdf"),
        title="مقترحات حملة رمضان",
    )
    services.campaign_choose_proposal(
        campaign=campaign,
        actor=manager,
        proposal=proposal,
        evaluation="المقترح يغطي القنوات المعتمدة ضمن الموازنة؛ لا حاجة لدعاية إضافية.",
    )
    for channel, location, cost, target in (
        (Channel.BILLBOARDS, "لوحة طريق الملك عبدالعزيز - جدة", "25000", "/public/cases/new/"),
        (Channel.SOCIAL, "حسابات الجمعية على منصة إكس وإنستغرام", "15000", "/public/faq/"),
        (Channel.LEAFLETS, "الأسواق التجارية في مكة المكرمة", "12000", "/public/cases/new/"),
    ):
        services.placement_add(
            campaign=campaign,
            actor=manager,
            channel=channel,
            location=location,
            starts_on=launched_on,
            ends_on=ends_on,
            cost=Decimal(cost),
            proposal=proposal,
            target=target,
        )
    services.campaign_submit_programme(campaign=campaign, actor=manager)
    # The approval gives each placement its tracked link.
    services.campaign_approve_programme(campaign=campaign, actor=management)
    services.evidence_add(
        campaign=campaign,
        actor=staff,
        url="https://x.com/association/status/1",
        note="منشور إطلاق الحملة",
    )
    services.campaign_launch(campaign=campaign, actor=manager, launched_on=launched_on)
    _placement_visits(campaign)
    _attributed_results(campaign, staff, programmes)
    return campaign


def _attributed_results(campaign: Campaign, staff: User, programmes: list[Programme]) -> None:
    """What the campaign's visitors did (its evaluation, 3.1.9): a donor asked through the
    billboard's link and was recorded as a new customer after it, then an opportunity was
    opened with him and his first gift arrived; a visitor's suggestion came through the
    leaflets. The cases are filed on the public page as a visitor would; only linking the
    case to the customer is written directly (staff confirm it on the case page)."""
    links = {
        placement.channel: link
        for placement in campaign.placements.all()
        if (link := selectors.placement_links([placement]).get(placement.pk)) is not None
    }
    inquiry = case_file_public(
        kind="inquiry",
        subject="كيف أتبرع لبرنامج السلال الغذائية؟",
        description="رأيت لوحة الحملة على طريق الملك عبدالعزيز وأرغب في التبرع بسلال لعشر أسر.",
        contact_name=NEW_DONOR,
        contact_mobile=NEW_DONOR_MOBILE,
        contact_kind="donor",
        source_link_id=links[Channel.BILLBOARDS].pk,
    )
    case_file_public(
        kind="suggestion",
        subject="توزيع النشرات في أسواق الأحياء الشعبية",
        description="وصلتني نشرة الحملة في السوق، وأقترح توزيعها في أسواق الأحياء الشعبية أيضاً.",
        contact_name="منى علي الغامدي",
        contact_mobile="+966504440022",
        contact_kind="other",
        source_link_id=links[Channel.LEAFLETS].pk,
    )
    donor = Customer.objects.create(
        code=allocate_customer_code(),
        name=NEW_DONOR,
        kind=CustomerKind.DONOR,
        entity_type=EntityType.INDIVIDUAL,
        mobile=NEW_DONOR_MOBILE,
        city=City.objects.filter(name="جدة").first(),
    )
    Case.objects.filter(pk=inquiry.pk).update(customer=donor)
    if not programmes:
        return
    opportunity_create(
        actor=staff,
        title="كفالة سلال غذائية لعشر أسر",
        programme=programmes[0],
        expected_amount=Decimal("15000"),
        probability=50,
        success_factors="تواصل المتبرع بنفسه بعد رؤية لوحة الحملة.",
        donors=[donor],
    )
    Donation.objects.create(
        receipt_number="CAMP-0001",
        received_on=timezone.localdate(),
        amount=Decimal("5000"),
        donor=donor,
        programme=programmes[0],
    )


def _placement_visits(campaign: Campaign) -> None:
    """Two weeks of visits on each placement's link, written as the redirect would (a
    salted daily hash, no address), from a fixed sequence so every demo shows the same
    figures."""
    rng = random.Random(31)
    today = timezone.localdate()
    visits = []
    for link in selectors.placement_links(list(campaign.placements.all())).values():
        for days_ago in range(VISIT_DAYS):
            day = today - timedelta(days=days_ago)
            for _visit in range(rng.randint(1, 9)):
                visits.append(
                    LinkVisit(
                        link=link,
                        visited_at=timezone.now() - timedelta(days=days_ago),
                        day=day,
                        visitor=visitor_hash(f"198.51.100.{rng.randint(1, 60)}", DEMO_AGENT, day),
                    )
                )
    LinkVisit.objects.bulk_create(visits)


def _awaiting_proposals(plan, year, manager, management, agency) -> Campaign:
    # Three weeks ahead, inside the plan's year.
    starts_on = min(timezone.localdate() + timedelta(days=21), date(year, 12, 20))
    campaign = services.campaign_create(
        actor=manager,
        plan=plan,
        title="حملة نادي الحي للشباب",
        objectives="التعريف بمراكز الأحياء وبرامجها للشباب قبل نهاية العام.",
        starts_on=starts_on,
        ends_on=date(year, 12, 31),
        budget=Decimal("40000"),
        customer_kinds=[CustomerKind.BENEFICIARY],
        target_reach=30000,
        target_visits=1500,
        channels=[Channel.SOCIAL, Channel.EVENTS, Channel.SMS],
        channel_notes="فعاليات في مراكز الأحياء ورسائل قصيرة للمستفيدين الموافقين.",
    )
    services.campaign_submit_channels(campaign=campaign, actor=manager)
    services.campaign_approve_channels(campaign=campaign, actor=management)
    services.campaign_request_proposals(
        campaign=campaign,
        actor=manager,
        agency=agency,
        requirements="تصاميم للفعاليات ومنشورات يومية خلال أسبوع اليوم الوطني.",
    )
    # Requested three weeks ago: the proposals are overdue on the CRM manager's «عملي».
    requested = timezone.now() - timedelta(days=21)
    Campaign.objects.filter(pk=campaign.pk).update(
        proposals_requested_at=requested,
        due_at=services.working_deadline(requested, services.PROPOSALS_WORKING_DAYS),
    )
    campaign.transitions.filter(target="proposals_requested").update(at=requested)
    return campaign
