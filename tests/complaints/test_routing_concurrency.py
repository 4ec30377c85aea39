"""Real concurrency on PostgreSQL for referrals and customer matches: two connections act
on the same case at the same instant; one wins, the other gets a clear refusal."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from complaints import services
from complaints.models import Case, CaseEvent, CaseRoute, CaseState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from .conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def test_two_referrals_at_once_one_wins(people, places):
    case = register(people["crm"], None, contact_name="س", contact_kind="other")

    def refer_to(centre, actor):
        return lambda: services.case_refer(
            case=Case.objects.get(pk=case.pk),
            actor=actor,
            department=CaseRoute.CENTRES,
            centre=centre,
            note="إحالة",
        )

    outcomes = run_together(
        refer_to(places["mine"], people["crm"]), refer_to(places["other"], people["crm_manager"])
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.CaseError | PermissionDenied)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_referral_and_a_step_at_once_keep_both(people, places):
    case = register(people["crm"], None, contact_name="س", contact_kind="other")

    def refer():
        return services.case_refer(
            case=Case.objects.get(pk=case.pk),
            actor=people["crm"],
            department=CaseRoute.CENTRES,
            centre=places["mine"],
            note="إحالة",
        )

    def promise():
        return services.case_promise_callback(
            case=Case.objects.get(pk=case.pk), actor=people["crm_manager"]
        )

    outcomes = run_together(refer, promise)
    case.refresh_from_db()
    kinds = [kind for kind, _ in outcomes]
    if kinds[0] == "ok":
        assert case.routed_to == CaseRoute.CENTRES
    if kinds[1] == "ok":
        assert case.state == CaseState.CALLBACK_PROMISED
    assert "ok" in kinds
