"""Where a programme's money comes from: the apps that record it register here.

Programmes sit below the apps that own the money (finance records the donations received,
opportunities the written pledges) and must not import them. Each of those apps registers
what it contributes in its AppConfig.ready (finance/registrations.py,
opportunities/registrations.py); programmes.selectors sums what is registered. Nothing
registered counts as zero, and a programme then has no funders.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from core import cache

# The funders of each programme, cached (programmes.selectors.programme_funders).
FUNDERS_TOPIC = "programme_funders"
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
    """One source per kind: pledged (opportunities) or received (finance). The source's
    model becomes a cache topic (`topic(kind)`): the sums per programme (programmes.selectors
    .totals_per_programme) are renewed whenever one of its rows is saved or deleted; writes
    that bypass the signals (bulk_create, queryset.update) call `renew(kind)`."""
    if kind not in KINDS:
        raise KeyError(f"Unknown funding kind {kind!r}")
    _sources[kind] = source
    cache.register_topic(topic(kind), source.rows().model, form_options=False)


def topic(kind: str) -> str:
    """The core.cache topic of the sums of one kind of funding."""
    return f"funding-{kind}"


def renew(kind: str) -> None:
    """Forget the cached sums of one kind (after a write that sends no signal), and the
    funders read from the same rows."""
    if kind in _sources:
        cache.bump(topic(kind))
    if kind == RECEIVED and _funders:
        cache.bump(FUNDERS_TOPIC)


def funding_source(kind: str) -> FundingSource | None:
    return _sources.get(kind)


def register_funders(builder: Callable, *models_read: type[Model]) -> Callable:
    """`builder(programme)` returns the donors who gave to the programme (customers with
    `total`, `donation_count` and `last_donation`), the largest total first. They are
    cached under FUNDERS_TOPIC, renewed by a change of `models_read` (the received rows
    and the donors) or by `renew(RECEIVED)`."""
    _funders[:] = [builder]
    cache.register_topic(FUNDERS_TOPIC, *models_read, form_options=False)
    return builder


def funders_builder() -> Callable | None:
    return _funders[0] if _funders else None
