"""How far each programme is funded: pledges of opportunities in closing or successful,
donations received, and the gap; and who funded it."""

import datetime
from decimal import Decimal

import pytest

from finance.models import Donation
from opportunities.models import Opportunity
from programmes import selectors
from programmes.models import Programme

from .conftest import make_donor, make_programme

pytestmark = pytest.mark.django_db

_receipts = iter(range(1, 100000))


def opportunity(programme, owner, state="identification", pledged=None, expected="0"):
    created = Opportunity.objects.create(
        title=f"فرصة {programme.code}",
        programme=programme,
        owner=owner,
        expected_amount=Decimal(expected),
    )
    # The state is protected (django-fsm): tests put it where they need it directly.
    Opportunity.objects.filter(pk=created.pk).update(state=state, pledged_amount=pledged)
    return created


def donation(programme, amount, donor=None, received_on=datetime.date(2026, 3, 1)):
    return Donation.objects.create(
        receipt_number=f"R-{next(_receipts)}",
        received_on=received_on,
        amount=Decimal(amount),
        donor=donor,
        programme=programme,
    )


def funded(programme):
    return selectors.programmes_with_funding().get(pk=programme.pk)


def test_pledged_counts_only_closing_and_successful_opportunities(people):
    programme = make_programme(budget=Decimal("100000"))
    owner = people["staff"]
    opportunity(programme, owner, "closing", Decimal("30000"))
    opportunity(programme, owner, "successful", Decimal("20000.50"))
    opportunity(programme, owner, "follow_up", Decimal("99999"))
    opportunity(programme, owner, "cancelled", Decimal("88888"))
    opportunity(programme, owner, "identification", None)
    opportunity(programme, owner, "closing", None)  # a pledge without an amount adds nothing
    assert funded(programme).pledged == Decimal("50000.50")


def test_received_sums_donations_and_gap_is_budget_minus_received(people):
    programme = make_programme(budget=Decimal("100000"))
    donation(programme, "25000")
    donation(programme, "5000.25", donor=make_donor())
    other = make_programme(code="PRG-OTHER")
    donation(other, "777")
    row = funded(programme)
    assert row.received == Decimal("30000.25")
    assert row.gap == Decimal("69999.75")
    funding = selectors.funding_of(row)
    assert funding.received_percent == 30
    assert not funding.fully_funded


def test_two_sums_do_not_multiply_each_others_rows(people):
    """Three opportunities and two donations: a join would count each donation three times
    and each pledge twice."""
    programme = make_programme(budget=Decimal("1000"))
    for _n in range(3):
        opportunity(programme, people["staff"], "successful", Decimal("100"))
    donation(programme, "10")
    donation(programme, "20")
    row = funded(programme)
    assert (row.pledged, row.received) == (Decimal("300"), Decimal("30"))
    assert Programme.objects.count() == selectors.programmes_with_funding().count() == 1


def test_a_programme_without_money_has_zeros_not_nulls():
    programme = make_programme(budget=Decimal("5000"))
    row = funded(programme)
    assert (row.pledged, row.received, row.gap) == (Decimal("0"), Decimal("0"), Decimal("5000"))


def test_the_gap_is_never_negative_and_over_funding_reads_fully_funded():
    programme = make_programme(budget=Decimal("1000"))
    donation(programme, "1500")
    row = funded(programme)
    assert row.gap == Decimal("0")
    funding = selectors.funding_of(row)
    assert funding.fully_funded
    assert funding.received_percent == 100


def test_a_programme_without_budget_is_not_fully_funded():
    funding = selectors.funding_of(funded(make_programme(budget=Decimal("0"))))
    assert not funding.has_budget
    assert not funding.fully_funded
    assert funding.received_percent == 0


def test_the_annotation_is_one_query(django_assert_num_queries, people):
    for n in range(5):
        programme = make_programme(code=f"PRG-{n}")
        opportunity(programme, people["staff"], "closing", Decimal("10"))
        donation(programme, "5")
    with django_assert_num_queries(1):
        rows = list(selectors.programmes_with_funding())
    assert [row.received for row in rows] == [Decimal("5")] * 5


