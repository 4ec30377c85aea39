"""Recurring complaints (manual 5.1.8): complaints grouped by the same category and centre,
or by similar wording (Case.subject_signature), with their frequency month by month, and
the quality officer's analysis of each group (root causes; the proposed solutions with
their plans are complaints.solutions'; 5.1.7).

Groups are computed with aggregate queries, never by loading the cases: one query per kind
of group, one for the monthly counts of the groups shown and one for their reviews."""

import datetime
import functools
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from association.models import Centre
from association.selectors import centres_by_pk
from core import mywork
from core.dashboard import Chart, Number, bar_chart, month_label
from core.workflow import CONFLICT_MESSAGE

from .complaint_tallies import (
    _NO_CENTRE,
    BY_CATEGORY_CENTRE,
    BY_TEXT,
    Scope,
    Totals,
    category_centre_key,
    group_totals,
    text_key,
)
from .errors import RecurringGroupError
from .models import Case, RecurringGroupReview
from .selectors import analysis_scope, category_names

DEFAULT_PERIOD_DAYS = 90
FREQUENCY_MONTHS = 6
MIN_GROUP_SIZE = 2

CHART_HEIGHT = 28
CHART_BAR_WIDTH = 10
CHART_GAP = 3

GROUP_KINDS = (BY_CATEGORY_CENTRE, BY_TEXT)


# --- keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupKey:
    kind: str
    category_id: int | None = None
    centre_id: int | None = None
    signature: str = ""

    @property
    def key(self) -> str:
        if self.kind == BY_CATEGORY_CENTRE:
            return category_centre_key(self.category_id, self.centre_id)
        return text_key(self.signature)

    def condition(self) -> Q:
        """The cases of this group, as a filter on Case."""
        if self.kind == BY_CATEGORY_CENTRE:
            if self.centre_id is None:
                return Q(category_id=self.category_id, centre__isnull=True)
            return Q(category_id=self.category_id, centre_id=self.centre_id)
        return Q(subject_signature=self.signature)


def parse_group_key(key: str | None) -> GroupKey | None:
    """The GroupKey of "cc:<category>:<centre or ->" or "tx:<signature>"; None if malformed."""
    kind, _sep, rest = (key or "").partition(":")
    if kind == BY_TEXT:
        signature = rest.strip()
        if signature and len(signature) <= 200 and signature == rest:
            return GroupKey(BY_TEXT, signature=signature)
        return None
    if kind == BY_CATEGORY_CENTRE:
        category, _sep, centre = rest.partition(":")
        if not category.isdigit() or not (centre.isdigit() or centre == _NO_CENTRE):
            return None
        return GroupKey(
            BY_CATEGORY_CENTRE,
            category_id=int(category),
            centre_id=int(centre) if centre.isdigit() else None,
        )
    return None


# --- groups -------------------------------------------------------------------------------


@dataclass
class MonthCount:
    year: int
    month: int
    count: int = 0

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class RecurringGroup:
    group_key: GroupKey
    label: str
    count: int
    first_at: datetime.datetime | None
    last_at: datetime.datetime | None
    monthly: list[MonthCount] = field(default_factory=list)
    review: RecurringGroupReview | None = None

    @property
    def key(self) -> str:
        return self.group_key.key

    @property
    def kind(self) -> str:
        return self.group_key.kind

    @property
    def monthly_peak(self) -> int:
        return max((month.count for month in self.monthly), default=0)

    @property
    def chart(self) -> Chart:
        """Bars of the monthly counts for a small inline SVG chart (includes/bar_chart.html),
        time running the way the page reads, as in the table of months."""
        language = translation.get_language()
        return bar_chart(
            [(_month_label(m.year, m.month, language), m.count) for m in self.monthly],
            _("Complaints per month"),
            height=CHART_HEIGHT,
            bar_width=CHART_BAR_WIDTH,
            gap=CHART_GAP,
        )

    @property
    def chart_svg(self) -> SafeString:
        """The chart as includes/bar_chart.html draws it (data-testid "frequency-chart"),
        written in Python: the list draws one per group, and through the template engine
        the charts were a third of the page's time."""
        return chart_svg(self.chart, "frequency-chart")


@functools.lru_cache(maxsize=256)
def _month_label(year: int, month: int, language: str | None) -> str:
    """month_label() of a month in the active language (the key): the same six months are
    named for every group of a page."""
    return month_label(datetime.date(year, month, 1))


@functools.lru_cache(maxsize=1024, typed=True)  # typed: 1 and 1.0 are written apart
def _shown_count(value: Number, language: str | None) -> str:
    """A bar's value as the template prints it, escaped, in the active language (the key): a
    page of charts shows the same few counts again and again."""
    return escape(formats.localize(value))


