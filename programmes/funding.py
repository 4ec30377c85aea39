"""Where a programme's money comes from: the apps that record it register here.

Programmes sit below the apps that own the money (finance records the donations received,
opportunities the written pledges) and must not import them. Each of those apps registers
what it contributes in its AppConfig.ready (finance/registrations.py,
opportunities/registrations.py); programmes.selectors sums what is registered. Nothing
registered counts as zero, and a programme then has no funders.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

PLEDGED = "pledged"
RECEIVED = "received"
KINDS = (PLEDGED, RECEIVED)


@dataclass(frozen=True)
class FundingSource:
    """Rows that count toward a programme: each has a `programme` foreign key and an
    amount in `amount_field` (SAR)."""

    rows: Callable[[], QuerySet]
    amount_field: str


_sources: dict[str, FundingSource] = {}
# The one app that knows who gave (finance); a list so that registering is not a `global`.
_funders: list[Callable] = []


def register_funding_source(kind: str, source: FundingSource) -> None:
    """One source per kind: pledged (opportunities) or received (finance)."""
    if kind not in KINDS:
        raise KeyError(f"Unknown funding kind {kind!r}")
    _sources[kind] = source


def funding_source(kind: str) -> FundingSource | None:
    return _sources.get(kind)


def register_funders(builder: Callable) -> Callable:
    """`builder(programme)` returns the donors who gave to the programme (customers with
    `total`, `donation_count` and `last_donation`), the largest total first."""
    _funders[:] = [builder]
    return builder


def funders_builder() -> Callable | None:
    return _funders[0] if _funders else None
