"""One world for the permission table: one user per role, a staff user holding no role, and
one object of every kind a URL needs, so every URL pattern with arguments resolves.

It starts from the demo data (one user per role, customers, forms in their states, the
portfolio, opportunities, cases, FAQ, recommendations, reviews, problems) and adds what the
demo lacks: a case and a beneficiary in a centre the centres-affairs employee does not work
in, a ready report of each type, a donation, a case attachment, background jobs and a
tracked link.
"""

import datetime
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import urlencode

from association import roles
from association.models import Centre
from complaints import register_reviews
from complaints.models import (
    Case,
    CaseAttachment,
    CaseRoute,
    FaqEntry,
    ProposedSolution,
    Recommendation,
)
from core.models import BackgroundJob
from customers.models import Customer, CustomerRequest
from finance.models import Donation
from links.models import TrackedLink
from opportunities.models import (
    DonorContact,
    DonorProblem,
    Opportunity,
    PointOfContactDesignation,
)
from programmes.models import PortfolioCycle, Programme, ProgrammeProposal
from reports.models import Report, ReportType, RunStatus, Trigger
from survey_analysis.models import RoundDocument, StoryState, SuccessStory, TreatmentAction
from surveys.models import InstrumentVersion, Round, RoundState
from tests.factories import UserFactory

# The principals of the table: one per role (by role code), a staff user without a role,
# and the anonymous visitor.
NO_ROLE = "no_role"
ANONYMOUS = "anonymous"
DEMO_USERNAME = {
    roles.CRM_STAFF: "crm_staff",
    roles.CRM_MANAGER: "crm_manager",
    roles.CENTRES_STAFF: "centres_staff",
    roles.CENTRES_MANAGER: "centres_manager",
    roles.QUALITY_OFFICER: "quality",
    roles.DATA_STEWARD: "steward",
    roles.DEPUTY_STEWARD: "deputy_steward",
    roles.MANAGEMENT: "management",
    roles.PLANNING_DIRECTOR: "planning",
    roles.RESOURCE_DEVELOPMENT: "resources",
    roles.COUNCIL_SECRETARY: "secretary",
    roles.RESEARCH_OFFICER: "researcher",
    roles.COMMITTEE_MEMBER: "committee",
    roles.ADMIN_AFFAIRS_DIRECTOR: "admin_affairs",
}
# The demo centres-affairs employee works in these two Jeddah centres (association.demo).
OWN_CENTRE = "مركز حي الصفا"
OTHER_CENTRE = "مركز حي الشهداء"  # Taif: nobody's centre


def build_world():
    """Create the world in the current database; returns {name: object or user}."""
    call_command("load_demo_data", stdout=StringIO())
    User = get_user_model()
    world = {role.code: User.objects.get(username=name) for role, name in DEMO_USERNAME.items()}
    world[NO_ROLE] = UserFactory(username="staff_without_role", is_staff=True)
    world.update(_customers())
    world.update(_customer_forms())
    world.update(_portfolio())
    world.update(_funding())
    world.update(_cases(world))
    world.update(_analysis())
    world.update(_reports())
    world.update(_jobs(world))
    world.update(_links(world))
    world.update(_campaigns())
    world.update(_messaging(world))
    world.update(_surveys())
    world.update(_survey_follow_up(world))
    world.update(_support_requests(world))
    world.update(_support_service(world))
    world.update(_manual(world))
    return world


def _surveys():
    """The demo's round collecting answers, and its first centre."""
    from surveys.models import Round

    survey_round = Round.objects.get(state="collecting")
    return {
        "survey_round": survey_round,
        "survey_centre": survey_round.centres.order_by("pk").first().centre,
    }


def _messaging(world):
    """A segment, a draft message and one awaiting approval, both written by CRM staff."""
    from messaging import services
    from messaging.models import Message, Segment

    writer = world[roles.CRM_STAFF.code]
    segment = Segment.objects.create(name="شريحة جدول الصلاحيات", criteria={}, created_by=writer)
    draft = services.message_create(
        channel="sms", purpose="marketing", body="مرحبا {الاسم}", segment=segment, actor=writer
    )
    waiting = services.message_create(
        channel="sms", purpose="marketing", body="مرحبا", segment=segment, actor=writer
    )
    Message.objects.filter(pk=waiting.pk).update(state="awaiting_approval")
    return {
        "segment": segment,
        "message_draft": draft,
        "message_awaiting": waiting,
        "audience_query": urlencode(
            {"segment": segment.pk, "channel": "sms", "purpose": "marketing"}
        ),
    }


