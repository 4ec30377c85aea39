"""Weekly review of the complaints register (issue 10 item 4; procedure step 8, أسبوعي):
the CRM manager and the centres-affairs manager each review their department's register
every working week (Sunday to Thursday, Asia/Riyadh), record what they looked at and raise
recommendations from it; "عملي" shows this week's review as due and every missed week
since the reviews started as overdue; a page lists the weeks with the missed ones marked."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from association import roles
from complaints import recommendations as recs
from complaints import register_reviews as reviews
from complaints import services
from complaints.errors import RecommendationError, RegisterReviewError
from complaints.models import Case, Recommendation, RegisterReview, RegisterReviewSchedule
from core.mywork import work_sections_for
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.factories import PublicHolidayFactory
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
# A working week: Sunday 8 to Thursday 12 November 2026.
SUNDAY = datetime.date(2026, 11, 8)
THURSDAY = datetime.date(2026, 11, 12)
SECTION = "Weekly reviews of the complaints register"


def at(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=RIYADH)


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): "now" is that moment for the services, selectors and pages."""

    def _set(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return _set


@pytest.fixture
def secretary(db):
    return user_with(roles.COUNCIL_SECRETARY, "secretary")


@pytest.fixture
def started(db):
    """The weekly reviews started four weeks before SUNDAY, for both departments."""
    for department in ("crm", "centres"):
        RegisterReviewSchedule.objects.update_or_create(
            department=department,
            defaults={"starts_on": SUNDAY - datetime.timedelta(weeks=4)},
        )


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def record(people, who="crm_manager", department=None, week=SUNDAY, findings="تأخر الرد"):
    return reviews.register_review_record(
        actor=people[who], department=department, week_start=week, findings=findings
    )


# --- the working week ---------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(7))
def test_a_week_starts_on_sunday(offset):
    day = SUNDAY + datetime.timedelta(days=offset)
    assert reviews.week_start_of(day) == SUNDAY


def test_the_deadline_is_the_end_of_the_week_s_last_working_day(db):
    assert reviews.week_deadline(SUNDAY) == datetime.datetime.combine(
        THURSDAY, datetime.time.max, tzinfo=RIYADH
    )
    PublicHolidayFactory(start_date=THURSDAY, end_date=THURSDAY)
    assert reviews.week_deadline(SUNDAY).date() == THURSDAY - datetime.timedelta(days=1)
    # A week wholly on holiday (Eid) has no review due.
    PublicHolidayFactory(start_date=SUNDAY, end_date=THURSDAY)
    assert reviews.week_deadline(SUNDAY) is None


# --- recording a review -------------------------------------------------------------------


def _cases_of_the_week(people, customers):
    """CRM department: received this week 3 (one closed), one received earlier still open
    and overdue. Centres affairs: one received this week."""
    received = at(SUNDAY + datetime.timedelta(days=1))
    crm_cases = [
        register(people["crm"], customers["donor"], subject=f"تأخر الرد {number}")
        for number in range(3)
    ]
    services.case_answer_immediately(case=crm_cases[0], actor=people["crm"], answer="تم")
    services.case_close(case=Case.objects.get(pk=crm_cases[0].pk), actor=people["crm"])
    Case.objects.filter(pk__in=[case.pk for case in crm_cases]).update(received_at=received)
    Case.objects.filter(pk=crm_cases[0].pk).update(closed_at=received)
    old = register(people["crm"], customers["donor"], subject="طلب قديم")
    Case.objects.filter(pk=old.pk).update(
        received_at=at(SUNDAY - datetime.timedelta(days=10)),
        due_at=at(SUNDAY - datetime.timedelta(days=9)),
    )
    centres_case = register(people["centres"], customers["beneficiary"])
    Case.objects.filter(pk=centres_case.pk).update(received_at=received)


def test_a_manager_records_the_week_s_review_with_the_figures_shown(
    people, customers, started, clock
):
    _cases_of_the_week(people, customers)
    clock(at(THURSDAY, 11))
    figures = reviews.week_figures("crm", SUNDAY)
    assert (figures.received, figures.closed, figures.open, figures.overdue) == (3, 1, 3, 1)
    review = record(people, findings="ثلاث شكاوى من المانحين عن تأخر الرد")
    assert (review.department, review.week_start, review.reviewer) == (
        "crm",
        SUNDAY,
        people["crm_manager"],
    )
    assert review.reviewed_at == at(THURSDAY, 11)
    assert (review.received_count, review.closed_count, review.open_count) == (3, 1, 3)
    assert review.overdue_count == 1
    assert review.findings == "ثلاث شكاوى من المانحين عن تأخر الرد"
    assert not review.is_late
    centres = record(people, "centres_manager", findings="شكوى واحدة")
    assert (centres.department, centres.received_count) == ("centres", 1)


def test_one_review_per_department_and_week(people, started, clock, english):
    clock(at(THURSDAY))
    record(people)
    with pytest.raises(RegisterReviewError, match="already reviewed"):
        record(people, findings="مرة ثانية")
    second = user_with(roles.CRM_MANAGER, "crm_manager_2")
    with pytest.raises(RegisterReviewError, match="already reviewed"):
        reviews.register_review_record(
            actor=second, department="crm", week_start=SUNDAY, findings="x"
        )
    assert RegisterReview.objects.get().findings == "تأخر الرد"


@pytest.mark.parametrize("who", ["crm", "centres", "quality", "steward"])
def test_only_the_department_managers_record(people, started, clock, who):
    clock(at(THURSDAY))
    with pytest.raises(PermissionDenied):
        record(people, who, department="crm")
    assert not RegisterReview.objects.exists()


def test_a_manager_reviews_their_own_department_only(people, secretary, started, clock):
    clock(at(THURSDAY))
    with pytest.raises(PermissionDenied):
        record(people, "crm_manager", department="centres")
    with pytest.raises(PermissionDenied):
        reviews.register_review_record(
            actor=secretary, department="crm", week_start=SUNDAY, findings="x"
        )
    assert not RegisterReview.objects.exists()


@pytest.mark.parametrize(
    "week, findings, message",
    [
        (SUNDAY, "  ", "Write what you found"),
        (SUNDAY + datetime.timedelta(days=1), "x", "starts on a Sunday"),
        (SUNDAY + datetime.timedelta(weeks=1), "x", "has not started"),
        (SUNDAY - datetime.timedelta(weeks=5), "x", "before the weekly reviews started"),
    ],
)
def test_bad_weeks_and_empty_findings_are_refused(
    people, started, clock, english, week, findings, message
):
    clock(at(THURSDAY))
    with pytest.raises(RegisterReviewError, match=message):
        record(people, week=week, findings=findings)
    assert not RegisterReview.objects.exists()


def test_a_missed_week_can_still_be_recorded_late(people, started, clock):
    clock(at(THURSDAY))
    review = record(people, week=SUNDAY - datetime.timedelta(weeks=2))
    assert review.is_late


def test_recommendations_are_raised_from_the_review(people, started, clock, english):
    clock(at(THURSDAY))
    review = record(people)
    rec = recs.recommendation_raise(
        actor=people["crm_manager"],
        text="الرد على المانحين خلال يوم عمل",
        department="crm",
        owner=people["crm"],
        due_date=THURSDAY + datetime.timedelta(days=14),
        register_review=review,
    )
    assert rec.register_review == review
    assert list(review.recommendations.all()) == [rec]
    with pytest.raises(RecommendationError, match="department of the review"):
        recs.recommendation_raise(
            actor=people["crm_manager"],
            text="x",
            department="centres",
            owner=people["crm"],
            due_date=THURSDAY + datetime.timedelta(days=14),
            register_review=review,
        )
    with pytest.raises(PermissionDenied):
        recs.recommendation_raise(
            actor=people["centres_manager"],
            text="x",
            department="crm",
            owner=people["crm"],
            due_date=THURSDAY + datetime.timedelta(days=14),
            register_review=review,
        )
    assert Recommendation.objects.count() == 1


# --- the weeks: due, reviewed, late, missed -----------------------------------------------


def test_weeks_since_the_start_with_their_state(people, started, clock):
    clock(at(THURSDAY, 9))
    record(people, week=SUNDAY - datetime.timedelta(weeks=3))
    Monday = SUNDAY - datetime.timedelta(weeks=3) + datetime.timedelta(days=1)
    RegisterReview.objects.update(reviewed_at=at(Monday))
    record(people, week=SUNDAY - datetime.timedelta(weeks=1))  # late: recorded this week
    PublicHolidayFactory(
        start_date=SUNDAY - datetime.timedelta(weeks=2),
        end_date=SUNDAY - datetime.timedelta(weeks=2) + datetime.timedelta(days=4),
    )
    weeks = reviews.weeks_of("crm", reviews.schedule_start("crm"), SUNDAY)
    assert [(week.week_start, week.state) for week in weeks] == [
        (SUNDAY, "due"),
        (SUNDAY - datetime.timedelta(weeks=1), "late"),
        (SUNDAY - datetime.timedelta(weeks=2), "no_working_day"),
        (SUNDAY - datetime.timedelta(weeks=3), "reviewed"),
        (SUNDAY - datetime.timedelta(weeks=4), "missed"),
    ]
    clock(at(THURSDAY + datetime.timedelta(days=1)))  # Friday: this week's review is missed
    assert reviews.weeks_of("crm", SUNDAY, SUNDAY)[0].state == "missed"


def _section(user):
    with translation.override("en"):
        return next((s for s in work_sections_for(user) if s.title == SECTION), None)


def test_my_work_shows_this_week_due_and_the_missed_weeks(people, started, clock):
    for who in ("crm_manager", "centres_manager"):
        people[who].date_joined = at(datetime.date(2020, 1, 5))  # managers for years
        people[who].save()
    clock(at(THURSDAY, 9))
    section = _section(people["crm_manager"])
    due = {item.url: item for item in section.items}
    this_week = reverse("complaints:register_review", args=["crm", SUNDAY.isoformat()])
    assert due[this_week].due == reviews.week_deadline(SUNDAY)
    assert not due[this_week].is_overdue
    # Four missed weeks since the start, overdue; none before it (not since 1970).
    missed = [item for item in section.items if item.is_overdue]
    assert len(missed) == 4
    assert len(section.items) == 5
    record(people)
    section = _section(people["crm_manager"])
    assert this_week not in {item.url for item in section.items}
    assert len(section.items) == 4
    # Each manager their own department; nobody else.
    centres = _section(people["centres_manager"])
    assert all("/centres/" in item.url for item in centres.items)
    for who in ("crm", "quality", "steward"):
        assert _section(people[who]) is None


def test_missed_weeks_count_from_the_manager_s_start(people, started, clock, make_user):
    clock(at(THURSDAY, 9))
    newcomer = user_with(roles.CRM_MANAGER, "new_manager")
    newcomer.date_joined = at(SUNDAY - datetime.timedelta(days=5))  # joined last week
    newcomer.save()
    items = _section(newcomer).items
    assert sorted(item.url for item in items) == sorted(
        reverse("complaints:register_review", args=["crm", week.isoformat()])
        for week in (SUNDAY, SUNDAY - datetime.timedelta(weeks=1))
    )


def test_without_a_schedule_only_this_week_is_due(people, clock):
    RegisterReviewSchedule.objects.all().delete()
    clock(at(THURSDAY, 9))
    people["crm_manager"].date_joined = at(datetime.date(2020, 1, 1))
    people["crm_manager"].save()
    assert len(_section(people["crm_manager"]).items) == 1


# --- pages --------------------------------------------------------------------------------

LIST = "complaints:register_reviews"


def week_url(department="crm", week=SUNDAY):
    return reverse("complaints:register_review", args=[department, week.isoformat()])


@pytest.mark.parametrize(
    "who, list_status, crm_week, centres_week",
    [
        ("crm_manager", 200, 200, 404),
        ("centres_manager", 200, 404, 200),
        ("quality", 200, 200, 200),
        ("secretary", 200, 200, 200),
        ("crm", 403, 403, 403),
        ("centres", 403, 403, 403),
        ("steward", 403, 403, 403),
        ("nobody", 403, 403, 403),
    ],
)
def test_pages_permission_matrix(
    client, people, secretary, started, clock, make_user, who, list_status, crm_week, centres_week
):
    clock(at(THURSDAY))
    user = {"secretary": secretary, "nobody": make_user(username="nobody")}.get(who)
    client.force_login(user or people[who])
    assert client.get(reverse(LIST)).status_code == list_status
    assert client.get(week_url("crm")).status_code == crm_week
    assert client.get(week_url("centres")).status_code == centres_week


@pytest.mark.parametrize(
    "who, department, status",
    [
        ("crm_manager", "crm", 302),
        ("centres_manager", "centres", 302),
        ("crm_manager", "centres", 404),
        ("quality", "crm", 403),
        ("secretary", "crm", 403),
        ("crm", "crm", 403),
        ("steward", "crm", 403),
        ("nobody", "crm", 403),
    ],
)
def test_recording_permission_matrix(
    client, people, secretary, started, clock, make_user, who, department, status
):
    clock(at(THURSDAY))
    user = {"secretary": secretary, "nobody": make_user(username="nobody")}.get(who)
    client.force_login(user or people[who])
    response = client.post(week_url(department), {"findings": "ملاحظات الأسبوع"})
    assert response.status_code == status
    assert RegisterReview.objects.count() == (1 if status == 302 else 0)


def test_pages_need_login(client, people, started):
    for url in (reverse(LIST), week_url()):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(week_url(), {"findings": "x"})
    assert reverse("login") in response["Location"]
    assert not RegisterReview.objects.exists()


@pytest.mark.parametrize("week", ["2026-11-09", "2026-13-01", "nonsense", "2027-01-03"])
def test_bad_or_future_weeks_are_not_found(client, people, started, clock, week):
    clock(at(THURSDAY))
    client.force_login(people["crm_manager"])
    response = client.get(reverse("complaints:register_review", args=["crm", week]))
    assert response.status_code == 404
    assert (
        client.get(reverse("complaints:register_review", args=["sales", "2026-11-08"])).status_code
        == 404
    )


def test_the_week_page_shows_the_figures_and_records_the_review(
    client, people, customers, started, clock, settings
):
    _cases_of_the_week(people, customers)
    clock(at(THURSDAY, 11))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people["crm_manager"])
    page = client.get(week_url())
    figures = page.context["figures"]
    assert (figures.received, figures.closed, figures.open, figures.overdue) == (3, 1, 3, 1)
    content = page.content.decode()
    assert 'data-testid="review-form"' in content
    assert 'data-testid="figure-received"' in content
    response = client.post(week_url(), {"findings": ""})
    assert response.status_code == 200 and not RegisterReview.objects.exists()
    response = client.post(week_url(), {"findings": "ثلاث شكاوى عن تأخر الرد"}, follow=True)
    review = RegisterReview.objects.get()
    assert review.open_count == 3
    content = response.content.decode()
    assert "ثلاث شكاوى عن تأخر الرد" in content
    assert 'data-testid="review-form"' not in content
    assert 'data-testid="raise-recommendation"' in content
    raise_url = f"{reverse('complaints:recommendation_new')}?register_review={review.pk}"
    assert raise_url in content


