"""The report selectors (complaints.statistics) on a hand-built month of cases."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

from complaints import recommendations as recs
from complaints import statistics
from complaints.models import Case, CaseCategory, CaseState, Recommendation
from complaints.statistics import Period, percentile
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
HOUR = datetime.timedelta(hours=1)


def riyadh(*args):
    return datetime.datetime(*args, tzinfo=RIYADH)


MARCH = Period(riyadh(2026, 3, 1), riyadh(2026, 4, 1))


def make(
    actor,
    customer=None,
    *,
    received_at,
    replied=None,
    closed=None,
    due=None,
    answer_due=None,
    **fields,
):
    """A case with exact times: replied/closed/answer_due in hours after receipt."""
    case = register(actor, customer, received_at=received_at, **fields)
    values = {
        "replied_at": received_at + replied * HOUR if replied is not None else None,
        "closed_at": received_at + closed * HOUR if closed is not None else None,
        "answer_due_at": received_at + answer_due * HOUR if answer_due is not None else None,
        "due_at": due,
    }
    if closed is not None:
        values["state"] = CaseState.CLOSED
    elif replied is not None:
        values["state"] = CaseState.REPLIED
    Case.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    return case


@pytest.fixture
def month(people, customers):
    actor = people["crm_manager"]
    food = CaseCategory.objects.create(name="السلال الغذائية")
    beneficiary, donor = customers["beneficiary"], customers["donor"]
    day = riyadh(2026, 3, 10, 9, 0)
    return {
        "food": food,
        "c1": make(
            actor, donor, received_at=day, replied=1, closed=2, answer_due=10, category=food
        ),
        "c2": make(
            actor,
            beneficiary,
            received_at=day,
            replied=3,
            closed=5,
            answer_due=10,
            category=food,
            channel="email",
        ),
        "c3": make(
            actor,
            beneficiary,
            received_at=day,
            replied=5,
            answer_due=4,
            kind="inquiry",
            due=riyadh(2026, 3, 25),
        ),
        "c4": make(
            actor,
            None,
            received_at=day,
            replied=10,
            closed=20,
            answer_due=6,
            kind="suggestion",
            channel="website",
        ),
        "c5": make(
            actor,
            None,
            received_at=riyadh(2026, 3, 31, 23, 50),
            answer_due=24,
            due=riyadh(2026, 3, 10),
        ),
        # Just outside March in Riyadh; the second is still 31 March in UTC.
        "before": make(
            actor,
            None,
            received_at=riyadh(2026, 2, 28, 23, 50),
            replied=100,
            closed=100,
            answer_due=1,
        ),
        "after": make(
            actor, None, received_at=riyadh(2026, 4, 1, 0, 0), replied=100, closed=100, answer_due=1
        ),
    }


# --- percentile -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7.0], 0.9, 7.0),
        ([1, 3, 5, 10], 0.5, 4.0),
        ([1, 3, 5, 10], 0.9, 8.5),
        ([2, 5, 20], 0.5, 5),
        ([2, 5, 20], 0.9, 17.0),
        (list(range(1, 11)), 0.9, 9.1),
    ],
)
def test_percentile(values, fraction, expected):
    result = percentile(values, fraction)
    assert result == expected or result == pytest.approx(expected)


# --- volume -----------------------------------------------------------------------------------


def rows(result):
    return [(row.key, row.count) for row in result]


def test_volume_by_each_dimension(month, places):
    assert rows(statistics.volume_by(MARCH, "kind")) == [
        ("complaint", 3),
        ("inquiry", 1),
        ("suggestion", 1),
    ]
    assert rows(statistics.volume_by(MARCH, "channel"))[0] == ("phone", 3)
    assert set(rows(statistics.volume_by(MARCH, "channel"))) == {
        ("phone", 3),
        ("email", 1),
        ("website", 1),
    }
    assert rows(statistics.volume_by(MARCH, "routed_to")) == [("crm", 3), ("centres", 2)]
    assert rows(statistics.volume_by(MARCH, "centre")) == [(None, 3), (places["mine"].pk, 2)]
    assert rows(statistics.volume_by(MARCH, "category")) == [(None, 3), (month["food"].pk, 2)]


def test_volume_labels_and_shares(month, places):
    with translation.override("ar"):
        centre_rows = statistics.volume_by(MARCH, "centre")
        kind_rows = statistics.volume_by(MARCH, "kind")
        route_rows = statistics.volume_by(MARCH, "routed_to")
    assert centre_rows[0].label == "غير محدد"
    assert centre_rows[1].label == places["mine"].name
    assert kind_rows[0].label == "شكوى"
    assert centre_rows[0].share == pytest.approx(0.6)
    assert sum(row.share for row in route_rows) == pytest.approx(1.0)
    with translation.override("en"):
        assert statistics.volume_by(MARCH, "category")[0].label == "Not set"
        assert statistics.volume_by(MARCH, "category")[1].label == "السلال الغذائية"


def test_volume_of_an_empty_period_and_bad_dimension(db):
    assert statistics.volume_by(MARCH, "kind") == []
    with pytest.raises(ValueError):
        statistics.volume_by(MARCH, "colour")


def test_periods_need_aware_ordered_datetimes():
    with pytest.raises(ValueError):
        Period(datetime.datetime(2026, 3, 1), datetime.datetime(2026, 4, 1))
    with pytest.raises(ValueError):
        Period(riyadh(2026, 4, 1), riyadh(2026, 3, 1))
    assert statistics.as_period((riyadh(2026, 3, 1), riyadh(2026, 4, 1))) == MARCH


# --- times and deadlines ----------------------------------------------------------------------


def test_answer_times(month, django_assert_num_queries):
    with django_assert_num_queries(2):
        times = statistics.answer_times(MARCH)
    assert times.first_answer.count == 4
    assert times.first_answer.median_hours == pytest.approx(4.0)
    assert times.first_answer.p90_hours == pytest.approx(8.5)
    assert times.closure.count == 3
    assert times.closure.median_hours == pytest.approx(5.0)
    assert times.closure.p90_hours == pytest.approx(17.0)


def test_answer_times_of_an_empty_period(db):
    times = statistics.answer_times(MARCH)
    assert times.first_answer.count == 0
    assert times.first_answer.median_hours is None
    assert times.closure.p90_hours is None


def test_within_deadline_share(month):
    share = statistics.within_deadline_share(MARCH)
    assert (share.answered, share.within, share.late) == (4, 2, 2)
    assert share.share == pytest.approx(0.5)
    assert share.percentage == pytest.approx(50.0)


def test_within_deadline_share_with_nothing_answered(db):
    share = statistics.within_deadline_share(MARCH)
    assert share.answered == 0 and share.share is None and share.percentage is None


def test_overdue_cases(month):
    assert list(statistics.overdue_cases(riyadh(2026, 3, 20))) == [month["c5"]]
    assert list(statistics.overdue_cases(riyadh(2026, 3, 26))) == [month["c5"], month["c3"]]
    assert list(statistics.overdue_cases(riyadh(2026, 3, 1))) == []


def test_a_narrower_queryset_is_respected(month):
    crm_only = Case.objects.filter(routed_to="crm")
    assert rows(statistics.volume_by(MARCH, "kind", crm_only)) == [
        ("complaint", 2),
        ("suggestion", 1),
    ]


# --- recurring groups -------------------------------------------------------------------------


def test_recurring_groups_of_the_period(people, customers):
    food = CaseCategory.objects.create(name="السلال")
    for day, subject in ((3, "نقص الكمية"), (12, "تلف المواد"), (20, "سوء التغليف")):
        register(
            people["centres"],
            customers["beneficiary"],
            category=food,
            subject=subject,
            received_at=riyadh(2026, 3, day, 10),
        )
    register(
        people["centres"], customers["beneficiary"], category=food, received_at=riyadh(2026, 2, 3)
    )
    groups = statistics.recurring_groups(MARCH)
    [group] = groups
    assert group.count == 3
    assert [m.count for m in group.monthly][-2:] == [1, 3]  # February, March
    assert statistics.recurring_groups(MARCH, limit=0) == []


# --- recommendations --------------------------------------------------------------------------


@pytest.fixture
def recommendations(people):
    secretary = user_with_secretary()

    def raised(text, when, **fields):
        rec = recs.recommendation_raise(
            actor=people["crm_manager"],
            text=text,
            department="crm",
            owner=people["crm"],
            due_date=timezone.localdate(),
        )
        Recommendation.objects.filter(pk=rec.pk).update(raised_at=when)
        rec.refresh_from_db()
        return rec

    feb_done = raised("فبراير منفذة", riyadh(2026, 2, 5))
    feb_failed = raised("فبراير لم تنفذ", riyadh(2026, 2, 20))
    feb_rejected = raised("فبراير مرفوضة", riyadh(2026, 2, 25))
    march = raised("مارس", riyadh(2026, 3, 2))
    for rec in (feb_done, feb_failed):
        recs.recommendation_decide(actor=secretary, recommendation=rec, approve=True)
    recs.recommendation_decide(
        actor=secretary, recommendation=feb_rejected, approve=False, note="لا"
    )
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=feb_done, implemented=True
    )
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=feb_failed, implemented=False, note="لم ينفذ"
    )
    recs.recommendation_record_investigation(
        actor=people["crm"], recommendation=feb_failed, reasons="نقص الميزانية"
    )
    return {"feb_done": feb_done, "feb_failed": feb_failed, "march": march}


def user_with_secretary():
    from association import roles

    return user_with(roles.COUNCIL_SECRETARY, "secretary")


def test_recommendations_raised_in_the_period(recommendations):
    summary = statistics.recommendations_raised(MARCH)
    assert summary.recommendations == [recommendations["march"]]
    assert summary.by_decision == {"raised": 1, "approved": 0, "rejected": 0}


def test_follow_up_of_the_previous_period(recommendations):
    february = statistics.previous_period(MARCH)
    assert february == Period(riyadh(2026, 2, 1), riyadh(2026, 3, 1))
    summary = statistics.recommendations_follow_up(february)
    assert summary.total == 3
    assert summary.by_decision == {"raised": 0, "approved": 2, "rejected": 1}
    assert summary.by_implementation == {"pending": 0, "implemented": 1, "not_implemented": 1}
    [investigated] = summary.investigated
    assert investigated.investigation_reasons == "نقص الميزانية"


def test_previous_period_of_a_week_is_the_week_before():
    week = Period(riyadh(2026, 3, 8), riyadh(2026, 3, 15))
    assert statistics.previous_period(week) == Period(riyadh(2026, 3, 1), riyadh(2026, 3, 8))
    january = Period(riyadh(2026, 1, 1), riyadh(2026, 2, 1))
    assert statistics.previous_period(january).start == riyadh(2025, 12, 1)


# --- the bundle -------------------------------------------------------------------------------


def test_period_summary(month, recommendations, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        summary = statistics.period_summary(MARCH.start, MARCH.end)
    assert summary.total == 5
    assert set(summary.volume) == set(statistics.DIMENSIONS)
    assert summary.answer_times.first_answer.median_hours == pytest.approx(4.0)
    assert summary.within_deadline.share == pytest.approx(0.5)
    # Open now and past their deadline before the end of March.
    assert summary.overdue_count == 2
    assert summary.overdue == [month["c5"], month["c3"]]
    assert summary.recommendations.recommendations == [recommendations["march"]]
    assert summary.follow_up.total == 3
