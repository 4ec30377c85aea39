"""The complaints register's headline figures on "عملي" (core.dashboard, issue 12 item 11)
and the quality officer's recurring groups awaiting analysis."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from association import roles
from complaints import recurring, selectors
from complaints.models import Case, CaseState
from complaints.registrations import open_cases_headline, within_deadline_headline
from core import dashboard
from core.mywork import work_sections_for

from .conftest import register

pytestmark = pytest.mark.django_db


def test_open_and_overdue_cases_count_the_managers_queue(people, customers):
    now = timezone.now()
    centres_case = register(people["centres"], customers["beneficiary"])
    register(people["centres"], customers["beneficiary"])
    crm_case = register(people["crm"], customers["donor"])
    Case.objects.filter(pk=centres_case.pk).update(due_at=now - datetime.timedelta(days=2))
    Case.objects.filter(pk=crm_case.pk).update(state=CaseState.CLOSED)

    manager_cases = selectors.headline_cases(people["centres_manager"])
    assert selectors.open_case_counts(manager_cases, now) == (2, 1)
    assert selectors.open_case_counts(selectors.headline_cases(people["crm_manager"]), now) == (
        0,
        0,
    )


def test_readers_without_the_register_count_every_case(people, customers, make_user):
    register(people["centres"], customers["beneficiary"])
    register(people["crm"], customers["donor"])
    secretary = make_user(roles.COUNCIL_SECRETARY)
    assert selectors.open_case_counts(selectors.headline_cases(secretary), timezone.now()) == (
        2,
        0,
    )
    # Their card links nowhere: they may not open the register.
    headline = open_cases_headline(secretary)
    assert headline.value == "2" and headline.url == ""
    assert open_cases_headline(people["crm_manager"]).url.startswith("/complaints/")


def test_share_answered_within_the_deadline_month_by_month(people, customers):
    now = timezone.now()
    months = dashboard.recent_months(2)
    on_time, late, unanswered = (register(people["crm"], customers["donor"]) for _ in range(3))
    Case.objects.filter(pk=on_time.pk).update(
        replied_at=now, answer_due_at=now + datetime.timedelta(hours=1)
    )
    Case.objects.filter(pk=late.pk).update(
        replied_at=now, answer_due_at=now - datetime.timedelta(hours=1)
    )
    rows = selectors.answered_within_deadline_by_month(Case.objects.all(), months)
    assert rows == [(months[0], 0, 0), (months[1], 2, 1)]
    assert unanswered.replied_at is None

    headline = within_deadline_headline(people["crm_manager"])
    assert headline.value == "50%"
    assert [bar.value for bar in headline.chart.bars] == [0] * 5 + [50]


def test_the_closed_months_are_counted_once_an_hour_this_month_each_time(
    people, customers, django_assert_num_queries
):
    months = dashboard.recent_months(3)
    earlier = timezone.now() - datetime.timedelta(days=40)
    old_case = register(people["crm"], customers["donor"])
    Case.objects.filter(pk=old_case.pk).update(received_at=earlier)
    cases = Case.objects.filter(routed_to=old_case.routed_to)
    first = dashboard.monthly_counts(cases, "received_at", months)
    assert sum(count for _label, count in first) == 1

    # A new case this month counts at once, with one query: the closed months are kept.
    register(people["crm"], customers["donor"])
    with django_assert_num_queries(1):
        again = dashboard.monthly_counts(cases, "received_at", months)
    assert again[-1][1] == first[-1][1] + 1
    assert again[:-1] == first[:-1]
    shares = selectors.answered_within_deadline_by_month(cases, months)
    with django_assert_num_queries(1):
        assert selectors.answered_within_deadline_by_month(cases, months) == shares

    # Another scope (another queue) has its own closed months.
    others = Case.objects.exclude(routed_to=old_case.routed_to)
    assert (
        sum(count for _label, count in dashboard.monthly_counts(others, "received_at", months)) == 0
    )

    # An hour later (a new version of the topic), the closed months are counted again.
    from core.cache import bump

    Case.objects.filter(pk=old_case.pk).update(received_at=earlier - datetime.timedelta(days=31))
    bump(dashboard.PAST_MONTHS_TOPIC)
    later = dashboard.monthly_counts(cases, "received_at", months)
    assert [count for _label, count in later] != [count for _label, count in again]


def test_nothing_answered_shows_a_dash_not_zero(people):
    assert within_deadline_headline(people["crm_manager"]).value == "—"


def test_the_quality_officer_sees_the_recurring_groups_awaiting_analysis(people, customers):
    for _ in range(2):
        register(people["centres"], customers["beneficiary"], subject="نقص السلة الغذائية")
    quality = people["quality"]
    section = recurring.groups_awaiting_analysis(quality)
    assert section is not None and len(section.items) == 1
    assert "key=" in section.items[0].url
    assert section.title in [each.title for each in work_sections_for(quality)]
    # Once analysed, the group leaves the list.
    [group_key] = parse_qs(urlsplit(section.items[0].url).query)["key"]
    recurring.save_group_review(
        actor=quality, group_key=group_key, label="", root_causes="نقص في المخزون"
    )
    assert recurring.groups_awaiting_analysis(quality) is None
    # Only whoever writes the analysis is asked for it.
    assert recurring.groups_awaiting_analysis(people["centres_manager"]) is None
