"""`manage.py bench_links`: the tracked links at scale on PostgreSQL.

Tops the visits table up to --visits rows (COPY, spread over --links links and the last
90 days: links.benchmarking.fill_visits), then measures in-process the staff's list and the
busiest link's page (median and p95, queries), and, under gunicorn on 127.0.0.1 with
production settings, the redirect /c/<code> (which records each visit: the rate limit is
lifted for the run) against /healthz in the same run, each driven by the same bounded load
(links.benchmarking.redirect_against_healthz). Loopback only; nothing is written to the
docs: the figures are printed."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from core.benchmarking import time_page
from links import services
from links.benchmarking import fill_visits, redirect_against_healthz
from links.models import TrackedLink


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
        fill_visits(links, options["visits"], write=self.stdout.write)
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
        run = redirect_against_healthz(
            busiest,
            port=options["port"],
            workers=options["workers"],
            users=options["users"],
            requests=options["requests"],
            seconds=options["seconds"],
        )
        for line in run.lines():
            self.stdout.write(line)

    def _links(self, manager: Any, count: int) -> list[TrackedLink]:
        links = list(TrackedLink.objects.filter(label__startswith="bench ").order_by("pk"))
        for number in range(len(links), count):
            links.append(
                services.link_create(
                    actor=manager, label=f"bench {number}", target="/public/cases/new/"
                )
            )
        return links[:count]