def test_a_recommendation_is_raised_from_the_review_page(client, people, started, clock):
    clock(at(THURSDAY, 11))
    review = record(people)
    client.force_login(people["crm_manager"])
    form = client.get(reverse("complaints:recommendation_new"), {"register_review": review.pk})
    assert form.context["form"]["register_review"].value() == review.pk
    assert form.context["form"]["department"].value() == "crm"
    response = client.post(
        reverse("complaints:recommendation_new"),
        {
            "text": "الرد على المانحين خلال يوم عمل",
            "department": "crm",
            "owner": people["crm"].pk,
            "due_date": (THURSDAY + datetime.timedelta(days=10)).isoformat(),
            "register_review": review.pk,
        },
    )
    rec = Recommendation.objects.get()
    assert response["Location"] == reverse("complaints:recommendation_detail", args=[rec.pk])
    assert rec.register_review == review
    page = client.get(week_url())
    assert "الرد على المانحين خلال يوم عمل" in page.content.decode()
    detail = client.get(reverse("complaints:recommendation_detail", args=[rec.pk]))
    assert week_url() in detail.content.decode()


def test_a_review_of_another_department_cannot_be_linked_on_the_page(
    client, people, started, clock
):
    clock(at(THURSDAY, 11))
    review = record(people, "centres_manager")
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse("complaints:recommendation_new"),
        {
            "text": "x",
            "department": "crm",
            "owner": people["crm"].pk,
            "due_date": (THURSDAY + datetime.timedelta(days=10)).isoformat(),
            "register_review": review.pk,
        },
    )
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_the_list_marks_the_missed_weeks(client, people, started, clock, settings):
    clock(at(THURSDAY, 11))
    record(people, week=SUNDAY - datetime.timedelta(weeks=1))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people["quality"])
    response = client.get(reverse(LIST))
    content = response.content.decode()
    assert response.context["departments"] == ["crm", "centres"]
    assert content.count('data-testid="week-missed"') == 3 + 4  # CRM 3, centres 4
    assert content.count('data-testid="week-due"') == 2
    assert 'data-testid="week-reviewed"' in content
    assert response.context["missed_count"] == 7
    client.force_login(people["crm_manager"])
    response = client.get(reverse(LIST))
    assert response.context["departments"] == ["crm"]
    assert response.context["missed_count"] == 3
    response = client.get(reverse(LIST), {"missed": "1"})
    assert len(response.context["page"]) == 3


