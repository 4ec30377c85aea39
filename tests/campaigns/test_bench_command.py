"""`manage.py bench_campaigns` runs end to end at a small size on PostgreSQL (figures not
asserted: timings belong to the benchmark's printout, not to the test suite)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from campaigns.benchmarking import SPECIAL_SIZES, campaign_with
from campaigns.models import Campaign, Placement
from links.models import LinkDayTotal, LinkVisit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and VACUUM: PostgreSQL"),
]


def test_bench_campaigns_tops_up_measures_and_writes_its_table(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    output = tmp_path / "campaigns.md"
    options = {"campaigns": 20, "placements": 120, "visits": 3000, "rounds": 1}
    call_command("bench_campaigns", no_load=True, output=output, stdout=out, **options)
    assert Campaign.objects.count() == 20
    assert Placement.objects.count() == 120
    for size in SPECIAL_SIZES:
        assert campaign_with(size) is not None
    assert LinkVisit.objects.count() >= 3000
    assert LinkDayTotal.objects.exists()  # the past days rolled up as the nightly task does
    table = output.read_text(encoding="utf-8")
    for label in (
        "floor: the same in the base layout",
        "campaign list, first page",
        "campaign page, the biggest",
        "plan calendar",
    ):
        assert label in table
    assert "): the same." in table  # the campaign pages' queries do not grow
    # Run again: nothing is added.
    call_command("bench_campaigns", no_load=True, stdout=StringIO(), **options)
    assert (Campaign.objects.count(), Placement.objects.count()) == (20, 120)
