"""The roll-up of the recurring complaints (ComplaintTally): how many complaints of each
group each queue received in each third of a calendar month (Riyadh: days 1-10, 11-20 and
21 to the end), with the first and the latest and the smallest subject.

Writes: saving a case (Case.save) and the services that move one with update() recount the
thirds a complaint left and reached (`refresh(buckets_of(case) | ...)`), inside the
write's transaction and under a lock on those rows, so two writes of one third never lose
a complaint; a deleted case is recounted by a signal; bulk writes (the bench seeders,
migration 0014) call `rebuild()`.

Reads (complaints.recurring): `group_totals(scope, start, end, ...)` gives each group's
totals over a period, or month by month. Whole thirds come from the roll-up; a third the period
cuts comes from it too when every row of it lies inside the period (this third up to now),
and is otherwise counted from the cases (at most nine days). Each row keeps its queue and
its registrar, so that every reader's visibility (their queues, and the cases they
registered themselves for another queue) is a condition on the rows."""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractDay, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from core.cache import bump, cached

from .models import Case, CaseKind, ComplaintTally

BY_CATEGORY_CENTRE = "cc"
BY_TEXT = "tx"
_NO_CENTRE = "-"
BATCH = 2000
# The cache topic of the totals a reader's pages read (group_totals); registered with the
# roll-up's model in complaints.registrations, so a save or delete of a row renews it.
TOTALS_TOPIC = "complaint_totals"


def category_centre_key(category_id: int | None, centre_id: int | None) -> str:
    return f"{BY_CATEGORY_CENTRE}:{category_id}:{centre_id if centre_id else _NO_CENTRE}"


def text_key(signature: str) -> str:
    return f"{BY_TEXT}:{signature}"


# --- thirds of months -------------------------------------------------------------------

PART_DAYS = (1, 11, 21)


def part_of(at: datetime.datetime) -> datetime.date:
    """The first day of the third of a month (Riyadh) holding `at`: the 1st, 11th or 21st."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return datetime.date(local.year, local.month, max(d for d in PART_DAYS if d <= local.day))


def part_start(part: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime(part.year, part.month, part.day), timezone.get_default_timezone()
    )


def next_part(part: datetime.date) -> datetime.date:
    if part.day < PART_DAYS[-1]:
        return part.replace(day=PART_DAYS[PART_DAYS.index(part.day) + 1])
    return datetime.date(part.year + part.month // 12, part.month % 12 + 1, 1)


class Span(NamedTuple):
    """The part [low, high) of one third of a month that a period covers."""

    part: datetime.date
    low: datetime.datetime
    high: datetime.datetime

    @property
    def whole(self) -> bool:
        return self.low == part_start(self.part) and self.high == part_start(next_part(self.part))


def spans(start: datetime.datetime, end: datetime.datetime) -> list[Span]:
    """The thirds that [start, end) touches, each with the part of it inside, oldest first."""
    if end <= start:
        return []
    result = []
    part = part_of(start)
    while part_start(part) < end:
        following = next_part(part)
        result.append(Span(part, max(start, part_start(part)), min(end, part_start(following))))
        part = following
    return result


def _with_part(queryset: QuerySet[Any], riyadh: Any) -> QuerySet[Any]:
    """Each case annotated with its third in SQL: its month and the third's first day."""
    day = ExtractDay("received_at", tzinfo=riyadh)
    return queryset.annotate(
        month=TruncMonth("received_at", tzinfo=riyadh),
        part_day=SqlCase(
            When(LessThanOrEqual(day, 10), then=Value(1)),
            When(LessThanOrEqual(day, 20), then=Value(11)),
            default=Value(21),
            output_field=IntegerField(),
        ),
    )


def _part_of_row(row: dict[str, Any], riyadh: Any) -> datetime.date:
    month = timezone.localtime(row["month"], riyadh).date()
    return month.replace(day=row["part_day"])


# --- writes -------------------------------------------------------------------------------


class Bucket(NamedTuple):
    part: datetime.date
    group_key: str
    routed_to: str
    centre_key: int
    registrar_key: int