def _campaigns():
    """The demo's plan, its campaign awaiting proposals (with a proposal) and the launched
    one (with its placements and evidence)."""
    from campaigns.models import Campaign, LaunchEvidence, MarketingPlan, Proposal

    waiting = Campaign.objects.get(state="proposals_requested")
    launched = Campaign.objects.get(state="launched")
    Proposal.objects.create(
        campaign=waiting,
        version=1,
        title="مقترح",
        file=ContentFile(b"%PDF-1.4\n", name="proposal.pdf"),
        content_type="application/pdf",
        size=9,
    )
    return {
        "plan": MarketingPlan.objects.get(),
        "campaign_waiting": waiting,
        "campaign_launched": launched,
        "placement": launched.placements.order_by("pk").first(),
        "evidence": LaunchEvidence.objects.create(
            campaign=launched,
            photo=ContentFile(b"\x89PNG\r\n\x1a\n" + bytes(32), name="board.png"),
            added_by=launched.created_by,
        ),
    }


def _customers():
    own = Centre.objects.get(name=OWN_CENTRE)
    other = Centre.objects.get(name=OTHER_CENTRE)
    donor = Customer.objects.filter(kind="donor", is_active=True).order_by("pk").first()
    return {
        "donor": donor,
        "beneficiary_own_centre": Customer.objects.create(
            code=990001, name="مستفيد مركز الصفا", kind="beneficiary", centre=own
        ),
        "beneficiary_other_centre": Customer.objects.create(
            code=990002, name="مستفيد مركز الشهداء", kind="beneficiary", centre=other
        ),
    }


def _customer_forms():
    return {
        "form_submitted": CustomerRequest.objects.filter(state="submitted").first(),
        "form_approved": CustomerRequest.objects.filter(state="approved").first(),
    }


def _portfolio():
    cycle = PortfolioCycle.objects.get(state="handed_over")
    identified = PortfolioCycle.objects.get(state="donors_identified")
    return {
        "programme": Programme.objects.order_by("pk").first(),
        "cycle": cycle,
        "cycle_entry": cycle.cycle_programmes.order_by("pk").first(),
        "identified_cycle": identified,
        "identified_entry": identified.cycle_programmes.order_by("pk").first(),
        "proposal": ProgrammeProposal.objects.get(state="submitted"),
        "accepted_proposal": ProgrammeProposal.objects.get(state="accepted"),
    }


def _funding():
    # The demo's opportunity in closing: the one with a signed pledge (the benchmark's
    # database holds thousands more, without a pledge file).
    opportunity = Opportunity.objects.filter(state="closing").exclude(pledge_file="").get()
    donation = Donation.objects.create(
        receipt_number="R-PERM-1",
        received_on=timezone.localdate(),
        amount="1000",
        donor=opportunity.pledge_donor,
        programme=opportunity.programme,
    )
    return {
        "opportunity": opportunity,
        "pledge_donor": opportunity.pledge_donor,
        "contact_awaiting": DonorContact.objects.filter(approval_steps__isnull=False)
        .distinct()
        .order_by("pk")
        .first(),
        "designation_proposed": PointOfContactDesignation.objects.get(state="proposed"),
        "donation": donation,
        "problem": DonorProblem.objects.get(state="open"),
    }


