"""`manage.py bench_surveys`: the surveys at scale on PostgreSQL (issue 16's targets).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python manage.py bench_surveys --output docs/bench/surveys.md

1. Tops the database up (survey_analysis.benchmarking.top_up): --rounds rounds of twenty
   programmes, --answers answers in all (a --big-share of them in one big round being
   analysed, the rest spread over the finished rounds), one round collecting answers.
2. Measures in interleaved rounds, beside the floor pages of `manage.py bench` (one customer
   in a one-line template, alone and in the base layout): the round analysis page of the
   big round and of a typical round (their query counts must be equal), the public answer
   page's submit (a new visitor each time, a full form of eleven answers), and the results
   PDF of the big round (heavy: first rounds only).
3. The XLSX of every answer: the peak of Python's memory (tracemalloc) while writing the
   typical round's and the big round's files: flat means the same peak whatever the rows.

Figures are printed (and written to --output as markdown), never asserted: the targets are
the analysis page p95 under 300 ms with a bounded number of queries, the results PDF under
5 s, the XLSX in constant memory, the public submit p95 under 100 ms."""

import logging
import random
import time
import tracemalloc
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.benchmarking import Item, Measured, measure_interleaved
from core.submissions import TOKEN_FIELD
from customers.models import Customer
from reports.bench import FLOOR_BARE, FLOOR_LAYOUT, _measuring_settings, _page_reader, machine
from survey_analysis import documents
from survey_analysis.benchmarking import Seeded, top_up
from surveys.models import Item as SurveyItem
from surveys.models import ItemKind, Response, Round, RoundCentre

ANALYSIS_TARGET_MS = 300.0
SUBMIT_TARGET_MS = 100.0
PDF_TARGET_S = 5.0


class Command(BaseCommand):
    help = (
        "Fill survey rounds and answers; measure the analysis page, the PDF, the XLSX, the submit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=300)
        parser.add_argument("--answers", type=int, default=100_000)
        parser.add_argument(
            "--big-share", type=float, default=0.1, help="share of the answers in the big round"
        )
        parser.add_argument("--rounds-measured", type=int, default=20, help="interleaved rounds")
        parser.add_argument("--heavy-rounds", type=int, default=3, help="rounds of the PDF")
        parser.add_argument("--output", type=Path, help="also write the tables here (markdown)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_surveys runs on PostgreSQL (VACUUM, the target's database).")
        about = machine()
        started = time.perf_counter()
        call_command("load_demo_data", stdout=StringIO())
        seeded = top_up(
            rounds=options["rounds"],
            answers=options["answers"],
            big_share=options["big_share"],
            write=lambda text: self.stdout.write(f"  {text}"),
        )
        big_answers = _answers_of(seeded.big_round)
        typical_answers = _answers_of(seeded.typical_round)
        data = (
            f"{seeded.rounds:,} rounds, {seeded.responses:,} responses, {seeded.answers:,} "
            f"answers; the big round {big_answers:,} answers, a typical round "
            f"{typical_answers:,} (data ready in {time.perf_counter() - started:.0f} s)"
        )
        self.stdout.write(data)
        lines = [
            "# Surveys benchmark (`manage.py bench_surveys`)",
            "",
            "Machine: " + "; ".join(f"{key} {value}" for key, value in about.items()) + ".",
            "",
            f"Data: {data}.",
            "",
        ]
        lines += self._pages(seeded, options)
        lines += self._xlsx(seeded)
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        if options["output"]:
            options["output"].parent.mkdir(parents=True, exist_ok=True)
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"Written to {options['output']}")

    def _pages(self, seeded: Seeded, options: dict[str, Any]) -> list[str]:
        customer = Customer.objects.order_by("pk").first()
        if customer is None:
            raise CommandError("Load the demo data first (a customer).")
        users = get_user_model().objects
        clients = {"crm_manager": Client()}
        clients["crm_manager"].force_login(users.get(username="crm_manager"))
        read = _page_reader(clients)
        manager = users.get(username="crm_manager")

        def analysis(label: str, survey_round: Round) -> Item:
            url = reverse("survey_analysis:round_analysis", args=[survey_round.pk])
            return Item("surveys", label, read("crm_manager", url))

        def results_pdf() -> object:
            return documents.results_pdf(seeded.big_round, reader=manager)

        items = [
            Item("floor", FLOOR_BARE, read("crm_manager", f"/bench-floor/{customer.pk}/")),
            Item("floor", FLOOR_LAYOUT, read("crm_manager", f"/bench-floor/{customer.pk}/layout/")),
            analysis(
                f"analysis page, the big round ({_answers_of(seeded.big_round):,} answers)",
                seeded.big_round,
            ),
            analysis(
                f"analysis page, a typical round ({_answers_of(seeded.typical_round):,} answers)",
                seeded.typical_round,
            ),
            Item("surveys", "public answer page: submit", _submitter(seeded.open_round)),
            Item("surveys", "results PDF, the big round", results_pdf, heavy=True),
        ]
        logging.getLogger("axes").setLevel(logging.WARNING)
        try:
            with _measuring_settings():
                measured, skipped = measure_interleaved(
                    items,
                    rounds=options["rounds_measured"],
                    heavy_rounds=options["heavy_rounds"],
                    rng=random.Random(16),
                    progress=lambda text: self.stdout.write(f"  {text}"),
                )
        finally:
            Session.objects.filter(
                session_key__in=[c.session.session_key for c in clients.values() if c.session]
            ).delete()
        notes = [f"- {item.label}: {reason}" for item, reason in skipped]
        return _page_table(measured) + _query_check(measured) + [""] + notes

    def _xlsx(self, seeded: Seeded) -> list[str]:
        manager = get_user_model().objects.get(username="crm_manager")
        rows = [
            "",
            "The XLSX of every answer (write-only workbook, rows streamed from a server-side "
            "cursor): Python's peak memory while writing it (tracemalloc), and its time. Flat "
            "memory: the same peak for the small file and the large one.",
            "",
            "| round | answers | seconds | peak MB |",
            "|---|---:|---:|---:|",
        ]
        for label, survey_round in (("typical", seeded.typical_round), ("big", seeded.big_round)):
            tracemalloc.start()
            started = time.perf_counter()
            path = documents.answers_xlsx(survey_round, reader=manager)
            seconds = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            path.unlink(missing_ok=True)
            rows.append(
                f"| {label} | {_answers_of(survey_round):,} | {seconds:.2f} | {peak / 2**20:.1f} |"
            )
        return rows


