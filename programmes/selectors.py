"""Reads of the portfolio: search, and how far each programme is funded.

opportunities.models imports programmes.models, so the opportunity and donation models are
reached through the reverse relations (Programme.opportunities, Programme.donations) instead
of being imported here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Lower, Replace

from core.text import normalize_arabic, normalize_digits

from .models import Programme

# An opportunity's pledge counts from the written pledge (closing) on.
PLEDGED_STATES = ("closing", "successful")

ZERO = Decimal("0")


def _money():
    return DecimalField(max_digits=16, decimal_places=2)


def _related_model(relation_name):
    return Programme._meta.get_field(relation_name).related_model


def _total_per_programme(model, amount_field, **conditions):
    """SUM(amount) of the rows of `model` pointing at the outer programme: one value per
    programme, computed in a subquery so that two sums never multiply each other's rows."""
    return Subquery(
        model.objects.filter(programme=OuterRef("pk"), **conditions)
        .order_by()
        .values("programme")
        .annotate(total=Sum(amount_field))
        .values("total"),
        output_field=_money(),
    )


def programmes_with_funding(queryset=None):
    """Programmes annotated with `pledged` (pledges of opportunities in closing or
    successful), `received` (donations) and `gap` (budget − received, never below zero)."""
    if queryset is None:
        queryset = Programme.objects.all()
    zero = Value(ZERO, output_field=_money())
    opportunity = _related_model("opportunities")
    donation = _related_model("donations")
    return (
        queryset.select_related("category")
        .annotate(
            pledged=Coalesce(
                _total_per_programme(opportunity, "pledged_amount", state__in=PLEDGED_STATES),
                zero,
                output_field=_money(),
            ),
            received=Coalesce(
                _total_per_programme(donation, "amount"), zero, output_field=_money()
            ),
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
    def has_budget(self):
        return self.budget > 0

    @property
    def gap(self):
        return max(self.budget - self.received, ZERO)

    @property
    def fully_funded(self):
        return self.has_budget and self.received >= self.budget

    @property
    def received_percent(self):
        """0–100, for the progress bar."""
        if not self.has_budget:
            return 0
        return min(int(self.received * 100 / self.budget), 100)

    @property
    def pledged_percent(self):
        if not self.has_budget:
            return 0
        return min(int(self.pledged * 100 / self.budget), 100)


def funding_of(programme):
    """Funding of a programme read through programmes_with_funding()."""
    return Funding(
        budget=programme.budget or ZERO,
        pledged=programme.pledged or ZERO,
        received=programme.received or ZERO,
    )


def portfolio_totals(queryset):
    """Budget, pledged and received over the programmes of a (filtered) queryset.

    Summed from the tables, not over the annotations: Django 5.2 drops an annotation that
    another annotation refers to when it wraps the query for an aggregate."""
    ids = queryset.order_by().values("pk")
    money = Programme.objects.filter(pk__in=ids).aggregate(total=Sum("budget"))
    pledged = (
        _related_model("opportunities")
        .objects.filter(programme__in=ids, state__in=PLEDGED_STATES)
        .aggregate(total=Sum("pledged_amount"))
    )
    received = (
        _related_model("donations").objects.filter(programme__in=ids).aggregate(total=Sum("amount"))
    )
    return Funding(
        budget=money["total"] or ZERO,
        pledged=pledged["total"] or ZERO,
        received=received["total"] or ZERO,
    )


def programme_funders(programme):
    """Donors who gave to the programme, with `total`, `donation_count` and
    `last_donation` (date), the largest total first."""
    donor_model = _related_model("donations")._meta.get_field("donor").related_model
    # The filter comes before the annotations, so they sum only this programme's donations.
    return (
        donor_model.objects.filter(donations__programme=programme)
        .annotate(
            total=Sum("donations__amount"),
            donation_count=Count("donations"),
            last_donation=Max("donations__received_on"),
        )
        .order_by("-total", "name", "pk")
    )


# Arabic letters typed in more than one way, folded in the database as normalize_arabic
# folds the search text (DESIGN.md section 5). The portfolio is small: no stored column.
_FOLDED_LETTERS: tuple[tuple[str, str], ...]
_FOLDED_LETTERS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
_FOLDED_LETTERS += (("ؤ", "و"), ("ئ", "ي"), ("ـ", ""))


def _folded_name():
    expression = Lower("name")
    for variant, base in _FOLDED_LETTERS:
        expression = Replace(expression, Value(variant), Value(base))
    return expression


def search_programmes(queryset, text):
    """One search box: part of the programme code or of its name, in any spelling."""
    text = (text or "").strip()
    if not text:
        return queryset
    folded = normalize_arabic(text)
    return queryset.annotate(folded_name=_folded_name()).filter(
        Q(code__icontains=normalize_digits(text)) | Q(folded_name__contains=folded)
    )
