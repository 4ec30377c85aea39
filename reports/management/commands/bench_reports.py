"""`manage.py bench_reports`: the report documents at volume (issue 6), on the configured
database (PostgreSQL in `make bench`, after bench_opportunities and bench_complaints):

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python manage.py bench_reports

- the monthly performance report for the month closest to --cases cases (10,000; when no
  month has that many, cases are bulk-inserted into the fullest month the way
  bench_complaints seeds them): its PDF under 5 s, its XLSX under 10 s, each timed with
  the figures it needs;
- the peak memory of writing that XLSX (tracemalloc) against the same for the month with
  the fewest cases: it must not grow with the number of rows;
- the weekly opportunity report (PDF and XLSX) of the last full week, for every
  opportunity in the database (20,000 in `make bench`), under 5 s;
- the recurring-complaints report of the same month, for information.

The documents are built directly: nothing is stored as a Report row and the temporary
XLSX files are removed.
"""

import datetime
import gc
import random
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test import override_settings
from django.utils import timezone, translation

from complaints.models import Case
from opportunities.models import Opportunity

from ...documents import document_for
from ...models import Report, ReportType
from ...periods import period_of, previous_period

PDF_BUDGET_S = 5.0
XLSX_BUDGET_S = 10.0
WEEKLY_BUDGET_S = 5.0
DEFAULT_CASES = 10_000
# The XLSX's peak memory for the large month may exceed the small month's by this much
# (openpyxl's and the query's fixed overheads vary a little) and still count as flat.
MEMORY_TOLERANCE = 1.5
MEMORY_SLACK_BYTES = 2 * 1024 * 1024
SEED_BATCH = 5000
MIB = 1024 * 1024


@dataclass
class Timing:
    figures: float
    pdf: float
    xlsx: float
    pages: int


