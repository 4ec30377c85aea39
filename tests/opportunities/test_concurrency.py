"""Real concurrency on PostgreSQL: two managers act on the same opportunity or contact at the
same instant, each in their own connection. One wins; the other reads a clear message."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from core.workflow import CONFLICT_MESSAGE
from opportunities import services
from opportunities.models import (
    ContactApproval,
    ContactApprovalStep,
    DonorContact,
    Opportunity,
    OpportunityState,
    OpportunityTransition,
    ProbabilityChange,
)
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from .conftest import contacted, new_opportunity, pdf_upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english", "media_root"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def one_wins(outcomes):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.RequestError), error
    return str(error)


def fresh(pk):
    return Opportunity.objects.get(pk=pk)


def contacted_opportunity(people, programme, donors):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    return opportunity


def test_two_managers_start_follow_up_at_once(people, donors, programme):
    pk = contacted_opportunity(people, programme, donors).pk
    outcomes = run_together(
        lambda: services.opportunity_start_follow_up(
            opportunity=fresh(pk), actor=people["manager"]
        ),
        lambda: services.opportunity_start_follow_up(
            opportunity=fresh(pk), actor=people["manager2"]
        ),
    )
    message = one_wins(outcomes)
    # The loser either collided with the winner's save or started after it committed.
    assert message in (
        in_arabic(CONFLICT_MESSAGE),
        in_arabic(
            "This opportunity is no longer at this stage. Reload the page to see its status."
        ),
    )
    assert fresh(pk).state == OpportunityState.FOLLOW_UP
    assert OpportunityTransition.objects.filter(opportunity_id=pk).count() == 1


def test_cancel_and_close_at_once_leave_one_outcome_and_no_orphan_file(
    people, donors, programme, media_root
):
    opportunity = contacted_opportunity(people, programme, donors)
    services.opportunity_start_follow_up(opportunity=opportunity, actor=people["manager"])
    pk = opportunity.pk

    def close():
        return services.opportunity_close_with_pledge(
            opportunity=fresh(pk),
            actor=people["manager"],
            pledge_donor=donors["free"],
            pledged_amount=Decimal("1000"),
            pledge_date=timezone.localdate(),
            pledge_file=pdf_upload(),
        )

    def cancel():
        return services.opportunity_cancel(
            opportunity=fresh(pk), actor=people["manager2"], reason="اعتذر المانح"
        )

    one_wins(run_together(close, cancel))
    final = fresh(pk)
    assert final.state in (OpportunityState.CLOSING, OpportunityState.CANCELLED)
    assert OpportunityTransition.objects.filter(opportunity_id=pk).count() == 2  # + follow-up
    stored = [path for path in media_root.rglob("*") if path.is_file()]
    assert len(stored) == (1 if final.state == OpportunityState.CLOSING else 0)


def test_two_decisions_on_one_contact_at_once(people, donors, programme):
    """Two CRM managers decide the CRM manager's part at the same moment: one wins."""
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    pk = contacted(opportunity, people["resources"], donors["with_point"]).pk

    def decide(actor, approve):
        return lambda: services.donor_contact_decide(
            contact=DonorContact.objects.get(pk=pk), actor=actor, approve=approve, note="قرار"
        )

    message = one_wins(
        run_together(decide(people["manager"], True), decide(people["manager2"], False))
    )
    assert message in (
        in_arabic("This contact is not awaiting your decision any more. Reload the page."),
        in_arabic(CONFLICT_MESSAGE),
    )
    step = ContactApprovalStep.objects.get(contact_id=pk, party="crm_manager")
    assert step.decision in ("approved", "refused")
    assert DonorContact.objects.get(pk=pk).approval == (
        ContactApproval.PENDING if step.decision == "approved" else ContactApproval.REFUSED
    )


def test_the_last_two_approvals_at_once_approve_the_contact_once(people, donors, programme):
    """Resource development and the secretary approve at the same moment, after the CRM
    manager: both are recorded and the contact is approved (the row lock orders them)."""
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    pk = contacted(opportunity, people["staff2"], donors["with_point"]).pk
    services.donor_contact_decide(
        contact=DonorContact.objects.get(pk=pk), actor=people["manager"], approve=True
    )

    def approve(actor):
        return lambda: services.donor_contact_decide(
            contact=DonorContact.objects.get(pk=pk), actor=actor, approve=True
        )

    outcomes = run_together(approve(people["resources"]), approve(people["secretary"]))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert DonorContact.objects.get(pk=pk).approval == ContactApproval.APPROVED
    assert set(
        ContactApprovalStep.objects.filter(contact_id=pk).values_list("decision", flat=True)
    ) == {"approved"}


def test_two_probability_reviews_at_once_chain_their_from_values(people, programme):
    pk = new_opportunity(people, programme).pk

    def review(actor, probability):
        return lambda: services.opportunity_update_probability(
            opportunity=fresh(pk), actor=actor, probability=probability, success_factors=""
        )

    outcomes = run_together(review(people["staff"], 60), review(people["manager"], 80))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    changes = list(ProbabilityChange.objects.order_by("pk"))
    # Each review saw the value the other left: no change is lost from the history.
    assert changes[0].old_probability == 40
    assert changes[1].old_probability == changes[0].new_probability
    assert fresh(pk).probability == changes[1].new_probability


def in_arabic(message):
    """Worker threads speak the default language, Arabic."""
    with translation.override("ar"):
        return translation.gettext(message)
