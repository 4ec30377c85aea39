"""Real concurrency on PostgreSQL: the CRM manager and the owner act on the same problem at
the same instant. One wins; the other reads a clear message, and no step is taken twice."""

import pytest
from django.db import connection
from django.utils import timezone, translation

from opportunities import problems
from opportunities.models import DonorProblem, ProblemAction, ProblemTransition
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


@pytest.fixture
def problem(people, donors):
    return problems.problem_raise(
        actor=people["manager"],
        donor=donors["free"],
        kind="late_payment",
        severity="high",
        title="تأخر السداد",
        description="لم تصل الدفعة",
        owner=people["resources"],
    )


def in_arabic(message):
    """The threads run in the site's language: the loser reads the Arabic message."""
    with translation.override("ar"):
        return translation.gettext(message)


def one_wins(outcomes):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, problems.ProblemError), error
    return str(error)


def fresh(pk):
    return DonorProblem.objects.get(pk=pk)


def test_two_first_actions_at_once_are_both_kept_and_start_the_handling_once(people, problem):
    outcomes = run_together(
        lambda: problems.problem_add_action(
            problem=fresh(problem.pk),
            actor=people["manager"],
            action_date=timezone.localdate(),
            text="اتصال المدير",
        ),
        lambda: problems.problem_add_action(
            problem=fresh(problem.pk),
            actor=people["resources"],
            action_date=timezone.localdate(),
            text="اتصال المالك",
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert ProblemTransition.objects.filter(problem=problem, target="in_progress").count() == 1
    assert ProblemAction.objects.filter(problem=problem).count() == 2


def test_two_resolutions_at_once_close_it_once(people, problem):
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="x"
    )
    outcomes = run_together(
        lambda: problems.problem_resolve(
            problem=fresh(problem.pk), actor=people["manager"], resolution="حل المدير"
        ),
        lambda: problems.problem_resolve(
            problem=fresh(problem.pk), actor=people["resources"], resolution="حل المالك"
        ),
    )
    assert one_wins(outcomes) == in_arabic("This problem is resolved: it can no longer change.")
    assert ProblemTransition.objects.filter(problem=problem, target="resolved").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_no_action_is_added_after_the_resolution(people, problem, attempt):
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="x"
    )
    outcomes = run_together(
        lambda: problems.problem_resolve(
            problem=fresh(problem.pk), actor=people["manager"], resolution="تم"
        ),
        lambda: problems.problem_add_action(
            problem=fresh(problem.pk),
            actor=people["resources"],
            action_date=timezone.localdate(),
            text="متابعة",
        ),
    )
    resolved = fresh(problem.pk)
    assert resolved.state == "resolved"
    late_actions = ProblemAction.objects.filter(
        problem=problem, created_at__gt=resolved.resolved_at
    )
    assert not late_actions.exists()
    action_outcome = outcomes[1]
    if action_outcome[0] == "error":
        assert str(action_outcome[1]) == in_arabic(
            "This problem is resolved: it can no longer change."
        )
        assert ProblemAction.objects.filter(problem=problem).count() == 1
    else:
        assert ProblemAction.objects.filter(problem=problem).count() == 2
