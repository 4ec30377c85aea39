"""Reads of the portfolio: search, and how far each programme is funded.

The pledges (opportunities) and the donations received (finance) are recorded by apps above
programmes: they register their rows in programmes.funding, and the sums here read them from
there (see that module).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from core import cache
from core.text import normalize_arabic, normalize_digits

from . import funding
from .models import Programme

ZERO = Decimal("0")


def _money() -> DecimalField:
    return DecimalField(max_digits=16, decimal_places=2)


def _total_per_programme(kind: str) -> Value | Coalesce:
    """SUM(amount) of the rows of a funding source pointing at the outer programme: one
    value per programme, computed in a subquery so that two sums never multiply each other's
    rows. Zero when no app registered the source."""
    zero = Value(ZERO, output_field=_money())
    source = funding.funding_source(kind)
    if source is None:
        return zero
    total = Subquery(
        source.rows()
        .filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(total=Sum(source.amount_field))
        .values("total"),
        output_field=_money(),
    )
    return Coalesce(total, zero, output_field=_money())


def programmes_with_funding(queryset: QuerySet[Programme] | None = None) -> QuerySet[Programme]:
    """Programmes annotated with `pledged` (pledges of opportunities in closing or
    successful), `received` (donations) and `gap` (budget − received, never below zero)."""
    if queryset is None:
        queryset = Programme.objects.all()
    zero = Value(ZERO, output_field=_money())
    return (
        queryset.select_related("category")
        .annotate(
            pledged=_total_per_programme(funding.PLEDGED),
            received=_total_per_programme(funding.RECEIVED),
        )
        .annotate(gap=Greatest(F("budget") - F("received"), zero, output_field=_money()))
    )


@dataclass(frozen=True)
class Funding:
    """What the pages show about one programme's money."""

    budget: Decimal
    pledged: Decimal
    received: Decimal

    @property
    def has_budget(self) -> bool:
        return self.budget > 0

    @property
    def gap(self) -> Decimal:
        return max(self.budget - self.received, ZERO)

    @property
    def fully_funded(self) -> bool:
        return self.has_budget and self.received >= self.budget

    @property
    def received_percent(self) -> int:
        """0–100, for the progress bar."""
        if not self.has_budget:
            return 0
        return min(int(self.received * 100 / self.budget), 100)

    @property
    def pledged_percent(self) -> int:
        if not self.has_budget:
            return 0
        return min(int(self.pledged * 100 / self.budget), 100)


def funding_of(programme: Any) -> Funding:
    """Funding of a programme read through programmes_with_funding()."""
    return Funding(
        budget=programme.budget or ZERO,
        pledged=programme.pledged or ZERO,
        received=programme.received or ZERO,
    )


def totals_per_programme(kind: str) -> dict[int, Decimal]:
    """{programme pk: SUM(amount)} of one funding source, for every programme with any
    row: one GROUP BY query, cached (core.cache) under the source's topic, which every save
    or delete of its rows renews (programmes.funding). Empty when no app registered it."""
    source = funding.funding_source(kind)
    if source is None:
        return {}

    def compute() -> dict[int, Decimal]:
        rows = (
            source.rows()
            .filter(programme__isnull=False)
            .order_by()
            .values_list("programme")
            .annotate(total=Sum(source.amount_field))
        )
        return {programme: total or ZERO for programme, total in rows}

    return cache.cached(funding.topic(kind), "per-programme", compute)


def funding_table() -> "FundingTable":
    """The pledged and received sums of every programme (two cache reads; see
    totals_per_programme), for the pages that show many programmes' funding."""
    return FundingTable(
        pledged=totals_per_programme(funding.PLEDGED),
        received=totals_per_programme(funding.RECEIVED),
    )


@dataclass(frozen=True)
class FundingTable:
    pledged: dict[int, Decimal]
    received: dict[int, Decimal]

    def funding(self, pk: int, budget: Decimal | None) -> Funding:
        return Funding(
            budget=budget or ZERO,
            pledged=self.pledged.get(pk, ZERO),
            received=self.received.get(pk, ZERO),
        )

    def totals(self, budgets: Iterable[tuple[int, Decimal | None]]) -> Funding:
        """The funding of several programmes, given as (pk, budget), added up."""
        budget = pledged = received = ZERO
        for pk, programme_budget in budgets:
            budget += programme_budget or ZERO
            pledged += self.pledged.get(pk, ZERO)
            received += self.received.get(pk, ZERO)
        return Funding(budget=budget, pledged=pledged, received=received)


def portfolio_totals(queryset: QuerySet[Programme], table: FundingTable | None = None) -> Funding:
    """Budget, pledged and received over the programmes of a (filtered) queryset: one query
    for their budgets, the sums from the cached table (funding_table)."""
    table = table or funding_table()
    return table.totals(queryset.order_by().values_list("pk", "budget").distinct())


def programme_funders(programme: Programme, limit: int) -> list[Any]:
    """The `limit` donors who gave most to the programme, with `total`, `donation_count`
    and `last_donation` (date), the largest total first (as the finance app reads them).
    Cached: the sums grow with the programme's donations."""
    builder = funding.funders_builder()
    if builder is None:
        return []
    return cache.cached(
        funding.FUNDERS_TOPIC, f"{programme.pk}:{limit}", lambda: list(builder(programme)[:limit])
    )


def search_programmes(queryset: QuerySet[Programme], text: str | None) -> QuerySet[Programme]:
    """One search box: part of the programme code or of its name, in any spelling."""
    text = (text or "").strip()
    if not text:
        return queryset
    # The stored normalised name (Programme.save; trigram-indexed on PostgreSQL).
    return queryset.filter(
        Q(code__icontains=normalize_digits(text))
        | Q(name_normalized__contains=normalize_arabic(text))
    )


def programme_choices(statuses: Iterable[str] = ()) -> list[tuple[int, str, str]]:
    """[(pk, code, name)] of the programmes (of these statuses, or all) in code order, as
    plain values cached under the programmes' topic: the options of the selects that list
    programmes, which would otherwise unpickle or build a model per option."""
    statuses = sorted(statuses)

    def compute() -> list[tuple[int, str, str]]:
        queryset = Programme.objects.order_by("code")
        if statuses:
            queryset = queryset.filter(status__in=statuses)
        return list(queryset.values_list("pk", "code", "name"))

    return cache.cached("programmes", f"choices:{','.join(statuses)}", compute)
