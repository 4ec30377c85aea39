"""The data of `manage.py bench_surveys`: finished survey rounds of a handful of programmes
(so that each has a previous round to compare with), their responses and answers, one big
round and one round collecting answers for the public page. A top-up: run again, it adds
only what is missing. Bulk inserts send no signal: the cache topics are renewed at the end,
then the tables are vacuumed and analysed (index-only scans need the visibility map)."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from association.models import Centre
from core.cache import bump
from core.mywork import WORK_TOPIC
from programmes.models import Programme
from surveys.models import (
    AgeBand,
    Answer,
    Item,
    ItemKind,
    Response,
    ResponseChannel,
    Round,
    RoundCentre,
    RoundState,
)
from surveys.selectors import beneficiary_version

BENCH_PREFIX = "قياس الأداء"
BIG_TITLE = f"{BENCH_PREFIX} — الاستبيان الأكبر"
OPEN_TITLE = f"{BENCH_PREFIX} — يجمع الإجابات"
BATCH = 5_000
SPREAD = (3, 6, 15, 36, 40)
SUGGESTIONS = (
    "زيادة عدد الورش التدريبية",
    "قاعة أوسع وتكييف أفضل",
    "مواعيد مناسبة للموظفين",
    "",
    "",
    "",
)


@dataclass
class Seeded:
    rounds: int
    responses: int
    answers: int
    big_round: Round
    typical_round: Round
    open_round: Round


def top_up(
    *, rounds: int, answers: int, big_share: float, write: Callable[[str], object]
) -> Seeded:
    version = beneficiary_version()
    if version is None:
        raise RuntimeError("No beneficiary form: run the migrations.")
    items = list(Item.objects.filter(version=version, kind=ItemKind.SCALE).order_by("position"))
    centres = list(Centre.objects.filter(is_active=True).order_by("pk")[:6])
    programmes = list(Programme.objects.order_by("pk")[:20])
    if not centres or not programmes:
        raise RuntimeError("Load the demo data first (centres and programmes).")
    rng = random.Random(16)
    existing = Round.objects.filter(title__startswith=BENCH_PREFIX)
    have = existing.count()
    today = timezone.localdate()
    with transaction.atomic():
        new_rounds = [
            Round(
                title=f"{BENCH_PREFIX} {number}",
                programme=programmes[number % len(programmes)],
                ended_on=today - datetime.timedelta(days=7 * (rounds - number) + 30),
                version=version,
                state=RoundState.DONE,
            )
            for number in range(have, max(rounds - 2, 0))
        ]
        if not existing.filter(title=BIG_TITLE).exists():
            new_rounds.append(
                Round(
                    title=BIG_TITLE,
                    programme=programmes[0],
                    ended_on=today - datetime.timedelta(days=10),
                    version=version,
                    state=RoundState.ANALYSING,
                )
            )
        if not existing.filter(title=OPEN_TITLE).exists():
            new_rounds.append(
                Round(
                    title=OPEN_TITLE,
                    activity_name="فعالية قياس الأداء",
                    ended_on=today,
                    version=version,
                    state=RoundState.COLLECTING,
                )
            )
        created = Round.objects.bulk_create(new_rounds)
        RoundCentre.objects.bulk_create(
            RoundCentre(round=survey_round, centre=centres[index % len(centres)])
            for index, survey_round in enumerate(created)
        )
    write(f"{len(created)} rounds added")
    bench_rounds = list(existing.order_by("pk"))
    big = next(r for r in bench_rounds if r.title == BIG_TITLE)
    open_round = next(r for r in bench_rounds if r.title == OPEN_TITLE)
    finished = [r for r in bench_rounds if r.pk not in (big.pk, open_round.pk)]
    have_answers = Answer.objects.filter(round__title__startswith=BENCH_PREFIX).count()
    missing = max(answers - have_answers, 0)
    per_response = len(items)
    responses_missing = missing // per_response
    big_missing = int(responses_missing * big_share)
    plan = [(big, big_missing)]
    rest = responses_missing - big_missing
    if finished and rest > 0:
        share, extra = divmod(rest, len(finished))
        plan += [(r, share + (1 if i < extra else 0)) for i, r in enumerate(finished)]
    _fill(plan, items, centres, rng, write)
    _vacuum()
    bump(WORK_TOPIC)
    counts = Response.objects.filter(round__title__startswith=BENCH_PREFIX).aggregate(n=Count("id"))
    typical = finished[len(finished) // 2] if finished else big
    return Seeded(
        rounds=len(bench_rounds),
        responses=counts["n"],
        answers=Answer.objects.filter(round__title__startswith=BENCH_PREFIX).count(),
        big_round=big,
        typical_round=typical,
        open_round=open_round,
    )


def _fill(
    plan: list[tuple[Round, int]],
    items: list[Item],
    centres: list[Centre],
    rng: random.Random,
    write: Callable[[str], object],
) -> None:
    pending: list[tuple[Round, Response]] = []
    written = 0
    ages = [*AgeBand.values, ""]
    now = timezone.now()
    for survey_round, count in plan:
        for number in range(count):
            pending.append(
                (
                    survey_round,
                    Response(
                        round=survey_round,
                        version_id=survey_round.version_id,
                        centre=centres[number % len(centres)],
                        channel=ResponseChannel.LINK if number % 4 else ResponseChannel.PAPER,
                        age_band=ages[number % len(ages)],
                        first_time=(None, True, False)[number % 3],
                        suggestions=SUGGESTIONS[number % len(SUGGESTIONS)],
                        submitted_at=now,
                    ),
                )
            )
            if len(pending) * len(items) >= BATCH:
                written += _write(pending, items, rng)
                pending = []
                write(f"{written:,} answers written")
    if pending:
        written += _write(pending, items, rng)
    write(f"{written:,} answers written")


def _write(pending: list[tuple[Round, Response]], items: list[Item], rng: random.Random) -> int:
    with transaction.atomic():
        responses = Response.objects.bulk_create([response for _round, response in pending])
        answers = [
            Answer(
                response=response,
                round=survey_round,
                item=item,
                kind=ItemKind.SCALE,
                value=rng.choices(range(1, 6), weights=SPREAD)[0],
            )
            for (survey_round, _unused), response in zip(pending, responses, strict=True)
            for item in items
        ]
        Answer.objects.bulk_create(answers, batch_size=BATCH)
    return len(answers)


def _vacuum() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("surveys_answer", "surveys_response", "surveys_round"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
