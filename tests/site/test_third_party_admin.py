"""The admin pages of third-party apps read in Arabic: django-celery-beat ships no Arabic, and
Django's own Arabic lacks some 5.2 strings; core/third_party_strings.py keeps their msgids in
our catalogue and locale/ar/LC_MESSAGES/djangojs.po the admin's JavaScript ones."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

pytestmark = pytest.mark.django_db

CELERY_BEAT_PAGES = {
    "admin:django_celery_beat_periodictask_changelist": (
        ("Enabled", "One-off Task", "Last Run Datetime", "Start Datetime", "Run selected tasks"),
        ("Last Run Datetime", "One-off Task", "Enable selected tasks"),
    ),
    "admin:django_celery_beat_periodictask_add": (
        ("Task (registered)", "Interval Schedule", "Crontab Schedule", "Execution Options"),
        ("Task (registered)", "Short Description For This Task", "Execution Options"),
    ),
    "admin:django_celery_beat_intervalschedule_add": (
        ("Number of Periods", "Interval Period", "Days", "Periodic Tasks Using This Schedule"),
        ("Number of Periods", "Microseconds", "Periodic Tasks Using This Schedule", "Task Name"),
    ),
    "admin:django_celery_beat_crontabschedule_add": (
        ("Minute(s)", "Day(s) Of The Week", "Cron Timezone"),
        ("Minute(s)", "Day(s) Of The Month", "Cron Timezone"),
    ),
    "admin:django_celery_beat_solarschedule_add": (
        ("Solar Event", "Latitude", "Sunrise", "Astronomical dawn"),
        ("Solar Event", "Latitude", "Sunrise", "Nautical dusk", "Task Name"),
    ),
    "admin:django_celery_beat_clockedschedule_add": (("Clock Time",), ("Clock Time", "Task Name")),
    "admin:django_celery_beat_intervalschedule_changelist": (("intervals",), ()),
    "admin:django_celery_beat_clockedschedule_changelist": (("clocked",), ()),
    "admin:django_celery_beat_solarschedule_changelist": (("solar event",), ()),
}


def arabic(msgid):
    with translation.override("ar"):
        return translation.gettext(msgid)


@pytest.mark.parametrize("url_name", sorted(CELERY_BEAT_PAGES))
def test_celery_beat_admin_pages_read_in_arabic(client, superuser, url_name):
    arabic_msgids, english_absent = CELERY_BEAT_PAGES[url_name]
    client.force_login(superuser)
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    page = response.content.decode()
    for msgid in arabic_msgids:
        translated = arabic(msgid)
        assert translated != msgid, msgid
        assert translated in page, (msgid, translated)
    for msgid in english_absent:
        assert msgid not in page, msgid


def test_the_user_and_group_pages_read_in_arabic(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    for msgid in ("Password-based authentication", "Enabled", "Disabled"):
        assert arabic(msgid) != msgid
        assert arabic(msgid) in page, msgid
    assert "Password-based authentication" not in page
    group = Group.objects.order_by("pk").first()
    response = client.get(reverse("admin:auth_group_change", args=[group.pk]))
    assert response.status_code == 200
    assert arabic("Permissions") in response.content.decode()


def test_the_admin_pickers_script_strings_are_arabic(rf):
    with translation.override("ar"):
        request = rf.get("/admin/jsi18n/")
        response = JavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)
    script = response.content.decode()
    assert "Choose %s by selecting them" in script  # the msgid is the key
    assert "\\u0627\\u062e\\u062a\\u0631 %s" in script or "اختر %s" in script
    assert "Choose all %s" in script


def test_a_crontab_is_described_in_arabic():
    from django_celery_beat.models import CrontabSchedule

    from core.celery_beat_admin import describe_crontab

    monthly = CrontabSchedule(minute="0", hour="7", day_of_month="1", timezone="Asia/Riyadh")
    weekly = CrontabSchedule(minute="30", hour="8", day_of_week="0,4", timezone="Asia/Riyadh")
    odd = CrontabSchedule(minute="*/15", hour="8-16", timezone="Asia/Riyadh")
    with translation.override("ar"):
        assert describe_crontab(monthly) == "الساعة 07:00، يوم 1 من كل شهر (Asia/Riyadh)"
        assert describe_crontab(weekly) == "الساعة 08:30، كل الأحد، الخميس (Asia/Riyadh)"
        assert describe_crontab(odd) == "الدقائق */15، الساعات 8-16، كل يوم (Asia/Riyadh)"


def test_the_periodic_tasks_list_describes_schedules_in_arabic(client, superuser):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(
        minute="0", hour="7", day_of_week="0", timezone="Asia/Riyadh"
    )
    task = PeriodicTask.objects.create(name="تقرير تجريبي", task="core.tasks.ping", crontab=crontab)
    client.force_login(superuser)
    for url in (
        reverse("admin:django_celery_beat_periodictask_changelist"),
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
        reverse("admin:django_celery_beat_crontabschedule_changelist"),
    ):
        page = client.get(url).content.decode()
        assert "الساعة 07:00، كل الأحد (Asia/Riyadh)" in page, url
        assert "At 07:00" not in page and "Human readable" not in page, url
    page = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "Task Name" not in page and "Scheduler" not in page


def test_the_periodic_task_form_describes_each_crontab_in_arabic(client, superuser):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="0", hour="7", day_of_month="1")
    task = PeriodicTask.objects.create(name="تقرير", task="core.tasks.ping", crontab=crontab)
    client.force_login(superuser)
    response = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    assert response.context["readable_crontabs"][crontab.pk].startswith("الساعة 07:00، يوم 1")
    assert "admin-periodic-task.js" in response.content.decode()  # the project's template


def test_a_version_page_of_the_history_names_the_app_and_list_in_arabic(client, superuser):
    from association.models import City

    city = City.objects.create(name="ينبع", name_en="Yanbu")
    version = city.history.latest()
    client.force_login(superuser)
    url = reverse("admin:association_city_simple_history", args=[city.pk, version.history_id])
    page = client.get(url).content.decode()
    assert str(City._meta.app_config.verbose_name) in page
    assert "Historical" not in page  # the history model's name ("Historical العملاء")