def buckets_of(case: Case) -> set[Bucket]:
    """The roll-up rows that count this case (as it is in memory): none unless a complaint."""
    if case.kind != CaseKind.COMPLAINT or case.received_at is None:
        return set()
    part = part_of(case.received_at)
    centre_key, registrar_key = case.centre_id or 0, case.registered_by_id or 0
    keys = []
    if case.category_id:
        keys.append(category_centre_key(case.category_id, case.centre_id))
    if case.subject_signature:
        keys.append(text_key(case.subject_signature))
    return {Bucket(part, key, case.routed_to, centre_key, registrar_key) for key in keys}


def _cases_of(bucket: Bucket) -> QuerySet[Case]:
    condition = Q(
        kind=CaseKind.COMPLAINT,
        routed_to=bucket.routed_to,
        received_at__gte=part_start(bucket.part),
        received_at__lt=part_start(next_part(bucket.part)),
    )
    condition &= Q(centre_id=bucket.centre_key) if bucket.centre_key else Q(centre__isnull=True)
    condition &= (
        Q(registered_by_id=bucket.registrar_key)
        if bucket.registrar_key
        else Q(registered_by__isnull=True)
    )
    kind, _sep, rest = bucket.group_key.partition(":")
    if kind == BY_TEXT:
        condition &= Q(subject_signature=rest)
    else:
        condition &= Q(category_id=int(rest.partition(":")[0]))
    return Case.objects.filter(condition).order_by()


def _bucket_condition(bucket: Bucket) -> Q:
    return Q(
        part=bucket.part,
        group_key=bucket.group_key,
        routed_to=bucket.routed_to,
        centre_key=bucket.centre_key,
        registrar_key=bucket.registrar_key,
    )


def refresh(buckets: Iterable[Bucket]) -> None:
    """Recount these roll-up rows from the cases, each under a lock on its row (taken in
    one order, so two writes never wait on each other in a circle): a write that commits
    later recounts after this one, and sees it."""
    wanted = sorted(set(buckets))
    if not wanted:
        return
    with transaction.atomic():
        placeholder = timezone.now()
        ComplaintTally.objects.bulk_create(
            [
                ComplaintTally(
                    **bucket._asdict(), count=0, first_at=placeholder, last_at=placeholder
                )
                for bucket in wanted
            ],
            ignore_conflicts=True,
        )
        any_of = Q(pk__in=[])
        for bucket in wanted:
            any_of |= _bucket_condition(bucket)
        rows = {
            Bucket(row.part, row.group_key, row.routed_to, row.centre_key, row.registrar_key): row
            for row in ComplaintTally.objects.select_for_update()
            .filter(any_of)
            .order_by("part", "group_key", "routed_to", "centre_key", "registrar_key")
        }
        for bucket in wanted:
            totals = _cases_of(bucket).aggregate(
                count=Count("pk"),
                first_at=Min("received_at"),
                last_at=Max("received_at"),
                sample=Min("subject"),
            )
            row = rows[bucket]
            if not totals["count"]:
                row.delete()
                continue
            row.count = totals["count"]
            row.first_at = totals["first_at"]
            row.last_at = totals["last_at"]
            row.sample = totals["sample"]
            row.save(update_fields=["count", "first_at", "last_at", "sample"])


def rebuild(case_model: Any = Case, tally_model: Any = ComplaintTally) -> int:
    """Every roll-up row counted again from the cases (after bulk writes; migration 0014
    passes its historical models). Returns the number of rows."""
    complaints = case_model.objects.filter(kind=CaseKind.COMPLAINT).order_by()
    riyadh = timezone.get_default_timezone()
    totals = {
        "count": Count("pk"),
        "first_at": Min("received_at"),
        "last_at": Max("received_at"),
        "sample": Min("subject"),
    }
    by_category = (
        _with_part(complaints.filter(category__isnull=False), riyadh)
        .values("month", "part_day", "category_id", "centre_id", "routed_to", "registered_by_id")
        .annotate(**totals)
    )
    by_text = (
        _with_part(complaints.exclude(subject_signature=""), riyadh)
        .values(
            "month", "part_day", "subject_signature", "centre_id", "routed_to", "registered_by_id"
        )
        .annotate(**totals)
    )
    with transaction.atomic():
        tally_model.objects.all().delete()
        batch: list[Any] = []
        written = 0
        for rows, key in (
            (by_category, lambda row: category_centre_key(row["category_id"], row["centre_id"])),
            (by_text, lambda row: text_key(row["subject_signature"])),
        ):
            for row in rows.iterator(chunk_size=BATCH):
                batch.append(
                    tally_model(
                        part=_part_of_row(row, riyadh),
                        group_key=key(row),
                        routed_to=row["routed_to"],
                        centre_key=row["centre_id"] or 0,
                        registrar_key=row["registered_by_id"] or 0,
                        count=row["count"],
                        first_at=row["first_at"],
                        last_at=row["last_at"],
                        sample=row["sample"],
                    )
                )
                if len(batch) == BATCH:
                    tally_model.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
        tally_model.objects.bulk_create(batch)
    if tally_model is ComplaintTally:  # bulk writes send no signal (a migration: bump_all)
        bump(TOTALS_TOPIC)
    return written + len(batch)


