"""Background jobs: long work a person starts from a page (an import's dry run or its
confirmation, the entry of a large customer form), done by a Celery task while the page
shows a progress bar, never inside one web request.

An app registers what a kind of job does with `@job_kind(...)`; a view calls `start_job`
and redirects to the job's page (core:job_detail). That page polls core:job_status
(static/js/job-progress.js; without JavaScript it refreshes itself) and, when the job is
done, goes where the job says (e.g. the import's preview) with its message. Without
REDIS_URL, tasks run eagerly: the job is done before the page is shown and the pages still
work.

Progress goes to the cache (Redis, shared by the web app and the worker), not to the
database: a job's work may be one long transaction, whose writes nobody sees until it ends.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ACTIVE_JOB_STATES, BackgroundJob, JobState

logger = logging.getLogger(__name__)

# A job queued or running this long has lost its worker (a restart, a crash).
STALE_AFTER = datetime.timedelta(minutes=30)
# Finished jobs (and the previews they hold) are deleted after a week.
KEPT_FOR = datetime.timedelta(days=7)
PROGRESS_SECONDS = 24 * 3600
# The progress bar moves at most this often (cache writes).
PROGRESS_INTERVAL_SECONDS = 0.4

PHASES = {
    "queued": gettext_lazy("Waiting for the worker"),
    "read": gettext_lazy("Reading the file"),
    "check": gettext_lazy("Checking the rows"),
    "write": gettext_lazy("Saving"),
    "enter": gettext_lazy("Entering the customers into the database"),
}


@dataclass(frozen=True)
class JobKind:
    name: str
    title: object  # lazy text: what the progress page says is being done
    run: Callable[[BackgroundJob, "Progress"], "JobOutcome"]  # raises JobFailed
    fallback_url: Callable[[BackgroundJob], str]  # where a failed job leads


JOB_KINDS: dict[str, JobKind] = {}
JobRun = TypeVar("JobRun", bound=Callable[..., "JobOutcome"])


def job_kind(
    name: str, *, title: object, fallback_url: Callable[[BackgroundJob], str]
) -> Callable[[JobRun], JobRun]:
    """Register what a kind of job does (the decorated function)."""

    def register(run: JobRun) -> JobRun:
        JOB_KINDS[name] = JobKind(name=name, title=title, run=run, fallback_url=fallback_url)
        return run

    return register


@dataclass
class JobOutcome:
    url: str  # where the person goes once the job is done
    message: str = ""  # shown there (translated in the job's language)
    level: str = "success"  # success, info, warning or error
    data: dict[str, Any] = field(default_factory=dict)  # what that page shows, JSON


class JobFailed(Exception):
    """The job could not do its work for a reason the person can act on (translated).
    `url` is where they go to act on it; `as_message` False when that page shows the
    error itself (e.g. under the file field)."""

    def __init__(self, message: object, *, url: str, as_message: bool = True) -> None:
        super().__init__(message)
        self.message = str(message)
        self.url = url
        self.as_message = as_message


# --- progress -------------------------------------------------------------------------------


def _progress_key(job_id: object) -> str:
    return f"job-progress:{job_id}"


class Progress:
    """How far a running job is, for its page: a phase and a percentage. Each phase covers
    a part of the bar (start to end)."""

    def __init__(self, job_id: object = None) -> None:
        self.job_id = job_id
        self.name = "queued"
        self.start, self.end = 0, 100
        self.percent = 0
        self._written_at = 0.0

    def phase(self, name: str, *, start: int, end: int) -> None:
        self.name, self.start, self.end = name, start, end
        self.percent = start
        self._write()

    def advance(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.percent = self.start + (self.end - self.start) * min(done, total) // total
        if done >= total or time.monotonic() - self._written_at >= PROGRESS_INTERVAL_SECONDS:
            self._write()

    def _write(self) -> None:
        if self.job_id is None:
            return
        self._written_at = time.monotonic()
        cache.set(
            _progress_key(self.job_id),
            {"phase": self.name, "percent": int(self.percent)},
            PROGRESS_SECONDS,
        )


NO_PROGRESS = Progress()


def progress_of(job: BackgroundJob) -> dict[str, Any]:
    """{"phase", "percent", "label"} of a job, for its page."""
    if job.state == JobState.DONE or job.state == JobState.FAILED:
        return {"phase": job.state, "percent": 100, "label": job.get_state_display()}
    found = cache.get(_progress_key(job.pk)) or {"phase": "queued", "percent": 0}
    label = PHASES.get(found["phase"], job.get_state_display())
    return {"phase": found["phase"], "percent": found["percent"], "label": str(label)}


# --- starting and running -------------------------------------------------------------------


def start_job(
    *,
    kind: str,
    owner: User,
    params: dict[str, Any] | None = None,
    key: str = "",
    language: str | None = None,
) -> tuple[BackgroundJob, bool]:
    """(job, started): a new job sent to the worker, or the job of the same kind and key
    still queued or running (started False): a double click starts the work once."""
    if kind not in JOB_KINDS:
        raise KeyError(kind)
    _purge_old_jobs()
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                kind=kind,
                key=key,
                owner=owner,
                params=params or {},
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        existing = BackgroundJob.objects.filter(
            kind=kind, key=key, state__in=ACTIVE_JOB_STATES
        ).first()
        if existing is None:
            raise
        return existing, False
    _enqueue(job.pk)
    return job, True


def _enqueue(job_id: UUID) -> None:
    from celery import current_app

    if current_app.conf.task_always_eager:
        # In-process (no Redis): run now, on this connection, which sees the new row.
        _send(job_id)
    else:
        # A worker must find the row: send once it is committed.
        transaction.on_commit(lambda: _send(job_id))


def _send(job_id: UUID) -> None:
    from .tasks import run_job

    try:
        run_job.delay(str(job_id))
    except Exception:  # noqa: BLE001 - the job's page says it failed; the log says why
        logger.exception("Background job %s could not be sent to the worker", job_id)
        BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.FAILED,
            error=_("The background worker could not be reached. Try again in a moment."),
            finished_at=timezone.now(),
        )


def run(job_id: UUID | str) -> None:
    """Do a queued job (the Celery task's body). A job already taken (a retry, a message
    delivered twice) is left alone."""
    taken = BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    )
    if not taken:
        return
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    kind = JOB_KINDS[job.kind]
    progress = Progress(job.pk)
    progress.phase("read", start=0, end=5)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            outcome = kind.run(job, progress)
        except JobFailed as failure:
            _finish(
                job,
                JobState.FAILED,
                error=failure.message,
                result={"url": failure.url, "as_message": failure.as_message},
            )
        except Exception:  # noqa: BLE001 - recorded on the job for its page, and logged
            logger.exception("Background job %s (%s) failed", job.pk, job.kind)
            _finish(
                job,
                JobState.FAILED,
                error=_(
                    "The work stopped on an unexpected error and nothing was saved. Try "
                    "again; if it happens again, tell the system administrator."
                ),
                result={"url": kind.fallback_url(job), "as_message": True},
            )
        else:
            _finish(
                job,
                JobState.DONE,
                result={
                    "url": outcome.url,
                    "message": str(outcome.message),
                    "level": outcome.level,
                    "data": outcome.data,
                },
            )
    cache.delete(_progress_key(job.pk))


def _finish(job: BackgroundJob, state: str, *, result: dict[str, Any], error: str = "") -> None:
    job.state, job.result, job.error = state, result, error
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "result", "error", "finished_at"])


def fail_if_stale(job: BackgroundJob) -> BackgroundJob:
    """A job queued or running for too long lost its worker: mark it failed."""
    if job.is_active and job.created_at < timezone.now() - STALE_AFTER:
        kind = JOB_KINDS.get(job.kind)
        _finish(
            job,
            JobState.FAILED,
            error=_("The work did not finish: the background worker stopped. Try again."),
            result={"url": kind.fallback_url(job) if kind else "/", "as_message": True},
        )
    return job


def _purge_old_jobs() -> None:
    BackgroundJob.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR,
        state__in=(JobState.DONE, JobState.FAILED),
    ).delete()


# --- reading ----------------------------------------------------------------------------------


def own_job(user: User, job_id: object, *, kind: str | None = None) -> BackgroundJob | None:
    """The user's job with that id (and kind), or None: nobody sees another person's job."""
    try:
        job_id = uuid.UUID(str(job_id))
    except ValueError:
        return None
    queryset = BackgroundJob.objects.filter(pk=job_id, owner=user)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.first()


def latest_job(user: User, *, kind: str, key: str) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(owner=user, kind=kind, key=key).first()
