"""Demo of the donor-relationship problems register for `make run`, put through the services:
an overdue late payment (open), an internal problem being handled with its actions, a
resolved one, and a pledge past its date with nothing received (proposed to the CRM manager
as a problem on his "عملي"). Runs once: nothing happens when a problem already exists or the
demo users, donors and programmes are missing (programmes.demo runs first)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerKind
from programmes.models import CycleProgramme

from . import problems, services
from .models import DonorProblem, OpportunityState

# A complete one-page PDF: the signed pledge of the demo opportunity.
DEMO_PLEDGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _users():
    names = ("crm_staff", "crm_manager", "resources")
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
    return users if len(users) == len(names) else None


@transaction.atomic
def load_demo_problems():
    """Returns the number of problems created."""
    users = _users()
    donors = {
        donor.name: donor
        for donor in Customer.objects.filter(kind=CustomerKind.DONOR, is_active=True)
    }
    abdullah, wafa = donors.get("مؤسسة عبدالله الخيرية"), donors.get("شركة الوفاء للتجارة")
    if users is None or abdullah is None or wafa is None or DonorProblem.objects.exists():
        return 0
    staff, manager, resources = users["crm_staff"], users["crm_manager"], users["resources"]
    _pledge_past_its_date(staff, manager)
    today = timezone.localdate()

    late = problems.problem_raise(
        actor=resources,
        donor=wafa,
        kind="late_payment",
        severity="high",
        title="تأخر سداد الدفعة الثانية من دعم القوافل الصحية",
        description="وعدت الشركة بسداد الدفعة الثانية نهاية الشهر الماضي ولم تصل بعد.",
    )
    # Raised four days ago and not acted on: both deadlines have passed.
    raised_at = timezone.now() - datetime.timedelta(days=4)
    respond_by, resolve_by = problems.deadlines(late.severity, raised_at)
    DonorProblem.objects.filter(pk=late.pk).update(
        raised_at=raised_at, respond_by=respond_by, resolve_by=resolve_by
    )

    report = problems.problem_raise(
        actor=staff,
        donor=abdullah,
        kind="late_reporting",
        severity="medium",
        title="تأخر تقرير إنجاز برنامج محو الأمية للمانح",
        description="طلبت المؤسسة تقرير الإنجاز الفصلي ولم يُرسل في موعده بسبب تأخر بيانات المراكز.",
    )
    problems.problem_add_action(
        problem=report,
        actor=manager,
        action_date=today,
        text="اتصال بمسؤول المؤسسة للاعتذار وتحديد موعد جديد للتقرير.",
    )
    problems.problem_add_action(
        problem=report,
        actor=manager,
        action_date=today,
        text="طلب البيانات من قسم شؤون المراكز خلال يومين.",
    )

    resolved = problems.problem_raise(
        actor=staff,
        donor=abdullah,
        kind="donor_dissatisfied",
        severity="low",
        title="ملاحظة المانح على صور التوزيع",
        description="أبدت المؤسسة عدم رضاها عن جودة صور التوزيع المرسلة.",
    )
    problems.problem_add_action(
        problem=resolved,
        actor=manager,
        action_date=today,
        text="تكليف المصور المعتمد بإعادة التصوير في التوزيع القادم.",
    )
    problems.problem_resolve(
        problem=resolved,
        actor=manager,
        resolution="أُرسلت صور جديدة واعتمدها المانح.",
    )
    return 3


def _pledge_past_its_date(staff, manager):
    """The opportunity seeded from last period's portfolio, pledged 40 days ago and not yet
    paid: the CRM manager is asked whether to record it as a problem."""
    entry = (
        CycleProgramme.objects.filter(
            opportunity__state=OpportunityState.IDENTIFICATION, opportunity__isnull=False
        )
        .select_related("opportunity")
        .first()
    )
    if entry is None:
        return
    opportunity = entry.opportunity
    donor = opportunity.potential_donors.order_by("name").first()
    if donor is None:
        return
    services.donor_contact_log(
        actor=donor.point_of_contact or staff,
        donor=donor,
        opportunity=opportunity,
        contact_date=timezone.localdate() - datetime.timedelta(days=45),
        channel="face_to_face",
        summary="عرض البرنامج على المانح في مقره.",
    )
    services.opportunity_start_follow_up(opportunity=opportunity, actor=manager)
    forty_days_ago = timezone.localdate() - datetime.timedelta(days=40)
    close_with_demo_pledge(opportunity, manager, donor, Decimal("150000"), forty_days_ago)


def close_with_demo_pledge(opportunity, manager, donor, amount, day):
    """Closing with the donor's written pledge, signed on `day` (a one-page PDF on file)."""
    services.opportunity_close_with_pledge(
        opportunity=opportunity,
        actor=manager,
        pledge_donor=donor,
        pledged_amount=amount,
        pledge_date=day,
        pledge_file=SimpleUploadedFile("pledge.pdf", DEMO_PLEDGE_PDF, "application/pdf"),
    )
