"""What every report document does: build its figures once, lay them out as an Arabic PDF
(core.pdf, the association's visual identity, page numbers) and write the underlying rows
to an XLSX file in constant memory.

Also the pieces the three documents share: the period as aware datetimes, the numbers
formatted for print, and the sheet writer (core.xlsx.RtlSheet: right to left, Arabic bold
headers, formula-safe text cells, real date cells, set up to print)."""

import datetime
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import xlsx
from core.dates import format_gregorian_hijri
from core.numbers import EMPTY, format_amount, format_number, format_percent
from core.pdf import RenderedPdf, render_pdf
from core.replica import reading_replica
from core.xlsx import RtlSheet  # noqa: F401  (the documents' sheets, re-exported)

from ..models import VisualIdentity

# Long lists are cut in the PDF (WeasyPrint is slow on long tables, and nobody reads
# thousands of rows on paper: 20,000 opportunities can leave 10,000 stale); the XLSX has
# every row.
PDF_ROW_LIMIT = 30

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_PRIMARY = "#0F6E5F"
DEFAULT_ACCENT = "#C8A14A"


@dataclass
class BuiltDocument:
    pdf: RenderedPdf
    xlsx_path: Path  # a temporary file; the caller stores it and removes it
    summary: dict  # JSON-serialisable key figures, kept on the Report row


class ReportDocument:
    """Subclasses set `template` and implement figures(report), summary(figures) and
    write_rows(report, workbook, figures). `summary_labels` names the keys of the summary
    for the archive page ({key: lazy label})."""

    template = ""
    summary_labels: dict[str, Any] = {}

    def figures(self, report):
        raise NotImplementedError

    def summary(self, figures):
        raise NotImplementedError

    def write_rows(self, report, workbook, figures):
        """Add the sheets of underlying rows to an openpyxl write-only workbook."""
        raise NotImplementedError

    def build(self, report):
        # Reports are the association's documents: Arabic whatever language started them.
        # Their figures are of a period that has ended: read from the streaming replica
        # when there is one (core.replica; the run's own steps stay on the primary).
        with translation.override("ar"), reading_replica():
            figures = self.figures(report)
            pdf = self.render(report, figures)
            xlsx_path = self.write_xlsx(report, figures)
            summary = self.summary(figures)
        return BuiltDocument(pdf=pdf, xlsx_path=xlsx_path, summary=summary)

    # The pieces of build, public for the benchmark (reports.bench times them).

    def render(self, report, figures):
        """The PDF of the figures."""
        return render_report_pdf(report, self.template, figures)

    def write_xlsx(self, report, figures):
        """The XLSX of the underlying rows, in a temporary file (the caller removes it)."""
        with translation.override("ar"):
            workbook = xlsx.new_workbook()
            self.write_rows(report, workbook, figures)
            with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
                path = Path(handle.name)
            try:
                workbook.save(path)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            return path


def render_report_html(report, template, context):
    """The HTML of a report's PDF in the association's visual identity, in Arabic: the
    template with `context`, the identity, the period and the page counter. Returns (html,
    the logo's file or None)."""
    with translation.override("ar"):
        identity = VisualIdentity.current()
        logo_path = _logo_path(identity)
        html = render_to_string(
            template,
            {
                **context,
                "report": report,
                "identity": identity,
                "colours": identity_colours(identity),
                "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
                "period": period_label(report),
                "generated_at": format_gregorian_hijri(timezone.now()),
                "page_css": page_counter_css(),
            },
        )
    return html, logo_path


def render_report_pdf(report, template, context):
    html, logo_path = render_report_html(report, template, context)
    return render_pdf(html, extra_files=[logo_path] if logo_path else [])


def _logo_path(identity):
    """The logo's local path when the file is really there; reports print without it
    otherwise (a missing file must not fail the monthly run)."""
    if not identity.logo:
        return None
    try:
        path = identity.logo.path
    except (NotImplementedError, ValueError):
        return None
    return path if Path(path).is_file() else None


def identity_colours(identity):
    """The identity's colours, checked again: they are printed inside a <style>."""
    primary = identity.primary_colour if _COLOUR.match(identity.primary_colour or "") else ""
    accent = identity.accent_colour if _COLOUR.match(identity.accent_colour or "") else ""
    return {"primary": primary or DEFAULT_PRIMARY, "accent": accent or DEFAULT_ACCENT}


def css_string(text):
    """A CSS string literal of `text` (quotes, backslashes and angle brackets escaped)."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n' else char for char in str(text))
    return f'"{escaped}"'


def page_counter_css():
    """The footer's "صفحة 1 من 3": the CSS `content` value, with Western digits like every
    number in the site (core.numbers)."""
    page = css_string(pgettext("page N of M", "Page") + " ")
    of = css_string(" " + pgettext("page N of M", "of") + " ")
    return mark_safe(f"{page} counter(page) {of} counter(pages)")


def period_label(report):
    """ "from … to …" with each day in Gregorian and Hijri; the quarter's name
    ("الربع الثالث 2026") for a quarter, else ""."""
    from ..periods import is_quarter, quarter_title

    quarter = is_quarter(report.period_start, report.period_end)
    return {
        "title": quarter_title(report.period_start) if quarter else "",
        "start": format_gregorian_hijri(report.period_start, with_time=False),
        "end": format_gregorian_hijri(report.period_end, with_time=False),
        # Each ISO date isolated: WeasyPrint would otherwise reorder its digit groups.
        "start_iso": f"\u2066{report.period_start:%Y-%m-%d}\u2069",
        "end_iso": f"\u2066{report.period_end:%Y-%m-%d}\u2069",
    }


def period_bounds(report):
    """[start, end) of the report's period as aware datetimes: midnight to midnight in
    Riyadh, from the first day to the day after the last."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(report.period_start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        report.period_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


# --- numbers as printed ---------------------------------------------------------------------
# The site's one policy (core.numbers): Western digits, "." decimals, "," thousands, page
# numbers included. Amounts are SAR with two decimals.


def number(value, places=0):
    return format_number(value, places)


def money(value):
    return format_amount(value)


def percent(value, places=1):
    """A percentage given as 0..100."""
    return format_percent(value, places)


def with_unit(text, unit):
    """The unit printed after a figure, or none when the figure is empty: «—» alone, never
    «— ساعة»."""
    return "" if text == EMPTY else unit


def signed(value, places=0):
    """A change, with its sign: +12, -3.5, 0."""
    if value is None:
        return "—"
    if value == 0:
        return f"{0:.{places}f}"
    return f"{value:+,.{places}f}"


def json_number(value, places=1):
    """A number for the summary JSON: int as is, float rounded, Decimal as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, places)
    return value


def local_day(value):
    """The Riyadh calendar day of a date or datetime, for a date cell; None stays None."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).date()
    return value


def local_date(value):
    """The day as printed: "2026-10-05"; "" for None."""
    if value is None:
        return ""
    return f"{local_day(value):%Y-%m-%d}"


def local_datetime(value):
    if value is None:
        return ""
    return f"{timezone.localtime(value, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


def user_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def yes_no(value):
    if value is None:
        return ""
    return _("Yes") if value else _("No")