def test_the_list_is_paginated(client, people, clock):
    RegisterReviewSchedule.objects.update_or_create(
        department="crm", defaults={"starts_on": SUNDAY - datetime.timedelta(weeks=30)}
    )
    clock(at(THURSDAY, 11))
    client.force_login(people["crm_manager"])
    response = client.get(reverse(LIST))
    assert response.context["page"].paginator.num_pages == 3
    assert len(client.get(reverse(LIST), {"page": 3}).context["page"]) == 31 - 24


def test_the_list_s_queries_do_not_grow_with_the_weeks(
    client, people, clock, django_assert_max_num_queries
):
    clock(at(THURSDAY, 11))
    client.force_login(people["quality"])
    for weeks in (2, 60):
        for department in ("crm", "centres"):
            RegisterReviewSchedule.objects.update_or_create(
                department=department,
                defaults={"starts_on": SUNDAY - datetime.timedelta(weeks=weeks)},
            )
        with django_assert_max_num_queries(16):
            response = client.get(reverse(LIST))
        assert response.status_code == 200
        assert "---------" not in response.content.decode()


def test_navigation_has_the_weekly_reviews(client, people):
    client.force_login(people["crm_manager"])
    assert reverse(LIST).encode() in client.get(reverse("home")).content
    client.force_login(people["crm"])
    assert reverse(LIST).encode() not in client.get(reverse("home")).content


# --- two managers at once (PostgreSQL) ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_managers_recording_the_same_week_at_once_record_one(people, started):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    second = user_with(roles.CRM_MANAGER, "crm_manager_2")
    week = reviews.week_start_of(timezone.localdate())
    RegisterReviewSchedule.objects.update_or_create(department="crm", defaults={"starts_on": week})

    def job(actor):
        return lambda: reviews.register_review_record(
            actor=actor, department="crm", week_start=week, findings=f"{actor.username}"
        )

    outcomes = run_together(job(people["crm_manager"]), job(second))
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, RegisterReviewError)
    assert RegisterReview.objects.count() == 1
