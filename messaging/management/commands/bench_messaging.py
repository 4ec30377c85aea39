"""`manage.py bench_messaging`: a marketing SMS to 100,000 customers on PostgreSQL (issue 15's
targets).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python manage.py bench_messaging --output docs/bench/messaging.md

1. Tops the database up to --customers customers (the demo data, then
   customers.seed_customers) and gives most of those with a mobile a marketing SMS consent
   (bulk INSERT … SELECT of Consent rows: --consent-share of them, the rest never asked),
   then VACUUM ANALYZE.
2. The audience of a message to everyone (messaging.segments.audience over
   segment_customers({})): the median of --rounds runs. Target under 300 ms.
3. For each of --sizes (20,000 and 100,000 by default: the customers up to a code, through a
   criterion the command registers for itself), a marketing SMS with the file backend (in a
   temporary folder) and the rate limit and quiet hours off for the run: the listing of its
   recipients (messaging.sending.list_recipients), then the sending run
   (messaging.services.run_sending with a budget that never ends it) in messages a second.
   Each step runs in a process of its own (this command with --child), so that the peak
   memory it reports (resident memory sampled during the step, and getrusage's maxrss) is
   that step's alone. Targets:
   at least 2,000 messages a second per worker, and a peak that does not grow with the
   number of recipients.

The messages and their recipients are deleted afterwards (the customers and consents stay:
the database is topped up, never emptied). Figures are printed (and written to --output as
markdown), never asserted."""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import override_settings

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging.choices import MessageState
from messaging.models import (
    Consent,
    Message,
    MessagingSettings,
    Recipient,
    Segment,
    Suppression,
    SuppressionReason,
)
from messaging.segments import (
    Criterion,
    audience,
    register_criterion,
    segment_customers,
    unregister_criterion,
)

AUDIENCE_TARGET_MS = 300.0
RATE_TARGET = 2_000.0
BODY = "مرحبا {الاسم}، رمزك {code}. شاركنا في حملة الحي هذا الأسبوع."
BENCH_MARK = "bench_messaging"
# A criterion of the benchmark only: the customers up to a code (the first N of them).
UP_TO_CODE = "bench_up_to_code"


def _register_bench_criterion() -> None:
    register_criterion(
        Criterion(
            UP_TO_CODE,
            "bench: customers up to a code",
            lambda: {UP_TO_CODE: forms.IntegerField(required=False)},
            dump=lambda cleaned: cleaned.get(UP_TO_CODE),
            narrow=lambda customers, code: customers.filter(code__lte=code),
        )
    )


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mb() -> float:
    """The process's resident memory now (Linux), 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


class RssPeak:
    """The highest resident memory seen while the step runs, sampled every 20 ms (maxrss
    alone keeps Django's start-up peak, which hides a smaller step)."""

    def __init__(self) -> None:
        self.start = _rss_mb()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())
        return {"rss_start": self.start, "rss_peak": self.peak, "maxrss": _maxrss_mb()}


