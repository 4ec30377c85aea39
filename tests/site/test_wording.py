"""One wording across the site (docs/GLOSSARY.md): labels agree with the gender of what they
describe (pgettext), counts agree with their number (ngettext, Arabic's six forms), every
workflow refuses a concurrent step with the same message, and the admin shows no English
app name, no "Version" and no "---------"."""

import importlib
import pkgutil
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext, pgettext

from association import roles
from complaints import services as complaints_services
from complaints.models import FaqState, Implementation, RecommendationDecision
from core.workflow import CONFLICT_MESSAGE, Workflow
from customers.models import Customer
from opportunities.models import OpportunityState
from programmes.models import ProgrammeStatus

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def in_arabic(function, *args):
    with translation.override("ar"):
        return str(function(*args))


def test_the_catalogue_has_arabic_six_plural_forms():
    header = polib.pofile(str(CATALOGUE)).metadata["Plural-Forms"]
    assert header.startswith("nplurals=6;")


@pytest.mark.parametrize(
    ("label", "arabic"),
    [
        (RecommendationDecision.APPROVED.label, "معتمدة"),
        (RecommendationDecision.REJECTED.label, "مرفوضة"),
        (Implementation.IMPLEMENTED.label, "نُفِّذت"),
        (Implementation.NOT_IMPLEMENTED.label, "لم تُنفَّذ"),
        (FaqState.REJECTED.label, "مرفوض"),  # a question
        (OpportunityState.CANCELLED.label, "ملغاة"),  # an opportunity
        (ProgrammeStatus.CANCELLED.label, "ملغى"),  # a programme
    ],
)
def test_a_status_agrees_with_what_it_describes(label, arabic):
    assert in_arabic(str, label) == arabic


def test_a_late_case_is_named_for_the_case():
    assert in_arabic(pgettext, "case", "Overdue") == "متأخر"
    assert in_arabic(pgettext, "case", "Open") == "مفتوح"
    assert in_arabic(pgettext, "recommendation", "Implemented") == "نُفِّذت"


@pytest.mark.parametrize(
    ("count", "arabic"),
    [
        (0, "لا توجد طلبات"),
        (1, "طلب واحد"),
        (2, "طلبان"),
        (3, "3 طلبات"),
        (11, "11 طلبًا"),
        (100, "100 طلب"),
    ],
)
def test_a_count_of_cases_agrees_with_its_number(count, arabic):
    with translation.override("ar"):
        text = ngettext("%(counter)s case", "%(counter)s cases", count) % {"counter": count}
    assert text == arabic


@pytest.mark.parametrize(
    ("total", "arabic"),
    [
        (1, "50% من شكوى واحدة وردت هذا الشهر"),
        (2, "50% من شكويين وردتا هذا الشهر"),
        (4, "50% من 4 شكاوى وردت هذا الشهر"),
        (12, "50% من 12 شكوى وردت هذا الشهر"),
    ],
)
def test_the_share_of_complaints_agrees_with_the_total(total, arabic):
    with translation.override("ar"):
        text = ngettext(
            "%(share)s of the %(total)s complaint of the month",
            "%(share)s of the %(total)s complaints of the month",
            total,
        ) % {"share": "50%", "total": total}
    assert text == arabic


def _project_workflows():
    for app in settings.PROJECT_APPS:
        package = importlib.import_module(apps.get_app_config(app.split(".")[0]).name)
        for module in pkgutil.iter_modules(package.__path__):
            if module.ispkg or module.name in ("migrations", "tests", "demo", "admin"):
                continue
            loaded = importlib.import_module(f"{package.__name__}.{module.name}")
            for name, value in vars(loaded).items():
                if isinstance(value, Workflow):
                    yield f"{loaded.__name__}.{name}", value


def test_every_workflow_refuses_a_concurrent_step_with_the_one_message():
    workflows = dict(_project_workflows())
    assert len(workflows) >= 10
    others = [
        name for name, flow in workflows.items() if flow.conflict_message is not CONFLICT_MESSAGE
    ]
    assert others == []
    assert in_arabic(str, CONFLICT_MESSAGE) == (
        "اتخذ شخص آخر إجراءً هنا في اللحظة نفسها. أعد تحميل الصفحة لترى آخر ما وصل إليه."
    )


@pytest.fixture
def people_roles():
    return {"crm": roles.CRM_STAFF}


@pytest.mark.django_db
def test_the_admin_shows_no_english_name_version_or_dashes(client, superuser, people):
    donor = Customer.objects.create(code=900003, name="مانح", kind="donor")
    case = complaints_services.case_register(
        actor=people["crm"],
        kind="complaint",
        channel="phone",
        subject="تأخر الخدمة",
        description="لم تصل السلة",
        customer=donor,
        contact_name="",
    )
    complaints_services.case_answer_immediately(case=case, actor=people["crm"], answer="تم الحل")
    client.force_login(superuser)
    pages = {
        "index": client.get(reverse("admin:index")),
        "customer": client.get(reverse("admin:customers_customer_change", args=[donor.pk])),
        "case": client.get(reverse("admin:complaints_case_change", args=[case.pk])),
        "history": client.get(reverse("admin:customers_customer_history", args=[donor.pk])),
        "cases": client.get(reverse("admin:complaints_case_changelist")),
    }
    for name, response in pages.items():
        content = response.content.decode()
        assert response.status_code == 200, name
        assert not re.search(r"\bAxes\b|\bAXES\b|\bVersion\b|---------", content), name
        assert not re.search(r">\s*None\s*<", content), name
    assert "حماية تسجيل الدخول" in pages["index"].content.decode()
    assert "رقم الإصدار" in pages["customer"].content.decode()
    case_page = pages["case"].content.decode()
    assert "الإجراءات المتخذة" in case_page and "القائم بالإجراء" in case_page
