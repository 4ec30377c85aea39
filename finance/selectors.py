"""Reads of finance records: donations, their totals, and the undone matches (manual
6.1.7). Pure functions. Finance never imports opportunities: an opportunity's pledge is
read by opportunities.selectors.pledge_received_amount, which passes its donor, programme
and date to donations_received_for."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from core import cache
from core.text import normalize_digits
from customers.models import Customer
from customers.selectors import customer_search_condition
from programmes import funding
from programmes.models import Programme

from .models import Donation, UndoneDonationMatch


def undone_matches_of(donations: Iterable[Donation]) -> dict[int, list[UndoneDonationMatch]]:
    """{donation id: [UndoneDonationMatch, newest first]} for the donations shown."""
    found: dict[int, list[UndoneDonationMatch]] = {}
    rows = (
        UndoneDonationMatch.objects.filter(donation__in=donations)
        .select_related("donor", "programme", "matched_by", "undone_by")
        .order_by("-undone_at", "-id")
    )
    for row in rows:
        found.setdefault(row.donation_id, []).append(row)
    return found


def unmatched_condition() -> Q:
    """Waiting for a donor or a programme (a Q for filters and conditional counts)."""
    return Q(donor__isnull=True) | Q(programme__isnull=True)


def _sum_of_amounts() -> Coalesce:
    return Coalesce(
        Sum("amount"),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def donations_with_parties() -> QuerySet[Donation]:
    return Donation.objects.select_related("donor", "programme")


def unmatched_donations() -> QuerySet[Donation]:
    """Donations waiting for a donor or a programme, oldest receipts last."""
    return donations_with_parties().filter(unmatched_condition())


def matched_donations() -> QuerySet[Donation]:
    return Donation.objects.filter(donor__isnull=False, programme__isnull=False)


def unmatched_count() -> int:
    return Donation.objects.filter(unmatched_condition()).count()


def search_donations(queryset: QuerySet[Donation], text: str | None) -> QuerySet[Donation]:
    """The admin's search box: a receipt number or a donor code as written in the file,
    exactly, or the donor as the customer search finds them (name, code, mobile), checked
    on the joined donor: the page, newest first, walks the dates' index and stops at its
    last row instead of reading every matching customer first (their count is kept apart,
    finance.admin.DonationAdmin.search_topics)."""
    text = normalize_digits((text or "").strip())
    donor = customer_search_condition(text, through="donor")
    if donor is None:
        return queryset
    # A donation not matched to a donor yet is still found by its receipt or donor code
    # (the OR makes the join to the donor an outer one).
    return queryset.filter(Q(receipt_number=text) | Q(donor_code_as_imported=text) | donor)


def donation_totals(queryset: QuerySet[Donation]) -> dict:
    """{"total": Decimal, "count": int} of a donation queryset, in one query."""
    return queryset.order_by().aggregate(total=_sum_of_amounts(), count=Count("id"))


# What is read of every donation (the unfiltered list's totals, the years) is cached under
# the topic of the programmes' received funding (programmes.funding, core.cache): every
# save or delete of a donation renews it, and the finance import's bulk insert too.
DONATIONS_TOPIC = funding.topic(funding.RECEIVED)


def all_donation_totals() -> dict:
    """donation_totals() of every donation (the list without a filter), cached."""
    return cache.cached(DONATIONS_TOPIC, "totals", lambda: donation_totals(Donation.objects.all()))


def donation_years() -> list[int]:
    """The years donations were received in, newest first (two index reads, cached)."""

    def compute() -> list[int]:
        bounds = Donation.objects.aggregate(first=Min("received_on"), last=Max("received_on"))
        if bounds["first"] is None:
            return []
        return list(range(bounds["last"].year, bounds["first"].year - 1, -1))

    return cache.cached(DONATIONS_TOPIC, "years", compute)


def donations_received_for(
    donor: Customer | int | None = None,
    programme: Programme | int | None = None,
    since: datetime.date | None = None,
) -> Decimal:
    """The sum (Decimal, 0 when none) of the donations received from a donor, for a
    programme, on or after a date; any of the three may be left out."""
    queryset = Donation.objects.all()
    if donor is not None:
        queryset = queryset.filter(donor=donor)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if since is not None:
        queryset = queryset.filter(received_on__gte=since)
    return queryset.aggregate(total=_sum_of_amounts())["total"]


def donor_totals_by_programme_and_year(customer: Customer) -> list[dict]:
    """[{"programme", "programme__code", "programme__name", "year", "total", "count"}] of a
    donor's donations, newest year first. One aggregate query. Donations whose programme
    is not matched yet have programme None."""
    return list(
        Donation.objects.filter(donor=customer)
        .annotate(year=ExtractYear("received_on"))
        .values("programme", "programme__code", "programme__name", "year")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("-year", "programme__code")
    )


def donations_of_donor(customer: Customer) -> QuerySet[Donation]:
    """The donor's donations, newest first, with their programme."""
    return (
        Donation.objects.filter(donor=customer)
        .select_related("programme")
        .order_by("-received_on", "-id")
    )


def programme_funders(programme: Programme) -> QuerySet[Customer]:
    """Donors who gave to the programme, with `total`, `donation_count` and
    `last_donation` (date), the largest total first. The programme's page reads it through
    programmes.funding."""
    # The filter comes before the annotations, so they sum only this programme's donations.
    return (
        Customer.objects.filter(donations__programme=programme)
        .annotate(
            total=Sum("donations__amount"),
            donation_count=Count("donations"),
            last_donation=Max("donations__received_on"),
        )
        .order_by("-total", "name", "pk")
    )
