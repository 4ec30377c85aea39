"""The round's documents are produced by a background job with its progress page
(core.jobs): WeasyPrint takes seconds on a long report, the XLSX longer on a large round."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobFailed, JobOutcome, job_kind
from core.models import BackgroundJob
from surveys.models import Round

from . import documents, services
from .analysis import may_see_presenter
from .errors import SurveyAnalysisError
from .models import DocumentKind

DOCUMENT_JOB = "survey_analysis.document"


def _analysis_page(job: BackgroundJob) -> str:
    return reverse("survey_analysis:round_analysis", args=[job.params["round"]])


@job_kind(
    DOCUMENT_JOB,
    title=gettext_lazy("Producing the survey document"),
    fallback_url=_analysis_page,
)
def produce_document(job: BackgroundJob, progress: Any) -> JobOutcome:
    url = _analysis_page(job)
    survey_round = Round.objects.select_related("version", "programme").get(pk=job.params["round"])
    kind = job.params["kind"]
    try:
        services.document_check(survey_round=survey_round, kind=kind, actor=job.owner)
    except SurveyAnalysisError as error:
        raise JobFailed(str(error), url=url) from error
    except PermissionDenied as denied:
        raise JobFailed(_("You may no longer produce this document."), url=url) from denied
    progress.phase("write", start=5, end=95)
    if kind == DocumentKind.ANSWERS:
        path = documents.answers_xlsx(survey_round, reader=job.owner, progress=progress)
        try:
            services.document_store(
                survey_round=survey_round,
                kind=kind,
                content=path,
                extension="xlsx",
                actor=job.owner,
                with_presenter=may_see_presenter(job.owner),
            )
        finally:
            path.unlink(missing_ok=True)
    else:
        if kind == DocumentKind.RESULTS:
            pdf, with_presenter = documents.results_pdf(survey_round, reader=job.owner)
        else:
            pdf, with_presenter = documents.donor_pdf(survey_round), False
        services.document_store(
            survey_round=survey_round,
            kind=kind,
            content=pdf.content,
            extension="pdf",
            actor=job.owner,
            page_count=pdf.page_count,
            with_presenter=with_presenter,
        )
    return JobOutcome(url=url, message=_("The document is ready."))
