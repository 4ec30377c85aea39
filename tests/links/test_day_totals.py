"""The nightly roll-up of visits into per-day totals: the figures read from it (totals of
the closed days plus a live count of the rest) always equal a count of the visits, before
the first roll-up, after it, with new visits today, and after a rebuild."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from links import services, tasks
from links.models import LinkDayTotal, LinkVisit
from links.selectors import VisitFigures, visit_figures

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def visits(link, *, days_ago, visitors, repeat=1):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    LinkVisit.objects.bulk_create(
        LinkVisit(link=link, visited_at=timezone.now(), day=day, visitor=visitor)
        for visitor in visitors
        for _time in range(repeat)
    )


def counted(links):
    """What the figures must be: all visits, and distinct visitors per day summed."""
    figures = {}
    for link in links:
        per_day = (
            LinkVisit.objects.filter(link=link)
            .values("day")
            .annotate(unique=Count("visitor", distinct=True))
        )
        if per_day:
            figures[link.pk] = VisitFigures(
                LinkVisit.objects.filter(link=link).count(), sum(r["unique"] for r in per_day)
            )
    return figures


@pytest.fixture
def links(manager):
    made = [
        services.link_create(actor=manager, label=f"رابط {n}", target="/public/faq/")
        for n in range(3)
    ]
    visits(made[0], days_ago=3, visitors=[1, 2, 3], repeat=2)
    visits(made[0], days_ago=1, visitors=[1, 4])
    visits(made[0], days_ago=0, visitors=[1, 5, 5])
    visits(made[1], days_ago=2, visitors=[7])
    return made


def test_the_figures_equal_a_count_before_and_after_the_roll_up(links):
    ids = [link.pk for link in links]
    expected = counted(links)
    assert expected[links[0].pk] == VisitFigures(11, 3 + 2 + 2)
    assert links[2].pk not in expected  # no visit: left out
    assert visit_figures(ids) == expected
    # Yesterday and before: link 0's three days... two closed days, link 1's one.
    assert services.visits_roll_up() == 3
    assert LinkDayTotal.objects.filter(day=timezone.localdate()).count() == 0
    assert visit_figures(ids) == expected
    # Today's new visits are counted live.
    services.visit_record(link=links[1], ip="203.0.113.9", user_agent=PHONE)
    expected = counted(links)
    assert expected[links[1].pk] == VisitFigures(2, 2)
    assert visit_figures(ids) == expected


def test_a_second_roll_up_writes_nothing_and_a_rebuild_counts_again(links):
    services.visits_roll_up()
    assert services.visits_roll_up() == 0
    # Visits written into a past day by hand (a restore, the benchmark's COPY) show once
    # the past days are counted again.
    visits(links[2], days_ago=5, visitors=[8, 9])
    services.visits_roll_up(rebuild=True)
    assert LinkDayTotal.objects.get(link=links[2]).unique_visitors == 2
    assert visit_figures([link.pk for link in links]) == counted(links)


def test_tomorrow_rolls_today_up(links):
    services.visits_roll_up()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.visits_roll_up(today=tomorrow) == 1
    today = LinkDayTotal.objects.get(link=links[0], day=timezone.localdate())
    assert (today.visits, today.unique_visitors) == (3, 2)


def test_no_link_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert visit_figures([]) == {}


def test_the_figures_take_the_same_queries_whatever_the_visits(links, django_assert_num_queries):
    ids = [link.pk for link in links]
    services.visits_roll_up()
    with django_assert_num_queries(1):
        visit_figures(ids)
    for days_ago in range(1, 40):
        visits(links[2], days_ago=days_ago, visitors=range(days_ago))
    services.visits_roll_up(rebuild=True)
    expected = counted(links)
    with django_assert_num_queries(1):
        assert visit_figures(ids) == expected


def test_the_roll_up_runs_every_night_from_celery_beat(links):
    entry = PeriodicTask.objects.select_related("crontab").get(
        task="links.tasks.roll_up_link_visits"
    )
    assert entry.enabled
    assert (entry.crontab.minute, entry.crontab.hour) == ("30", "0")
    assert str(entry.crontab.timezone) == "Asia/Riyadh"
    assert tasks.roll_up_link_visits() == 3
