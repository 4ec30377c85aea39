"""The real path of a scheduled report: a Celery worker, started here against the real Redis
and the test database (PostgreSQL: the worker is another process and must see the rows this
test commits), renders the reports from cases and opportunities created in the test, stores
their PDF and XLSX files and emails the recipients; a second run for the same period, by the
schedule or by the web page's task, creates nothing new."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from reports.models import Report, ReportRecipient, ReportType, RunStatus
from reports.periods import previous_period
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
TIMEOUT = 180

# The worker routes every task, send_report included, to this test's own queue: nothing is
# left behind in the shared default queue.
WORKER = """
import sys
from crm_site.celery import app
queue = sys.argv[1]
app.conf.task_default_queue = queue
app.worker_main([
    "worker", "--queues", queue, "--pool", "solo", "--loglevel", "WARNING",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
])
"""


def _redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _database_url():
    """The URL of the test database this process uses, for the worker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _celery_env(media_root):
    """The environment of a Celery process working on this test's database and media."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_site.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(media_root),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "CONN_MAX_AGE": "0",
    }
    env.setdefault("SECRET_KEY", "worker-for-the-test-suite-only")
    # CI's replica URL names the CI database, not this test database (tests/core/
    # test_replica.py proves the replica reads): the worker reads the primary.
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def _start(script, *args, env):
    """The process writes to a file, not a pipe: a pipe nobody reads while the test waits
    fills (64 KB: a report's PDF printed by the console e-mail backend) and the process
    blocks on its next write."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed by _finish)
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.log = log
    return process


def _finish(process, timeout=60):
    """Stop the process (if it still runs) and return what it wrote."""
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=timeout)
    process.log.seek(0)
    output = process.log.read()
    process.log.close()
    return output


@pytest.fixture
def worker(media_root):
    if connection.vendor != "postgresql":
        pytest.skip("A worker process cannot see SQLite's in-memory test database")
    if not _redis_reachable(REDIS_URL):
        skip_or_fail(f"No Redis reachable at {REDIS_URL}: the report worker was not tested")
    queue = f"test-reports-{uuid.uuid4().hex}"
    process = _start(WORKER, queue, env=_celery_env(media_root))
    client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    state = {"output": ""}

    def run(task, **kwargs):
        """Send the task and wait for its result by reading the result key (no pub/sub
        subscription that could miss a fast answer)."""
        result = client.send_task(task, kwargs=kwargs, queue=queue)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if result.ready():
                if result.failed():
                    raise AssertionError(f"{task} failed in the worker: {result.result!r}")
                return result.result
            time.sleep(0.2)
        stop()
        rows = list(Report.objects.values_list("report_type", "status", "attempts"))
        raise AssertionError(
            f"The worker did not answer {task} {kwargs} (reports: {rows}):\n{state['output']}"
        )

    def stop():
        if not process.log.closed:
            state["output"] = _finish(process)
        return state["output"]

    run.stop = stop
    run.queue = queue
    yield run
    stop()
    client.close()


def _files(media_root):
    """The report files on disk, with their modification times."""
    return {
        path.relative_to(media_root): path.stat().st_mtime_ns
        for path in (media_root / "reports").rglob("*")
        if path.is_file()
    }


def test_a_worker_produces_the_reports_from_real_data_once(
    worker, case_data, opportunity_data, crew, media_root
):
    ReportRecipient.objects.create(
        report_type=ReportType.MONTHLY_PERFORMANCE, user=crew["secretary"]
    )
    scheduled = "reports.tasks.produce_scheduled_report"

    monthly_pk = worker(scheduled, report_type=ReportType.MONTHLY_PERFORMANCE)
    weekly_pk = worker(scheduled, report_type=ReportType.WEEKLY_OPPORTUNITIES)

    monthly = Report.objects.get(pk=monthly_pk)
    weekly = Report.objects.get(pk=weekly_pk)
    for report in (monthly, weekly):
        assert report.status == RunStatus.READY, report.error
        assert report.trigger == "schedule" and report.attempts == 1
        assert (report.period_start, report.period_end) == previous_period(
            report.report_type, timezone.localdate()
        )
        pdf, xlsx = Path(report.pdf.path), Path(report.xlsx.path)
        assert pdf.is_relative_to(media_root) and xlsx.is_relative_to(media_root)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert xlsx.read_bytes().startswith(b"PK")  # an XLSX is a zip file
        assert report.page_count >= 1
        assert report.summary
    assert monthly.summary.get("total") == 7  # the seven cases received in the month
    files = _files(media_root)
    assert sorted(name.suffix for name in files) == [".pdf", ".pdf", ".xlsx", ".xlsx"]
    steps = list(Report.objects.values_list("pk", "transitions__pk"))

    # The schedule again (a duplicate beat) and the web page's task: nothing new.
    assert worker(scheduled, report_type=ReportType.MONTHLY_PERFORMANCE) == monthly_pk
    assert worker("reports.tasks.produce_report", report_id=monthly_pk) == monthly_pk
    assert worker(scheduled, report_type=ReportType.WEEKLY_OPPORTUNITIES) == weekly_pk
    assert Report.objects.count() == 2
    assert list(Report.objects.values_list("pk", "transitions__pk")) == steps
    assert _files(media_root) == files
    monthly.refresh_from_db()
    assert monthly.attempts == 1

    output = worker.stop()
    # The recipient got the PDF by email once (console backend), not again on the second run.
    assert output.count("To: secretary@example.org") == 1, output
    assert "application/pdf" in output


# Beat with the database scheduler, as docker-compose runs it; --max-interval 1 so that it
# looks at the schedule every second.
BEAT = """
from crm_site.celery import app
app.start([
    "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
    "--loglevel", "WARNING", "--max-interval", "1",
])
"""


def test_beat_sends_the_scheduled_report_to_the_worker_once(worker, opportunity_data, media_root):
    """The weekly entry migration 0002 creates, as Celery beat reads it from the database,
    reaches the worker and produces the report of the week just ended; beat firing again
    and again produces nothing more."""
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    # A transactional test starts from an empty database: the migration's entries again.
    import_module("reports.migrations.0002_schedule").create_schedule(apps, None)
    entry = PeriodicTask.objects.get(name="تقرير الفرص الأسبوعي")
    assert entry.crontab.day_of_week == "0" and entry.crontab.hour == "7"
    # Due every 2 seconds instead of Sunday 07:00, on this test's queue.
    entry.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    entry.crontab = None
    entry.queue = worker.queue
    entry.save()

    beat = _start(BEAT, env=_celery_env(media_root))
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and beat.poll() is None:
            report = Report.objects.filter(report_type=ReportType.WEEKLY_OPPORTUNITIES).first()
            if report is not None and report.status == RunStatus.READY:
                break
            time.sleep(0.5)
        else:
            beat.terminate()
            pytest.fail(f"Beat and the worker produced no report:\n{_finish(beat)}")
        time.sleep(6)  # beat fires at least twice more
    finally:
        if not beat.log.closed:
            _finish(beat)
    report = Report.objects.get(report_type=ReportType.WEEKLY_OPPORTUNITIES)
    assert report.trigger == "schedule" and report.attempts == 1
    assert (report.period_start, report.period_end) == previous_period(
        ReportType.WEEKLY_OPPORTUNITIES, timezone.localdate()
    )
    assert Path(report.pdf.path).read_bytes().startswith(b"%PDF")
    assert PeriodicTask.objects.get(pk=entry.pk).total_run_count >= 2
