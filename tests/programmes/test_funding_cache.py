"""The programmes' funding sums are read from a cached table (programmes.selectors
.funding_table, core.cache): every write that changes them renews it, those that send
Django's signals and those that do not (the finance import's bulk insert, the correction of
an opportunity's programme)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities import donations, services
from programmes import selectors
from programmes.models import Programme

from .conftest import make_donor, make_programme
from .test_funding import donation, opportunity

pytestmark = pytest.mark.django_db


def totals(*programmes):
    return selectors.portfolio_totals(Programme.objects.filter(pk__in=[p.pk for p in programmes]))


def test_the_table_is_read_once_then_from_the_cache(people):
    programme = make_programme(budget=Decimal("1000"))
    donation(programme, "400")
    assert totals(programme).received == Decimal("400")
    with CaptureQueriesContext(connection) as queries:
        table = selectors.funding_table()
    assert len(queries) == 0
    assert table.funding(programme.pk, programme.budget).gap == Decimal("600")


def test_a_donation_saved_or_deleted_renews_the_sums(people):
    programme = make_programme(budget=Decimal("1000"))
    first = donation(programme, "400")
    assert totals(programme).received == Decimal("400")
    donation(programme, "250")
    assert totals(programme).received == Decimal("650")
    first.delete()
    assert totals(programme).received == Decimal("250")


def test_the_finance_import_renews_the_sums(people):
    programme = make_programme(code="PRG-001", budget=Decimal("1000"))
    donor = make_donor()
    assert totals(programme).received == Decimal("0")
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["receipt number", "date", "amount", "donor code", "programme code"])
    writer.writerow(["R-900", "2026-03-01", "300", donor.code, "PRG-001"])
    donations.import_donations(
        content=output.getvalue().encode(),
        filename="finance.csv",
        actor=people["manager"],
        dry_run=False,
    )
    assert totals(programme).received == Decimal("300")


def test_moving_a_pledge_to_another_programme_renews_the_sums(people):
    first = make_programme(code="PRG-001", budget=Decimal("1000"))
    second = make_programme(code="PRG-002", budget=Decimal("1000"))
    pledge = opportunity(first, people["manager"], "closing", Decimal("700"))
    assert (totals(first).pledged, totals(second).pledged) == (Decimal("700"), Decimal("0"))
    services.opportunity_correct(
        opportunity=pledge,
        actor=people["manager"],
        title=pledge.title,
        expected_amount=pledge.expected_amount,
        programme=second,
    )
    assert (totals(first).pledged, totals(second).pledged) == (Decimal("0"), Decimal("700"))


def test_the_pages_show_the_renewed_sums(client, people):
    programme = make_programme(code="PRG-001", budget=Decimal("1000"))
    donation(programme, "100")
    client.force_login(people["staff"])
    detail = reverse("programmes:detail", args=[programme.pk])
    assert client.get(detail).context["funding"].received == Decimal("100")
    assert client.get(reverse("programmes:list")).context["totals"].received == Decimal("100")
    donation(programme, "50")
    assert client.get(detail).context["funding"].gap == Decimal("850")
    assert client.get(reverse("programmes:list")).context["totals"].received == Decimal("150")
