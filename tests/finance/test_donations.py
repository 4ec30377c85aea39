"""Donations from the finance system (manual 6.1.7) once recorded: matched by hand, listed
with their totals, summed per donor and programme, and shown on the donor's profile."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from association import roles
from customers.models import Customer
from finance import selectors, services
from tests.concurrency import run_together
from tests.helpers import user_with

from .conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- matching by hand -----------------------------------------------------------------


def test_matching_needs_the_change_permission(staff, donor, programme):
    donation = record("R-1")
    with pytest.raises(PermissionDenied):
        services.donation_match(donation=donation, donor=donor, programme=programme, actor=staff)


def test_the_unmatched_page_matches_a_donation(client, manager, donor, programme):
    donation = record("R-1", donor_code_as_imported="D-77", programme_code_as_imported="prg-1")
    client.force_login(manager)

    page = client.get(reverse("finance:donations_unmatched"))
    assert page.status_code == 200
    [(row_donation, donor_field, programme_id, options, undone)] = page.context["rows"]
    assert (row_donation, programme_id, undone) == (donation, programme.pk, [])  # guessed
    assert f'<option value="{programme.pk}" selected>' in options
    assert donor_field.value() == ""  # "D-77" is no customer code: the lookup starts empty
    assert "D-77" in page.content.decode()

    response = client.post(
        reverse("finance:donation_match", args=[donation.pk]),
        {"donor_code": "١٠٠٢٣٤", "programme": programme.pk, "page": "1"},
    )

    assert response.status_code == 302
    assert response.url == reverse("finance:donations_unmatched") + "?page=1"
    donation.refresh_from_db()
    assert (donation.donor, donation.programme, donation.matched_by) == (donor, programme, manager)


def test_the_match_message_isolates_the_receipt_the_donor_and_the_programme(
    client, manager, programme
):
    latin = Customer.objects.create(code=100300, name="John & Sons <Ltd>", kind="donor")
    donation = record("R-1")
    client.force_login(manager)

    response = client.post(
        reverse("finance:donation_match", args=[donation.pk]),
        {"donor_code": "100300", "programme": programme.pk},
        follow=True,
    )

    content = response.content.decode()
    assert (
        "Donation <bdi>R-1</bdi> is now recorded for <bdi>John &amp; Sons &lt;Ltd&gt;</bdi>, "
        "programme <bdi>PRG-1 · كفالة الأيتام</bdi>."
    ) in content
    assert "<Ltd>" not in content
    donation.refresh_from_db()
    assert donation.donor == latin


def test_an_unknown_customer_code_is_refused_with_a_message(client, manager, programme):
    donation = record("R-1", donor_code_as_imported="5")
    client.force_login(manager)

    response = client.post(
        reverse("finance:donation_match", args=[donation.pk]),
        {"donor_code": "424242", "programme": programme.pk},
        follow=True,
    )

    assert "No customer has the code 424242." in response.content.decode()
    donation.refresh_from_db()
    assert donation.donor is None and donation.matched_by is None


# --- the list -------------------------------------------------------------------------


@pytest.fixture
def list_data(donor, other_donor, programme, other_programme):
    record("L-1", "100.00", "2023-05-01", donor=donor, programme=programme)
    record("L-2", "250.50", "2024-02-01", donor=donor, programme=programme)
    record("L-3", "1000.00", "2024-03-01", donor=other_donor, programme=other_programme)
    record("L-4", "40.00", "2024-04-01", donor_code_as_imported="100234", programme=programme)


@pytest.mark.parametrize(
    ("query", "receipts", "total"),
    [
        ({}, {"L-1", "L-2", "L-3", "L-4"}, "1390.50"),
        ({"donor": "100234"}, {"L-1", "L-2", "L-4"}, "390.50"),
        ({"donor": "١٠٠٢٣٥"}, {"L-3"}, "1000.00"),
        ({"year": "2024"}, {"L-2", "L-3", "L-4"}, "1290.50"),
        ({"status": "unmatched"}, {"L-4"}, "40.00"),
        ({"status": "matched", "year": "2024"}, {"L-2", "L-3"}, "1250.50"),
    ],
)
def test_the_list_filters_and_totals(
    client, staff, list_data, query, receipts, total, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("finance:donation_list"), query)

    assert response.status_code == 200
    assert {donation.receipt_number for donation in response.context["page"]} == receipts
    assert response.context["totals"] == {"total": Decimal(total), "count": len(receipts)}
    assert f'data-total="{total}"' in response.content.decode()


def test_the_list_filters_by_programme(client, staff, list_data, other_programme):
    client.force_login(staff)
    response = client.get(reverse("finance:donation_list"), {"programme": other_programme.pk})
    assert [donation.receipt_number for donation in response.context["page"]] == ["L-3"]


def test_the_unfiltered_totals_and_years_are_renewed_on_every_change(client, staff, list_data):
    """Without a filter the list's totals and its years are cached (finance.selectors
    DONATIONS_TOPIC): a donation saved, changed or deleted renews them."""
    client.force_login(staff)
    url = reverse("finance:donation_list")

    def shown():
        response = client.get(url)
        years = [value for value, _label in response.context["filter"].form.fields["year"].choices]
        return response.context["totals"], years

    assert shown() == ({"total": Decimal("1390.50"), "count": 4}, ["", 2024, 2023])
    added = record("L-5", "9.50", "2025-01-01")
    assert shown() == ({"total": Decimal("1400.00"), "count": 5}, ["", 2025, 2024, 2023])
    added.amount = Decimal("10.50")
    added.save()
    assert shown()[0] == {"total": Decimal("1401.00"), "count": 5}
    added.delete()
    assert shown() == ({"total": Decimal("1390.50"), "count": 4}, ["", 2024, 2023])
    # A filter that no donation passes: counted, not the cached totals.
    response = client.get(url, {"year": "2023", "status": "unmatched"})
    assert response.context["totals"] == {"total": Decimal("0"), "count": 0}


# --- selectors ------------------------------------------------------------------------


def test_donations_received_for(list_data, donor, programme):
    assert selectors.donations_received_for(donor=donor) == Decimal("350.50")
    assert selectors.donations_received_for(programme=programme) == Decimal("390.50")
    assert selectors.donations_received_for(
        donor=donor, since=datetime.date(2024, 1, 1)
    ) == Decimal("250.50")
    assert selectors.donations_received_for(since=datetime.date(2030, 1, 1)) == Decimal("0")


def test_donor_totals_by_programme_and_year(
    list_data, donor, programme, other_programme, django_assert_num_queries
):
    record("L-5", "9.50", "2024-06-01", donor=donor, programme=other_programme)
    record("L-6", "0.50", "2024-07-01", donor=donor, programme=programme)
    with django_assert_num_queries(1):
        rows = selectors.donor_totals_by_programme_and_year(donor)

    assert [(row["year"], row["programme__code"], row["total"], row["count"]) for row in rows] == [
        (2024, "PRG-1", Decimal("251.00"), 2),
        (2024, "PRG-2", Decimal("9.50"), 1),
        (2023, "PRG-1", Decimal("100.00"), 1),
    ]


# --- the donor's profile panel ----------------------------------------------------------


def test_the_donor_panel_shows_donations_per_programme_and_year(client, staff, list_data, donor):
    client.force_login(staff)
    response = client.get(reverse("customers:detail", args=[donor.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="donations-panel"' in html
    assert 'data-testid="donations-panel-total">350.50<' in html
    (panel,) = [
        panel for panel in response.context["panels"] if panel.template.endswith("donations.html")
    ]
    assert [(year["year"], year["total"]) for year in panel.context["years"]] == [
        (2024, Decimal("250.50")),
        (2023, Decimal("100.00")),
    ]


def test_the_donor_panel_is_hidden_without_the_permission_or_donations(
    client, quality, staff, list_data, donor
):
    client.force_login(quality)
    assert (
        "donations-panel"
        not in client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    )

    beneficiary = Customer.objects.create(code=555, name="مستفيد", kind="beneficiary")
    client.force_login(staff)
    assert (
        "donations-panel"
        not in client.get(reverse("customers:detail", args=[beneficiary.pk])).content.decode()
    )
    new_donor = Customer.objects.create(code=556, name="مانح جديد", kind="donor")
    page = client.get(reverse("customers:detail", args=[new_donor.pk])).content.decode()
    assert "No donation from this donor has been recorded" in page


# --- real concurrency (PostgreSQL) ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_matching_one_donation_at_once(postgresql_only, manager, donor, programme):
    donation = record("R-1")
    second = user_with(roles.CRM_MANAGER, "second_manager")

    def match(actor):
        return lambda: services.donation_match(
            donation=donation, donor=donor, programme=programme, actor=actor
        )

    outcomes = run_together(match(manager), match(second))

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.DonationError)
