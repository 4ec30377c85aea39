"""Portfolio cycles (procedure "خلق الفرص" steps 1-2): strategic planning hands the
portfolio of a year or half-year over, the CRM manager reviews it and identifies the potential
donors of each programme, who can then seed an opportunity. The services, the periods and
what appears on "عملي"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.mywork import work_sections_for
from customers.models import Customer
from opportunities.models import DonorInterest, Opportunity, PotentialDonor
from programmes import cycles
from programmes.models import (
    CycleDonor,
    CycleHalf,
    CycleProgramme,
    CycleState,
    PortfolioCycle,
    PortfolioCycleTransition,
)

from .conftest import make_donor, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TODAY = timezone.localdate


@pytest.fixture
def programmes(category):
    return [
        make_programme("EDU-1", "برنامج محو الأمية", category=category, portfolio_year=2027),
        make_programme("EDU-2", "برنامج الحاسب للأسر", category=category, portfolio_year=2027),
    ]


@pytest.fixture
def interested(people, category):
    """Two active donors interested in education, one archived, one not interested."""
    donors = {
        "khair": make_donor("مؤسسة الخير"),
        "wafa": make_donor("شركة الوفاء"),
        "archived": make_donor("مانح مؤرشف", is_active=False),
        "other": make_donor("مانح آخر"),
    }
    for key in ("khair", "wafa", "archived"):
        DonorInterest.objects.create(
            donor=donors[key], category=category, recorded_by=people["staff"]
        )
    return donors


def hand_over(people, programmes, year=2027, half=CycleHalf.FIRST_HALF, **values):
    return cycles.cycle_hand_over(
        actor=values.pop("actor", people["planning"]),
        year=year,
        half=half,
        programmes=programmes,
        received_on=values.pop("received_on", TODAY()),
        note=values.pop("note", "محفظة النصف الأول"),
    )


def reviewed(people, programmes, **values):
    cycle = hand_over(people, programmes, **values)
    return cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="راجعنا المحفظة")


def entry_of(cycle, programme):
    return CycleProgramme.objects.get(cycle=cycle, programme=programme)


# --- periods ------------------------------------------------------------------------------


def test_periods_start_and_end_in_gregorian_with_the_hijri_span_on_the_page():
    first = cycles.Period(2027, CycleHalf.FIRST_HALF)
    assert (first.start, first.end) == (datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))
    second = first.following()
    assert (second.start, second.end) == (datetime.date(2027, 7, 1), datetime.date(2027, 12, 31))
    assert second.following() == cycles.Period(2028, CycleHalf.FIRST_HALF)
    year = cycles.Period(2027, CycleHalf.WHOLE_YEAR)
    assert (year.start, year.end) == (datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    assert year.following() == cycles.Period(2028, CycleHalf.WHOLE_YEAR)
    assert first.label == "First half of 2027"
    assert year.label == "Year 2027"


def test_the_period_of_a_day_follows_the_configured_cadence(settings):
    day = datetime.date(2027, 8, 15)
    settings.PORTFOLIO_CYCLE_CADENCE = "half_yearly"
    assert cycles.period_of(day) == cycles.Period(2027, CycleHalf.SECOND_HALF)
    settings.PORTFOLIO_CYCLE_CADENCE = "annual"
    assert cycles.period_of(day) == cycles.Period(2027, CycleHalf.WHOLE_YEAR)


def test_the_current_period_is_due_until_handed_over_and_the_next_one_a_month_ahead(
    people, programmes
):
    mid_may = datetime.date(2027, 5, 15)
    assert cycles.periods_due_for_handover(mid_may, "half_yearly") == [
        cycles.Period(2027, CycleHalf.FIRST_HALF)
    ]
    # Within 30 days of 1 July, the second half shows too.
    assert cycles.periods_due_for_handover(datetime.date(2027, 6, 10), "half_yearly") == [
        cycles.Period(2027, CycleHalf.FIRST_HALF),
        cycles.Period(2027, CycleHalf.SECOND_HALF),
    ]
    hand_over(people, programmes, 2027, CycleHalf.FIRST_HALF)
    assert cycles.periods_due_for_handover(mid_may, "half_yearly") == []
    # A whole-year cycle covers both halves.
    hand_over(people, programmes, 2028, CycleHalf.WHOLE_YEAR)
    assert cycles.periods_due_for_handover(datetime.date(2028, 9, 1), "half_yearly") == []
    assert cycles.periods_due_for_handover(datetime.date(2029, 2, 1), "annual") == [
        cycles.Period(2029, CycleHalf.WHOLE_YEAR)
    ]


def test_the_handover_is_due_ten_working_days_after_the_period_starts():
    # 1 July 2027 is a Thursday: ten working days later (Sun-Thu) is Thursday 15 July.
    due = cycles.Period(2027, CycleHalf.SECOND_HALF).handover_due
    assert timezone.localtime(due).date() == datetime.date(2027, 7, 15)


# --- handover -----------------------------------------------------------------------------


def test_planning_hands_a_portfolio_over_with_its_programmes_and_the_date_received(
    people, programmes
):
    received = TODAY() - datetime.timedelta(days=1)
    cycle = hand_over(people, programmes, received_on=received)
    assert cycle.state == CycleState.HANDED_OVER
    assert cycle.received_on == received
    assert cycle.handed_over_by == people["planning"]
    assert set(cycle.programmes.all()) == set(programmes)
    assert cycle.review_due_at > timezone.now()
    step = PortfolioCycleTransition.objects.get(cycle=cycle)
    assert (step.source, step.target, step.actor) == (
        "handed_over",
        "handed_over",
        people["planning"],
    )
    assert step.note == "محفظة النصف الأول"


@pytest.mark.parametrize("who", ["staff", "manager", "quality", "management"])
def test_only_the_planning_director_hands_a_portfolio_over(people, programmes, who):
    with pytest.raises(PermissionDenied):
        hand_over(people, programmes, actor=people[who])
    assert not PortfolioCycle.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"programmes": []}, "Choose the programmes of this portfolio."),
        ({"received_on": None}, "Enter the date the portfolio was received."),
        ({"year": 1999}, "Enter the year of the portfolio (e.g. 2027)."),
        ({"half": 3}, "Choose the period: the whole year or one of its halves."),
    ],
)
def test_a_handover_needs_programmes_a_date_and_a_period(people, programmes, values, message):
    arguments = {
        "actor": people["planning"],
        "year": 2027,
        "half": CycleHalf.FIRST_HALF,
        "programmes": programmes,
        "received_on": TODAY(),
        **values,
    }
    with pytest.raises(cycles.CycleError, match=re.escape(message)):
        cycles.cycle_hand_over(**arguments)
    assert not PortfolioCycle.objects.exists()


def test_the_date_received_cannot_be_in_the_future(people, programmes):
    with pytest.raises(cycles.CycleError, match="cannot be in the future"):
        hand_over(people, programmes, received_on=TODAY() + datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (CycleHalf.FIRST_HALF, CycleHalf.FIRST_HALF),
        (CycleHalf.WHOLE_YEAR, CycleHalf.SECOND_HALF),
        (CycleHalf.SECOND_HALF, CycleHalf.WHOLE_YEAR),
    ],
)
def test_a_period_is_handed_over_once(people, programmes, first, second):
    hand_over(people, programmes, half=first)
    with pytest.raises(cycles.CycleError, match="was already handed over"):
        hand_over(people, programmes, half=second)
    assert PortfolioCycle.objects.count() == 1


def test_both_halves_of_a_year_are_separate_cycles(people, programmes):
    hand_over(people, programmes, half=CycleHalf.FIRST_HALF)
    hand_over(people, programmes, half=CycleHalf.SECOND_HALF)
    assert PortfolioCycle.objects.count() == 2


# --- review -------------------------------------------------------------------------------


def test_the_crm_manager_reviews_with_notes_and_the_step_is_recorded(people, programmes):
    cycle = hand_over(people, programmes)
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="  متوافقة مع الخطة  ")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.REVIEWED
    assert (cycle.reviewed_by, cycle.review_notes) == (people["manager"], "متوافقة مع الخطة")
    assert cycle.identification_due_at > cycle.reviewed_at
    step = cycle.transitions.last()
    assert (step.source, step.target, step.actor) == ("handed_over", "reviewed", people["manager"])


def test_a_review_needs_notes_and_the_crm_managers_right(people, programmes):
    cycle = hand_over(people, programmes)
    with pytest.raises(cycles.CycleError, match="Write the review notes"):
        cycles.cycle_review(cycle=cycle, actor=people["manager"], notes=" ")
    for who in ("staff", "planning"):
        with pytest.raises(PermissionDenied):
            cycles.cycle_review(cycle=cycle, actor=people[who], notes="x")
    cycle.refresh_from_db()
    assert cycle.state == CycleState.HANDED_OVER
    assert cycle.transitions.count() == 1


def test_a_cycle_already_reviewed_gets_a_clear_message(people, programmes):
    cycle = hand_over(people, programmes)
    stale_copy = PortfolioCycle.objects.get(pk=cycle.pk)
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="أولى")
    with pytest.raises(cycles.CycleError, match="no longer at this step"):
        cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="ثانية")
    # The same from a page loaded before the first review (the concurrent-save check).
    with pytest.raises(cycles.CycleError, match="Someone else acted here at the same moment"):
        cycles.cycle_review(cycle=stale_copy, actor=people["manager"], notes="ثالثة")
    cycle.refresh_from_db()
    assert cycle.review_notes == "أولى"
    assert cycle.transitions.count() == 2


# --- potential donors ---------------------------------------------------------------------


def test_donors_are_suggested_from_interests_and_picked_by_hand(people, programmes, interested):
    cycle = reviewed(people, programmes)
    entry = entry_of(cycle, programmes[0])
    assert set(cycles.suggested_donors_for(programmes[0])) == {
        interested["khair"],
        interested["wafa"],
    }
    added, removed = cycles.cycle_set_donors(
        cycle=cycle,
        entry=entry,
        actor=people["manager"],
        donors=[interested["khair"], interested["other"]],
    )
    assert (added, removed) == (2, 0)
    rows = {row.donor: row for row in CycleDonor.objects.filter(cycle_programme=entry)}
    assert rows[interested["khair"]].suggested is True
    assert rows[interested["other"]].suggested is False
    assert rows[interested["khair"]].added_by == people["manager"]
    # Saving the list again adds and removes.
    assert cycles.cycle_set_donors(
        cycle=cycle, entry=entry, actor=people["manager"], donors=[interested["wafa"]]
    ) == (1, 2)
    assert [row.donor for row in entry.donors.all()] == [interested["wafa"]]


def test_archived_donors_and_non_donors_are_refused(people, programmes, interested):
    cycle = reviewed(people, programmes)
    entry = entry_of(cycle, programmes[0])
    beneficiary = Customer.objects.create(code=799999, name="فاطمة", kind="beneficiary")
    with pytest.raises(cycles.CycleError, match="is archived"):
        cycles.cycle_set_donors(
            cycle=cycle, entry=entry, actor=people["manager"], donors=[interested["archived"]]
        )
    with pytest.raises(cycles.CycleError, match="is not a donor"):
        cycles.cycle_set_donors(
            cycle=cycle, entry=entry, actor=people["manager"], donors=[beneficiary]
        )
    assert not CycleDonor.objects.exists()


def test_donors_are_chosen_only_between_review_and_identification(people, programmes, interested):
    cycle = hand_over(people, programmes)
    entry = entry_of(cycle, programmes[0])
    with pytest.raises(cycles.CycleError, match="once the portfolio is reviewed"):
        cycles.cycle_set_donors(
            cycle=cycle, entry=entry, actor=people["manager"], donors=[interested["khair"]]
        )
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="تمت")
    cycles.cycle_set_donors(
        cycle=cycle, entry=entry, actor=people["manager"], donors=[interested["khair"]]
    )
    cycles.cycle_identify_donors(cycle=cycle, actor=people["manager"], note="الثاني لاحقاً")
    with pytest.raises(cycles.CycleError, match="once the portfolio is reviewed"):
        cycles.cycle_set_donors(cycle=cycle, entry=entry, actor=people["manager"], donors=[])
    assert CycleDonor.objects.count() == 1


def test_only_the_crm_manager_chooses_donors(people, programmes, interested):
    cycle = reviewed(people, programmes)
    entry = entry_of(cycle, programmes[0])
    for who in ("staff", "planning", "management"):
        with pytest.raises(PermissionDenied):
            cycles.cycle_set_donors(
                cycle=cycle, entry=entry, actor=people[who], donors=[interested["khair"]]
            )
    assert not CycleDonor.objects.exists()


def test_identification_needs_a_donor_and_a_note_for_programmes_left_without(
    people, programmes, interested
):
    cycle = reviewed(people, programmes)
    with pytest.raises(cycles.CycleError, match="at least one programme first"):
        cycles.cycle_identify_donors(cycle=cycle, actor=people["manager"])
    cycles.cycle_set_donors(
        cycle=cycle,
        entry=entry_of(cycle, programmes[0]),
        actor=people["manager"],
        donors=[interested["khair"]],
    )
    with pytest.raises(cycles.CycleError, match="EDU-2. Write a note saying why"):
        cycles.cycle_identify_donors(cycle=cycle, actor=people["manager"])
    cycle.refresh_from_db()
    assert cycle.state == CycleState.REVIEWED
    cycles.cycle_identify_donors(
        cycle=cycle, actor=people["manager"], note="برنامج الحاسب بلا مانح مهتم حالياً"
    )
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DONORS_IDENTIFIED
    assert cycle.donors_identified_by == people["manager"]
    assert [step.target for step in cycle.transitions.all()] == [
        "handed_over",
        "reviewed",
        "donors_identified",
    ]


# --- seeding opportunities ----------------------------------------------------------------


def test_the_donors_of_a_programme_seed_an_opportunity_once(people, programmes, interested):
    cycle = reviewed(people, programmes)
    entry = entry_of(cycle, programmes[0])
    cycles.cycle_set_donors(
        cycle=cycle,
        entry=entry,
        actor=people["manager"],
        donors=[interested["khair"], interested["other"]],
    )
    opportunity = cycles.cycle_seed_opportunity(
        cycle=cycle,
        entry=entry,
        actor=people["staff"],
        title="تمويل محو الأمية",
        expected_amount=Decimal("90000"),
    )
    assert opportunity.programme == programmes[0]
    assert opportunity.owner == people["staff"]
    assert {row.donor: row.suggested for row in PotentialDonor.objects.all()} == {
        interested["khair"]: True,
        interested["other"]: False,
    }
    entry.refresh_from_db()
    assert entry.opportunity == opportunity
    with pytest.raises(cycles.CycleError, match="already created"):
        cycles.cycle_seed_opportunity(
            cycle=cycle,
            entry=entry,
            actor=people["manager"],
            title="مرة ثانية",
            expected_amount=Decimal("1"),
        )
    assert Opportunity.objects.count() == 1


def test_a_programme_without_donors_or_a_cycle_not_reviewed_seeds_nothing(
    people, programmes, interested
):
    cycle = hand_over(people, programmes)
    entry = entry_of(cycle, programmes[0])
    with pytest.raises(cycles.CycleError, match="Review the portfolio"):
        cycles.cycle_seed_opportunity(
            cycle=cycle, entry=entry, actor=people["manager"], title="x", expected_amount=1
        )
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="تمت")
    with pytest.raises(cycles.CycleError, match="Choose the potential donors"):
        cycles.cycle_seed_opportunity(
            cycle=cycle, entry=entry, actor=people["manager"], title="x", expected_amount=1
        )
    with pytest.raises(PermissionDenied):
        cycles.cycle_seed_opportunity(
            cycle=cycle, entry=entry, actor=people["planning"], title="x", expected_amount=1
        )
    assert not Opportunity.objects.exists()


# --- "عملي" -------------------------------------------------------------------------------


def titles(user, title):
    section = next((s for s in work_sections_for(user) if s.title == title), None)
    return [item.title for item in section.items] if section else None


TO_HAND_OVER = "Programmes portfolio to hand over to the CRM manager"
TO_REVIEW = "Programmes portfolio to review"


def test_the_planning_director_sees_the_portfolio_due_until_handed_over(
    people, programmes, settings
):
    settings.PORTFOLIO_CYCLE_CADENCE = "annual"
    year = TODAY().year
    assert titles(people["planning"], TO_HAND_OVER)[0] == f"Portfolio of Year {year}"
    assert titles(people["manager"], TO_HAND_OVER) is None
    section = next(s for s in work_sections_for(people["planning"]) if s.title == TO_HAND_OVER)
    assert section.items[0].url == (f"{reverse('programmes:cycle_handover')}?year={year}&half=0")
    hand_over(people, programmes, year=year, half=CycleHalf.WHOLE_YEAR)
    remaining = titles(people["planning"], TO_HAND_OVER) or []
    assert f"Portfolio of Year {year}" not in remaining


def test_the_crm_manager_sees_cycles_to_review_then_to_identify(people, programmes):
    cycle = hand_over(people, programmes)
    assert titles(people["manager"], TO_REVIEW) == ["Review the portfolio of First half of 2027"]
    assert titles(people["staff"], TO_REVIEW) is None
    assert titles(people["planning"], TO_REVIEW) is None
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="تمت")
    assert titles(people["manager"], TO_REVIEW) == [
        "Identify the potential donors of First half of 2027"
    ]


def test_a_review_past_its_deadline_is_overdue_on_my_work(people, programmes):
    cycle = hand_over(people, programmes)
    PortfolioCycle.objects.filter(pk=cycle.pk).update(
        review_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    section = next(s for s in work_sections_for(people["manager"]) if s.title == TO_REVIEW)
    assert section.items[0].is_overdue
    assert section.overdue_count == 1
