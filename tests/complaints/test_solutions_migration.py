"""The quality officer's free-text proposed solutions, written before solutions had a plan,
an owner and a due date (issue 10 item 5), become each group's first structured solution:
no text is lost."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from association import roles
from tests.helpers import user_with

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("complaints", "0005_weekly_register_reviews")]
AFTER = [("complaints", "0006_proposed_solutions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_free_text_solutions_become_the_first_structured_solution():
    quality = user_with(roles.QUALITY_OFFICER, "old_quality")
    old_apps = migrate(BEFORE)
    Review = old_apps.get_model("complaints", "RecurringGroupReview")
    written = timezone.now() - datetime.timedelta(days=40)
    with_text = Review.objects.create(
        group_key="tx:تاخر",
        label="تأخر",
        root_causes="تأخر المورد",
        proposed_solutions="التعاقد مع مورد بديل\nوإرسال رسالة بالموعد",
        updated_by_id=quality.pk,
    )
    Review.objects.filter(pk=with_text.pk).update(updated_at=written)
    without = Review.objects.create(
        group_key="tx:نقص", label="نقص", root_causes="نقص", updated_by_id=quality.pk
    )
    try:
        new_apps = migrate(AFTER)
        Solution = new_apps.get_model("complaints", "ProposedSolution")
        [solution] = Solution.objects.filter(review_id=with_text.pk)
        assert solution.text == "التعاقد مع مورد بديل\nوإرسال رسالة بالموعد"
        assert solution.implementation_plan == ""
        assert solution.owner_id is None and solution.due_date is None
        assert solution.status == "not_started"
        assert solution.created_by_id == quality.pk
        assert solution.created_at == written
        assert not Solution.objects.filter(review_id=without.pk).exists()
        # The free text itself stays on the review (and in its history).
        Review = new_apps.get_model("complaints", "RecurringGroupReview")
        assert Review.objects.get(pk=with_text.pk).proposed_solutions.startswith("التعاقد")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