def test_portfolio_totals_add_up_the_filtered_programmes():
    first = make_programme(code="A", budget=Decimal("1000"))
    second = make_programme(code="B", budget=Decimal("500"))
    donation(first, "1200")
    donation(second, "100")
    totals = selectors.portfolio_totals(selectors.programmes_with_funding())
    assert (totals.budget, totals.received) == (Decimal("1500"), Decimal("1300"))
    only_b = selectors.portfolio_totals(selectors.programmes_with_funding().filter(code="B"))
    assert only_b.received == Decimal("100")


def test_funders_are_grouped_by_donor_with_total_and_last_date():
    programme = make_programme()
    other = make_programme(code="PRG-OTHER")
    big, small = make_donor("مؤسسة كبرى"), make_donor("متبرع فرد")
    donation(programme, "1000", big, datetime.date(2026, 1, 10))
    donation(programme, "4000", big, datetime.date(2026, 2, 20))
    donation(programme, "300", small, datetime.date(2026, 3, 5))
    donation(other, "90000", small, datetime.date(2026, 4, 1))  # another programme's money
    donation(programme, "50")  # donor not matched yet: not a funder

    funders = selectors.programme_funders(programme, 10)

    assert [(funder.name, funder.total, funder.donation_count) for funder in funders] == [
        ("مؤسسة كبرى", Decimal("5000"), 2),
        ("متبرع فرد", Decimal("300"), 1),
    ]
    assert funders[0].last_donation == datetime.date(2026, 2, 20)
    assert funders[1].last_donation == datetime.date(2026, 3, 5)


def test_the_cached_funders_follow_donations_donors_and_writes_without_signals():
    """The funders are cached (programmes.funding.FUNDERS_TOPIC): a donation saved or
    deleted, a donor renamed, or a bulk write that calls renew(RECEIVED) shows at once."""
    from programmes import funding

    programme = make_programme()
    donor = make_donor("مؤسسة كبرى")
    first = donation(programme, "1000", donor)
    assert [(f.name, f.total) for f in selectors.programme_funders(programme, 10)] == [
        ("مؤسسة كبرى", Decimal("1000"))
    ]
    donation(programme, "500", donor)
    assert selectors.programme_funders(programme, 10)[0].total == Decimal("1500")
    donor.name = "مؤسسة الخير"
    donor.save()
    assert selectors.programme_funders(programme, 10)[0].name == "مؤسسة الخير"
    first.delete()
    assert selectors.programme_funders(programme, 10)[0].total == Decimal("500")
    Donation.objects.filter(programme=programme).update(amount=Decimal("7"))
    assert selectors.programme_funders(programme, 10)[0].total == Decimal("500")  # no signal
    funding.renew(funding.RECEIVED)
    assert selectors.programme_funders(programme, 10)[0].total == Decimal("7")
    other = make_donor("متبرع فرد")
    donation(programme, "9", other)
    assert [f.name for f in selectors.programme_funders(programme, 1)] == ["متبرع فرد"]


def test_search_folds_arabic_spelling_and_matches_codes():
    make_programme(code="EDU-١٠", name="مبادرة القراءة")
    make_programme(code="HEA-20", name="برنامج الصحة")
    search = selectors.search_programmes
    assert [p.code for p in search(Programme.objects.all(), "مبادره")] == ["EDU-١٠"]
    assert [p.code for p in search(Programme.objects.all(), "hea")] == ["HEA-20"]
    assert search(Programme.objects.all(), "").count() == 2


def test_without_a_registered_source_a_programme_counts_zero(monkeypatch, people):
    """programmes.funding: the apps above programmes register what they count; nothing
    registered is zero, not an error (an app not installed, a test of programmes alone)."""
    from programmes import funding

    programme = make_programme(budget=Decimal("1000"))
    donation(programme, "400")
    opportunity(programme, people["staff"], "closing", Decimal("700"))
    monkeypatch.setattr(funding, "_sources", {})
    monkeypatch.setattr(funding, "_funders", [])

    row = funded(programme)
    assert (row.pledged, row.received, row.gap) == (Decimal("0"), Decimal("0"), Decimal("1000"))
    totals = selectors.portfolio_totals(Programme.objects.filter(pk=programme.pk))
    assert (totals.pledged, totals.received) == (Decimal("0"), Decimal("0"))
    assert selectors.programme_funders(programme, 10) == []