def _cases(world):
    centres = Case.objects.filter(routed_to=CaseRoute.CENTRES)
    crm_case = Case.objects.filter(routed_to=CaseRoute.CRM, state="received").order_by("pk")[0]
    other_centre_case = Case.objects.create(
        kind="complaint",
        channel="phone",
        subject="تأخر السلة",
        description="لم تصل السلة الغذائية",
        contact_name="زائر",
        routed_to=CaseRoute.CENTRES,
        centre=world["beneficiary_other_centre"].centre,
        customer=world["beneficiary_other_centre"],
        registered_by=world[roles.CENTRES_MANAGER.code],
    )
    attachment = CaseAttachment.objects.create(
        case=crm_case,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="note.pdf"),
        original_name="note.pdf",
        content_type="application/pdf",
        size=14,
        uploaded_by=world[roles.CRM_STAFF.code],
    )
    return {
        "crm_case": crm_case,
        "own_centre_case": centres.filter(centre__name=OWN_CENTRE).order_by("pk")[0],
        "other_centre_case": other_centre_case,
        "attachment": attachment,
        "faq_proposed": FaqEntry.objects.get(state="proposed"),
    }


def _analysis():
    solution = ProposedSolution.objects.order_by("pk").first()
    return {
        "solution": solution,
        "recommendation": Recommendation.objects.get(
            decision="raised", owner__username="crm_staff"
        ),
        # URL values that are not objects: this week's register review, the analysed group.
        "review_week": register_reviews.current_week().isoformat(),
        "group_query": urlencode({"key": solution.review.group_key}),
    }


