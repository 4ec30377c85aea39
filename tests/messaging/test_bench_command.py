"""The messaging benchmark runs end to end at a small size on PostgreSQL, its steps in the
test's process (figures not asserted: timings belong to `manage.py bench_messaging`)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import Customer
from messaging.management.commands.bench_messaging import BENCH_MARK, BODY
from messaging.models import Message, MessagingSettings, Segment

pytestmark = pytest.mark.django_db


def test_bench_messaging_runs_and_prints_every_figure(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("bench_messaging runs on PostgreSQL")
    MessagingSettings.objects.update_or_create(pk=1, defaults={"rate_per_second": 20})
    output_file = tmp_path / "messaging.md"
    out = StringIO()
    call_command(
        "bench_messaging",
        customers=120,
        sizes="40,120",
        rounds=1,
        in_process=True,
        output=output_file,
        stdout=out,
    )
    text = output_file.read_text(encoding="utf-8")
    assert "## The audience of a message to every active customer" in text
    assert "| 40 |" in text and "| 120 |" in text
    assert Customer.objects.count() == 120
    # The benchmark's messages are gone (the demo's stay) and the settings are as they were.
    assert not Message.objects.filter(body=BODY).exists()
    assert not Segment.objects.filter(name__startswith=BENCH_MARK).exists()
    assert MessagingSettings.current().rate_per_second == 20