# --- reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one reader counts: `rows`, the condition on roll-up rows they read (route,
    centre, registrar; None: every row), and `cases`, the same as cases (to count a cut
    third). `key` names what the reader reads (readers with one key read the same rows):
    their totals are then kept in the cache (TOTALS_TOPIC); None: counted on each read."""

    cases: QuerySet[Case]
    rows: Q | None = None
    # False: a queryset of no reader (a report's, a test's): every third from the cases.
    rolled: bool = True
    key: str | None = None


@dataclass
class Totals:
    count: int = 0
    first_at: datetime.datetime | None = None
    last_at: datetime.datetime | None = None
    sample: str | None = None

    def add(
        self,
        count: int,
        first_at: datetime.datetime | None,
        last_at: datetime.datetime | None,
        sample: str | None,
    ) -> None:
        if not count:
            return
        self.count += count
        if first_at is not None and (self.first_at is None or first_at < self.first_at):
            self.first_at = first_at
        if last_at is not None and (self.last_at is None or last_at > self.last_at):
            self.last_at = last_at
        # The database compares bytes (C collation), as Python compares code points.
        if sample is not None and (self.sample is None or sample < self.sample):
            self.sample = sample


def _key_filter(kind: str | None, keys: Iterable[str] | None) -> Q:
    if keys is not None:
        return Q(group_key__in=list(keys))
    if kind in (BY_CATEGORY_CENTRE, BY_TEXT):
        return Q(group_key__startswith=f"{kind}:")
    return Q()


Label = datetime.date | None


def group_totals(
    scope: Scope,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    kind: str | None = None,
    keys: Iterable[str] | None = None,
    by_month: bool = False,
) -> dict[tuple[Label, str], Totals]:
    """{(None, group key): Totals} of the complaints this scope reads in [start, end) for
    the groups of one kind, or of the given keys; by_month: {(first day of the month, group
    key): Totals}. One query on the roll-up (a row per group and month, or cut third), and
    one on the cases per kind of group for the thirds the period cuts at their start or
    ends before now. A scope with a key reads them from the cache until the roll-up
    changes: they depend on the complaints alone (whether a cut third is read from the
    roll-up or from the cases, the totals are the same)."""
    keys = None if keys is None else sorted(set(keys))
    if scope.key is None or not scope.rolled:
        return _group_totals(scope, start, end, kind, keys, by_month)
    asked = repr((scope.key, start.isoformat(), end.isoformat(), kind, keys, by_month))
    return cached(
        TOTALS_TOPIC,
        f"totals:{hashlib.sha256(asked.encode()).hexdigest()}",
        lambda: _group_totals(scope, start, end, kind, keys, by_month),
    )


def _group_totals(
    scope: Scope,
    start: datetime.datetime,
    end: datetime.datetime,
    kind: str | None,
    keys: list[str] | None,
    by_month: bool,
) -> dict[tuple[Label, str], Totals]:
    periods = spans(start, end)
    if not periods or keys == []:
        return {}

    def label(span: Span) -> Label:
        return span.part.replace(day=1) if by_month else None

    # The columns of the answer: the whole thirds (of each month, or all of them), then
    # each cut third alone; a row per group and column.
    columns: list[tuple[Label, list[datetime.date], Span | None]] = [
        (label_of, parts, None) for label_of, parts in _whole_parts(periods, label).items()
    ]
    # A third cut at its start, or ending before now, is counted from the cases; one that
    # runs from its start to now or later (this third) from the roll-up, unless a case was
    # dated after the period's end. So the queries depend on the period, not on the data.
    now = timezone.now()
    cut = [span for span in periods if not span.whole]
    live = [span for span in cut if span.low > part_start(span.part) or span.high < now]
    columns += [(label(span), [span.part], span) for span in cut if span not in live]
    read: list[dict[str, Any]] = []
    if scope.rolled and columns:
        rows = ComplaintTally.objects.filter(
            _key_filter(kind, keys), part__in=[part for _l, parts, _s in columns for part in parts]
        )
        if scope.rows is not None:
            rows = rows.filter(scope.rows)
        column = SqlCase(
            *[
                When(part__in=parts, then=Value(index))
                for index, (_label, parts, _span) in enumerate(columns)
            ],
            output_field=IntegerField(),
        )
        read = list(
            rows.order_by()
            .annotate(column=column)
            .values("group_key", "column")
            .annotate(
                count=Sum("count"),
                first_at=Min("first_at"),
                last_at=Max("last_at"),
                sample=Min("sample"),
            )
        )
    # A cut third is read from the roll-up when every row of it lies inside the period.
    outside = {
        row["column"]
        for row in read
        if (span := columns[row["column"]][2]) is not None
        and not (row["first_at"] >= span.low and row["last_at"] < span.high)
    }
    result: dict[tuple[Label, str], Totals] = {}
    for row in read:
        if row["column"] not in outside:
            result.setdefault((columns[row["column"]][0], row["group_key"]), Totals()).add(
                row["count"], row["first_at"], row["last_at"], row["sample"]
            )
    counted = (
        live + [span for index, (_l, _p, span) in enumerate(columns) if index in outside and span]
        if scope.rolled
        else periods
    )
    if counted:
        _count_cases(scope.cases, counted, kind, keys, label, result)
    return result


def _whole_parts(
    periods: list[Span], label: Callable[[Span], Label]
) -> dict[Label, list[datetime.date]]:
    whole: dict[Label, list[datetime.date]] = {}
    for span in periods:
        if span.whole:
            whole.setdefault(label(span), []).append(span.part)
    return whole


def _count_cases(
    cases: QuerySet[Case],
    cut: list[Span],
    kind: str | None,
    keys: list[str] | None,
    label: Callable[[Span], Label],
    result: dict[tuple[Label, str], Totals],
) -> None:
    """Add to `result` the complaints of the cut thirds, third by third: one query per
    kind of group."""
    condition = Q(pk__in=[])
    for span in cut:
        condition |= Q(received_at__gte=span.low, received_at__lt=span.high)
    spans_by_part = {span.part: span for span in cut}
    riyadh = timezone.get_default_timezone()
    complaints = _with_part(cases.filter(condition, kind=CaseKind.COMPLAINT).order_by(), riyadh)
    wanted_keys = None if keys is None else set(keys)
    for group_kind in (BY_CATEGORY_CENTRE, BY_TEXT):
        if kind not in (None, "", group_kind):
            continue
        of_kind = (
            None
            if wanted_keys is None
            else [key for key in wanted_keys if key.startswith(f"{group_kind}:")]
        )
        if of_kind == []:
            continue
        if group_kind == BY_CATEGORY_CENTRE:
            queryset = complaints.filter(category__isnull=False)
            if of_kind is not None:
                queryset = queryset.filter(
                    category_id__in={int(key.split(":")[1]) for key in of_kind}
                )
            queryset = queryset.values("month", "part_day", "category_id", "centre_id")
        else:
            queryset = complaints.exclude(subject_signature="")
            if of_kind is not None:
                queryset = queryset.filter(
                    subject_signature__in=[key.partition(":")[2] for key in of_kind]
                )
            queryset = queryset.values("month", "part_day", "subject_signature")
        for row in queryset.annotate(
            count=Count("pk"),
            first_at=Min("received_at"),
            last_at=Max("received_at"),
            sample=Min("subject"),
        ):
            key = (
                category_centre_key(row["category_id"], row["centre_id"])
                if group_kind == BY_CATEGORY_CENTRE
                else text_key(row["subject_signature"])
            )
            if wanted_keys is not None and key not in wanted_keys:
                continue
            span = spans_by_part[_part_of_row(row, riyadh)]
            result.setdefault((label(span), key), Totals()).add(
                row["count"], row["first_at"], row["last_at"], row["sample"]
            )
