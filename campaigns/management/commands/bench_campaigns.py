"""`manage.py bench_campaigns`: the campaigns at scale on PostgreSQL (issue 14's targets).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python manage.py bench_campaigns --output docs/bench/campaigns.md

1. Tops the database up (campaigns.benchmarking.top_up): --campaigns campaigns in the
   annual plans, most launched; --placements placements, each one of an approved
   programme with its tracked link; --visits visits on those links over 90 days (COPY),
   then VACUUM ANALYZE; a few cases attributed to the busiest links.
2. Measures in interleaved rounds, beside the two floor pages of `manage.py bench`
   (reports.bench: one customer in a one-line template, alone and in the base layout):
   the campaign list (first page and filtered), the page of the biggest campaign and of
   campaigns with 30 and 2 placements (their query counts must be equal), the evaluation
   page when `campaigns:campaign_evaluation` exists, the plan page and its calendar, and
   the quarterly campaigns report (PDF and XLSX) when reports knows "quarterly_campaigns".
3. The redirect /c/<code> against /healthz under gunicorn (2 workers), the same bounded
   load on each (links.benchmarking.redirect_against_healthz).

Figures are printed (and written to --output as markdown), never asserted: the targets are
p95 under 150 ms for the list and the campaign page, the redirect at least half of
/healthz's requests a second, the quarterly report under 5 s."""

import logging
import random
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from campaigns.benchmarking import biggest_campaign, campaign_with, top_up
from campaigns.models import Campaign, CampaignState, MarketingPlan
from campaigns.selectors import placement_links
from core.benchmarking import Item, Measured, measure_interleaved
from customers.models import Customer
from links.benchmarking import redirect_against_healthz
from reports.bench import FLOOR_BARE, FLOOR_LAYOUT, _measuring_settings, _page_reader, machine

QUARTERLY = "quarterly_campaigns"
PAGE_TARGET_MS = 150.0
REPORT_TARGET_S = 5.0


