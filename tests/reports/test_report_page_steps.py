"""The monthly report's page guided like the case page (issue 12): the step bar, ONE primary
step for whoever's turn it is (a department manager's review, the secretary's decisions,
the archiving) and none for the others; the current deadline named by what it is due for,
red once passed; a step sent back keeps what was typed, with an error summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Report, ReportType, ReviewState

from . import support
from .support import decided, ready_report, reviewed

fake_documents = support.fake_documents
media_root = support.media_root
staff = support.staff

pytestmark = pytest.mark.django_db

MONTHLY = ReportType.MONTHLY_PERFORMANCE
REVIEW_DUE = "موعد مراجعة التقرير"
DECISION_DUE = "موعد قرار أمين المجلس الفرعي"
ARCHIVING_DUE = "موعد أرشفة التقرير"


def detail(report):
    return reverse("reports:detail", args=[report.pk])


def current_due(content):
    """The current deadline's alert (includes/deadline.html, testid "current-due")."""
    end = content.index('data-testid="current-due"')
    start = content.rindex("<div", 0, end)
    return content[start : content.index("</div>", end)]


def page(client, user, report):
    client.force_login(user)
    response = client.get(detail(report))
    assert response.status_code == 200
    return response, response.content.decode()


def test_each_manager_reviews_first_with_the_review_deadline_named(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    for who in ("crm_manager", "centres_manager"):
        response, content = page(client, staff[who], report)
        panel = response.context["panel"]
        assert panel.primary.action.name == "review" and not panel.others
        assert content.count('data-testid="review-form"') == 1
        assert 'id="id_review_weaknesses"' in content
        assert 'data-testid="step-bar"' in content and 'aria-current="step"' in content
        block = current_due(content)
        assert REVIEW_DUE in block and "alert-danger" not in block


@pytest.mark.parametrize("who", ["crm", "centres", "quality", "secretary", "management"])
def test_others_read_the_step_bar_and_the_deadline_without_a_step(
    client, fake_documents, staff, who
):
    report = ready_report(MONTHLY)
    response, content = page(client, staff[who], report)
    assert not response.context["panel"]
    assert 'data-testid="actions"' not in content and 'data-testid="review-form"' not in content
    assert 'data-testid="step-bar"' in content and REVIEW_DUE in current_due(content)


def test_the_secretary_decides_then_the_staff_archive(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    reviewed(report, staff)
    response, content = page(client, staff["secretary"], report)
    assert response.context["panel"].primary.action.name == "decide"
    assert 'data-testid="decide-form"' in content and DECISION_DUE in current_due(content)
    response, content = page(client, staff["crm_manager"], report)
    assert not response.context["panel"] and DECISION_DUE in current_due(content)

    decided(Report.objects.get(pk=report.pk), staff)
    response, content = page(client, staff["crm"], report)
    primary = response.context["panel"].primary
    assert primary.action.name == "archive" and primary.form is None
    assert 'data-testid="archive-form"' in content and "data-confirm=" in content
    assert ARCHIVING_DUE in current_due(content)
    response, _content = page(client, staff["secretary"], report)
    assert not response.context["panel"]


def test_a_passed_deadline_is_red(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    Report.objects.filter(pk=report.pk).update(
        review_due_at=timezone.now() - datetime.timedelta(days=2)
    )
    _response, content = page(client, staff["crm_manager"], report)
    block = current_due(content)
    assert "alert-danger" in block and REVIEW_DUE in block and "متأخر منذ" in block


def test_a_review_without_weak_points_keeps_the_follow_up_typed(client, fake_documents, staff):
    report = ready_report(MONTHLY)
    client.force_login(staff["centres_manager"])
    response = client.post(
        reverse("reports:review", args=[report.pk]),
        {"weaknesses": "", "follow_up_notes": "نُفذت توصية التوزيع"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "نُفذت توصية التوزيع" in content and 'data-testid="form-errors"' in content
    primary = response.context["panel"].primary
    assert primary.open and primary.form.errors["weaknesses"]
    assert not report.department_reviews.exists()


def test_decisions_refused_by_the_service_keep_the_typed_text(
    client, fake_documents, staff, monkeypatch
):
    report = ready_report(MONTHLY)
    reviewed(report, staff)

    def refuse(**kwargs):
        raise services.ReportError("رفضت الخدمة القرار")

    monkeypatch.setattr(services, "report_decide", refuse)
    client.force_login(staff["secretary"])
    response = client.post(
        reverse("reports:decide", args=[report.pk]), {"decision_notes": "اعتماد خطة تحسين"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "اعتماد خطة تحسين" in content and "رفضت الخدمة القرار" in content
    assert response.context["panel"].primary.open
    assert Report.objects.get(pk=report.pk).review_state == ReviewState.REVIEWED
