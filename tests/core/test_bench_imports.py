"""`manage.py bench_imports` (make bench) prints its figures; here, small sizes, the
outcomes only (timings are never asserted)."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_bench_reads_the_formatted_sheet_and_refuses_the_bombs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command(
        "bench_imports",
        rows=50,
        formatted_to=20_000,
        shared_mb=25,
        bomb_mb=120,
        entry_lines=0,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert any("formatted down to row 20,000" in line and "2 rows read" in line for line in lines)
    assert any("25 MB of shared strings" in line and "refused" in line for line in lines)
    assert any("zip bomb" in line and "refused" in line for line in lines)
    assert any("50 customers, CSV" in line and "50 rows read" in line for line in lines)
