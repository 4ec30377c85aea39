"""The pieces of the tracked-link benchmarks, shared by `manage.py bench_links` and
`manage.py bench_campaigns`: visits written with COPY (an idempotent top-up spread over the
given links and the last days), and the redirect /c/<code> against /healthz under gunicorn
in the same run (production settings, loopback only, the rate limit lifted so that every
request records its visit). Nothing is written to the docs: the callers print."""

import datetime
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from core.benchmarking import LoadResult, drive_load, local_gunicorn
from core.cache import bump

from .models import LinkDayTotal, LinkVisit, TrackedLink
from .selectors import CLOSED_DAYS_TOPIC
from .services import visits_roll_up

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
BATCH = 100_000


def fill_visits(
    links: Sequence[TrackedLink],
    target: int,
    *,
    days: int = 90,
    seed: int = 14,
    write: Callable[[str], None] = lambda _text: None,
) -> int:
    """Top the visits of `links` up to `target` rows with COPY, spread over the last `days`
    days; the first links take most visits (weights 1/rank, as a billboard does against a
    leaflet). Then VACUUM ANALYZE the table (the visibility map lets the per-link counts
    be index-only scans), roll every past day up again (as the nightly task does) and
    renew the cached past days. Returns the rows written."""
    if not links:
        return 0
    missing = target - LinkVisit.objects.filter(link__in=[link.pk for link in links]).count()
    if missing <= 0:
        if not LinkDayTotal.objects.exists():
            roll_up_past_days()
        return 0
    rng = random.Random(seed + missing)
    today = timezone.localdate()
    now = timezone.now()
    weights = [1 / (rank + 1) for rank in range(len(links))]
    written = 0
    while written < missing:
        size = min(BATCH, missing - written)
        chosen = rng.choices(links, weights=weights, k=size)
        buffer = io.StringIO()
        for link in chosen:
            days_ago = rng.randrange(days)
            day = today - datetime.timedelta(days=days_ago)
            at = now - datetime.timedelta(days=days_ago, seconds=rng.randrange(86_400))
            visitor = rng.getrandbits(64) - 2**63
            buffer.write(f"{link.pk}\t{at.isoformat()}\t{day.isoformat()}\t{visitor}\n")
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY links_linkvisit (link_id, visited_at, day, visitor) FROM STDIN"
            ) as copy,
        ):
            copy.write(buffer.getvalue())
        written += size
        write(f"visits: {written:,} of {missing:,} written")
    vacuum_analyze("links_linkvisit")
    roll_up_past_days()
    # COPY sends no signal: the past days kept in the cache are counted again.
    bump(CLOSED_DAYS_TOPIC)
    return written


def roll_up_past_days() -> int:
    """The nightly roll-up, done again over every past day (the COPY wrote into them)."""
    rows = visits_roll_up(rebuild=True)
    vacuum_analyze("links_linkdaytotal")
    return rows


def vacuum_analyze(*tables: str) -> None:
    """VACUUM ANALYZE (the commands run in autocommit); inside a transaction (a test),
    where VACUUM cannot run, ANALYZE only."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


@dataclass
class RedirectRun:
    healthz: LoadResult
    redirect: LoadResult
    recorded: int  # visits the redirect's runs wrote

    @property
    def ratio(self) -> float:
        if not self.healthz.per_second:
            return 0.0
        return self.redirect.per_second / self.healthz.per_second

    def lines(self) -> list[str]:
        return [
            f"{name}: {result.per_second:.0f} req/s, median {result.median_ms:.1f} ms, "
            f"p95 {result.p95_ms:.1f} ms, {result.errors} errors"
            for name, result in (("healthz", self.healthz), ("redirect", self.redirect))
        ] + [f"redirect / healthz: {self.ratio:.2f}; visits recorded: {self.recorded:,}"]


def redirect_against_healthz(
    link: TrackedLink,
    *,
    port: int,
    workers: int = 2,
    users: int = 8,
    requests: int = 3_000,
    seconds: float = 30.0,
    passes: int = 2,
) -> RedirectRun:
    """The same bounded load (`users` threads, at most `requests` requests or `seconds`)
    on /healthz and on the link's redirect, alternated `passes` times on one gunicorn of
    `workers` sync workers; the last pass of each is kept (warm workers)."""
    before = LinkVisit.objects.filter(link=link).count()
    results: dict[str, LoadResult] = {}
    # Every request of the run records its visit.
    with local_gunicorn(
        port, env={"WEB_CONCURRENCY": str(workers), "LINK_FOLLOW_RATE": "100000000/m"}
    ):
        for _pass in range(passes):
            for name, path, served in (
                ("healthz", "/healthz", (200,)),
                ("redirect", link.short_path, (302,)),
            ):
                results[name] = drive_load(
                    "127.0.0.1",
                    port,
                    [("", [path])] * users,
                    max_requests=requests,
                    max_seconds=seconds,
                    rng=random.Random(14),
                    served=served,
                    headers={"User-Agent": PHONE},
                )
    recorded = LinkVisit.objects.filter(link=link).count() - before
    return RedirectRun(results["healthz"], results["redirect"], recorded)
