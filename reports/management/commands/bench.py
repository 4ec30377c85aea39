"""`manage.py bench` (make bench): see reports.bench. Run it with DEBUG=1 on PostgreSQL:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python manage.py bench --sizes 100000,300000

Figures are printed and written to docs/bench/latest.md and latest.json, never asserted;
`--only load` runs only the gunicorn load on the data as it is (written to load.md and
load.json), `--only pages` only the pages.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.bench import Options, run


class Command(BaseCommand):
    help = "Measure every page, the imports and the reports against the floor pages, at sizes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--sizes",
            default="100000,300000",
            help="customers (and cases) of each run, comma-separated, smallest first",
        )
        parser.add_argument("--rounds", type=int, default=12, help="interleaved rounds")
        parser.add_argument(
            "--heavy-rounds", type=int, default=3, help="rounds the imports and reports join"
        )
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load")
        parser.add_argument(
            "--only",
            choices=["pages", "load"],
            help="pages: the measured pages only (as --no-load); load: only the gunicorn load "
            "on the data already there (nothing seeded, the pages not measured)",
        )
        parser.add_argument(
            "--match",
            default="",
            help="comma-separated parts of labels: measure only those items (and the floors); "
            "for a quick look while working, the written table is then partial",
        )
        parser.add_argument("--load-users", type=int, default=30)
        parser.add_argument("--load-requests", type=int, default=3000)
        parser.add_argument("--load-seconds", type=float, default=60.0)
        parser.add_argument("--load-port", type=int, default=8107)
        parser.add_argument(
            "--load-workers", type=int, help="gunicorn processes (gunicorn.conf.py's default)"
        )
        parser.add_argument(
            "--load-threads", type=int, help="threads per process (gunicorn.conf.py's default)"
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "bench"),
            help="folder of latest.md and latest.json",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sizes = [int(text.replace("_", "")) for text in options["sizes"].split(",")]
        except ValueError as error:
            raise CommandError("--sizes: whole numbers separated by commas.") from error
        if any(size < 1 for size in sizes) or options["rounds"] < 1:
            raise CommandError("Sizes and --rounds must be at least 1.")

        def write(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        settings_ = Options(
            rounds=options["rounds"],
            heavy_rounds=options["heavy_rounds"],
            import_rows=options["import_rows"],
            load_users=options["load_users"],
            load_requests=options["load_requests"],
            load_seconds=options["load_seconds"],
            load_port=options["load_port"],
            load_workers=options["load_workers"],
            load_threads=options["load_threads"],
            match=tuple(part for part in options["match"].split(",") if part),
            write=write,
        )
        only = options["only"]
        if only == "load" and options["no_load"]:
            raise CommandError("--only load and --no-load exclude each other.")
        path = run(
            sizes,
            settings_,
            load=not options["no_load"] and only != "pages",
            pages=only != "load",
            folder=Path(options["output"]),
        )
        self.stdout.write("\n" + path.read_text(encoding="utf-8"))
        self.stdout.write(self.style.SUCCESS(f"Written to {path} and {path.with_suffix('.json')}."))
