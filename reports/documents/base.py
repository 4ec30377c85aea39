"""What every report document does: build its figures once, lay them out as an Arabic PDF
(core.pdf, the association's visual identity, page numbers) and write the underlying rows
to an XLSX file in constant memory."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf, render_pdf

from ..models import VisualIdentity


@dataclass
class BuiltDocument:
    pdf: RenderedPdf
    xlsx_path: Path  # a temporary file; the caller stores it and removes it
    summary: dict  # JSON-serialisable key figures, kept on the Report row


class ReportDocument:
    """Subclasses set `template` and implement figures(report), summary(figures) and
    write_rows(report, workbook)."""

    template = ""

    def figures(self, report):
        raise NotImplementedError

    def summary(self, figures):
        raise NotImplementedError

    def write_rows(self, report, workbook):
        """Add the sheets of underlying rows to an openpyxl write-only workbook."""
        raise NotImplementedError

    def build(self, report):
        # Reports are the association's documents: Arabic whatever language started them.
        with translation.override("ar"):
            figures = self.figures(report)
            identity = VisualIdentity.current()
            logo_path = identity.logo.path if identity.logo else None
            html = render_to_string(
                self.template,
                {
                    "report": report,
                    "identity": identity,
                    "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
                    "period": period_label(report),
                    "generated_at": format_gregorian_hijri(timezone.now()),
                    **figures,
                },
            )
            pdf = render_pdf(html, extra_files=[logo_path] if logo_path else [])
            xlsx_path = self._write_xlsx(report)
        return BuiltDocument(pdf=pdf, xlsx_path=xlsx_path, summary=self.summary(figures))

    def _write_xlsx(self, report):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        self.write_rows(report, workbook)
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
            path = Path(handle.name)
        workbook.save(path)
        return path


def period_label(report):
    """ "from … to …" with each day in Gregorian and Hijri."""
    return {
        "start": format_gregorian_hijri(report.period_start, with_time=False),
        "end": format_gregorian_hijri(report.period_end, with_time=False),
    }