class Command(BaseCommand):
    help = "Fill 100,000 customers with consents; time the audience, the listing and the sending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--consent-share", type=float, default=0.9)
        parser.add_argument("--sizes", default="20000,100000", help="customers per message")
        parser.add_argument("--rounds", type=int, default=9, help="runs of the audience count")
        parser.add_argument("--output", type=Path, help="also write the figures here (markdown)")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark's messages")
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="run the steps in this process (the test suite: its database is not committed)",
        )
        # Internal: one step in a process of its own ("list <id>" or "send <id> <folder>").
        parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_messaging runs on PostgreSQL (VACUUM, INSERT … SELECT).")
        self.in_process = options["in_process"]
        # No query log in the measured processes; the criterion is the benchmark's alone.
        _register_bench_criterion()
        try:
            with override_settings(DEBUG=False):
                if options["child"]:
                    self.stdout.write(json.dumps(_child(options["child"])))
                else:
                    self._run(options)
        finally:
            unregister_criterion(UP_TO_CODE)

    def _run(self, options: dict[str, Any]) -> None:
        from reports.bench import machine

        about = machine()
        started = time.perf_counter()
        data = self._top_up(options["customers"], options["consent_share"])
        self.stdout.write(f"{data} (ready in {time.perf_counter() - started:.0f} s)")
        lines = [
            "# Messaging benchmark (`manage.py bench_messaging`)",
            "",
            "Machine: " + "; ".join(f"{key} {value}" for key, value in about.items()) + ".",
            "",
            f"Data: {data}.",
            "",
        ]
        lines += self._audience(options["rounds"])
        sizes = [int(size) for size in options["sizes"].split(",") if size.strip()]
        lines += self._sending(sizes, keep=options["keep"])
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        if options["output"]:
            options["output"].parent.mkdir(parents=True, exist_ok=True)
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"Written to {options['output']}")

    # --- the data --------------------------------------------------------------------------

    def _top_up(self, customers: int, share: float) -> str:
        from customers.management.commands.seed_customers import seed_customers

        call_command("load_demo_data", stdout=StringIO())
        missing = customers - Customer.objects.count()
        if missing > 0:
            self.stdout.write(f"  seeding {missing:,} customers…")
            seed_customers(missing, rng=random.Random(15), with_history=False)
        added = _give_marketing_consents(share)
        if added:
            self.stdout.write(f"  {added:,} marketing SMS consents added")
        suppressed = _suppress_some()
        if suppressed:
            self.stdout.write(f"  {suppressed:,} mobiles suppressed")
        # VACUUM cannot run inside a transaction (the test suite's): ANALYZE alone then.
        refresh = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Customer, Consent, Recipient):
                cursor.execute(f"{refresh} {connection.ops.quote_name(model._meta.db_table)}")
        total = Customer.objects.count()
        active = Customer.objects.filter(is_active=True).count()
        with_mobile = Customer.objects.exclude(mobile="").count()
        consents = Consent.objects.count()
        suppressions = Suppression.objects.count()
        return (
            f"{total:,} customers ({active:,} active, {with_mobile:,} with a mobile), "
            f"{consents:,} consent records, {suppressions:,} suppressed addresses"
        )

    # --- the audience ----------------------------------------------------------------------

    def _audience(self, rounds: int) -> list[str]:
        def count() -> Any:
            return audience(segment_customers({}), ConsentChannel.SMS, ConsentPurpose.MARKETING)

        counted = count()  # warm
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            count()
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        excluded = ", ".join(f"{reason} {number:,}" for reason, number in counted.excluded.items())
        self.stdout.write(f"  audience: median {median:.0f} ms")
        return [
            "## The audience of a message to every active customer",
            "",
            "messaging.segments.audience(segment_customers({}), sms, marketing): one query "
            f"counting the recipients and each reason of exclusion; {rounds} runs after a "
            f"warm-up. Target: under {AUDIENCE_TARGET_MS:.0f} ms.",
            "",
            "| customers counted | recipients | excluded | median ms | min ms | max ms |",
            "|---:|---:|---|---:|---:|---:|",
            f"| {counted.total:,} | {counted.recipients:,} | {excluded} | {median:.0f} "
            f"| {min(timings):.0f} | {max(timings):.0f} |",
            "",
        ]

    # --- the sending -----------------------------------------------------------------------

    def _sending(self, sizes: list[int], *, keep: bool) -> list[str]:
        lines = [
            "## A marketing SMS to everyone, with the file backend",
            "",
            "Each step in a process of its own (this command with --child): the listing "
            "(list_recipients: one query over the audience, recipients bulk-inserted), then "
            "one sending run (run_sending with a budget that never ends it, the rate limit "
            "off, quiet hours off, the file backend writing JSON lines to a temporary "
            "folder). Memory: the resident memory sampled every 20 ms from the step's "
            "start (after Django's start) to its end, and the process's maxrss (getrusage, "
            "which keeps the start-up's own peak). Targets: at least "
            f"{RATE_TARGET:,.0f} messages a second per worker; a peak that does not grow "
            "with the number of recipients.",
            "",
            "| customers | recipients | listing s | sending s | messages/s | batches "
            "| listing RSS MB (start → peak) | sending RSS MB (start → peak) "
            "| maxrss MB (listing, sending) |",
            "|---:|---:|---:|---:|---:|---:|---|---|---|",
        ]
        author = get_user_model().objects.filter(username="crm_manager").first()
        config = MessagingSettings.current()
        saved = {
            field: getattr(config, field)
            for field in ("rate_per_second", "quiet_start", "quiet_end", "sending_days")
        }
        MessagingSettings.objects.filter(pk=config.pk).update(
            rate_per_second=0,
            quiet_start=datetime.time.min,
            quiet_end=datetime.time.max,
            sending_days="0123456",
        )
        folder = Path(tempfile.mkdtemp(prefix="bench-messaging-"))
        try:
            for size in sizes:
                lines.append(self._one_size(size, author, folder, keep=keep))
        finally:
            MessagingSettings.objects.filter(pk=config.pk).update(**saved)
            shutil.rmtree(folder, ignore_errors=True)
        return lines

    def _one_size(self, size: int, author: Any, folder: Path, *, keep: bool) -> str:
        from messaging import services

        codes = Customer.objects.order_by("code").values_list("code", flat=True)
        up_to = codes[min(size, codes.count()) - 1]
        segment, _created = Segment.objects.update_or_create(
            name=f"{BENCH_MARK} {size}",
            defaults={"criteria": {UP_TO_CODE: up_to}, "created_by": author},
        )
        message = services.message_create(
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.MARKETING,
            body=BODY,
            segment=segment,
            actor=author,
        )
        try:
            self.stdout.write(f"  {size:,} customers: listing…")
            listed = self._child("list", str(message.pk))
            # Straight to sending, as the run would after the approval and the schedule.
            Message.objects.filter(pk=message.pk).update(
                state=MessageState.SENDING, started_at=message.created_at
            )
            self.stdout.write(f"  {size:,} customers: sending {listed['recipients']:,}…")
            sent = self._child("send", str(message.pk), str(folder / str(size)))
            rate = sent["sent"] / sent["seconds"] if sent["seconds"] else 0.0
            self.stdout.write(
                f"  {size:,}: listed in {listed['seconds']:.1f} s, sent {sent['sent']:,} in "
                f"{sent['seconds']:.1f} s ({rate:,.0f}/s), finished {sent['finished']}"
            )
            return (
                f"| {size:,} | {listed['recipients']:,} | {listed['seconds']:.1f} "
                f"| {sent['seconds']:.1f} | {rate:,.0f} | {sent['batches']:,} "
                f"| {listed['rss_start']:.0f} → {listed['rss_peak']:.0f} "
                f"| {sent['rss_start']:.0f} → {sent['rss_peak']:.0f} "
                f"| {listed['maxrss']:.0f}, {sent['maxrss']:.0f} |"
            )
        finally:
            if not keep:
                # In one statement: delete() would collect the 100,000 rows first.
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"DELETE FROM {connection.ops.quote_name(Recipient._meta.db_table)} "
                        "WHERE message_id = %s",
                        [message.pk],
                    )
                message.transitions.all().delete()
                message.delete()
                segment.delete()

    def _child(self, *step: str) -> dict[str, Any]:
        if self.in_process:
            return _child(list(step))
        command = [sys.executable, "manage.py", "bench_messaging", "--child", *step]
        done = subprocess.run(
            command,
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise CommandError(f"{' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def _give_marketing_consents(share: float) -> int:
    """A marketing SMS consent given to `share` of the customers with a mobile who have no
    marketing SMS answer yet (chosen by id, so the same ones every time), one INSERT."""
    quote = connection.ops.quote_name
    every = max(1, round(1 / max(1e-9, 1 - share))) if share < 1 else 0
    keep_out = f"AND c.id %% {every} <> 0" if every else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Consent._meta.db_table)} "
            "(customer_id, channel, purpose, given, at, source, evidence, recorded_at) "
            "SELECT c.id, %s, %s, TRUE, c.created_at, %s, %s, now() "
            f"FROM {quote(Customer._meta.db_table)} c "
            f"WHERE c.mobile <> '' {keep_out} AND NOT EXISTS (SELECT 1 FROM "
            f"{quote(Consent._meta.db_table)} k WHERE k.customer_id = c.id "
            "AND k.channel = %s AND k.purpose = %s)",
            [
                ConsentChannel.SMS,
                ConsentPurpose.MARKETING,
                ConsentSource.FORM,
                BENCH_MARK,
                ConsentChannel.SMS,
                ConsentPurpose.MARKETING,
            ],
        )
        return int(cursor.rowcount)


