"""Real concurrency on PostgreSQL: two connections act on the same case at the same
instant."""

import pytest
from django.db import connection

from complaints import services
from complaints.models import Case, CaseState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from .conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def test_concurrent_answer_and_study_one_wins(people, customers):
    case = register(people["crm"], customers["donor"])

    def answer():
        return services.case_answer_immediately(
            case=Case.objects.get(pk=case.pk), actor=people["crm"], answer="تم"
        )

    def study():
        return services.case_start_study(
            case=Case.objects.get(pk=case.pk),
            actor=people["crm_manager"],
            causes="سبب",
            assignee=people["crm"],
        )

    outcomes = run_together(answer, study)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.CaseError)
    case.refresh_from_db()
    assert case.state in (CaseState.REPLIED, CaseState.UNDER_STUDY)
    assert case.transitions.count() == 1


def test_double_click_on_close_closes_once(people, customers):
    case = register(people["crm"], customers["donor"])
    services.case_answer_immediately(case=case, actor=people["crm"], answer="تم")

    def close():
        return services.case_close(case=Case.objects.get(pk=case.pk), actor=people["crm"])

    outcomes = run_together(close, close)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.transitions.filter(target=CaseState.CLOSED).count() == 1
