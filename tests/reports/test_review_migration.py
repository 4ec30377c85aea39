"""Reports reviewed before both departments reviewed (issue 10 item 6) migrate sensibly:
the one manager's review becomes their department's review; a report still awaiting the
secretary goes back to await the other department's review; decided and archived reports
keep their state."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from association import roles
from tests.helpers import user_with

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reports", "0003_logo_checked")]
AFTER = [("reports", "0004_department_reviews")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_legacy_reviews_become_the_reviewer_s_department_review():
    crm_manager = user_with(roles.CRM_MANAGER, "old_crm_manager")
    centres_manager = user_with(roles.CENTRES_MANAGER, "old_centres_manager")
    old_apps = migrate(BEFORE)
    Report = old_apps.get_model("reports", "Report")
    reviewed_at = timezone.now() - datetime.timedelta(days=3)

    def legacy(month, state, reviewer):
        return Report.objects.create(
            report_type="monthly_performance",
            period_start=datetime.date(2026, month, 1),
            period_end=datetime.date(2026, month, 28),
            status="ready",
            review_state=state,
            trigger="schedule",
            reviewed_by_id=reviewer.pk,
            reviewed_at=reviewed_at,
            weaknesses=f"ضعف {month}",
            follow_up_notes=f"متابعة {month}",
            decision_due_at=reviewed_at + datetime.timedelta(days=3),
        ).pk

    awaiting_secretary = legacy(7, "reviewed", crm_manager)
    decided = legacy(8, "decided", centres_manager)
    untouched = Report.objects.create(
        report_type="monthly_performance",
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        status="ready",
        review_state="prepared",
        trigger="schedule",
    ).pk

    try:
        new_apps = migrate(AFTER)
        Report = new_apps.get_model("reports", "Report")
        DepartmentReview = new_apps.get_model("reports", "DepartmentReview")
        ReportTransition = new_apps.get_model("reports", "ReportTransition")

        review = DepartmentReview.objects.get(report_id=awaiting_secretary)
        assert (review.department, review.reviewer_id) == ("crm", crm_manager.pk)
        assert (review.weaknesses, review.follow_up_notes) == ("ضعف 7", "متابعة 7")
        assert review.reviewed_at == reviewed_at
        report = Report.objects.get(pk=awaiting_secretary)
        # Back to the managers: the centres-affairs review is still to come.
        assert report.review_state == "prepared"
        assert report.decision_due_at is None and report.reviewed_at is None
        step = ReportTransition.objects.get(report_id=awaiting_secretary)
        assert (step.source, step.target, step.actor_id) == ("reviewed", "prepared", None)

        review = DepartmentReview.objects.get(report_id=decided)
        assert (review.department, review.reviewer_id) == ("centres", centres_manager.pk)
        assert Report.objects.get(pk=decided).review_state == "decided"
        assert not DepartmentReview.objects.filter(report_id=untouched).exists()
        assert Report.objects.get(pk=untouched).review_state == "prepared"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