class Command(BaseCommand):
    help = "Time the report documents at volume (monthly performance, weekly, recurring)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=DEFAULT_CASES,
            help="Cases wanted in the measured month (seeded into the fullest month if none "
            "has that many).",
        )
        parser.add_argument("--month", help="Measure this month (YYYY-MM) instead.")
        parser.add_argument("--small-month", help="The month with few cases (YYYY-MM).")
        parser.add_argument(
            "--repeat", type=int, default=3, help="Builds of each document; the median counts."
        )
        parser.add_argument(
            "--warmup",
            type=int,
            default=1,
            help="Untimed builds first (imports WeasyPrint, compiles the templates).",
        )

    def handle(self, *args, cases, month, small_month, repeat, warmup, **options):
        self.rng = random.Random(23)
        self.repeat = max(repeat, 1)
        self.warmup = max(warmup, 0)
        results = []
        # DEBUG off: Django would otherwise keep every query of the run in memory.
        with override_settings(DEBUG=False), translation.override("ar"):
            large = self._parse_month(month) if month else self._month_with(cases)
            small = self._parse_month(small_month) if small_month else self._smallest_month(large)
            large_count = self._count(large)
            small_count = self._count(small)
            self.stdout.write(
                f"\nDatabase: {connection.vendor} ({connection.settings_dict.get('NAME')}): "
                f"{Case.objects.count():,} cases, {Opportunity.objects.count():,} opportunities."
            )
            self.stdout.write(
                f"Monthly performance report: {large:%Y-%m} ({large_count:,} cases); "
                f"memory compared with {small:%Y-%m} ({small_count:,} cases). "
                f"Times are the median of {self.repeat} builds after {self.warmup} untimed.\n"
            )
            timing = self._time(ReportType.MONTHLY_PERFORMANCE, large)
            results.append(
                self._verdict(
                    f"monthly performance PDF, {large_count:,} cases ({timing.pages} pages)",
                    timing.figures + timing.pdf,
                    PDF_BUDGET_S,
                    f"figures {timing.figures:.2f} s + rendering {timing.pdf:.2f} s",
                )
            )
            results.append(
                self._verdict(
                    f"monthly performance XLSX, {large_count:,} cases",
                    timing.figures + timing.xlsx,
                    XLSX_BUDGET_S,
                    f"figures {timing.figures:.2f} s + writing {timing.xlsx:.2f} s",
                )
            )
            results.append(self._memory(large, large_count, small, small_count))
            results.append(self._weekly())
            recurring = self._time(ReportType.MONTHLY_RECURRING, large)
            self.stdout.write(
                f"{'recurring-complaints report (information)':<58} "
                f"PDF {recurring.figures + recurring.pdf:.2f} s ({recurring.pages} pages), "
                f"XLSX {recurring.figures + recurring.xlsx:.2f} s"
            )
        failures = [label for label, passed in results if not passed]
        if failures:
            self.stdout.write(self.style.WARNING(f"Over budget: {', '.join(failures)}"))
        else:
            self.stdout.write(self.style.SUCCESS("Every report document within its budget."))

    # --- choosing the months ----------------------------------------------------------------

    @staticmethod
    def _parse_month(text):
        try:
            return datetime.date.fromisoformat(f"{text}-01")
        except ValueError as error:
            raise CommandError(f"Write the month as YYYY-MM, not {text!r}.") from error

    def _month_counts(self):
        """{first day of the month: cases received} for every complete past month."""
        this_month = timezone.localdate().replace(day=1)
        rows = (
            Case.objects.order_by()
            .annotate(month=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
            .values("month")
            .annotate(count=Count("id"))
            .values_list("month", "count")
        )
        counts = {}
        for moment, count in rows:
            day = timezone.localtime(moment, timezone.get_default_timezone()).date()
            if day < this_month:
                counts[day] = counts.get(day, 0) + count
        return counts

    def _month_with(self, wanted):
        """The complete month closest to `wanted` cases among those with at least that
        many; when none has, the fullest, topped up to `wanted`."""
        counts = self._month_counts()
        if not counts:
            raise CommandError("No case in a past month: run bench_complaints first.")
        enough = {month: count for month, count in counts.items() if count >= wanted}
        if enough:
            return min(enough, key=lambda month: (enough[month] - wanted, month))
        month = max(counts, key=lambda month: (counts[month], month))
        self._seed_month(month, wanted - counts[month])
        return month

    def _smallest_month(self, large):
        counts = {month: count for month, count in self._month_counts().items() if month != large}
        if not counts:
            raise CommandError("A second month with cases is needed to compare the memory.")
        return min(counts, key=lambda month: (counts[month], month))

    def _count(self, month):
        start, end = _bounds(month)
        return Case.objects.filter(received_at__gte=start, received_at__lt=end).count()

    def _seed_month(self, month, missing):
        """Bulk-insert `missing` cases received in `month`, made the way bench_complaints
        makes them (its _case), their dates moved into the month."""
        from complaints.management.commands.bench_complaints import Command as ComplaintsBench

        started = time.perf_counter()
        seeder = ComplaintsBench()
        seeder.rng = self.rng
        context = _seeding_context()
        start, end = _bounds(month)
        span = int((end - start).total_seconds())
        for first in range(0, missing, SEED_BATCH):
            batch = []
            for _index in range(min(SEED_BATCH, missing - first)):
                case = seeder._case(**context)
                received_at = start + datetime.timedelta(seconds=self.rng.randrange(span))
                _move(case, received_at - case.received_at)
                batch.append(case)
            with transaction.atomic():
                Case.objects.bulk_create(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Case._meta.db_table)}")
        self.stdout.write(
            f"Seeded {missing:,} cases into {month:%Y-%m} ({time.perf_counter() - started:.1f} s)."
        )

    # --- measuring ----------------------------------------------------------------------------

    def _report(self, report_type, day):
        start, end = period_of(report_type, day)
        # Never saved: the benchmark stores no Report row.
        return Report(report_type=report_type, period_start=start, period_end=end)

    def _time(self, report_type, day):
        """The median of `repeat` builds of each part: figures, PDF, XLSX."""
        report = self._report(report_type, day)
        document = document_for(report_type)
        runs = []
        for _run in range(self.warmup + self.repeat):
            started = time.perf_counter()
            figures = document.figures(report)
            after_figures = time.perf_counter()
            pdf = document.render(report, figures)
            after_pdf = time.perf_counter()
            path = document.write_xlsx(report, figures)
            after_xlsx = time.perf_counter()
            path.unlink(missing_ok=True)
            runs.append(
                Timing(
                    figures=after_figures - started,
                    pdf=after_pdf - after_figures,
                    xlsx=after_xlsx - after_pdf,
                    pages=pdf.page_count,
                )
            )
        runs = runs[self.warmup :]
        return Timing(
            figures=statistics.median(run.figures for run in runs),
            pdf=statistics.median(run.pdf for run in runs),
            xlsx=statistics.median(run.xlsx for run in runs),
            pages=runs[-1].pages,
        )

    def _xlsx_peak(self, day):
        """Peak memory allocated while the XLSX is written (the figures are computed
        before, as in build())."""
        report = self._report(ReportType.MONTHLY_PERFORMANCE, day)
        document = document_for(report.report_type)
        figures = document.figures(report)
        gc.collect()
        tracemalloc.start()
        try:
            path = document.write_xlsx(report, figures)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        return peak, size

    def _memory(self, large, large_count, small, small_count):
        large_peak, large_size = self._xlsx_peak(large)
        small_peak, small_size = self._xlsx_peak(small)
        passed = large_peak <= small_peak * MEMORY_TOLERANCE + MEMORY_SLACK_BYTES
        verdict = self.style.SUCCESS("PASS") if passed else self.style.ERROR("FAIL")
        self.stdout.write(
            f"{'monthly performance XLSX, peak memory (tracemalloc)':<58} "
            f"{large_peak / MIB:6.1f} MiB for {large_count:,} cases "
            f"({large_size / MIB:.1f} MiB file), {small_peak / MIB:.1f} MiB for "
            f"{small_count:,} cases ({small_size / MIB:.1f} MiB file)   {verdict}"
        )
        return "XLSX memory", passed

    def _weekly(self):
        week_start, _week_end = previous_period(
            ReportType.WEEKLY_OPPORTUNITIES, timezone.localdate()
        )
        count = Opportunity.objects.count()
        timing = self._time(ReportType.WEEKLY_OPPORTUNITIES, week_start)
        return self._verdict(
            f"weekly opportunity report, {count:,} opportunities ({timing.pages} pages)",
            timing.figures + timing.pdf + timing.xlsx,
            WEEKLY_BUDGET_S,
            f"figures {timing.figures:.2f} s + PDF {timing.pdf:.2f} s + XLSX {timing.xlsx:.2f} s",
        )

    def _verdict(self, label, seconds, budget, detail):
        passed = seconds < budget
        verdict = self.style.SUCCESS("PASS") if passed else self.style.ERROR("FAIL")
        self.stdout.write(
            f"{label:<58} {seconds:6.2f} s (budget {budget:.0f} s; {detail})   {verdict}"
        )
        return label, passed


