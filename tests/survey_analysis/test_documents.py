"""The round's documents: the results report and the donor report as Arabic PDFs (their
text read back with pdftotext, the Arabic font embedded), and every answer as an XLSX
(right to left, formula-safe, item 6 only for the managers), produced by a background job."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import BackgroundJob, JobState
from survey_analysis import documents, services
from survey_analysis.models import DocumentKind, RoundDocument
from surveys.models import RoundState
from tests.customers.test_pdf import compact, embedded_font_names, pdf_text
from tests.survey_analysis.support import answer, answer_many, make_round
from tests.xlsx_checks import assert_prints_one_page_wide, assert_text_cell_as_typed

pytestmark = pytest.mark.django_db

FIVES = [5] * 11
VENUE_LOW = [5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 5]


@pytest.fixture
def analysed(people):
    survey_round = make_round(state=RoundState.ANALYSING, title="استبيان الأسرة المنتجة")
    answer_many(survey_round, [VENUE_LOW] * 3 + [FIVES] * 3, suggestions="زيادة الورش التدريبية")
    answer(survey_round, FIVES, suggestions='=HYPERLINK("http://x")', name="+966500000000")
    services.findings_write(
        survey_round=survey_round,
        level="high",
        conclusions="رضا مرتفع عن البرنامج",
        recommendations="قاعة أوسع",
        actor=people["quality"],
    )
    return survey_round


def test_the_results_report_reads_in_arabic_with_the_font_embedded(analysed, people, tmp_path):
    pdf, with_presenter = documents.results_pdf(analysed, reader=people["crm_manager"])
    assert pdf.page_count >= 1 and with_presenter
    text = pdf_text(pdf.content, tmp_path)
    for words in (
        "تقرير نتائج استبيان رضا",  # (pdftotext splits the lam-alef ligatures)
        "المنتجة",
        "مكان تقديم الخدمة",
        "رضا مرتفع عن البرنامج",
        "نقطة ضعف",
        "الورش",
    ):
        assert words in text, words
    assert any(
        "notosansarabic" in compact(name) for name in embedded_font_names(pdf.content, tmp_path)
    )


def test_the_results_report_leaves_item_6_out_for_the_quality_officer(analysed, people, tmp_path):
    pdf, with_presenter = documents.results_pdf(analysed, reader=people["quality"])
    assert not with_presenter
    assert "للمديرين فقط" in pdf_text(pdf.content, tmp_path)


def test_the_answers_xlsx_is_right_to_left_formula_safe_and_complete(analysed, people, tmp_path):
    path = documents.answers_xlsx(analysed, reader=people["quality"])
    try:
        workbook = load_workbook(BytesIO(path.read_bytes()))
    finally:
        path.unlink()
    sheet = workbook.active
    assert_prints_one_page_wide(sheet, landscape=True, title_row=3)
    headers = [cell.value for cell in sheet[3]]
    assert headers[4].startswith("1. بشكل عام")
    # Item 6 (a named presenter) is not in the quality officer's file.
    assert not any(str(value).startswith("6.") for value in headers)
    rows = list(sheet.iter_rows(min_row=4, values_only=False))
    assert len(rows) == 7
    suggestion_column = headers.index("الاقتراحات") if "الاقتراحات" in headers else 14
    formula = next(
        row[suggestion_column] for row in rows if str(row[suggestion_column].value).startswith("=")
    )
    assert_text_cell_as_typed(formula, '=HYPERLINK("http://x")')
    manager = documents.answers_xlsx(analysed, reader=people["crm_manager"])
    try:
        headers = [c.value for c in load_workbook(BytesIO(manager.read_bytes())).active[3]]
    finally:
        manager.unlink()
    assert any(str(value).startswith("6.") for value in headers)


def test_producing_a_document_is_a_background_job_kept_on_the_round(
    analysed, people, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["quality"])
    url = reverse("survey_analysis:document_produce", args=[analysed.pk, DocumentKind.ANSWERS])
    response = client.post(url)
    job = BackgroundJob.objects.get(owner=people["quality"])
    assert response.status_code == 302 and str(job.pk) in response["Location"]
    assert job.state == JobState.DONE  # eager without Redis
    document = RoundDocument.objects.get(round=analysed, kind=DocumentKind.ANSWERS)
    assert not document.with_presenter
    download = client.get(
        reverse("survey_analysis:document_download", args=[analysed.pk, DocumentKind.ANSWERS])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_a_results_report_with_item_6_is_not_handed_to_the_quality_officer(
    analysed, people, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.document_store(
        survey_round=analysed,
        kind=DocumentKind.RESULTS,
        content=b"%PDF",
        extension="pdf",
        actor=people["crm_manager"],
        with_presenter=True,
    )
    url = reverse("survey_analysis:document_download", args=[analysed.pk, DocumentKind.RESULTS])
    client.force_login(people["quality"])
    assert client.get(url).status_code == 404
    client.force_login(people["crm_manager"])
    assert client.get(url).status_code == 200


def test_the_donor_report_has_the_anonymised_stories_only(people, tmp_path):
    survey_round = make_round(state=RoundState.DONOR_SURVEY, title="جولة المانحين")
    answer_many(survey_round, [FIVES] * 5)
    story = services.story_create(
        title="من متدربة إلى صاحبة مشروع",
        story="أم محمد الكاملة",
        anonymised="إحدى المستفيدات",
        consent_to_publish=True,
        consent_note="",
        survey_round=survey_round,
        response=None,
        programme=None,
        donors=[],
        actor=people["crm_staff"],
    )
    services.story_submit(story=story, actor=people["crm_staff"])
    services.story_approve(story=story, actor=people["crm_manager"])
    text = pdf_text(documents.donor_pdf(survey_round).content, tmp_path)
    assert "تقرير نتائج استبيان رضى المانحين" in text
    assert "إحدى المستفيدات" in text and "أم محمد" not in text
    assert "يتميز مقدم البرنامج" in text  # the statement, never its figures