def _answers_of(survey_round: Round) -> int:
    return (
        Response.objects.filter(round=survey_round).count()
        * SurveyItem.objects.filter(version=survey_round.version_id, kind=ItemKind.SCALE).count()
    )


def _submitter(open_round: Round) -> Any:
    """One public submit of a full form by a new visitor (no cookie: the device check lets
    it in), with a fresh double-submit token; the redirect to the thank-you page is success."""
    round_centre = RoundCentre.objects.filter(round=open_round).first()
    if round_centre is None:
        raise CommandError("The open bench round has no centre.")
    url = reverse("surveys_public:answer", args=[round_centre.token])
    positions = SurveyItem.objects.filter(version=open_round.version_id).values_list(
        "position", flat=True
    )
    rng = random.Random(9)

    def submit() -> object:
        data = {f"item_{position}": str(rng.choice((3, 4, 5))) for position in positions}
        data[TOKEN_FIELD] = uuid.uuid4().hex
        response = Client().post(url, data)
        if response.status_code != 302:
            raise RuntimeError(f"the public submit answered {response.status_code}")
        return response

    return submit


def _page_table(measured: list[Measured]) -> list[str]:
    floor = next(row for row in measured if row.label == FLOOR_LAYOUT)
    lines = [
        "Interleaved rounds: each round runs every item once in a new random order (the PDF in "
        "the first rounds only), pages read by the CRM manager through Django's test client "
        "with DEBUG off. × floor = the median over the median of the floor page in the base "
        f"layout, in the same rounds. Targets: the analysis page p95 under "
        f"{ANALYSIS_TARGET_MS:.0f} ms, the public submit p95 under {SUBMIT_TARGET_MS:.0f} ms, "
        f"the results PDF under {PDF_TARGET_S:.0f} s.",
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
    pages = [row for row in measured if row.label.startswith("analysis page")]
    if len(pages) < 2:
        return []
    counts = {row.queries for row in pages}
    verdict = "the same" if len(counts) == 1 else "NOT the same: queries grow with the data"
    listed = "; ".join(f"{row.label}: {row.queries}" for row in pages)
    return ["", f"Queries of the analysis pages ({listed}): {verdict}."]