def chart_svg(chart: Chart, testid: str = "") -> SafeString:
    """The markup of templates/includes/bar_chart.html for `chart` (keep the two alike).
    Plain strings, each text escaped once: format_html per bar cost a millisecond a chart."""
    language = translation.get_language()
    values = [(escape(bar.label), _shown_count(bar.value, language), bar) for bar in chart.bars]
    label = "، ".join(f"{bar_label} {value}" for bar_label, value, _bar in values)
    rects = "".join(
        f'<rect x="{bar.x}" y="{bar.y}" width="{chart.bar_width}" height="{bar.height}" rx="1" '
        f'fill="#0b5e55"><title>{bar_label}: {value}</title></rect><rect x="{bar.x}" '
        f'y="{chart.height - 1}" width="{chart.bar_width}" height="1" fill="#adb5bd"></rect>'
        for bar_label, value, bar in values
    )
    testid_attribute = f' data-testid="{escape(testid)}"' if testid else ""
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="bar-chart d-inline-block align-middle" width="{chart.width}" '
        f'height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'direction="ltr" aria-label="{escape(chart.description)}: {label}"'
        f"{testid_attribute}>\n  {rects}\n</svg>\n"
    )


def default_period(
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The last 90 days up to now: (start, end) aware datetimes."""
    end = now or timezone.now()
    return end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS), end


def _centre_label(centre: Centre | None) -> str:
    return centre.display_name if centre else _("No centre")


def _category_centre_label(category_name: str, centre: Centre | None) -> str:
    return f"{category_name} · {_centre_label(centre)}"


def as_scope(cases: "QuerySet[Case] | Scope") -> Scope:
    """A scope as given (a reader's, selectors.analysis_scope: read from the monthly
    roll-up), or any queryset of cases (counted from the cases themselves)."""
    return cases if isinstance(cases, Scope) else Scope(cases, rolled=False)


def find_groups(
    cases: "QuerySet[Case] | Scope",
    start: datetime.datetime,
    end: datetime.datetime,
    kind: str | None = None,
) -> list[RecurringGroup]:
    """The recurring groups among the complaints of `cases` (a queryset, or a reader's
    scope) received in [start, end), the largest first. Without their monthly counts and
    reviews (see add_details)."""
    totals = {
        key: total
        for (_label, key), total in group_totals(
            as_scope(cases), start, end, kind=kind or None
        ).items()
    }
    categories = category_names()
    centres = centres_by_pk()
    groups = []
    for key, total in totals.items():
        group_key = parse_group_key(key)
        if total.count < MIN_GROUP_SIZE or group_key is None:
            continue
        if group_key.kind == BY_CATEGORY_CENTRE:
            label = _category_centre_label(
                categories.get(cast(int, group_key.category_id), ""),
                centres.get(group_key.centre_id) if group_key.centre_id else None,
            )
        else:
            label = total.sample or ""
        groups.append(RecurringGroup(group_key, label, total.count, total.first_at, total.last_at))
    groups.sort(key=_largest_latest_first)
    return groups


def _largest_latest_first(group: RecurringGroup) -> tuple[int, float, str]:
    # A group found in the period has at least two complaints, so a last one.
    last_at = cast(datetime.datetime, group.last_at)
    return (-group.count, -last_at.timestamp(), group.key)


def frequency_months(
    end: datetime.datetime, months: int = FREQUENCY_MONTHS
) -> list[tuple[int, int]]:
    """The `months` calendar months (Riyadh) ending with the month of `end`, oldest first."""
    local_end = timezone.localtime(end - datetime.timedelta(microseconds=1))
    year, month = local_end.year, local_end.month
    keys = []
    for _index in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))


def _month_start(year: int, month: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, 1), timezone.get_default_timezone())


def add_details(
    groups: list[RecurringGroup], cases: "QuerySet[Case] | Scope", end: datetime.datetime
) -> list[RecurringGroup]:
    """Give each group its monthly counts over the FREQUENCY_MONTHS months ending at `end`
    (one query on the roll-up for all the groups) and its review, if written (one
    query)."""
    if not groups:
        return groups
    months = frequency_months(end)
    counts = group_totals(
        as_scope(cases),
        _month_start(*months[0]),
        end,
        keys=[group.key for group in groups],
        by_month=True,
    )
    reviews = RecurringGroupReview.objects.select_related("updated_by").in_bulk(
        [group.key for group in groups], field_name="group_key"
    )
    none = Totals()
    for group in groups:
        group.monthly = [
            MonthCount(
                year, month, counts.get((datetime.date(year, month, 1), group.key), none).count
            )
            for year, month in months
        ]
        group.review = reviews.get(group.key)
    return groups


def recurring_groups(
    cases: QuerySet[Case],
    start: datetime.datetime,
    end: datetime.datetime,
    kind: str | None = None,
) -> list[RecurringGroup]:
    """Every recurring group of the period, with monthly counts and reviews."""
    return add_details(find_groups(cases, start, end, kind), cases, end)


def groups_for_user(
    user: User | AnonymousUser,
    start: datetime.datetime,
    end: datetime.datetime,
    kind: str | None = None,
) -> list[RecurringGroup]:
    return find_groups(analysis_scope(user), start, end, kind)


def find_group(
    cases: "QuerySet[Case] | Scope",
    group_key: GroupKey,
    start: datetime.datetime,
    end: datetime.datetime,
) -> RecurringGroup:
    """One group (even with fewer than two complaints in the period), with its details."""
    total = group_totals(as_scope(cases), start, end, keys=[group_key.key]).get(
        (None, group_key.key), Totals()
    )
    group = RecurringGroup(
        group_key,
        _group_label(group_key, total.sample),
        total.count,
        total.first_at,
        total.last_at,
    )
    add_details([group], cases, end)
    return group


def label_for_key(key: str | None) -> str:
    """A readable name for a group key (the review's label when one was written)."""
    group_key = parse_group_key(key)
    if group_key is None:
        return ""
    review = RecurringGroupReview.objects.filter(group_key=group_key.key).first()
    if review is not None:
        return review.label
    sample = None
    if group_key.kind == BY_TEXT:
        sample = (
            Case.objects.filter(subject_signature=group_key.signature)
            .values_list("subject", flat=True)
            .first()
        )
    return _group_label(group_key, sample)


def _group_label(group_key: GroupKey, sample: str | None) -> str:
    if group_key.kind == BY_TEXT:
        return sample or group_key.signature
    category_id = cast(int, group_key.category_id)  # a category-centre key has its category
    centre = centres_by_pk().get(group_key.centre_id) if group_key.centre_id else None
    return _category_centre_label(category_names().get(category_id, "?"), centre)


# --- the quality officer's analysis -------------------------------------------------------


def save_group_review(
    *, actor: User, group_key: str, label: str | None, root_causes: str | None
) -> RecurringGroupReview:
    """Write (or rewrite) the root causes of one recurring group, found with the
    departments concerned. Every version is kept by simple-history. The proposed solutions,
    each with its plan, owner and due date, are complaints.solutions'."""
    parsed = parse_group_key(group_key)
    if parsed is None:
        raise RecurringGroupError(_("This recurring group does not exist."))
    root_causes = (root_causes or "").strip()
    label = (label or "").strip()[:300] or parsed.key
    existing = RecurringGroupReview.objects.filter(group_key=parsed.key).exists()
    permission = "change" if existing else "add"
    if not actor.has_perm(f"complaints.{permission}_recurringgroupreview"):
        raise PermissionDenied
    if not root_causes:
        raise RecurringGroupError(_("Write the root causes."))
    try:
        with transaction.atomic():
            review = (
                RecurringGroupReview.objects.select_for_update()
                .filter(group_key=parsed.key)
                .first()
            )
            if review is None:
                if not actor.has_perm("complaints.add_recurringgroupreview"):
                    raise PermissionDenied
                review = RecurringGroupReview(group_key=parsed.key)
            review.label = label
            review.root_causes = root_causes
            review.updated_by = actor
            review._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
            review.save()
    except IntegrityError as error:
        raise RecurringGroupError(str(CONFLICT_MESSAGE)) from error
    return review


# --- the quality officer's "عملي" -----------------------------------------------------------

MY_WORK_LIMIT = 20


def groups_awaiting_analysis(user: User) -> mywork.WorkSection | None:
    """For whoever writes the analysis (the quality officer, 5.1.8): the recurring groups of
    the default period (the last 90 days) whose root causes nobody has written yet, the
    largest first. Three queries (the two kinds of group, their reviews), whatever the
    number of cases."""
    if not user.has_perm("complaints.add_recurringgroupreview"):
        return None
    start, end = default_period()
    groups = find_groups(analysis_scope(user), start, end)
    analysed = set(
        RecurringGroupReview.objects.filter(
            group_key__in=[group.key for group in groups]
        ).values_list("group_key", flat=True)
    )
    waiting = [group for group in groups if group.key not in analysed][:MY_WORK_LIMIT]
    if not waiting:
        return None
    detail_url = reverse("complaints:recurring_detail")
    since = formats.date_format(timezone.localtime(start), "j F Y")
    items = [
        mywork.WorkItem(
            title=group.label,
            url=f"{detail_url}?{urlencode({'key': group.key})}",
            detail=ngettext(
                "%(count)s complaint since %(day)s",
                "%(count)s complaints since %(day)s",
                group.count,
            )
            % {"count": group.count, "day": since},
        )
        for group in waiting
    ]
    return mywork.WorkSection(
        title=_("Recurring complaints awaiting your analysis"),
        items=items,
        list_url=reverse("complaints:recurring"),
    )
