"""The customer's consents to messages as the customer information form sees them: a grid
{pair key: given} over core.consent.FORM_PAIRS. The records are kept by the messaging app
(below customers), which registers the reader here; customers never imports it. Changes
proposed by a form are written by messaging when the form is entered
(customers.signals.request_entered)."""

import datetime
from collections.abc import Callable, Iterable

from core.consent import no_consents

ConsentReader = Callable[[Iterable[int]], dict[int, dict[str, bool]]]
# {customer id: (date, source) of the latest marketing consent given}, for the export.
SummaryReader = Callable[[Iterable[int]], dict[int, tuple[datetime.date, str]]]

_readers: list[ConsentReader] = []
_summaries: list[SummaryReader] = []


def register_consent_reader(reader: ConsentReader, summaries: SummaryReader) -> None:
    """`reader(customer ids)` → {customer id: grid}, in one query; `summaries(customer
    ids)` → {customer id: (date, source text)} of their latest marketing consent given."""
    _readers[:] = [reader]
    _summaries[:] = [summaries]


def consent_summaries(customer_ids: Iterable[int]) -> dict[int, tuple[datetime.date, str]]:
    ids = list(customer_ids)
    return _summaries[0](ids) if _summaries and ids else {}


def consent_grids(customer_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """The current grid of each customer (nothing given where no reader is registered)."""
    ids = [pk for pk in customer_ids if pk is not None]
    if not _readers:
        return {pk: no_consents() for pk in ids}
    return _readers[0](ids)


def consent_grid(customer_id: int | None) -> dict[str, bool]:
    if customer_id is None:
        return no_consents()
    return consent_grids([customer_id])[customer_id]


# Seeded consents: [(customer id, pair key, given at, how)], bulk-written by messaging.
ConsentSeeder = Callable[[list[tuple[int, str, datetime.datetime, str]]], None]
_seeders: list[ConsentSeeder] = []


def register_consent_seeder(seeder: ConsentSeeder) -> None:
    _seeders[:] = [seeder]


def seed_consents(rows: list[tuple[int, str, datetime.datetime, str]]) -> None:
    """Synthetic consents given (the seeding commands); nothing without messaging."""
    if _seeders and rows:
        _seeders[0](rows)
