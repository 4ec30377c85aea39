"""The round's documents: the results report (steps 4–5) and the donor satisfaction report
(step 8) as Arabic PDFs in the association's visual identity (the reports app's PDF layout,
core.pdf's fonts), and every answer as an XLSX (core.xlsx: right to left, formula-safe,
written row by row to disk, so memory stays flat however many answers there are).

Documents are the association's: Arabic whatever language asked for them. They are built
by a background job (survey_analysis.tasks) and kept as the round's RoundDocument."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from association.selectors import centres_by_pk
from core import xlsx
from core.dates import format_gregorian_hijri
from core.numbers import format_number, format_percent
from core.pdf import RenderedPdf, render_pdf
from core.phones import format_saudi_mobile_local
from reports.documents.base import _logo_path, identity_colours, page_counter_css
from reports.models import VisualIdentity
from surveys.models import AgeBand, Answer, Item, Response, ResponseChannel, Round

from .analysis import RoundAnalysis, analyse, may_see_presenter
from .charts import SCALE_COLOURS
from .models import DocumentKind, ManagementDecision, RoundFindings
from .selectors import approved_stories_of_round

PDF_SUGGESTIONS = 40


@dataclass(frozen=True)
class _Heading:
    """What the reports' PDF layout (reports/pdf/base.html) reads of its `report`."""

    title: str

    def get_report_type_display(self) -> str:
        return self.title


def _period(survey_round: Round) -> dict[str, str]:
    start = survey_round.starts_on or survey_round.ended_on
    end = survey_round.ended_on
    return {
        "title": "",
        "start": format_gregorian_hijri(start, with_time=False),
        "end": format_gregorian_hijri(end, with_time=False),
        # Each ISO date isolated: WeasyPrint would otherwise reorder its digit groups.
        "start_iso": f"\u2066{start:%Y-%m-%d}\u2069",
        "end_iso": f"\u2066{end:%Y-%m-%d}\u2069",
    }


def _render(template: str, title: str, survey_round: Round, context: dict[str, Any]) -> RenderedPdf:
    identity = VisualIdentity.current()
    logo_path = _logo_path(identity)
    html = render_to_string(
        template,
        {
            **context,
            "report": _Heading(title),
            "round": survey_round,
            "identity": identity,
            "colours": identity_colours(identity),
            "logo_uri": Path(logo_path).resolve().as_uri() if logo_path else "",
            "period": _period(survey_round),
            "generated_at": format_gregorian_hijri(timezone.now()),
            "page_css": page_counter_css(),
            "scale_colours": SCALE_COLOURS,
        },
    )
    return render_pdf(html, extra_files=[logo_path] if logo_path else [])


def _cards(analysis: RoundAnalysis) -> list[tuple[str, str, str]]:
    rate = analysis.response_rate
    return [
        (_("Responses"), format_number(analysis.responses), ""),
        (_("Satisfaction index"), format_percent(analysis.satisfaction_index), ""),
        (_("Share agreeing"), format_percent(analysis.agree_percent), ""),
        (_("Response rate to invitations"), format_percent(rate), ""),
    ]


def _labels(survey_round: Round) -> list[str]:
    labels = list(survey_round.version.scale_labels or [])
    return labels if len(labels) == 5 else [str(point) for point in range(1, 6)]


def results_pdf(survey_round: Round, *, reader: User | None) -> tuple[RenderedPdf, bool]:
    """The results report as `reader` may see it (item 6 only for the managers); returns
    the PDF and whether it shows item 6's figures."""
    with translation.override("ar"):
        analysis = analyse(survey_round, user=reader)
        shows_presenter = any(item.about_presenter and not item.hidden for item in analysis.items)
        pdf = _render(
            "survey_analysis/pdf/results.html",
            str(DocumentKind.RESULTS.label),
            survey_round,
            {
                "analysis": analysis,
                "cards": _cards(analysis),
                "labels": _labels(survey_round),
                "findings": RoundFindings.objects.filter(round=survey_round).first(),
                "decision": ManagementDecision.objects.filter(round=survey_round).first(),
                "suggestions": analysis.suggestions[:PDF_SUGGESTIONS],
                "suggestions_more": max(analysis.suggestions_total - PDF_SUGGESTIONS, 0),
            },
        )
    return pdf, shows_presenter