def _bounds(month):
    zone = timezone.get_default_timezone()
    first, last = period_of(ReportType.MONTHLY_PERFORMANCE, month)
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        ),
    )


def _seeding_context():
    """What bench_complaints' _case needs, prepared as its _seed prepares it."""
    from django.contrib.auth import get_user_model

    from association.models import Centre
    from complaints.management.commands import bench_complaints
    from complaints.models import CaseCategory, CaseRoute, text_signature
    from customers.models import Customer

    User = get_user_model()
    staff = {
        CaseRoute.CRM: User.objects.filter(username="crm_staff").first(),
        CaseRoute.CENTRES: User.objects.filter(username="centres_staff").first(),
    }
    centres = list(Centre.objects.values_list("pk", flat=True))
    customers = list(Customer.objects.values_list("pk", "kind", "centre_id").order_by("?")[:20_000])
    if not all(staff.values()) or not centres or not customers:
        raise CommandError("Load the demo data and seed customers first (make bench).")
    return {
        "customers": customers,
        "centres": centres,
        "categories": [
            CaseCategory.objects.get_or_create(name=name)[0] for name in bench_complaints.CATEGORIES
        ],
        "signatures": {subject: text_signature(subject) for subject in bench_complaints.SUBJECTS},
        "states": list(bench_complaints.STATE_WEIGHTS),
        "weights": list(bench_complaints.STATE_WEIGHTS.values()),
        "staff": staff,
        "now": timezone.now(),
        "deadlines": {},
    }


def _move(case, delta):
    for name in ("received_at", "replied_at", "closed_at", "due_at", "answer_due_at"):
        value = getattr(case, name)
        if value is not None:
            setattr(case, name, value + delta)
    case.last_activity_at = case.closed_at or case.replied_at or case.received_at
