"""Real data for the report documents, built with the complaints and opportunities services
(moved into the report's period afterwards where a service stamps "now"), and the reports'
files kept in a temporary MEDIA_ROOT."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from association import roles
from complaints import recommendations as recommendation_services
from complaints import recurring
from complaints import services as case_services
from complaints import solutions as solution_services
from complaints.models import Case, CaseCategory, ProposedSolution, Recommendation
from customers.models import Customer
from opportunities import services as opportunity_services
from opportunities.models import Opportunity, OpportunityState, OpportunityTransition
from programmes.models import Programme, ProgrammeCategory
from reports.models import ReportType, VisualIdentity
from reports.periods import previous_period
from tests.complaints.conftest import register
from tests.factories import CentreFactory, StaffProfileFactory
from tests.helpers import user_with
from tests.opportunities.conftest import contacted, donation, pdf_upload

# Text searched in the PDFs with pdftotext has no lam-alef ligature (extracted as "ال" + "أ"
# reversed) and no punctuation (moved about by its right-to-left extraction).
IDENTITY_NAME = "جمعية مراكز الحي التجريبية"
MALICIOUS = '=HYPERLINK("http://example.com/x","انقر هنا")'
DONOR_NAME = "مؤسسة عبدالله الخيرية"
PROGRAMME_NAME = "برنامج كفالة يتيم"
CATEGORY_DISTRIBUTION = "توزيع السلة الغذائية"
CATEGORY_CONDUCT = "تعامل الموظفين"
ROOT_CAUSES = "تأخر المورد في تسليم السلة"
SOLUTIONS = "التعاقد مع مورد بديل"
PLAN = "طرح منافسة بين موردين وتوقيع العقد"
OVERDUE_SOLUTION = "إخطار المستفيدين بموعد التوزيع"
MONITOR_NOTE = "تم تجهيز نص الرسالة"
REASONS = "نقص عدد الموظفين في المركز"
RAISED_TEXT = "زيادة عدد الموزعين في مركز الحي"
GROUP_LABEL = "تأخر توزيع السلة في مركز الصفا"
LINKED_TEXT = "توفير مورد احتياطي للسلة"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Reports write their PDF and XLSX files: into a temporary folder, never the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def identity(db):
    return VisualIdentity.objects.create(
        name=IDENTITY_NAME, primary_colour="#1B4F72", accent_colour="#D4AC0D"
    )


def aware(day, hour=9, minute=0):
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@pytest.fixture
def crew(db):
    """The users the documents' data needs, one per role."""
    centre, other_centre = CentreFactory(name="مركز حي الصفا"), CentreFactory(name="مركز حي الروضة")
    people = {
        "crm": user_with(roles.CRM_STAFF, "crm", first_name="خالد", last_name="الحربي"),
        "crm_manager": user_with(
            roles.CRM_MANAGER, "crm_manager", first_name="منيرة", last_name="القحطاني"
        ),
        "centres": user_with(roles.CENTRES_STAFF, "centres", first_name="سعد"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "centres_manager"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "secretary": user_with(roles.COUNCIL_SECRETARY, "secretary"),
        "centre": centre,
        "other_centre": other_centre,
    }
    StaffProfileFactory(user=people["centres"]).centres.add(centre)
    people["beneficiary"] = Customer.objects.create(
        code=910001, name="مستفيد من مركز الصفا", kind="beneficiary", centre=centre
    )
    return people


# --- the weekly opportunity report ------------------------------------------------------------


@pytest.fixture
def report_week(db):
    return previous_period(ReportType.WEEKLY_OPPORTUNITIES, timezone.localdate())


def _opportunity(people, programme, donor, title, amount, probability):
    opportunity = opportunity_services.opportunity_create(
        actor=people["crm"],
        title=title,
        programme=programme,
        expected_amount=Decimal(amount),
        probability=probability,
        success_factors="اهتمام سابق بالبرنامج",
        donors=[donor],
    )
    contacted(opportunity, people["crm"], donor, summary="عرض البرنامج على المانح")
    return opportunity


def _to_closing(people, opportunity, donor, pledged):
    opportunity_services.opportunity_start_follow_up(
        opportunity=opportunity, actor=people["crm_manager"]
    )
    return opportunity_services.opportunity_close_with_pledge(
        opportunity=opportunity,
        actor=people["crm_manager"],
        pledge_donor=donor,
        pledged_amount=Decimal(pledged),
        pledge_date=timezone.localdate(),
        pledge_file=pdf_upload(),
    )


def _moved_in_week(opportunity, state, moment):
    OpportunityTransition.objects.filter(opportunity=opportunity, target=state).update(at=moment)


@pytest.fixture
def opportunity_data(crew, report_week):
    """One opportunity per state, with this week's movements:

    - new: identification, opened during the week, 150,000 at 40% (title is a formula);
    - stale: follow-up, 80,000 at 50%, no activity for 20 days;
    - closing: 120,000 at 75%, pledge of 100,000 signed this week, 30,000 received;
    - successful this week (its own programme, pledge received in full);
    - cancelled this week.
    Open pipeline 350,000.00 SAR, weighted 190,000.00; outstanding pledges 70,000.00."""
    week_start, _week_end = report_week
    in_week = aware(week_start + datetime.timedelta(days=2), hour=11)
    category = ProgrammeCategory.objects.create(name="أيتام")
    programme = Programme.objects.create(code="ORP-01", name=PROGRAMME_NAME, category=category)
    other_programme = Programme.objects.create(
        code="ORP-02", name="برنامج الحقيبة المدرسية", category=category
    )
    donor = Customer.objects.create(code=920001, name=DONOR_NAME, kind="donor")
    people = crew

    new = _opportunity(people, programme, donor, MALICIOUS, "150000", 40)
    Opportunity.objects.filter(pk=new.pk).update(created_at=in_week)

    stale = _opportunity(people, programme, donor, "تجديد كفالة الأيتام", "80000", 50)
    opportunity_services.opportunity_start_follow_up(opportunity=stale, actor=people["crm_manager"])
    Opportunity.objects.filter(pk=stale.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=20)
    )

    closing = _opportunity(people, programme, donor, "كفالة مئة يتيم", "120000", 75)
    _to_closing(people, closing, donor, "100000")
    _moved_in_week(closing, OpportunityState.CLOSING, in_week)
    donation(donor, programme, "30000")

    successful = _opportunity(people, other_programme, donor, "حقائب مدرسية", "50000", 90)
    _to_closing(people, successful, donor, "50000")
    donation(donor, other_programme, "50000")
    opportunity_services.opportunity_mark_successful(
        opportunity=Opportunity.objects.get(pk=successful.pk), actor=people["crm_manager"]
    )
    _moved_in_week(successful, OpportunityState.SUCCESSFUL, in_week)

    cancelled = _opportunity(people, programme, donor, "رعاية حفل الأيتام", "20000", 10)
    opportunity_services.opportunity_cancel(
        opportunity=cancelled, actor=people["crm_manager"], reason="اعتذر المانح"
    )
    _moved_in_week(cancelled, OpportunityState.CANCELLED, in_week)
    return {
        "new": new,
        "stale": stale,
        "closing": closing,
        "successful": successful,
        "cancelled": cancelled,
    }


