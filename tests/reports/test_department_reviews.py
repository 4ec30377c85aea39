"""Both department managers review the monthly performance report (issue 10 item 6;
procedure "تقارير الأداء", steps 2-4): the CRM manager for the CRM department and the
centres-affairs manager for centres affairs, each with their weak points and the
follow-up of their own department's recommendations. The report reaches the sub-council
secretary only when both reviews are in, in either order, even when they arrive at once."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from association import roles
from association.models import PublicHoliday
from complaints import recommendations as recs
from core.mywork import work_sections_for
from reports import selectors, services
from reports.models import DepartmentReview, Report, ReportTransition, ReportType, ReviewState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.helpers import user_with

from . import support
from .support import ROLE_OF, ready_report

fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE
RIYADH = timezone.get_default_timezone()
REVIEWERS = {"crm_manager": "crm", "centres_manager": "centres"}


def review(report, who, staff, weaknesses=None, **extra):
    return services.report_review(
        report=Report.objects.get(pk=report.pk),
        actor=staff[who],
        weaknesses=weaknesses or f"نقاط ضعف {who}",
        follow_up_notes=f"متابعة توصيات {who}",
        **extra,
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first,second", [("crm_manager", "centres_manager"), ("centres_manager", "crm_manager")]
)
def test_the_report_waits_for_both_departments_in_either_order(
    fake_documents, staff, first, second
):
    report = ready_report(MONTHLY)
    review(report, first, staff)
    report.refresh_from_db()
    # The first review no longer moves the report on, nor is the other one lost.
    assert report.review_state == ReviewState.PREPARED
    assert report.decision_due_at is None
    assert list(report.department_reviews.values_list("department", flat=True)) == [
        REVIEWERS[first]
    ]
    with pytest.raises(services.ReportError):
        services.report_decide(report=report, actor=staff["secretary"], decision_notes="قرار")

    review(report, second, staff)
    report.refresh_from_db()
    assert report.review_state == ReviewState.REVIEWED
    assert report.reviewed_at is not None and report.decision_due_at is not None
    reviews = {item.department: item for item in report.department_reviews.all()}
    assert set(reviews) == {"crm", "centres"}
    for who, department in REVIEWERS.items():
        assert reviews[department].reviewer == staff[who]
        assert reviews[department].weaknesses == f"نقاط ضعف {who}"
        assert reviews[department].follow_up_notes == f"متابعة توصيات {who}"
    # The audit trail: each department's review, then one move to the secretary.
    trail = list(
        ReportTransition.objects.filter(report=report, source=ReviewState.PREPARED)
        .order_by("at", "pk")
        .values_list("target", "actor__username")
    )
    assert trail == [
        (ReviewState.PREPARED, first),
        (ReviewState.PREPARED, second),
        (ReviewState.REVIEWED, second),
    ]
    services.report_decide(report=report, actor=staff["secretary"], decision_notes="قرار")


def test_each_manager_reviews_their_own_department_once(fake_documents, staff, english):
    report = ready_report(MONTHLY)
    review(report, "crm_manager", staff)
    with pytest.raises(services.ReportError, match="already recorded"):
        review(report, "crm_manager", staff, weaknesses="مرة ثانية")
    second_crm_manager = user_with(roles.CRM_MANAGER, "crm_manager_2")
    with pytest.raises(services.ReportError, match="already recorded"):
        services.report_review(
            report=report, actor=second_crm_manager, weaknesses="ضعف", follow_up_notes=""
        )
    # Nobody writes another department's review.
    with pytest.raises(PermissionDenied):
        review(report, "crm_manager", staff, department="centres")
    assert report.department_reviews.count() == 1
    assert report.department_reviews.get().weaknesses == "نقاط ضعف crm_manager"


def test_a_manager_of_both_departments_chooses_which_one(fake_documents, staff, english):
    both = user_with(roles.CRM_MANAGER, "both_manager")
    both.groups.add(*user_with(roles.CENTRES_MANAGER, "tmp").groups.all())
    report = ready_report(MONTHLY)
    assert services.pending_departments(report, both) == ["crm", "centres"]
    with pytest.raises(services.ReportError, match="Choose the department"):
        services.report_review(report=report, actor=both, weaknesses="ضعف", follow_up_notes="")
    services.report_review(
        report=report, actor=both, weaknesses="ضعف", follow_up_notes="", department="centres"
    )
    assert services.pending_departments(report, both) == ["crm"]


@pytest.mark.parametrize("who", sorted(set(ROLE_OF) - set(REVIEWERS)))
def test_only_the_department_managers_review(fake_documents, staff, who):
    report = ready_report(MONTHLY)
    with pytest.raises(PermissionDenied):
        review(report, who, staff)
    assert not DepartmentReview.objects.exists()


def test_the_review_deadline_is_a_working_week_and_the_two_days_stay_with_step_4(
    fake_documents, staff, monkeypatch
):
    """The monthly review (شهري) is due 5 working days after the report is ready; the
    2 working days of the procedure belong to the investigation of a recommendation that
    was not implemented (step 4), which complaints.recommendations keeps."""
    PublicHoliday.objects.create(
        name="إجازة", start_date=datetime.date(2026, 11, 15), end_date=datetime.date(2026, 11, 15)
    )
    moment = datetime.datetime(2026, 11, 12, 10, 0, tzinfo=RIYADH)  # Thursday
    monkeypatch.setattr(timezone, "now", lambda: moment)
    report = ready_report(MONTHLY, (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)))
    # Fri 13, Sat 14 off; Sun 15 holiday; Mon 16 (1) Tue 17 (2) Wed 18 (3) Thu 19 (4) Sun 22 (5).
    assert services.REVIEW_WORKING_DAYS == 5
    assert report.review_due_at == datetime.datetime.combine(
        datetime.date(2026, 11, 22), datetime.time.max, tzinfo=RIYADH
    )
    assert recs.INVESTIGATION_WORKING_DAYS == 2


def test_my_work_shows_each_manager_their_own_pending_review(fake_documents, staff, english):
    report = ready_report(MONTHLY)
    url = reverse("reports:detail", args=[report.pk])

    def pending(who):
        return [
            item
            for section in work_sections_for(staff[who])
            for item in section.items
            if item.url == url
        ]

    [crm_item] = pending("crm_manager")
    [centres_item] = pending("centres_manager")
    assert crm_item.due == report.review_due_at
    assert "Customer relations department" in crm_item.detail
    assert "Centres-affairs department" in centres_item.detail
    review(report, "centres_manager", staff)
    assert pending("centres_manager") == []
    assert len(pending("crm_manager")) == 1
    assert pending("secretary") == []
    review(report, "crm_manager", staff)
    assert pending("crm_manager") == []
    assert len(pending("secretary")) == 1
    assert set(selectors.awaiting(staff["crm_manager"])) == set()


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(ROLE_OF))
def test_review_action_permission_matrix(client, fake_documents, staff, who):
    report = ready_report(MONTHLY)
    client.force_login(staff[who])
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "ضعف", "follow_up_notes": ""},
    )
    if who in REVIEWERS:
        assert response.status_code == 302
        assert report.department_reviews.get().reviewer == staff[who]
    else:
        # 403 without reports or the permission; 404 for a role that does not read the
        # monthly report (resource development, planning).
        reads = MONTHLY in support.READS[who]
        assert response.status_code == (403 if reads or who in {"steward", "deputy"} else 404)
        assert not report.department_reviews.exists()
    report.refresh_from_db()
    assert report.review_state == ReviewState.PREPARED


def test_anonymous_and_no_role_cannot_review(client, fake_documents, staff, make_user):
    report = ready_report(MONTHLY)
    url = reverse("reports:review", args=[report.pk])
    response = client.post(url, {"weaknesses": "ضعف"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(make_user(username="nobody"))
    assert client.post(url, {"weaknesses": "ضعف"}).status_code == 403
    assert client.get(url).status_code == 405
    assert not DepartmentReview.objects.exists()


def test_two_managers_review_through_the_page(client, fake_documents, staff, english):
    report = ready_report(MONTHLY)
    url = reverse("reports:detail", args=[report.pk])
    client.force_login(staff["crm_manager"])
    page = client.get(url)
    assert page.context["review_departments"] == ["crm"]
    assert b'data-testid="review-form"' in page.content
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "تأخر الرد على المانحين", "follow_up_notes": "نفذت توصية واحدة"},
    )
    assert messages_of(response) == [
        "Your department's review was recorded. "
        "The report awaits the other department's review before the secretary."
    ]
    page = client.get(url)
    content = page.content.decode()
    assert b'data-testid="review-form"' not in page.content
    assert 'data-testid="department-review-crm"' in content
    assert "تأخر الرد على المانحين" in content
    assert 'data-testid="department-review-pending-centres"' in content

    client.force_login(staff["centres_manager"])
    page = client.get(url)
    assert page.context["review_departments"] == ["centres"]
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "نقص السلال في مركز الصفا", "follow_up_notes": ""},
    )
    assert messages_of(response) == [
        "Your department's review was recorded. Both departments reviewed the report: "
        "it awaits the secretary."
    ]
    client.force_login(staff["secretary"])
    page = client.get(url)
    content = page.content.decode()
    assert page.context["may_decide"]
    assert "تأخر الرد على المانحين" in content and "نقص السلال في مركز الصفا" in content
    assert 'data-testid="department-review-pending' not in content


def _page_reads(client, url):
    """(queries of the report page, of which reading the department reviews)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    return len(sql), sum('FROM "reports_departmentreview"' in text for text in sql)