def _suppress_some(every: int = 200) -> int:
    """One mobile in `every` suppressed (invalid numbers, complaints), one INSERT; the
    suppressions' history is not written (a benchmark's rows)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Suppression._meta.db_table)} (address, reason, at, note) "
            f"SELECT DISTINCT mobile, %s, now(), %s FROM {quote(Customer._meta.db_table)} "
            f"WHERE mobile <> '' AND id %% {every} = 7 ON CONFLICT (address) DO NOTHING",
            [SuppressionReason.INVALID, BENCH_MARK],
        )
        return int(cursor.rowcount)


def _child(step: list[str]) -> dict[str, Any]:
    """One step, measured in this process alone."""
    from messaging import services
    from messaging.backends.filebased import SmsBackend
    from messaging.sending import list_recipients

    message = Message.objects.get(pk=int(step[1]))
    Customer.objects.first()  # the connection and the models loaded before measuring
    memory = RssPeak()
    started = time.perf_counter()
    if step[0] == "list":
        recipients = list_recipients(message)
        seconds = time.perf_counter() - started
        return {"recipients": recipients, "seconds": seconds, **memory.stop()}
    backend = SmsBackend(file_path=step[2])
    batches = 0
    original = backend.send

    def counting(messages: Any) -> Any:
        nonlocal batches
        batches += 1
        return original(messages)

    backend.send = counting  # type: ignore[method-assign]
    outcome = services.run_sending(message.pk, budget=24 * 3600.0, backend=backend)
    seconds = time.perf_counter() - started
    return {
        "sent": outcome.sent,
        "finished": outcome.finished,
        "batches": batches,
        "seconds": seconds,
        **memory.stop(),
    }