def donor_pdf(survey_round: Round) -> RenderedPdf:
    """The donor satisfaction report: the donors' answers, the beneficiaries' results in
    short (never item 6) and the approved success stories in their anonymised version."""
    with translation.override("ar"):
        beneficiaries = analyse(survey_round, user=None)
        donors = (
            analyse(survey_round, user=None, version_id=survey_round.donor_version_id)
            if survey_round.donor_version_id
            else None
        )
        return _render(
            "survey_analysis/pdf/donors.html",
            str(DocumentKind.DONORS.label),
            survey_round,
            {
                "analysis": beneficiaries,
                "donors": donors,
                "donor_comments": [
                    text
                    for texts in (donors.text_answers if donors else {}).values()
                    for text in texts
                ],
                "cards": _cards(beneficiaries),
                "labels": _labels(survey_round),
                "stories": list(approved_stories_of_round(survey_round)),
                "findings": RoundFindings.objects.filter(round=survey_round).first(),
            },
        )


# --- every answer, in Excel -------------------------------------------------------------------

XLSX_BATCH = 2000


def answers_xlsx(survey_round: Round, *, reader: User | None, progress: Any = None) -> Path:
    """Every response of the round's beneficiary form, one row each (its answers in the
    items' columns), in a temporary file the caller removes. Item 6's column is left out
    unless the reader may see it."""
    with translation.override("ar"):
        items = list(Item.objects.filter(version_id=survey_round.version_id).order_by("position"))
        if not may_see_presenter(reader):
            items = [item for item in items if not item.about_presenter]
        workbook = xlsx.new_workbook()
        sheet = xlsx.RtlSheet(
            workbook,
            _("Answers"),
            [
                (_("Number"), 9),
                (_("submitted at"), 17),
                (_("channel"), 16),
                (_("neighbourhood centre"), 18),
                *[(f"{item.position}. {item.text}", 14) for item in items],
                (_("suggestions"), 40),
                (_("age band"), 10),
                (_("first time"), 9),
                (_("name"), 20),
                (_("mobile"), 14),
                (_("email"), 22),
                (_("neighbourhood"), 14),
                (_("occupation"), 14),
                (_("agrees to be contacted"), 10),
            ],
            heading=[[survey_round.title], [_("Every answer of the beneficiary form")]],
        )
        _write_rows(sheet, survey_round, items, progress)
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
            path = Path(handle.name)
        try:
            workbook.save(path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return path


def _responses(survey_round: Round) -> "QuerySet[Response]":
    return Response.objects.filter(round=survey_round, version_id=survey_round.version_id).order_by(
        "pk"
    )


def _answers_by_response(
    survey_round: Round, item_ids: list[int]
) -> Iterator[tuple[int, dict[int, int | None]]]:
    """(response id, {item id: value}) in the order of the responses, read in one streamed
    query (a server-side cursor on PostgreSQL)."""
    rows = (
        Answer.objects.filter(round=survey_round, item_id__in=item_ids)
        .order_by("response_id")
        .values_list("response_id", "item_id", "value")
        .iterator(chunk_size=XLSX_BATCH)
    )
    current: int | None = None
    values: dict[int, int | None] = {}
    for response_id, item_id, value in rows:
        if response_id != current:
            if current is not None:
                yield current, values
            current, values = response_id, {}
        values[item_id] = value
    if current is not None:
        yield current, values


def _write_rows(
    sheet: xlsx.RtlSheet, survey_round: Round, items: list[Item], progress: Any
) -> None:
    item_ids = [item.pk for item in items]
    centres = centres_by_pk()
    channels = dict(ResponseChannel.choices)
    ages = dict(AgeBand.choices)
    yes_no = {True: _("Yes"), False: _("No"), None: ""}
    total = _responses(survey_round).count()
    answers = _answers_by_response(survey_round, item_ids)
    pending = next(answers, None)
    responses = _responses(survey_round).values_list(
        "pk",
        "submitted_at",
        "channel",
        "centre_id",
        "suggestions",
        "age_band",
        "first_time",
        "name",
        "mobile",
        "email",
        "neighbourhood",
        "occupation",
        "may_contact",
    )
    for done, row in enumerate(responses.iterator(chunk_size=XLSX_BATCH), start=1):
        pk = row[0]
        values: dict[int, int | None] = {}
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                values = pending[1]
            pending = next(answers, None)
        centre = centres.get(row[3])
        sheet.append(
            [
                pk,
                row[1],
                str(channels.get(row[2], row[2])),
                centre.display_name if centre else "",
                *[values.get(item_id) for item_id in item_ids],
                row[4],
                str(ages.get(row[5], "")),
                yes_no[row[6]],
                row[7],
                format_saudi_mobile_local(row[8]) if row[8] else "",
                row[9],
                row[10],
                row[11],
                yes_no[row[12]],
            ]
        )
        if progress is not None:
            progress.advance(done, total)
