"""Celery: tasks wait for the transaction, run eagerly without Redis, and round-trip through a
real worker against a real Redis."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from celery import Celery
from django.core.management import call_command

from core import tasks
from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def test_delay_on_commit_sends_once_the_transaction_commits(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.ping, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.ping.delay_on_commit("after-commit")
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [("after-commit",)]


def test_without_redis_tasks_run_eagerly(settings):
    result = tasks.ping.delay("سلام")
    assert result.get(timeout=1)["message"] == "سلام"


def test_check_worker_command_in_eager_mode():
    out = StringIO()
    call_command("check_worker", stdout=out)
    assert "eager" in out.getvalue()
    assert "Worker answered" in out.getvalue()


def _redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.redis
def test_task_round_trips_through_a_real_worker_and_redis():
    if not _redis_reachable(REDIS_URL):
        skip_or_fail(f"No Redis reachable at {REDIS_URL}: the worker round-trip was not tested")
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "crm_site.settings"}
    env.setdefault("SECRET_KEY", "worker-for-the-test-suite-only")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crm_site",
            "worker",
            "--queues",
            queue,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    try:
        result = client.send_task("core.tasks.ping", args=["مرحبا"], queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert answer["message"] == "مرحبا", output
    assert answer["answered_at"]
