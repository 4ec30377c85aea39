"""`manage.py bench_links`: the tracked links at scale on PostgreSQL.

Tops the visits table up to --visits rows (COPY, spread over --links links and the last
90 days), then measures in-process the staff's list and the busiest link's page (median and
p95, queries), and, under gunicorn on 127.0.0.1 with production settings, the redirect
/c/<code> (which records each visit: the rate limit is lifted for the run) against /healthz
in the same run, each driven by the same bounded load. Loopback only; nothing is written to
the docs: the figures are printed."""

import datetime
import io
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.benchmarking import drive_load, time_page
from links import services
from links.models import LinkVisit, TrackedLink
from reports.bench import _database_url, _wait_until_up

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
BATCH = 100_000


class Command(BaseCommand):
    help = "Fill tracked-link visits and measure the link pages and the redirect (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--visits", type=int, default=2_000_000)
        parser.add_argument("--links", type=int, default=2_000)
        parser.add_argument("--port", type=int, default=8171)
        parser.add_argument("--users", type=int, default=8)
        parser.add_argument("--requests", type=int, default=3_000)
        parser.add_argument("--seconds", type=float, default=30.0)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--repeat", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_links runs on PostgreSQL (BENCH_DATABASE_URL).")
        manager = get_user_model().objects.get(username="crm_manager")
        links = self._links(manager, options["links"])
        self._fill(links, options["visits"])
        busiest = links[0]
        client = Client()
        client.force_login(manager)

        def get(url: str) -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            return response

        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            SECURE_SSL_REDIRECT=False,
            DEBUG=False,
        ):
            for name, url in (
                ("link list", reverse("links:list")),
                ("busiest link's page", reverse("links:detail", args=[busiest.pk])),
            ):
                timing = time_page(get, url, repeat=options["repeat"], warmup=2)
                self.stdout.write(
                    f"{name}: median {timing.median_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms, "
                    f"{timing.queries} queries"
                )
        self._load(busiest, options)

    def _links(self, manager: Any, count: int) -> list[TrackedLink]:
        links = list(TrackedLink.objects.filter(label__startswith="bench ").order_by("pk"))
        for number in range(len(links), count):
            links.append(
                services.link_create(
                    actor=manager, label=f"bench {number}", target="/public/cases/new/"
                )
            )
        return links[:count]

    def _fill(self, links: list[TrackedLink], target: int) -> None:
        missing = target - LinkVisit.objects.count()
        if missing <= 0:
            return
        rng = random.Random(14)
        today = timezone.localdate()
        now = timezone.now()
        # A few links take most visits, as a billboard does against a leaflet.
        weights = [1 / (rank + 1) for rank in range(len(links))]
        written = 0
        while written < missing:
            size = min(BATCH, missing - written)
            chosen = rng.choices(links, weights=weights, k=size)
            buffer = io.StringIO()
            for link in chosen:
                days_ago = rng.randrange(90)
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
            self.stdout.write(f"visits: {written:,} of {missing:,} written")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE links_linkvisit")

    def _load(self, link: TrackedLink, options: dict[str, Any]) -> None:
        port = options["port"]
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": str(options["workers"]),
            # Every request of the run records its visit.
            "LINK_FOLLOW_RATE": "100000000/m",
        }
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "crm_site.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env,
            cwd=settings.BASE_DIR,
        )
        before = LinkVisit.objects.filter(link=link).count()
        try:
            _wait_until_up(port, server)
            results = {}
            for name, path, served in (
                ("healthz", "/healthz", (200,)),
                ("redirect", link.short_path, (302,)),
                ("healthz", "/healthz", (200,)),
                ("redirect", link.short_path, (302,)),
            ):
                result = drive_load(
                    "127.0.0.1",
                    port,
                    [("", [path])] * options["users"],
                    max_requests=options["requests"],
                    max_seconds=options["seconds"],
                    rng=random.Random(14),
                    served=served,
                    headers={"User-Agent": PHONE},
                )
                results[name] = result  # the second pass of each (warm workers) is kept
            recorded = LinkVisit.objects.filter(link=link).count() - before
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for name, result in results.items():
            self.stdout.write(
                f"{name}: {result.per_second:.0f} req/s, median {result.median_ms:.1f} ms, "
                f"p95 {result.p95_ms:.1f} ms, {result.errors} errors"
            )
        ratio = results["redirect"].per_second / results["healthz"].per_second
        self.stdout.write(f"redirect / healthz: {ratio:.2f}; visits recorded: {recorded:,}")
