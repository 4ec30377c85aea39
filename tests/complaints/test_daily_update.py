"""Procedure step 4: the register is updated daily. A case studied or awaiting a callback
with no entry yet today shows on the handler's my-work page until someone adds one."""

import datetime

import pytest
from django.utils import timezone, translation

from complaints import registrations, services
from complaints.models import Case

pytestmark = pytest.mark.django_db


def _today_is_a_working_day(monkeypatch, answer):
    # Patched once the case exists: deadlines are computed with the real calendar.
    monkeypatch.setattr("association.workdays.is_working_day", lambda day, holidays=None: answer)


def _studied_case(people, customers):
    case = services.case_register(
        actor=people["crm"],
        kind="complaint",
        channel="phone",
        subject="تأخر الرد",
        description="لم يصل الرد",
        customer=customers["donor"],
    )
    services.case_start_study(case=case, actor=people["crm"], causes="سبب", assignee=people["crm"])
    # Not due for days yet, and nothing written since the day before yesterday.
    Case.objects.filter(pk=case.pk).update(
        due_at=timezone.now() + datetime.timedelta(days=3),
        last_activity_at=timezone.now() - datetime.timedelta(days=2),
    )
    return Case.objects.get(pk=case.pk)


def test_case_without_todays_entry_is_on_my_work(people, customers, monkeypatch):
    case = _studied_case(people, customers)
    _today_is_a_working_day(monkeypatch, True)
    with translation.override("en"):
        section = registrations.cases_due(people["crm"])
    assert [item.url.rstrip("/").rsplit("/", 1)[-1] for item in section.items] == [str(case.pk)]
    with translation.override("en"):
        assert "not updated today" in section.items[0].detail
    services.case_add_entry(case=case, actor=people["crm"], text="اتصلنا بالمورد اليوم")
    assert registrations.cases_due(people["crm"]) is None


def test_no_daily_update_asked_on_a_day_off(people, customers, monkeypatch):
    _studied_case(people, customers)
    _today_is_a_working_day(monkeypatch, False)
    assert registrations.cases_due(people["crm"]) is None
