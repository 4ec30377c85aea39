"""The quarterly campaigns report (issue 14): registered by campaigns in the reports
machinery, produced by beat on the 1st of January, April, July and October for the quarter
just ended, from the reports page and from the command line. Its PDF (Arabic, the visual
identity, Hijri beside Gregorian) and XLSX hold the campaigns active in the quarter with
their spending, visits, outcomes and targets against results (campaigns.evaluation)."""

import datetime
import json
import time
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from campaigns.models import Campaign, CampaignState
from campaigns.report import campaigns_of_quarter
from reports import services as report_services
from reports import tasks
from reports.models import Report, ReportType, RunStatus, Trigger, VisualIdentity
from reports.periods import previous_period, quarter_code, quarter_title
from tests.customers.test_pdf import pdf_text

from .conftest import make_campaign, make_plan
from .evaluation_world import file_case, launched, link_of, visit

pytestmark = pytest.mark.django_db

QUARTERLY = ReportType.QUARTERLY_CAMPAIGNS
IDENTITY = "جمعية مراكز الحي التجريبية"
LAUNCHED_TITLE = "حملة الشتاء الدافئ"
WAITING_TITLE = "حملة سقيا الماء"
LATER_TITLE = "حملة العودة للمدارس"
CANCELLED_TITLE = "حملة ملغاة"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def quarter():
    return previous_period(QUARTERLY, timezone.localdate())


@pytest.fixture
def seeded(people, agency, quarter):
    """In the quarter just ended: a launched campaign (a billboard of 5,000 and two leaflets
    of 1,000; three visits by two visitors and one case filed through the billboard's link)
    and one awaiting its channels' approval; a campaign of the next quarter and a cancelled
    one are left out."""
    VisualIdentity.objects.create(name=IDENTITY, primary_colour="#1B4F72", accent_colour="#D4AC0D")
    start, end = quarter
    today = timezone.localdate()
    plan = make_plan(people)
    active = launched(
        people,
        agency,
        leaflets=2,
        plan=plan,
        title=LAUNCHED_TITLE,
        starts_on=start + datetime.timedelta(days=9),
        ends_on=today + datetime.timedelta(days=20),
        budget=Decimal("12000"),
        target_visits=6,
        target_reach=None,
    )
    billboard = active.placements.order_by("pk").first()
    link = link_of(billboard)
    for visitor in (1, 1, 2):
        visit(link, visitor)
    file_case(link)
    waiting = make_campaign(
        people,
        plan,
        title=WAITING_TITLE,
        starts_on=end - datetime.timedelta(days=5),
        ends_on=end + datetime.timedelta(days=30),
        budget=Decimal("3000"),
    )
    make_campaign(
        people,
        plan,
        title=LATER_TITLE,
        starts_on=end + datetime.timedelta(days=1),
        ends_on=end + datetime.timedelta(days=40),
    )
    cancelled = make_campaign(people, plan, title=CANCELLED_TITLE, starts_on=start, ends_on=end)
    Campaign.objects.filter(pk=cancelled.pk).update(state=CampaignState.CANCELLED)
    return {"active": active, "waiting": waiting, "plan": plan}


def produce(quarter):
    began = time.perf_counter()
    report, created = report_services.produce_now(
        report_type=QUARTERLY,
        period_start=quarter[0],
        period_end=quarter[1],
        trigger=Trigger.COMMAND,
    )
    print(f"quarterly campaigns report rendered in {time.perf_counter() - began:.2f} s")
    assert report.status == RunStatus.READY, report.error
    return report, created


def test_the_campaigns_active_in_the_quarter(seeded, quarter):
    titles = [campaign.title for campaign in campaigns_of_quarter(*quarter)]
    assert titles == [LAUNCHED_TITLE, WAITING_TITLE]


def test_the_pdf_names_the_campaigns_and_their_figures(seeded, quarter, tmp_path):
    report, created = produce(quarter)
    assert created
    with report.pdf.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and report.page_count >= 1
    text = pdf_text(content, tmp_path)
    assert IDENTITY in text
    assert LAUNCHED_TITLE in text and WAITING_TITLE in text
    assert LATER_TITLE not in text and CANCELLED_TITLE not in text
    with translation.override("ar"):
        for word in quarter_title(quarter[0]).split():
            assert word in text, word
    assert "هـ" in text  # the Hijri dates beside the Gregorian ones
    # Budget 12,000 + 3,000; spending 5,000 + 2 × 1,000; 3 placements; 3 visits, 2 unique
    # visitors; cost per visit 7,000 / 3, per outcome 7,000 / 1.
    for figure in ("15,000.00", "12,000.00", "7,000.00", "2,333.33"):
        assert figure in text, figure
    assert not any("\u0660" <= char <= "\u0669" for char in text)


def test_the_summary_and_a_second_run_makes_nothing(seeded, quarter):
    report, _created = produce(quarter)
    keys = ("campaigns", "budget", "spending", "placements", "visits", "unique_visitors")
    assert {key: report.summary[key] for key in keys} == {
        "campaigns": 2,
        "budget": "15000.00",
        "spending": "7000.00",
        "placements": 3,
        "visits": 3,
        "unique_visitors": 2,
    }
    assert report.summary["outcomes"] == 1
    json.dumps(report.summary)
    again, created = produce(quarter)
    assert (again.pk, created) == (report.pk, False)
    assert Report.objects.filter(report_type=QUARTERLY).count() == 1


