import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

# The three field shapes every app's records repeat, declared once so they stay alike.


def staff_member(verbose_name: Any, *, required: bool = False) -> "models.ForeignKey[Any, Any]":
    """The member of staff who did something to a record (raised it, decided, reviewed).
    PROTECT: an account that acted is deactivated, never deleted; no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name="+",
        verbose_name=verbose_name,
    )


def optional_link(
    to: Any, *, related_name: str, verbose_name: Any
) -> "models.ForeignKey[Any, Any]":
    """A link the record may lack (a case with no centre yet). PROTECT: a linked row is
    not deleted from under the records that name it."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


STATUS = _("status")


def state_field(
    states: type[models.TextChoices], *, default: str, verbose_name: Any = STATUS
) -> FSMField:
    """The state of a django-fsm-2 workflow: changed only by its transitions (protected),
    indexed because lists filter on it."""
    return FSMField(
        verbose_name, default=default, choices=states.choices, protected=True, db_index=True
    )


class SettingsRow(models.Model):
    """An app's settings edited in the admin: one row (pk 1), made with its defaults when
    first read."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls) -> Self:
        row, _created = cls._default_manager.get_or_create(pk=1)
        return row


class TransitionRecord(models.Model):
    """One step of a workflow: who took it, when, with what note. Each workflow's subclass
    adds the foreign key to its record and the `source` / `target` fields with its states."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source: "models.CharField[str, str]"  # declared by each subclass, with its states
    target: "models.CharField[str, str]"
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        """The step in the reader's language («مسجّل ← تم الرد»), as the admin lists it."""
        source = getattr(self, "get_source_display", lambda: self.source)()
        target = getattr(self, "get_target_display", lambda: self.target)()
        return f"{source} → {target} ({timezone.localtime(self.at):%Y-%m-%d %H:%M})"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)


class BackgroundJob(models.Model):
    """Long work one person started from a page (an import's dry run or confirmation, the
    entry of a large form), done by a Celery task while the page shows its progress.

    Only the person who started a job sees it. `key` names what it works on: while one job
    with a kind and key is queued or running, starting the same again finds it instead
    (a double click confirms or enters once)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("started by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    language = models.CharField(max_length=10, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # What the work produced: where to go next, a message, the data a page shows.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(key=""),
                name="core_one_active_job_per_key",
            )
        ]
        indexes = [models.Index(fields=["owner", "kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES
