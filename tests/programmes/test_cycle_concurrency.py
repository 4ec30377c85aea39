"""Real concurrency on PostgreSQL: two people act on the same portfolio cycle or proposal at
the same instant, each in their own connection. One wins; the other reads a clear message."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from core.workflow import CONFLICT_MESSAGE
from customers.models import Customer
from opportunities.models import DonorInterest, Opportunity
from programmes import cycles, proposals
from programmes.models import (
    CycleHalf,
    CycleProgramme,
    PortfolioCycle,
    PortfolioCycleTransition,
    ProgrammeProposal,
    ProposalTransition,
)
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.helpers import user_with

from .conftest import make_programme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("in_english"),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


@pytest.fixture
def two_managers(people):
    from association import roles

    return people["manager"], user_with(roles.CRM_MANAGER, "manager2")


def in_arabic(message):
    """The threads run in the site's language: the loser reads the Arabic message."""
    with translation.override("ar"):
        return translation.gettext(message)


def one_wins(outcomes, error_class):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, error_class), error
    return str(error)


def hand_over(people, programme, half=CycleHalf.FIRST_HALF):
    return cycles.cycle_hand_over(
        actor=people["planning"],
        year=2027,
        half=half,
        programmes=[programme],
        received_on=timezone.localdate(),
    )


def test_two_handovers_of_overlapping_periods_at_once(people, category):
    programme = make_programme(category=category)
    outcomes = run_together(
        lambda: hand_over(people, programme, CycleHalf.FIRST_HALF),
        lambda: hand_over(people, programme, CycleHalf.WHOLE_YEAR),
    )
    message = one_wins(outcomes, cycles.CycleError)
    assert message in (
        in_arabic("The portfolio of this period was just handed over by someone else."),
        # The loser may also start after the winner committed.
        in_arabic("The portfolio of %(period)s was already handed over.")
        % {"period": PortfolioCycle.objects.get().period_label},
    )
    assert PortfolioCycle.objects.count() == 1
    assert PortfolioCycleTransition.objects.count() == 1


def test_two_managers_review_the_same_cycle_at_once(people, category, two_managers):
    pk = hand_over(people, make_programme(category=category)).pk
    outcomes = run_together(
        *(
            lambda manager=manager: cycles.cycle_review(
                cycle=PortfolioCycle.objects.get(pk=pk), actor=manager, notes=manager.username
            )
            for manager in two_managers
        )
    )
    message = one_wins(outcomes, cycles.CycleError)
    assert message in (
        in_arabic(CONFLICT_MESSAGE),
        in_arabic(
            "This portfolio cycle is no longer at this step. Reload the page to see its status."
        ),
    )
    assert PortfolioCycleTransition.objects.filter(cycle_id=pk, target="reviewed").count() == 1


def test_two_clicks_seed_one_opportunity(people, category, two_managers):
    programme = make_programme(category=category)
    donor = Customer.objects.create(code=700500, name="مؤسسة الخير", kind="donor")
    DonorInterest.objects.create(donor=donor, category=category, recorded_by=people["staff"])
    cycle = hand_over(people, programme)
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="تمت")
    entry = CycleProgramme.objects.get(cycle=cycle)
    cycles.cycle_set_donors(cycle=cycle, entry=entry, actor=people["manager"], donors=[donor])
    outcomes = run_together(
        *(
            lambda manager=manager: cycles.cycle_seed_opportunity(
                cycle=PortfolioCycle.objects.get(pk=cycle.pk),
                entry=CycleProgramme.objects.get(pk=entry.pk),
                actor=manager,
                title="تمويل",
                expected_amount=Decimal("1000"),
            )
            for manager in two_managers
        )
    )
    assert one_wins(outcomes, cycles.CycleError) == in_arabic(
        "An opportunity was already created for this programme."
    )
    assert Opportunity.objects.count() == 1


def test_planning_answers_a_proposal_once(people, category):
    from association import roles

    donor = Customer.objects.create(code=700501, name="مؤسسة الخير", kind="donor")
    proposal = proposals.proposal_submit(
        actor=people["staff"],
        title="برنامج",
        category=category,
        description="وصف",
        reason="سبب",
        donors=[donor],
    )
    second_planner = user_with(roles.PLANNING_DIRECTOR, "planning2")
    outcomes = run_together(
        lambda: proposals.proposal_answer(
            proposal=ProgrammeProposal.objects.get(pk=proposal.pk),
            actor=people["planning"],
            answer="accept",
        ),
        lambda: proposals.proposal_answer(
            proposal=ProgrammeProposal.objects.get(pk=proposal.pk),
            actor=second_planner,
            answer="refuse",
            note="لا",
        ),
    )
    one_wins(outcomes, proposals.ProposalError)
    assert ProposalTransition.objects.filter(proposal=proposal).count() == 2