def test_the_xlsx_has_every_campaign_placement_and_target(seeded, quarter):
    report, _created = produce(quarter)
    with report.xlsx.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    campaigns, placements, targets = workbook.worksheets
    for sheet in workbook.worksheets:
        assert sheet.sheet_view.rightToLeft
    rows = [list(row) for row in campaigns.iter_rows(min_row=2, values_only=True)]
    assert [row[1] for row in rows[:2]] == [LAUNCHED_TITLE, WAITING_TITLE]
    active = rows[0]
    assert active[7:13] == [12000, 7000, 3, 3, 2, 1]
    assert rows[-1][7:9] == [15000, 7000]  # the totals
    placement_rows = [list(row) for row in placements.iter_rows(min_row=2, values_only=True)]
    assert len(placement_rows) == 3
    assert sorted(row[7] for row in placement_rows) == [0, 0, 3]
    assert all(row[6].startswith("http") for row in placement_rows)  # the short links
    target_rows = [list(row) for row in targets.iter_rows(min_row=2, values_only=True)]
    visits = next(row for row in target_rows if row[0] == LAUNCHED_TITLE and row[2] == 6)
    assert visits[3:] == [3, 50]


def test_an_empty_quarter_still_gives_both_files(db, quarter, tmp_path):
    report, _created = produce(quarter)
    assert report.summary["campaigns"] == 0
    with report.pdf.open("rb") as handle:
        text = pdf_text(handle.read(), tmp_path)
    assert "None" not in text


# --- beat, command, web -------------------------------------------------------------------------


def test_the_beat_entry_runs_on_the_first_day_of_each_quarter():
    entry = PeriodicTask.objects.select_related("crontab").get(
        name="تقرير الحملات التسويقية الربعي"
    )
    assert entry.enabled and entry.task == "reports.tasks.produce_scheduled_report"
    assert json.loads(entry.kwargs) == {"report_type": QUARTERLY}
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month) == ("0", "7", "1")
    assert (crontab.month_of_year, crontab.day_of_week) == ("1,4,7,10", "*")
    assert str(crontab.timezone) == "Asia/Riyadh"


def test_the_scheduled_task_produces_the_quarter_just_ended_once(seeded, quarter):
    first = tasks.produce_scheduled_report.delay(report_type=QUARTERLY).get()
    second = tasks.produce_scheduled_report.delay(report_type=QUARTERLY).get()
    assert first == second
    report = Report.objects.get(pk=first)
    assert (report.period_start, report.period_end) == quarter
    assert report.status == RunStatus.READY and report.trigger == Trigger.SCHEDULE


def test_the_command_produces_a_quarter(seeded, quarter):
    out = StringIO()
    call_command(
        "produce_report", "--type", QUARTERLY, "--period", quarter_code(quarter[0]), stdout=out
    )
    report = Report.objects.get(report_type=QUARTERLY)
    assert (report.period_start, report.period_end) == quarter
    assert "Produced" in out.getvalue()


def test_a_reader_chooses_the_quarter_on_the_reports_page(client, people, quarter):
    client.force_login(people["manager"])
    page = client.get(reverse("reports:produce")).content.decode()
    assert 'data-period="quarterly"' in page
    assert f'value="{quarter_code(quarter[0])}"' in page
    response = client.post(
        reverse("reports:produce"),
        {"report_type": QUARTERLY, "quarter": quarter_code(quarter[0]).replace("2", "٢")},
    )
    report = Report.objects.get(report_type=QUARTERLY)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.period_start, report.period_end) == quarter


def test_a_quarter_not_yet_ended_is_refused_on_the_page(client, people, english):
    client.force_login(people["manager"])
    today = timezone.localdate()
    response = client.post(
        reverse("reports:produce"),
        {"report_type": QUARTERLY, "quarter": f"{today.year}-Q{(today.month - 1) // 3 + 1}"},
    )
    assert response.status_code == 200
    assert "has ended" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("who", "reads", "produces"),
    [
        ("manager", True, True),
        ("management", True, False),
        ("resources", True, False),
        ("staff", False, False),
        ("quality", False, False),
    ],
)
def test_who_reads_and_produces_the_quarterly_report(client, people, quarter, who, reads, produces):
    report = Report.objects.create(
        report_type=QUARTERLY,
        period_start=quarter[0],
        period_end=quarter[1],
        trigger=Trigger.SCHEDULE,
    )
    client.force_login(people[who])
    detail = client.get(reverse("reports:detail", args=[report.pk]))
    assert detail.status_code == (200 if reads else 404)
    listed = client.get(reverse("reports:list"))
    if listed.status_code == 200:
        assert (
            f'href="{reverse("reports:detail", args=[report.pk])}"' in listed.content.decode()
        ) is reads
    response = client.post(
        reverse("reports:produce"), {"report_type": QUARTERLY, "quarter": quarter_code(quarter[0])}
    )
    if produces:
        assert response.status_code == 302
    else:
        assert response.status_code in (200, 403)
        assert Report.objects.count() == 1
