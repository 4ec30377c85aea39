"""Builders of survey rounds with answers for the analysis tests: rows written directly
(the surveys app's own services are tested by its tests), in any state of the procedure."""

import datetime
from collections.abc import Sequence

from programmes.models import Programme, ProgrammeCategory
from surveys.instruments import seed_current
from surveys.models import (
    Answer,
    InstrumentKind,
    InstrumentVersion,
    Item,
    Response,
    ResponseChannel,
    Round,
    RoundCentre,
    RoundState,
)
from tests.factories import CentreFactory


def _seeded_instruments() -> None:
    """The two instruments of the surveys' data migration, again after a transactional
    test flushed the tables."""
    if not InstrumentVersion.objects.exists():
        seed_current()


def beneficiary_version() -> InstrumentVersion:
    _seeded_instruments()
    return InstrumentVersion.objects.get(instrument__kind=InstrumentKind.BENEFICIARY, number=1)


def donor_version() -> InstrumentVersion:
    _seeded_instruments()
    return InstrumentVersion.objects.get(instrument__kind=InstrumentKind.DONOR, number=1)


def make_programme(name: str = "برنامج الأسرة المنتجة", code: str = "P-1") -> Programme:
    category, _ = ProgrammeCategory.objects.get_or_create(name="اجتماعي")
    return Programme.objects.create(code=code, name=name, category=category)


def make_round(
    *,
    state: str = RoundState.ANALYSING,
    programme: Programme | None = None,
    ended_on: datetime.date = datetime.date(2026, 11, 1),
    title: str = "استبيان البرنامج",
    centres: Sequence = (),
    version: InstrumentVersion | None = None,
) -> Round:
    survey_round = Round.objects.create(
        title=title,
        programme=programme,
        activity_name="" if programme else "فعالية اليوم المفتوح",
        ended_on=ended_on,
        version=version or beneficiary_version(),
        donor_version=donor_version(),
        state=state,
    )
    for centre in centres or [CentreFactory()]:
        RoundCentre.objects.create(round=survey_round, centre=centre)
    return survey_round


def answer(
    survey_round: Round,
    values: Sequence[int | None],
    *,
    centre=None,
    age_band: str = "",
    first_time: bool | None = None,
    suggestions: str = "",
    channel: str = ResponseChannel.LINK,
    version: InstrumentVersion | None = None,
    **fields,
) -> Response:
    """One response whose answers are `values` in the items' order (None: not answered)."""
    version = version or survey_round.version
    if centre is None:
        first = survey_round.centres.select_related("centre").first()
        centre = first.centre if first else None
    response = Response.objects.create(
        round=survey_round,
        version=version,
        centre=centre,
        channel=channel,
        age_band=age_band,
        first_time=first_time,
        suggestions=suggestions,
        **fields,
    )
    items = list(Item.objects.filter(version=version).order_by("position"))
    Answer.objects.bulk_create(
        Answer(response=response, round=survey_round, item=item, kind=item.kind, value=value)
        for item, value in zip(items, values, strict=False)
        if value is not None
    )
    return response


def answer_many(survey_round: Round, rows: Sequence[Sequence[int]], **fields) -> list[Response]:
    return [answer(survey_round, values, **fields) for values in rows]