# --- the monthly reports ----------------------------------------------------------------------


@pytest.fixture
def report_month(db):
    return previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())


def _case(actor, received_at, *, reply_hours=None, close_hours=None, **fields):
    case = register(actor, received_at=received_at, **fields)
    if reply_hours is not None:
        case_services.case_answer_immediately(case=case, actor=actor, answer="تم الرد على العميل")
        if close_hours is not None:
            case_services.case_close(case=case, actor=actor)
        Case.objects.filter(pk=case.pk).update(
            replied_at=received_at + datetime.timedelta(hours=reply_hours),
            closed_at=(
                received_at + datetime.timedelta(hours=close_hours)
                if close_hours is not None
                else None
            ),
        )
    return case


@pytest.fixture
def case_data(crew, report_month):
    """Seven cases received on the 5th of the report month and two in the month before.

    This month: 5 complaints, 1 inquiry, 1 suggestion. First answers after 2, 4, 1, 240,
    3 and 6 hours (median 3.5, 90th percentile 123.0; 5 of 6 within the deadline: 83.3%);
    closures after 10, 20, 5, 250, 8 and 30 hours (median 15.0, 90th percentile 140.0).
    One complaint is still open and overdue; its subject is a formula. Two recurring
    groups: distribution at the Safa centre (2 complaints, 1 the month before) and the
    air-conditioning wording (2 complaints). The month before: 1 complaint, 1 inquiry."""
    people = crew
    month_start, _month_end = report_month
    day = aware(month_start + datetime.timedelta(days=4))
    previous_day = aware(month_start - datetime.timedelta(days=20))
    distribution = CaseCategory.objects.create(name=CATEGORY_DISTRIBUTION)
    conduct = CaseCategory.objects.create(name=CATEGORY_CONDUCT)
    beneficiary = people["beneficiary"]
    centres = people["centres"]
    crm = people["crm"]
    cases = {
        "late_basket": _case(
            centres,
            day,
            reply_hours=2,
            close_hours=10,
            customer=beneficiary,
            category=distribution,
            subject="تأخر توزيع السلال",
        ),
        "late_basket_2": _case(
            centres,
            day,
            reply_hours=4,
            close_hours=20,
            customer=beneficiary,
            category=distribution,
            subject="نقص محتويات السلة",
        ),
        "malicious": _case(crm, day, channel="website", category=conduct, subject=MALICIOUS),
        "inquiry": _case(
            crm,
            day,
            reply_hours=1,
            close_hours=5,
            kind="inquiry",
            channel="email",
            centre=people["centre"],
            subject="موعد التسجيل في البرنامج",
        ),
        "suggestion": _case(
            crm,
            day,
            reply_hours=240,
            close_hours=250,
            kind="suggestion",
            channel="face_to_face",
            centre=people["other_centre"],
            subject="زيادة ساعات عمل المركز",
        ),
        "air_1": _case(
            crm,
            day,
            reply_hours=3,
            close_hours=8,
            channel="sms",
            centre=people["other_centre"],
            subject="انقطاع التكييف في القاعة",
        ),
        "air_2": _case(
            crm,
            day,
            reply_hours=6,
            close_hours=30,
            channel="sms",
            centre=people["other_centre"],
            subject="انقطاع التكييف في القاعة",
        ),
        "previous_basket": _case(
            centres,
            previous_day,
            reply_hours=5,
            close_hours=6,
            customer=beneficiary,
            category=distribution,
            subject="تأخر توزيع السلال",
        ),
        "previous_inquiry": _case(
            crm, previous_day, reply_hours=1, close_hours=2, kind="inquiry", subject="شروط التسجيل"
        ),
    }
    return {"cases": cases, "distribution": distribution, "conduct": conduct}


