"""Records that carry personal data as files, built through the services: a case with an
attachment, an opportunity closed with a signed pledge, a produced report (stand-in PDF and
XLSX), a customer form. Shared by the no-store header test and the backup/restore drill."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from association import roles
from complaints import services as case_services
from customers import services as customer_services
from customers.models import Customer, StewardDesignation
from opportunities import services as opportunity_services
from programmes.models import Programme, ProgrammeCategory
from reports.models import ReportType
from tests.helpers import user_with
from tests.opportunities.conftest import SMALL_PDF, SMALL_PNG
from tests.reports.support import ready_report

ATTACHMENT_NAME = "صورة الإيصال.png"


def build_personal_files():
    """Returns the people and records, and every URL that serves one of their files."""
    people = {
        "crm": user_with(roles.CRM_STAFF, "files_crm"),
        "crm_manager": user_with(roles.CRM_MANAGER, "files_manager"),
        "steward": user_with(roles.DATA_STEWARD, "files_steward"),
        "deputy": user_with(roles.DEPUTY_STEWARD, "files_deputy"),
    }
    StewardDesignation.objects.create(steward=people["steward"], deputy=people["deputy"])
    donor = Customer.objects.create(code=910001, name="مؤسسة الوفاء الخيرية", kind="donor")

    case = case_services.case_register_with_attachments(
        actor=people["crm"],
        uploads=[SimpleUploadedFile(ATTACHMENT_NAME, SMALL_PNG, content_type="image/png")],
        kind="complaint",
        channel="phone",
        subject="تأخر الخدمة",
        description="لم تصل السلة الغذائية",
        customer=donor,
        contact_name="",
    )
    attachment = case.attachments.get()

    category = ProgrammeCategory.objects.create(name="تعليم")
    programme = Programme.objects.create(code="EDU-01", name="برنامج محو الأمية", category=category)
    opportunity = opportunity_services.opportunity_create(
        actor=people["crm"],
        title="تمويل برنامج محو الأمية",
        programme=programme,
        expected_amount=Decimal("150000"),
        probability=40,
        success_factors="اهتمام سابق بالتعليم",
        donors=[donor],
    )
    opportunity_services.donor_contact_log(
        actor=people["crm"],
        donor=donor,
        opportunity=opportunity,
        contact_date=timezone.localdate(),
        channel="phone",
        summary="عرض البرنامج على المانح",
    )
    opportunity_services.opportunity_start_follow_up(
        opportunity=opportunity, actor=people["crm_manager"]
    )
    opportunity = opportunity_services.opportunity_close_with_pledge(
        opportunity=opportunity,
        actor=people["crm_manager"],
        pledge_donor=donor,
        pledged_amount=Decimal("100000"),
        pledge_date=timezone.localdate(),
        pledge_file=SimpleUploadedFile("pledge.pdf", SMALL_PDF, content_type="application/pdf"),
    )

    report = ready_report(ReportType.MONTHLY_PERFORMANCE)

    form = customer_services.customer_request_create(
        actor=people["crm"],
        kind="modify",
        reason="تحديث البريد الإلكتروني",
        lines=[
            (
                donor,
                {**customer_services.customer_values(donor), "email": "info@example.org"},
                None,
            )
        ],
    )
    urls = {
        "case attachment": reverse("complaints:attachment", args=[attachment.pk]),
        "signed pledge": reverse("opportunities:pledge_file", args=[opportunity.pk]),
        "report PDF": reverse("reports:pdf", args=[report.pk]),
        "report XLSX": reverse("reports:xlsx", args=[report.pk]),
        "customer form PDF": reverse("customers:request_pdf", args=[form.pk]),
        "customer export XLSX": reverse("customers:export_xlsx"),
        "customer export CSV": reverse("customers:export_csv"),
        "customer statistics XLSX": reverse("customers:statistics_xlsx"),
        "complaints register XLSX": reverse("complaints:export"),
        "portfolio import template": reverse("programmes:import_template"),
    }
    return {
        "people": people,
        "donor": donor,
        "case": case,
        "attachment": attachment,
        "opportunity": opportunity,
        "report": report,
        "form": form,
        "urls": urls,
    }
