"""django-celery-beat's admin pages in Arabic where its catalogue cannot reach: a schedule is
described by cron_descriptor in English ("At 07:00 AM, only on Sunday"), its list column is
the method name "scheduler" and its task filter the untranslated "Task Name". These admins
replace the package's (core.apps.CoreConfig.ready, after the admin's autodiscovery) and
describe a crontab in Arabic; its labels and help texts come from the catalogue
(core/third_party_strings.py)."""

import re
from typing import Any

from django.contrib import admin
from django.db.models import Field
from django.forms import Field as FormField
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from core.numbers import EMPTY

_NUMBER = re.compile(r"^\d+$")


def _weekday(value: str) -> str:
    """Cron's day of the week (0 or 7 Sunday, 1 Monday…) by its Arabic name."""
    if not _NUMBER.match(value) or int(value) > 7:
        return value
    return str(WEEKDAYS[(int(value) - 1) % 7])  # WEEKDAYS: 0 is Monday


def describe_crontab(crontab: CrontabSchedule) -> str:
    """«الساعة 07:00، يوم 1 من كل شهر (Asia/Riyadh)»; a field with ranges or steps is given
    as it is written, after its Arabic name."""
    parts = []
    minute, hour = crontab.minute, crontab.hour
    if _NUMBER.match(minute) and _NUMBER.match(hour):
        parts.append(gettext("at %(time)s") % {"time": f"{int(hour):02d}:{int(minute):02d}"})
    else:
        parts.append(
            gettext("minutes %(minute)s, hours %(hour)s") % {"minute": minute, "hour": hour}
        )
    if crontab.day_of_month != "*":
        parts.append(gettext("day %(days)s of the month") % {"days": crontab.day_of_month})
    if crontab.month_of_year != "*":
        parts.append(gettext("in months %(months)s") % {"months": crontab.month_of_year})
    if crontab.day_of_week != "*":
        days = "، ".join(_weekday(day.strip()) for day in crontab.day_of_week.split(","))
        parts.append(gettext("on %(days)s") % {"days": days})
    if len(parts) == 1:
        parts.append(gettext("every day"))
    return f"{'، '.join(parts)} ({crontab.timezone})"


class TaskNameFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = str(_("task"))


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = ("name", "enabled", "schedule", "start_time", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", ("task", TaskNameFilter), "start_time", "last_run_at"]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The crontabs in words under the crontab field (templates/admin/djcelery/ and
        # static/js/admin-periodic-task.js): the package's method fills them in English.
        readable = {
            crontab.pk: describe_crontab(crontab) for crontab in CrontabSchedule.objects.all()
        }
        context = {**(extra_context or {}), "readable_crontabs": readable}
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, context)

    @admin.display(description=_("Schedule"))
    def schedule(self, obj: PeriodicTask) -> str:
        if obj.crontab:
            return describe_crontab(obj.crontab)
        return str(obj.scheduler or EMPTY)

    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return describe_crontab(obj.crontab) if obj.crontab else EMPTY

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "crontab" and isinstance(field, ModelChoiceField):
            field.label_from_instance = describe_crontab  # type: ignore[method-assign,assignment]
        return field


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    """The tasks under a schedule: the task's name under an Arabic column name (the model
    field's verbose_name "Task Name" is not marked for translation)."""

    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("task"))
    def task_name(self, obj: PeriodicTask) -> str:
        return obj.task


class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]
    list_display = ("description", "timezone")
    fields = (
        "description",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    )
    readonly_fields = ("description",)

    @admin.display(description=_("Schedule in words"))
    def description(self, obj: CrontabSchedule) -> str:
        return describe_crontab(obj)


class IntervalScheduleAdmin(beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskInline]


class SolarScheduleAdmin(beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskInline]


class ClockedScheduleAdmin(beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskInline]


def register() -> None:
    """Put these admins in place of the package's."""
    for model, admin_class in (
        (PeriodicTask, PeriodicTaskAdmin),
        (CrontabSchedule, CrontabScheduleAdmin),
        (IntervalSchedule, IntervalScheduleAdmin),
        (SolarSchedule, SolarScheduleAdmin),
        (ClockedSchedule, ClockedScheduleAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, admin_class)
