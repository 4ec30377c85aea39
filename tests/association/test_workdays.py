from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from association.models import PublicHoliday
from association.workdays import (
    add_working_days,
    holidays_between,
    is_working_day,
    working_days_between,
    working_deadline,
)

RIYADH = ZoneInfo("Asia/Riyadh")

# November 2026: Wednesday 18, Thursday 19, Friday 20, Saturday 21, Sunday 22, Monday 23.
WEDNESDAY = date(2026, 11, 18)
THURSDAY = date(2026, 11, 19)
FRIDAY = date(2026, 11, 20)
SATURDAY = date(2026, 11, 21)
SUNDAY = date(2026, 11, 22)
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
NEXT_WEDNESDAY = date(2026, 11, 25)


def _holiday(first_day, last_day, name="Eid al-Fitr"):
    return PublicHoliday.objects.create(name=name, start_date=first_day, end_date=last_day)


def _end_of_day_in_riyadh(day):
    return datetime.combine(day, time.max, tzinfo=RIYADH)


@pytest.mark.django_db
def test_holidays_between_expands_and_clips_to_the_range():
    _holiday(date(2026, 11, 10), SUNDAY)
    _holiday(date(2026, 12, 1), date(2026, 12, 3), name="Later")
    assert holidays_between(FRIDAY, MONDAY) == {FRIDAY, SATURDAY, SUNDAY}


@pytest.mark.django_db
def test_friday_and_saturday_are_the_weekend():
    assert [is_working_day(day) for day in (THURSDAY, FRIDAY, SATURDAY, SUNDAY)] == [
        True,
        False,
        False,
        True,
    ]


@pytest.mark.django_db
def test_a_holiday_is_not_a_working_day():
    _holiday(MONDAY, MONDAY)
    assert not is_working_day(MONDAY)
    assert is_working_day(MONDAY, holidays=set())


@pytest.mark.django_db
def test_weekend_is_skipped():
    assert add_working_days(WEDNESDAY, 2) == SUNDAY
    assert add_working_days(WEDNESDAY, 5) == NEXT_WEDNESDAY


@pytest.mark.django_db
def test_thursday_plus_one_is_sunday():
    assert add_working_days(THURSDAY, 1) == SUNDAY


@pytest.mark.django_db
@pytest.mark.parametrize("start", [FRIDAY, SATURDAY])
def test_weekend_start_plus_one_is_sunday(start):
    assert add_working_days(start, 1) == SUNDAY


@pytest.mark.django_db
def test_holiday_spanning_several_days_is_skipped():
    _holiday(SUNDAY, TUESDAY)
    assert add_working_days(THURSDAY, 1) == NEXT_WEDNESDAY


@pytest.mark.django_db
def test_holiday_longer_than_the_first_window_is_skipped():
    _holiday(SUNDAY, date(2027, 1, 31), name="Long closure")
    assert add_working_days(THURSDAY, 1) == date(2027, 2, 1)


@pytest.mark.django_db
def test_zero_days_is_the_first_working_day_on_or_after_start():
    assert add_working_days(MONDAY, 0) == MONDAY
    assert add_working_days(FRIDAY, 0) == SUNDAY


@pytest.mark.django_db
def test_add_working_days_bounds_its_queries(django_assert_max_num_queries):
    _holiday(date(2026, 11, 30), date(2026, 12, 3))
    _holiday(date(2026, 12, 10), date(2026, 12, 10), name="Another")
    with django_assert_max_num_queries(2):
        result = add_working_days(THURSDAY, 20)
    # 20 working days = 4 weeks, plus 5 holiday days (weekdays) = 1 more week.
    assert result == date(2026, 12, 24)


@pytest.mark.django_db
def test_deadline_uses_the_riyadh_date_of_a_late_utc_time():
    # 22:30 UTC on Wednesday is already Thursday 01:30 in Riyadh.
    submitted = datetime(2026, 11, 18, 22, 30, tzinfo=UTC)
    deadline = working_deadline(submitted, 1)
    assert deadline == _end_of_day_in_riyadh(SUNDAY)
    assert deadline.utcoffset().total_seconds() == 3 * 3600
    local = deadline.astimezone(RIYADH)
    assert (local.date(), local.time()) == (SUNDAY, time(23, 59, 59, 999999))


@pytest.mark.django_db
def test_deadline_from_thursday_morning_is_end_of_sunday():
    submitted = datetime(2026, 11, 19, 10, 0, tzinfo=RIYADH)
    assert working_deadline(submitted, 1) == _end_of_day_in_riyadh(SUNDAY)


@pytest.mark.django_db
def test_deadline_from_friday_is_end_of_sunday():
    submitted = datetime(2026, 11, 20, 16, 0, tzinfo=RIYADH)
    assert working_deadline(submitted, 1) == _end_of_day_in_riyadh(SUNDAY)


@pytest.mark.django_db
def test_working_days_between():
    assert working_days_between(THURSDAY, SUNDAY) == 1
    assert working_days_between(WEDNESDAY, NEXT_WEDNESDAY) == 5
    assert working_days_between(FRIDAY, SATURDAY) == 0


@pytest.mark.django_db
def test_working_days_between_skips_holidays():
    _holiday(SUNDAY, MONDAY)
    assert working_days_between(THURSDAY, NEXT_WEDNESDAY) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("end", [THURSDAY, WEDNESDAY])
def test_working_days_between_is_zero_when_end_is_not_after_start(end):
    assert working_days_between(THURSDAY, end) == 0
