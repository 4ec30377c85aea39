"""A real Celery worker killed (SIGKILL) in the middle of a message, then a second worker: nobody
is sent the message twice, and everyone ends sent, skipped or «uncertain» (the batch the
dead worker had claimed: the gateway may have taken it, so it is never sent again).

Both workers and the test share the PostgreSQL test database (a transactional test: the
rows are committed, and the workers connect to the same database by DATABASE_URL). The
in-memory SQLite test database cannot be reached from another process: skipped there.
The workers send with tests/messaging/slow_backend.py (the file backend, slowed per batch),
named by SMS_BACKEND in their environment, into the test's own folder."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.choices import MessageState, RecipientStatus
from messaging.models import Consent, Message, MessagingSettings, Segment

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PEOPLE = 300
WITHOUT_CONSENT = 10
BATCH = 20
STALE_SECONDS = 3
BATCH_SECONDS = 0.5  # the slow backend's wait before each batch


def _redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def _worker(queue, outbox):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_site.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "SMS_BACKEND": "tests.messaging.slow_backend.SlowSmsBackend",
        "SMS_FILE_PATH": str(outbox),
        "SLOW_SMS_BATCH": str(BATCH),
        "SLOW_SMS_SECONDS": str(BATCH_SECONDS),
        "MESSAGING_STALE_CLAIM_SECONDS": str(STALE_SECONDS),
    }
    env.pop("DATABASE_REPLICA_URL", None)  # the test database has no replica
    env.setdefault("SECRET_KEY", "worker-for-the-test-suite-only")
    return subprocess.Popen(
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


def _sent_lines(outbox):
    lines = []
    for path in sorted(outbox.glob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines


def _wait(condition, seconds, what, worker):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped while waiting for {what}:\n{worker.stdout.read()}")
        time.sleep(0.1)
    pytest.fail(f"No {what} after {seconds} s")


def _stop(worker):
    if worker.poll() is None:
        worker.terminate()
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


def _message_to_many():
    MessagingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "rate_per_second": 0,
            "quiet_start": datetime.time.min,
            "quiet_end": datetime.time.max,
            "sending_days": "0123456",
            "approval_threshold": 100_000,
        },
    )
    customers = Customer.objects.bulk_create(
        Customer(code=810_000 + n, name=f"عميل {n}", kind="beneficiary", mobile=f"+96650{n:07d}")
        for n in range(PEOPLE)
    )
    Consent.objects.bulk_create(
        Consent(
            customer=person,
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.MARKETING,
            given=True,
            at=timezone.now(),
            source=ConsentSource.FORM,
        )
        for person in customers[WITHOUT_CONSENT:]
    )
    segment = Segment.objects.create(name="killed worker", criteria={})
    message = services.message_create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        body="مرحبا {الاسم}",
        segment=segment,
        actor=None,
    )
    # Scheduled for now, as message_schedule leaves it (its task is sent by the test below).
    Message.objects.filter(pk=message.pk).update(state=MessageState.SCHEDULED)
    return message


def test_a_worker_killed_mid_send_and_a_second_one_send_nobody_twice(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The in-memory SQLite test database is not reachable from a worker process")
    if not _redis_reachable(REDIS_URL):
        from tests.conftest import skip_or_fail

        skip_or_fail(f"No Redis reachable at {REDIS_URL}: the killed worker was not tested")
    from celery import Celery

    message = _message_to_many()
    outbox = tmp_path / "sms"
    queue = f"test-{uuid.uuid4().hex}"
    client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)

    first = _worker(queue, outbox)
    try:
        client.send_task("messaging.tasks.send_message", args=[message.pk], queue=queue)
        # Let it hand over a few batches, then kill it without warning.
        _wait(lambda: len(_sent_lines(outbox)) >= 3 * BATCH, 120, "batches sent", first)
        # Half a batch later it has claimed the next one and waits on the "gateway".
        time.sleep(BATCH_SECONDS / 2)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        _stop(first)
    sent_by_the_first = len(_sent_lines(outbox))
    assert sent_by_the_first < PEOPLE - WITHOUT_CONSENT, "the first worker finished: kill earlier"

    # Its claims grow stale; the broker would deliver the unacknowledged task again (acks
    # late): the test sends it again to the second worker.
    time.sleep(STALE_SECONDS + 1)
    second = _worker(queue, outbox)
    try:
        client.send_task("messaging.tasks.send_message", args=[message.pk], queue=queue)
        _wait(
            lambda: Message.objects.get(pk=message.pk).state == MessageState.SENT,
            120,
            "message sent",
            second,
        )
    finally:
        output = _stop(second)

    lines = _sent_lines(outbox)
    references = [line["reference"] for line in lines]
    assert len(references) == len(set(references)), "a recipient was sent the message twice"
    numbers = [line["to"] for line in lines]
    assert len(numbers) == len(set(numbers)), output
    assert len(lines) > sent_by_the_first  # the second worker sent the rest

    recipients = {r.pk: r for r in message.recipients.all()}
    assert len(recipients) == PEOPLE
    statuses = {r.status for r in recipients.values()}
    assert statuses <= {RecipientStatus.SENT, RecipientStatus.SKIPPED, RecipientStatus.UNCERTAIN}
    skipped = [r for r in recipients.values() if r.status == RecipientStatus.SKIPPED]
    assert len(skipped) == WITHOUT_CONSENT
    # Every line in the file is a recipient sent or uncertain (handed over as the worker
    # died), and every recipient recorded sent is in the file once, with its gateway id.
    in_file = {int(line["reference"].split("-")[1]): line for line in lines}
    for pk in in_file:
        assert recipients[pk].status in {RecipientStatus.SENT, RecipientStatus.UNCERTAIN}
    sent = [r for r in recipients.values() if r.status == RecipientStatus.SENT]
    for recipient in sent:
        assert in_file[recipient.pk]["id"] == recipient.gateway_id
    uncertain = [r for r in recipients.values() if r.status == RecipientStatus.UNCERTAIN]
    assert 0 < len(uncertain) <= BATCH, "the batch out when the worker died is uncertain"
    assert len(sent) + len(uncertain) == PEOPLE - WITHOUT_CONSENT
