"""The analysis of a survey round (procedure step 4): per item the spread of the answers
over the scale, the mean and the share agreeing; the satisfaction index; breakdowns by
centre, city, age band and first-time visitors; the response rate; the comparison with the
previous round of the same programme answered on the same version of the form; the
suggestions grouped by their common words.

A round is read in a fixed number of queries whatever its size: ONE grouped query over the
answers (item × value × centre × age band × first time, a few thousand groups at most), one
over the responses (channel × centre × age band × first time), the items, the invitations,
the suggestions, and the previous round's answers grouped by item and value. Everything else
is added up here.

Rules (the same for the page, the PDFs and the tests):

- The satisfaction index is the mean of every scale answer as a share of the top of the
  scale (mean ÷ 5, in %), over the items of the scale except the one about a named
  presenter (item 6): a figure about the programme, never about a person.
- An item is weak when its share agreeing (4 or 5) is under the administrator's threshold
  or its mean is under the other threshold (AnalysisSettings, 60 % and 3.5 by default).
- Item 6's figures are shown only to those who may see them (surveys.view_presenter_figures,
  the managers) and only from AnalysisSettings.presenter_min_answers answers (5): seed 003,
  evaluation is for improvement, not for blaming a person.
- The previous round is the latest round of the same programme that ended before this one,
  answered on the same version of the form, not cancelled: like is compared with like.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from association.selectors import centres_by_pk, cities_by_pk
from core.text import STOP_WORDS, light_stem, normalize_arabic
from surveys.models import (
    AgeBand,
    Answer,
    InstrumentKind,
    Invitation,
    Item,
    ItemKind,
    Response,
    ResponseChannel,
    Round,
    RoundState,
)

from .charts import StackedBar, stacked_bar
from .models import AnalysisSettings

SCALE_POINTS = (1, 2, 3, 4, 5)
AGREE = (4, 5)
PRESENTER_PERMISSION = "surveys.view_presenter_figures"
# The suggestions listed on the page and in the PDF (the XLSX has them all).
SUGGESTIONS_SHOWN = 100
# A word makes a group when this many suggestions use it.
GROUP_MIN_SUGGESTIONS = 2
GROUPS_SHOWN = 8
GROUP_TEXTS_SHOWN = 10
# Words that say nothing about what to do next, besides core.text's stop words.
_SURVEY_STOP_WORDS_TEXT = (
    "اقترح اقتراحي اتمنى نتمنى ارجو نرجو يكون تكون يتم اكثر جدا شكرا الشكر الجمعيه "
    "جميع جميل ممتاز رائع البرنامج برنامج الفعاليه فعاليه القادمه المستقبل هناك ايضا"
)
SURVEY_STOP_WORDS = STOP_WORDS | frozenset(normalize_arabic(_SURVEY_STOP_WORDS_TEXT).split())


@dataclass(frozen=True)
class Thresholds:
    min_agree_percent: float
    min_mean: float
    presenter_min_answers: int

    @classmethod
    def current(cls) -> "Thresholds":
        row = AnalysisSettings.current()
        return cls(
            float(row.min_agree_percent), float(row.min_mean), int(row.presenter_min_answers)
        )


@dataclass
class Comparison:
    """An item against the same item of the previous round."""

    mean: float | None
    agree_percent: float | None
    mean_change: float | None
    agree_change: float | None
    was_weak: bool

    @property
    def improved(self) -> bool | None:
        """Better on both figures that exist; None when either round had no answer."""
        if self.mean_change is None or self.agree_change is None:
            return None
        return self.mean_change > 0 or self.agree_change > 0


@dataclass
class ItemResult:
    item_id: int
    position: int
    code: str
    text: str
    kind: str
    about_presenter: bool
    counts: dict[int, int]  # value -> answers
    total: int
    mean: float | None
    agree_percent: float | None  # scale items: share of 4 and 5
    weak: bool = False
    hidden: bool = False  # item 6 withheld from this reader
    chart: StackedBar | None = None
    previous: Comparison | None = None
    # Score items (0–10): promoters (9–10) minus detractors (0–6), in points.
    net_score: float | None = None
    # Yes/no items: the share answering yes.
    yes_percent: float | None = None

    @property
    def scale_counts(self) -> tuple[int, ...]:
        return tuple(self.counts.get(point, 0) for point in SCALE_POINTS)


@dataclass
class BreakdownRow:
    label: str
    responses: int
    index: float | None  # the satisfaction index of the group
    agree_percent: float | None


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]


@dataclass
class SuggestionGroup:
    word: str  # the most used spelling of the group's stem
    count: int  # suggestions using it
    suggestions: list[str]  # the first GROUP_TEXTS_SHOWN different ones


@dataclass
class RoundAnalysis:
    round: Round
    items: list[ItemResult]
    responses: int
    channels: list[tuple[str, int]]
    satisfaction_index: float | None
    agree_percent: float | None
    breakdowns: list[Breakdown]
    invitations: int
    invitations_answered: int
    suggestions: list[str]
    suggestions_total: int
    suggestion_groups: list[SuggestionGroup]
    previous_round: Round | None
    previous_index: float | None
    thresholds: Thresholds
    presenter_note: str = ""
    text_answers: dict[int, list[str]] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        """Invitations answered, in % of the invitations sent (None with no invitation)."""
        if not self.invitations:
            return None
        return 100 * self.invitations_answered / self.invitations

    @property
    def weak_items(self) -> list[ItemResult]:
        return [item for item in self.items if item.weak and not item.hidden]

    @property
    def index_change(self) -> float | None:
        if self.satisfaction_index is None or self.previous_index is None:
            return None
        return self.satisfaction_index - self.previous_index


def satisfaction_level(index: float | None) -> str:
    """The level the index suggests (the quality officer confirms it in step 4)."""
    from .models import SatisfactionLevel

    if index is None:
        return ""
    if index >= 85:
        return SatisfactionLevel.VERY_HIGH
    if index >= 70:
        return SatisfactionLevel.HIGH
    if index >= 55:
        return SatisfactionLevel.MEDIUM
    return SatisfactionLevel.LOW


def may_see_presenter(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.has_perm(PRESENTER_PERMISSION))


# --- reading ----------------------------------------------------------------------------------


def analyse(
    survey_round: Round,
    *,
    user: User | AnonymousUser | None,
    version_id: int | None = None,
    thresholds: Thresholds | None = None,
) -> RoundAnalysis:
    """The analysis of the round's answers on `version_id` (the round's beneficiary form by
    default; its donor form for the donor report), as `user` may see it (None: a document
    for readers outside the staff, the donors, which never shows item 6)."""
    thresholds = thresholds or Thresholds.current()
    beneficiary = version_id is None or version_id == survey_round.version_id
    version_id = version_id or survey_round.version_id
    items = list(
        Item.objects.filter(version_id=version_id)
        .order_by("position")
        .values_list("pk", "position", "code", "text", "kind", "about_presenter")
    )
    kinds = {row[0]: row[4] for row in items}
    presenter_ids = {row[0] for row in items if row[5]}
    # Each centre's city, read once (one cache read, never one per grouped row).
    city_of = {pk: centre.city_id for pk, centre in centres_by_pk().items()}
    cells = _answer_cells(survey_round, kinds, presenter_ids, city_of)
    groups = _response_groups(survey_round, version_id, city_of)
    allowed = may_see_presenter(user)
    results = [
        _item_result(row, cells.per_item.get(row[0], {}), thresholds, presenter_allowed=allowed)
        for row in items
    ]
    counted = [r for r in results if r.kind == ItemKind.SCALE and not r.about_presenter]
    value_sum = sum(value * n for r in counted for value, n in r.counts.items())
    answers = sum(r.total for r in counted)
    agreeing = sum(r.counts.get(4, 0) + r.counts.get(5, 0) for r in counted)

    previous = previous_round(survey_round) if beneficiary else None
    previous_index = _compare(results, previous, kinds, thresholds) if previous else None
    invited, answered = _invitations(
        survey_round, InstrumentKind.BENEFICIARY if beneficiary else InstrumentKind.DONOR
    )
    suggestions, suggestions_total = _suggestions(survey_round, version_id)
    return RoundAnalysis(
        round=survey_round,
        items=results,
        responses=sum(groups.channels.values()),
        channels=_channels(groups.channels),
        satisfaction_index=_index(value_sum, answers),
        agree_percent=100 * agreeing / answers if answers else None,
        breakdowns=_breakdowns(cells, groups) if beneficiary else [],
        invitations=invited,
        invitations_answered=answered,
        suggestions=suggestions[:SUGGESTIONS_SHOWN],
        suggestions_total=suggestions_total,
        suggestion_groups=group_suggestions(suggestions),
        previous_round=previous,
        previous_index=previous_index,
        thresholds=thresholds,
        presenter_note=_presenter_note(results, allowed, thresholds),
        text_answers=_text_answers(survey_round, kinds),
    )


@dataclass
class _Cells:
    """The grouped answers (the one GROUP BY over the answers of the round)."""

    per_item: dict[int, dict[int, int]]
    # (dimension, group) -> [sum of the values, answers, answers agreeing], scale items only
    per_group: dict[tuple[str, Any], list[int]]


def _answer_cells(
    survey_round: Round,
    kinds: Mapping[int, str],
    presenter_ids: set[int],
    city_of: Mapping[int, int],
) -> _Cells:
    rows = (
        Answer.objects.filter(round=survey_round, item_id__in=list(kinds), value__isnull=False)
        .values(
            "item_id", "value", "response__centre_id", "response__age_band", "response__first_time"
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    per_item: dict[int, dict[int, int]] = defaultdict(dict)
    per_group: dict[tuple[str, Any], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        item_id, value, n = row["item_id"], row["value"], row["n"]
        per_item[item_id][value] = per_item[item_id].get(value, 0) + n
        if kinds[item_id] != ItemKind.SCALE or item_id in presenter_ids:
            continue
        for key in _group_keys(
            row["response__centre_id"],
            row["response__age_band"],
            row["response__first_time"],
            city_of,
        ):
            cell = per_group[key]
            cell[0] += value * n
            cell[1] += n
            cell[2] += n if value in AGREE else 0
    return _Cells(per_item=per_item, per_group=per_group)


def _group_keys(
    centre_id: int | None, age_band: str, first_time: bool | None, city_of: Mapping[int, int]
) -> list[tuple[str, Any]]:
    return [
        ("centre", centre_id),
        ("city", city_of.get(centre_id) if centre_id else None),
        ("age_band", age_band or ""),
        ("first_time", first_time),
    ]


@dataclass
class _Groups:
    responses: dict[tuple[str, Any], int]
    channels: dict[str, int]


def _response_groups(survey_round: Round, version_id: int, city_of: Mapping[int, int]) -> _Groups:
    rows = (
        Response.objects.filter(round=survey_round, version_id=version_id)
        .values("channel", "centre_id", "age_band", "first_time")
        .annotate(n=Count("id"))
        .order_by()
    )
    responses: dict[tuple[str, Any], int] = defaultdict(int)
    channels: dict[str, int] = defaultdict(int)
    for row in rows:
        channels[row["channel"]] += row["n"]
        for key in _group_keys(row["centre_id"], row["age_band"], row["first_time"], city_of):
            responses[key] += row["n"]
    return _Groups(responses=responses, channels=channels)


def _item_result(
    row: tuple[int, int, str, str, str, bool],
    counts: dict[int, int],
    thresholds: Thresholds,
    *,
    presenter_allowed: bool,
) -> ItemResult:
    pk, position, code, text, kind, about_presenter = row
    total = sum(counts.values())
    result = ItemResult(
        item_id=pk,
        position=position,
        code=code,
        text=text,
        kind=kind,
        about_presenter=about_presenter,
        counts=dict(counts),
        total=total,
        mean=sum(value * n for value, n in counts.items()) / total if total else None,
        agree_percent=None,
    )
    if kind == ItemKind.SCALE:
        agreeing = counts.get(4, 0) + counts.get(5, 0)
        result.agree_percent = 100 * agreeing / total if total else None
        result.weak = is_weak(result.mean, result.agree_percent, thresholds)
        result.chart = stacked_bar(
            result.scale_counts, rtl=get_language_bidi(), description=_scale_description(result)
        )
    elif kind == ItemKind.SCORE and total:
        promoters = sum(n for value, n in counts.items() if value >= 9)
        detractors = sum(n for value, n in counts.items() if value <= 6)
        result.net_score = 100 * (promoters - detractors) / total
    elif kind == ItemKind.YES_NO and total:
        result.yes_percent = 100 * counts.get(1, 0) / total
    if about_presenter and (not presenter_allowed or total < thresholds.presenter_min_answers):
        _withhold(result)
    return result


def _withhold(result: ItemResult) -> None:
    """Item 6 as a reader who may not see it gets it: its statement, no figure."""
    result.hidden = True
    result.counts, result.total = {}, 0
    result.mean = result.agree_percent = None
    result.weak, result.chart = False, None


def is_weak(mean: float | None, agree_percent: float | None, thresholds: Thresholds) -> bool:
    if mean is None or agree_percent is None:
        return False
    return agree_percent < thresholds.min_agree_percent or mean < thresholds.min_mean


def _scale_description(result: ItemResult) -> str:
    total = result.total or 1
    return "، ".join(
        f"{point}: {100 * n / total:.0f}%"
        for point, n in zip(SCALE_POINTS, result.scale_counts, strict=True)
    )


def _index(value_sum: int, answers: int) -> float | None:
    """The mean answer as a share of the top of the scale (5), in %."""
    return 100 * value_sum / answers / SCALE_POINTS[-1] if answers else None


def _channels(channels: Mapping[str, int]) -> list[tuple[str, int]]:
    labels = dict(ResponseChannel.choices)
    return [(str(labels[key]), channels.get(key, 0)) for key in ResponseChannel.values]


def _breakdowns(cells: _Cells, groups: _Groups) -> list[Breakdown]:
    centres, cities = centres_by_pk(), cities_by_pk()
    unknown = _("Not given")

    def centre_name(key: Any) -> str:
        return centres[key].display_name if key in centres else unknown

    def city_name(key: Any) -> str:
        return cities[key].display_name if key in cities else unknown

    def age_name(key: Any) -> str:
        return str(dict(AgeBand.choices).get(key, unknown))

    def first_time_name(key: Any) -> str:
        return {True: _("First time"), False: _("Came before")}.get(key, unknown)

    dimensions = (
        ("centre", _("By centre"), centre_name, None),
        ("city", _("By city"), city_name, None),
        ("age_band", _("By age band"), age_name, [*AgeBand.values, ""]),
        ("first_time", _("First time or not"), first_time_name, [True, False, None]),
    )
    breakdowns = []
    for dimension, title, name, order in dimensions:
        keys = [key for (dim, key) in groups.responses if dim == dimension]
        if order is not None:
            keys = [key for key in order if key in keys]
        else:
            keys.sort(key=lambda key: (key is None, name(key)))
        rows = []
        for key in keys:
            value_sum, answers, agreeing = cells.per_group.get((dimension, key), [0, 0, 0])
            rows.append(
                BreakdownRow(
                    label=name(key),
                    responses=groups.responses[(dimension, key)],
                    index=_index(value_sum, answers),
                    agree_percent=100 * agreeing / answers if answers else None,
                )
            )
        breakdowns.append(Breakdown(key=dimension, title=str(title), rows=rows))
    return breakdowns


def _invitations(survey_round: Round, kind: str) -> tuple[int, int]:
    figures = Invitation.objects.filter(round=survey_round, kind=kind).aggregate(
        sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
    )
    return figures["sent"], figures["answered"]


def _suggestions(survey_round: Round, version_id: int) -> tuple[list[str], int]:
    texts = list(
        Response.objects.filter(round=survey_round, version_id=version_id)
        .exclude(suggestions="")
        .order_by("-submitted_at", "-id")
        .values_list("suggestions", flat=True)
    )
    return texts, len(texts)


def _text_answers(survey_round: Round, kinds: Mapping[int, str]) -> dict[int, list[str]]:
    """The answers to the form's free-text items (the donor survey's comments)."""
    text_items = [pk for pk, kind in kinds.items() if kind == ItemKind.TEXT]
    if not text_items:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(round=survey_round, item_id__in=text_items)
        .exclude(text="")
        .order_by("-id")
        .values_list("item_id", "text")[:SUGGESTIONS_SHOWN]
    )
    for item_id, text in rows:
        found[item_id].append(text)
    return dict(found)


def _presenter_note(results: Iterable[ItemResult], allowed: bool, thresholds: Thresholds) -> str:
    if not any(result.hidden for result in results):
        return ""
    if not allowed:
        return _(
            "The figures of the statement about the programme's presenter are shown to the "
            "managers only: evaluation is a tool for improvement, not for blame."
        )
    return _(
        "The figures of the statement about the programme's presenter are shown from "
        "%(count)d answers."
    ) % {"count": thresholds.presenter_min_answers}


# --- the previous round -----------------------------------------------------------------------


def previous_round(survey_round: Round) -> Round | None:
    """The latest earlier round of the same programme on the same form version."""
    if not survey_round.programme_id:
        return None
    return (
        Round.objects.filter(
            programme_id=survey_round.programme_id,
            version_id=survey_round.version_id,
            ended_on__lte=survey_round.ended_on,
        )
        .exclude(pk=survey_round.pk)
        .exclude(state=RoundState.CANCELLED)
        .exclude(ended_on=survey_round.ended_on, pk__gt=survey_round.pk)
        .order_by("-ended_on", "-pk")
        .select_related("findings")
        .first()
    )


def _compare(
    results: list[ItemResult],
    previous: Round,
    kinds: Mapping[int, str],
    thresholds: Thresholds,
) -> float | None:
    """Set each scale item's comparison with the previous round; return that round's index.
    An item "was weak" when the previous round's findings flagged it (or, without findings,
    when its figures were under today's thresholds)."""
    rows = (
        Answer.objects.filter(round=previous, item_id__in=list(kinds), value__isnull=False)
        .values("item_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    before: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        before[row["item_id"]][row["value"]] = row["n"]
    findings = getattr(previous, "findings", None)
    flagged = set(findings.weak_items) if findings is not None else None
    value_sum = answers = 0
    for result in results:
        if result.kind != ItemKind.SCALE:
            continue
        counts = before.get(result.item_id, {})
        total = sum(counts.values())
        mean = sum(value * n for value, n in counts.items()) / total if total else None
        agree = 100 * (counts.get(4, 0) + counts.get(5, 0)) / total if total else None
        if not result.about_presenter:
            value_sum += sum(value * n for value, n in counts.items())
            answers += total
        if result.hidden:
            continue
        was_weak = (
            result.code in flagged if flagged is not None else is_weak(mean, agree, thresholds)
        )
        result.previous = Comparison(
            mean=mean,
            agree_percent=agree,
            mean_change=None if mean is None or result.mean is None else result.mean - mean,
            agree_change=None
            if agree is None or result.agree_percent is None
            else result.agree_percent - agree,
            was_weak=was_weak,
        )
    return _index(value_sum, answers)


# --- the suggestions grouped by their words ---------------------------------------------------


def suggestion_words(text: str) -> list[str]:
    """The stems a suggestion is about: normalised (core.text), without stop words, short
    words and repeats."""
    stems: list[str] = []
    for word in normalize_arabic(text).split():
        word = "".join(char for char in word if char.isalnum())
        if len(word) < 3 or word in SURVEY_STOP_WORDS:
            continue
        stem = light_stem(word)
        if len(stem) < 3 or stem in SURVEY_STOP_WORDS or stem in stems:
            continue
        stems.append(stem)
    return stems


def group_suggestions(suggestions: list[str]) -> list[SuggestionGroup]:
    """The words most suggestions share, each with the suggestions that use it, the most
    shared first (a suggestion may sit in several groups)."""
    members: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for text in suggestions:
        for stem in suggestion_words(text):
            members[stem].append(text)
        for word in text.split():
            clean = "".join(char for char in word if char.isalnum())
            normalised = normalize_arabic(clean)
            if len(normalised) >= 3:
                spellings[light_stem(normalised)][clean] += 1
    ranked = sorted(
        (stem for stem, texts in members.items() if len(texts) >= GROUP_MIN_SUGGESTIONS),
        key=lambda stem: (-len(members[stem]), stem),
    )
    return [
        SuggestionGroup(
            word=spellings[stem].most_common(1)[0][0] if spellings[stem] else stem,
            count=len(members[stem]),
            suggestions=list(dict.fromkeys(members[stem]))[:GROUP_TEXTS_SHOWN],
        )
        for stem in ranked[:GROUPS_SHOWN]
    ]