class Command(BaseCommand):
    help = "Fill campaigns, placements and visits; measure the campaign pages and the redirect."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaigns", type=int, default=200)
        parser.add_argument("--placements", type=int, default=2_000)
        parser.add_argument("--visits", type=int, default=2_000_000)
        parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds")
        parser.add_argument("--heavy-rounds", type=int, default=3, help="rounds of the report")
        parser.add_argument("--port", type=int, default=8174)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--users", type=int, default=8)
        parser.add_argument("--requests", type=int, default=3_000)
        parser.add_argument("--seconds", type=float, default=30.0)
        parser.add_argument("--no-load", action="store_true", help="skip the redirect's load")
        parser.add_argument("--output", type=Path, help="also write the tables here (markdown)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_campaigns runs on PostgreSQL (COPY, VACUUM).")
        about = machine()
        started = time.perf_counter()
        call_command("load_demo_data", stdout=StringIO())
        manager = get_user_model().objects.get(username="crm_manager")
        seeded = top_up(
            manager=manager,
            campaigns=options["campaigns"],
            placements=options["placements"],
            visits=options["visits"],
            write=lambda text: self.stdout.write(f"  {text}"),
        )
        data = (
            f"{seeded.campaigns:,} campaigns, {seeded.placements:,} placements, "
            f"{seeded.links:,} placement links, {_visits():,} visits "
            f"(data ready in {time.perf_counter() - started:.0f} s)"
        )
        self.stdout.write(data)
        lines = [
            "# Campaigns benchmark (`manage.py bench_campaigns`)",
            "",
            "Machine: " + "; ".join(f"{key} {value}" for key, value in about.items()) + ".",
            "",
            f"Data: {data}.",
            "",
        ]
        lines += self._pages(options)
        if not options["no_load"]:
            lines += self._redirect(options)
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        if options["output"]:
            options["output"].parent.mkdir(parents=True, exist_ok=True)
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"Written to {options['output']}")

    # --- the pages ------------------------------------------------------------------------

    def _pages(self, options: dict[str, Any]) -> list[str]:
        biggest = biggest_campaign()
        if biggest is None:
            raise CommandError("No launched campaign to measure.")
        thirty, two = campaign_with(30), campaign_with(2)
        year = timezone.localdate().year
        plan = MarketingPlan.objects.filter(year=year).first() or MarketingPlan.objects.first()
        customer = Customer.objects.order_by("pk").first()
        if plan is None or customer is None:
            raise CommandError("Load the demo data first (a plan and a customer).")
        notes: list[str] = []
        clients = {"": Client(), "crm_manager": Client()}
        clients["crm_manager"].force_login(get_user_model().objects.get(username="crm_manager"))
        read = _page_reader(clients)

        def page(label: str, url: str) -> Item:
            return Item("campaigns", label, read("crm_manager", url))

        def placements(campaign: Campaign) -> str:
            count = campaign.placements.count()
            return f"{count} placements, {_campaign_visits(campaign):,} visits"

        items = [
            Item("floor", FLOOR_BARE, read("crm_manager", f"/bench-floor/{customer.pk}/")),
            Item("floor", FLOOR_LAYOUT, read("crm_manager", f"/bench-floor/{customer.pk}/layout/")),
            page("campaign list, first page", reverse("campaigns:campaign_list")),
            page(
                "campaign list, launched in this year's plan",
                reverse("campaigns:campaign_list")
                + "?"
                + urlencode({"state": CampaignState.LAUNCHED, "plan": plan.pk}),
            ),
            page(
                "campaign list, search «رمضان»",
                reverse("campaigns:campaign_list") + "?" + urlencode({"q": "رمضان"}),
            ),
            page(
                f"campaign page, the biggest ({placements(biggest)})",
                reverse("campaigns:campaign_detail", args=[biggest.pk]),
            ),
        ]
        for campaign, size in ((thirty, 30), (two, 2)):
            if campaign is None:
                notes.append(f"No launched campaign with {size} placements: not measured.")
                continue
            items.append(
                page(
                    f"campaign page ({placements(campaign)})",
                    reverse("campaigns:campaign_detail", args=[campaign.pk]),
                )
            )
        try:
            evaluation = reverse("campaigns:campaign_evaluation", args=[biggest.pk])
        except NoReverseMatch:
            notes.append(
                "The evaluation page (campaigns:campaign_evaluation) does not exist yet: "
                "not measured."
            )
        else:
            items.append(page("evaluation page, the biggest campaign", evaluation))
        items += [
            page(f"plan page {plan.year}", reverse("campaigns:plan_detail", args=[plan.pk])),
            page(f"plan calendar {plan.year}", reverse("campaigns:plan_calendar", args=[plan.pk])),
        ]
        report_items, note = _report_items()
        items += report_items
        if note:
            notes.append(note)
        logging.getLogger("axes").setLevel(logging.WARNING)
        try:
            with _measuring_settings():
                measured, skipped = measure_interleaved(
                    items,
                    rounds=options["rounds"],
                    heavy_rounds=options["heavy_rounds"],
                    rng=random.Random(14),
                    progress=lambda text: self.stdout.write(f"  {text}"),
                )
        finally:
            Session.objects.filter(
                session_key__in=[c.session.session_key for c in clients.values() if c.session]
            ).delete()
        notes += [f"{item.label}: {reason}" for item, reason in skipped]
        return _page_table(measured) + _query_check(measured) + [""] + [f"- {n}" for n in notes]

    # --- the redirect ---------------------------------------------------------------------

    def _redirect(self, options: dict[str, Any]) -> list[str]:
        biggest = biggest_campaign()
        links = placement_links(list(biggest.placements.all())) if biggest else {}
        if not links:
            return ["", "No placement link: the redirect was not measured."]
        link = max(links.values(), key=lambda link: getattr(link, "visit_count", 0))
        self.stdout.write(
            f"  redirect against /healthz: gunicorn on 127.0.0.1:{options['port']}, "
            f"{options['workers']} workers, {options['users']} users, at most "
            f"{options['requests']:,} requests or {options['seconds']:.0f} s each…"
        )
        run = redirect_against_healthz(
            link,
            port=options["port"],
            workers=options["workers"],
            users=options["users"],
            requests=options["requests"],
            seconds=options["seconds"],
        )
        rows = [
            "",
            f"The redirect /c/<code> (the busiest link, which records every visit) against "
            f"/healthz: gunicorn on 127.0.0.1, {options['workers']} sync workers, production "
            f"settings, {options['users']} users one request at a time, at most "
            f"{options['requests']:,} requests or {options['seconds']:.0f} s, each measured "
            "twice alternately (the second pass kept). Target: the redirect at least 0.5 of "
            "/healthz's requests a second.",
            "",
            "| path | requests/s | median ms | p95 ms | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, result in (("/healthz", run.healthz), ("redirect", run.redirect)):
            rows.append(
                f"| {name} | {result.per_second:.0f} | {result.median_ms:.1f} "
                f"| {result.p95_ms:.1f} | {result.errors} |"
            )
        rows += ["", f"Redirect / healthz: **{run.ratio:.2f}**; visits recorded: {run.recorded:,}."]
        return rows


def _visits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM links_linkvisit")
        return int(cursor.fetchone()[0])


def _campaign_visits(campaign: Campaign) -> int:
    links = placement_links(list(campaign.placements.all()))
    return sum(getattr(link, "visit_count", 0) for link in links.values())


def _report_items() -> tuple[list[Item], str]:
    """The quarterly campaigns report's PDF and XLSX for the last closed quarter, built as
    the worker builds them (nothing stored), when reports has that type."""
    from reports.models import Report, ReportType

    if QUARTERLY not in ReportType.values:
        return [], f"Reports has no “{QUARTERLY}” type yet: the quarterly report was not timed."
    from reports.documents import document_for
    from reports.periods import previous_period

    report_type = ReportType(QUARTERLY)
    try:
        start, end = previous_period(report_type, timezone.localdate())
        document = document_for(report_type)
    except (KeyError, ValueError, LookupError) as error:
        return [], f"The quarterly report could not be prepared ({error!r}): not timed."
    report = Report(report_type=report_type, period_start=start, period_end=end)

    def pdf() -> object:
        with translation.override("ar"):
            return document.render(report, document.figures(report))

    def xlsx() -> object:
        with translation.override("ar"):
            path = document.write_xlsx(report, document.figures(report))
        path.unlink(missing_ok=True)
        return path

    label = f"quarterly campaigns report {start}–{end}"
    return [
        Item("report", f"{label}: figures + PDF", pdf, heavy=True),
        Item("report", f"{label}: figures + XLSX", xlsx, heavy=True),
    ], ""


def _page_table(measured: list[Measured]) -> list[str]:
    floor = next(row for row in measured if row.label == FLOOR_LAYOUT)
    lines = [
        "Interleaved rounds: each round runs every item once in a new random order (the "
        "report in the first rounds only), read by the CRM manager through Django's test "
        "client with DEBUG off. × floor = the median over the median of the floor page in "
        f"the base layout, in the same rounds. Targets: p95 under {PAGE_TARGET_MS:.0f} ms "
        f"for the list and the campaign page, the report under {REPORT_TARGET_S:.0f} s.",
        "",
        "| item | median ms | p95 ms | CPU ms | queries | × floor | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in measured:
        lines.append(
            f"| {row.label} | {row.median_ms:,.1f} | {row.p95_ms:,.1f} | {row.cpu_ms:,.1f} "
            f"| {row.queries} | {row.ratio(floor):.1f} | {row.samples} |"
        )
    return lines


def _query_check(measured: list[Measured]) -> list[str]:
    pages = [row for row in measured if row.label.startswith("campaign page")]
    counts = {row.queries for row in pages}
    if len(pages) < 2:
        return []
    verdict = "the same" if len(counts) == 1 else "NOT the same: queries grow with the data"
    listed = "; ".join(f"{row.label}: {row.queries}" for row in pages)
    return ["", f"Queries of the campaign pages ({listed}): {verdict}."]