def distribution_group_key(crew, data):
    return recurring.category_centre_key(data["distribution"].pk, crew["centre"].pk)


@pytest.fixture
def recommendation_data(crew, case_data, report_month):
    """Last month: one recommendation implemented, one not (reasons investigated, linked to
    the distribution group); this month: one raised, awaiting the secretary's decision."""
    month_start, _month_end = report_month
    manager, secretary = crew["centres_manager"], crew["secretary"]
    group_key = distribution_group_key(crew, case_data)
    due = timezone.localdate() + datetime.timedelta(days=10)

    def raised(text, at, **extra):
        rec = recommendation_services.recommendation_raise(
            actor=manager,
            text=text,
            department="centres",
            owner=manager,
            due_date=due,
            **extra,
        )
        Recommendation.objects.filter(pk=rec.pk).update(raised_at=at)
        return Recommendation.objects.get(pk=rec.pk)

    last_month = aware(month_start - datetime.timedelta(days=15))
    implemented = raised("تدريب موظفي الاستقبال", last_month)
    recommendation_services.recommendation_decide(
        actor=secretary, recommendation=implemented, approve=True
    )
    recommendation_services.recommendation_record_implementation(
        actor=manager, recommendation=implemented, implemented=True
    )
    not_implemented = raised(LINKED_TEXT, last_month, group_key=group_key)
    recommendation_services.recommendation_decide(
        actor=secretary, recommendation=not_implemented, approve=True
    )
    recommendation_services.recommendation_record_implementation(
        actor=manager,
        recommendation=not_implemented,
        implemented=False,
        note="لم يتم التعاقد",
    )
    recommendation_services.recommendation_record_investigation(
        actor=manager, recommendation=not_implemented, reasons=REASONS
    )
    this_month = raised(RAISED_TEXT, aware(month_start + datetime.timedelta(days=10)))
    recurring.save_group_review(
        actor=crew["quality"],
        group_key=group_key,
        label=GROUP_LABEL,
        root_causes=ROOT_CAUSES,
    )
    solution = solution_services.solution_add(
        actor=crew["quality"],
        group_key=group_key,
        label=GROUP_LABEL,
        text=SOLUTIONS,
        plan=PLAN,
        owner=crew["centres_manager"],
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    overdue = solution_services.solution_add(
        actor=crew["quality"],
        group_key=group_key,
        label=GROUP_LABEL,
        text=OVERDUE_SOLUTION,
        plan="إرسال رسالة نصية قبل التوزيع بيومين",
        owner=crew["centres"],
        due_date=timezone.localdate(),
    )
    solution_services.solution_monitor(
        actor=crew["quality"], solution=overdue, step="start", note=MONITOR_NOTE
    )
    ProposedSolution.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    return {
        "implemented": implemented,
        "not_implemented": not_implemented,
        "this_month": this_month,
        "group_key": group_key,
        "solution": solution,
        "overdue_solution": overdue,
    }
