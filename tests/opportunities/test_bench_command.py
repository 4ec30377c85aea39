"""The opportunities benchmark command runs end to end at a small size (figures not
asserted: timings belong to `make bench`, not to the test suite)."""

from io import StringIO

import pytest
from django.core.management import call_command

from finance.models import Donation
from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db


def test_bench_opportunities_runs_and_prints_every_figure(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command(
        "bench_opportunities",
        opportunities=60,
        donors=10,
        donations=80,
        import_rows=40,
        repeat=1,
        warmup=0,
        stdout=out,
    )
    output = out.getvalue()
    for label in ("opportunities board", "opportunities list", "opportunity page", "donor profile"):
        assert label in output
    assert "finance import of 40 rows" in output
    assert Opportunity.objects.count() == 60
    # The imported receipts are removed again; the seeded donations stay.
    assert Donation.objects.count() == 80