def _reports():
    """A ready report of each type for this month, whose recommendations it lists."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    month_end = (month_start + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(
        days=1
    )
    made = {}
    for report_type in ReportType:
        made[f"report_{report_type.value}"] = Report.objects.create(
            report_type=report_type,
            period_start=month_start,
            period_end=month_end,
            trigger=Trigger.COMMAND,
            status=RunStatus.READY,
            pdf=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"),
            xlsx=ContentFile(b"PK\x03\x04", name="report.xlsx"),
        )
    return made


def _jobs(world):
    """An import dry run of each kind waiting for the worker, owned by one who may start it
    (its preview page then sends its owner to the progress page)."""
    owner_of = {
        "customers.import_preview": world[roles.CRM_STAFF.code],
        "programmes.import_preview": world[roles.CRM_MANAGER.code],
        "opportunities.donation_import_preview": world[roles.CRM_MANAGER.code],
    }
    return {
        f"job_{kind.split('.')[0]}": BackgroundJob.objects.create(kind=kind, owner=owner)
        for kind, owner in owner_of.items()
    }


def _links(world):
    """A tracked link made by the CRM manager."""
    return {
        "tracked_link": TrackedLink.objects.create(
            code="PermLink1",
            label="ملصق المول",
            target="/public/cases/new/",
            created_by=world[roles.CRM_MANAGER.code],
        )
    }


# The procedure's step a round waits at (its title, in Arabic: the sweep reads every page).
STEP_OF_STATE = {
    RoundState.ANALYSING: 4,
    RoundState.TREATMENT: 6,
    RoundState.DECISION: 7,
    RoundState.DONOR_SURVEY: 8,
}


def _survey_follow_up(world):
    """Survey rounds at steps 4, 6, 7 and 8, a stored answers file, a treatment step owned by
    the centres-affairs manager and a success story awaiting approval."""
    version = InstrumentVersion.objects.get(instrument__kind="beneficiary", number=1)
    today = timezone.localdate()

    def survey_round(state):
        return Round.objects.create(
            title=f"استبيان الخطوة {STEP_OF_STATE[state]}",
            activity_name="فعالية",
            ended_on=today,
            version=version,
            state=state,
        )

    made = {
        "survey_round_analysing": survey_round(RoundState.ANALYSING),
        "survey_round_treatment": survey_round(RoundState.TREATMENT),
        "survey_round_decision": survey_round(RoundState.DECISION),
        "survey_round_donors": survey_round(RoundState.DONOR_SURVEY),
    }
    RoundDocument.objects.create(
        round=made["survey_round_analysing"],
        kind="answers",
        file=ContentFile(b"PK\x03\x04", name="answers.xlsx"),
    )
    made["treatment_action"] = TreatmentAction.objects.create(
        round=made["survey_round_treatment"],
        text="صيانة التكييف",
        owner=world[roles.CENTRES_MANAGER.code],
        due_on=today,
    )
    made["success_story"] = SuccessStory.objects.create(
        title="قصة",
        story="نص",
        anonymised="نص",
        consent_to_publish=True,
        state=StoryState.SUBMITTED,
    )
    return made


def _support_requests(world):
    """The demo's support requests (steps 1-5) and meetings, and one request received by CRM
    staff in a centre nobody works in."""
    from support import services as support_services
    from support.models import (
        AgendaItem,
        CommitteeMeeting,
        DocumentCheck,
        HouseholdMember,
        SupportRequest,
    )

    incomplete = SupportRequest.objects.get(applicant_name="مريم سعيد الغامدي")
    other = support_services.request_receive(
        actor=world[roles.CRM_STAFF.code],
        channel="phone",
        support_type=incomplete.support_type,
        applicant_name="مقدم طلب من الطائف",
        applicant_national_id="1000000073",
        centre=Centre.objects.get(name=OTHER_CENTRE),
        need="سلة غذائية",
    )
    document = DocumentCheck.objects.filter(request=incomplete, present=True).first()
    document.file.save("id.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {
        "support_incomplete": incomplete,
        "support_document": document,
        "support_ready": SupportRequest.objects.get(applicant_name="سعد فهد العتيبي"),
        "support_member": HouseholdMember.objects.filter(request=incomplete).first(),
        "support_research": SupportRequest.objects.get(applicant_name="هدى عبدالرحمن الشمري"),
        "support_awaiting": SupportRequest.objects.get(applicant_name="أحمد علي الزهراني"),
        "support_other_centre": other,
        "meeting_planned": CommitteeMeeting.objects.filter(state="planned").order_by("number")[0],
        "meeting_held": CommitteeMeeting.objects.filter(state="held").order_by("number")[0],
        "agenda_pending": AgendaItem.objects.filter(
            outcome="pending", request__applicant_name="عائشة ناصر الحربي"
        ).get(),
    }


def _support_service(world):
    """Part B: the demo's request in service (its schedule made here), a request accepted by
    the committee whose applicant is not a customer yet, the demo's distribution day and
    its entry."""
    from django.utils import timezone

    from support import services as support_services
    from support.models import Delivery, DistributionDay, SupportRequest, SupportSchedule

    in_service = SupportRequest.objects.get(state="in_service")
    crm = world[roles.CRM_STAFF.code]
    accepted = support_services.request_receive(
        actor=crm,
        channel="phone",
        support_type=in_service.support_type,
        applicant_name="مقدم طلب مقبول",
        applicant_national_id="1000000065",
        centre=Centre.objects.get(name=OWN_CENTRE),
        need="إيجار",
    )
    SupportRequest.objects.filter(pk=accepted.pk).update(
        state="accepted", decided_at=timezone.now(), granted_amount=1000
    )
    day = DistributionDay.objects.order_by("pk").first()
    return {
        "support_in_service": in_service,
        "support_accepted": accepted,
        "support_schedule": SupportSchedule.objects.create(
            request=in_service,
            customer=in_service.customer,
            support_type=in_service.support_type,
            amount=1000,
            starts_on=timezone.localdate(),
            next_due_on=timezone.localdate(),
            reassess_on=timezone.localdate(),
        ),
        "distribution_day": day,
        "distribution_entry": Delivery.objects.filter(distribution_day=day).order_by("pk").first(),
    }


def _manual(world):
    """The manual is loaded by the demo; a staff member's request to read it, waiting."""
    from manual import services as manual_services
    from manual.models import ManualDocument

    document = ManualDocument.objects.get(key="beneficiary-relations")
    request = manual_services.access_request(document=document, actor=world[NO_ROLE])
    # A draft of the CRM manual (version 2) and the policy's version 3 submitted.
    controller = world[roles.CRM_MANAGER.code]
    manual_services.version_start_draft(
        document=ManualDocument.objects.get(key="crm"), actor=controller
    )
    submitted = manual_services.version_start_draft(document=document, actor=controller)
    manual_services.change_add(
        version=submitted,
        actor=controller,
        changed_on=timezone.localdate(),
        where="4",
        summary="إضافة قناة تواصل",
    )
    manual_services.version_submit(version=submitted, actor=controller)
    return {"manual_access_request": request}
