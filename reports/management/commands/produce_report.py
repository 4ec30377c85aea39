"""`manage.py produce_report --type monthly_performance --period 2026-10` (a week: any date
of it; a quarter: 2026-Q3): produce a report
in this process, without Celery. A report already produced for that period is not made
again; a failed one is retried. With --force, a produced report whose files are missing
(a database restored without its media) gets them regenerated."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import services
from reports.kinds import registered_kinds
from reports.models import RunStatus, Trigger
from reports.periods import PeriodError, parse_period


class Command(BaseCommand):
    help = (
        "Produce a report for a past period (a month 2026-10, any date of a week, "
        "or a quarter 2026-Q3)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--type",
            required=True,
            choices=[kind.report_type for kind in registered_kinds()],
            dest="report_type",
        )
        parser.add_argument("--period", required=True, help="2026-10, 2026-11-15 or 2026-Q3")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Regenerate the PDF and XLSX of a produced report whose files are missing.",
        )

    def handle(self, *args, report_type, period, force=False, **options):
        try:
            start, end = parse_period(report_type, period, timezone.localdate())
            report, created = services.produce_now(
                report_type=report_type, period_start=start, period_end=end, trigger=Trigger.COMMAND
            )
        except (PeriodError, services.ReportError) as error:
            raise CommandError(str(error)) from error
        if report.status != RunStatus.READY:
            raise CommandError(f"Report {report.pk} is {report.status}: {report.error}")
        verb = "Produced" if created else "Already produced"
        if not created and services.missing_files(report):
            if not force:
                raise CommandError(
                    f"Report {report.pk} is produced but its files are missing: "
                    "run again with --force to regenerate them."
                )
            services.report_regenerate_files(report=report)
            verb = "Regenerated the missing files of"
        elif not created and force:
            self.stdout.write("Its files are all present: nothing to regenerate.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {report} ({start} to {end}), {report.page_count} pages\n"
                f"  PDF:  {report.pdf.path}\n  XLSX: {report.xlsx.path}"
            )
        )