@pytest.mark.parametrize("who", ["centres_manager", "crm", "secretary"])
def test_the_page_reads_the_reviews_once_whatever_is_reviewed(client, fake_documents, staff, who):
    """The reviews decide the steps offered and are listed: one read of them, with their
    reviewers, before and after a department's review."""
    report = ready_report(MONTHLY)
    url = reverse("reports:detail", args=[report.pk])
    client.force_login(staff[who])
    _page_reads(client, url)  # the per-process caches filled
    before = _page_reads(client, url)
    review(report, "crm_manager", staff)
    after = _page_reads(client, url)
    assert before[1] == after[1] == 1
    assert before[0] == after[0]


def test_the_review_form_lists_the_department_s_own_recommendations(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    last_month = datetime.datetime.combine(
        report.period_start - datetime.timedelta(days=5), datetime.time(10), tzinfo=RIYADH
    )
    due = timezone.localdate() + datetime.timedelta(days=5)
    crm_rec = recs.recommendation_raise(
        actor=staff["crm_manager"],
        text="توصية علاقات العملاء",
        department="crm",
        owner=staff["crm"],
        due_date=due,
    )
    centres_rec = recs.recommendation_raise(
        actor=staff["centres_manager"],
        text="توصية شؤون المراكز",
        department="centres",
        owner=staff["centres"],
        due_date=due,
    )
    from complaints.models import Recommendation

    Recommendation.objects.filter(pk__in=[crm_rec.pk, centres_rec.pk]).update(raised_at=last_month)
    client.force_login(staff["centres_manager"])
    page = client.get(reverse("reports:detail", args=[report.pk]))
    [(department, rows)] = page.context["own_follow_up"]
    assert department == "centres"
    assert [rec.text for rec in rows] == ["توصية شؤون المراكز"]


def test_the_review_record_pdf_has_both_reviews(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    review(report, "crm_manager", staff, weaknesses="ضعف الرد على المانحين")
    review(report, "centres_manager", staff, weaknesses="ضعف التوزيع في المراكز")
    client.force_login(staff["secretary"])
    response = client.get(reverse("reports:review_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    html = services.review_record_html(report)
    assert "ضعف الرد على المانحين" in html and "ضعف التوزيع في المراكز" in html


@pytest.mark.parametrize("who", sorted(ROLE_OF))
def test_review_record_pdf_permission_matrix(client, fake_documents, staff, who):
    report = ready_report(MONTHLY)
    review(report, "crm_manager", staff)
    client.force_login(staff[who])
    response = client.get(reverse("reports:review_pdf", args=[report.pk]))
    readers = {name for name, types in support.READS.items() if MONTHLY in types}
    expected = 200 if who in readers else (403 if who in {"steward", "deputy"} else 404)
    assert response.status_code == expected


def test_the_archive_list_shows_each_department_s_review(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    review(report, "crm_manager", staff)
    client.force_login(staff["secretary"])
    content = client.get(reverse("reports:list")).content.decode()
    assert f'data-testid="review-crm-{report.pk}"' in content
    assert f'data-testid="review-pending-centres-{report.pk}"' in content


# --- both at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_both_reviews_at_the_same_moment_move_the_report_once(fake_documents, staff):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    report = ready_report(MONTHLY)

    def job(who):
        return lambda: review(report, who, staff)

    for _attempt in range(3):
        outcomes = run_together(job("crm_manager"), job("centres_manager"))
        assert [kind for kind, _value in outcomes] == ["ok", "ok"], outcomes
        report.refresh_from_db()
        assert report.review_state == ReviewState.REVIEWED
        assert report.department_reviews.count() == 2
        assert report.transitions.filter(target=ReviewState.REVIEWED).count() == 1
        # Again, on a fresh report.
        Report.objects.filter(pk=report.pk).delete()
        report = ready_report(MONTHLY)


@pytest.mark.django_db(transaction=True)
def test_the_same_department_twice_at_once_records_one_review(fake_documents, staff):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    report = ready_report(MONTHLY)
    other = user_with(roles.CRM_MANAGER, "crm_manager_2")
    staff["crm_manager_2"] = other
    outcomes = run_together(
        lambda: review(report, "crm_manager", staff), lambda: review(report, "crm_manager_2", staff)
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.ReportError)
    assert report.department_reviews.count() == 1
    report.refresh_from_db()
    assert report.review_state == ReviewState.PREPARED
