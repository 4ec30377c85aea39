"""The reports pages: the archive, the production of a past period with its progress, the
report page with its files and its review (procedure "تقارير الأداء"). Thin views: the rules
are in reports.services, who sees what in reports.selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints.errors import RecommendationError
from complaints.models import CaseRoute, RecommendationDecision
from core.http import download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.views_steps import post_step, redisplay

from . import selectors, services, tasks
from .forms import (
    DecisionForm,
    ProduceForm,
    RecommendationDecisionForm,
    ReportFilterForm,
    ReviewForm,
)
from .models import (
    REVIEWING_DEPARTMENTS,
    DepartmentReview,
    Report,
    ReportType,
    ReviewState,
    RunStatus,
    Trigger,
)

PAGE_SIZE = 20


def _visible_report_or_404(user, pk):
    require(user, "reports.view_report")
    return get_object_or_404(selectors.reports_visible_to(user), pk=pk)


def _enqueue(request, report, queued_message):
    """To the worker once the transaction commits. Without Redis the task runs here and
    then: the message says how it went (a failure is recorded on the report, whose page
    shows it)."""
    sent = tasks.enqueue_production(report.pk)
    report.refresh_from_db()
    if report.status == RunStatus.READY:
        messages.success(request, _("The report is ready."))
    elif report.status == RunStatus.FAILED:
        messages.error(request, _("The production of this report failed."))
    elif sent is False:
        messages.error(
            request, _("The report could not be sent to the task queue. Try again in a moment.")
        )
    else:
        messages.success(request, queued_message)


# --- the archive --------------------------------------------------------------------------


@require_GET
def report_list(request):
    """Every report this user reads, the ones awaiting their step first."""
    user = request.user
    require(user, "reports.view_report")
    reports = selectors.reports_visible_to(user)
    years = sorted({day.year for day in reports.dates("period_start", "year")}, reverse=True)
    filter_form = ReportFilterForm(request.GET or None, user=user, years=years)
    reports = selectors.awaiting_first(filter_form.filter(reports), user)
    page = CappedPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    reviewed = _reviewed_departments([report.pk for report in page])
    for report in page:
        report.due = selectors.current_due(report)
        report.overdue = report.due is not None and report.due < now
        if report.has_review and report.status == RunStatus.READY:
            report.review_marks = [
                (department, CaseRoute(department).label, department in reviewed.get(report.pk, ()))
                for department in REVIEWING_DEPARTMENTS
            ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "querystring": query.urlencode(),
            "may_produce": user.has_perm("reports.produce_report"),
        },
    )


def _reviewed_departments(report_ids):
    """{report id: {departments whose review is in}} for a page of reports, in one query."""
    from .models import DepartmentReview

    reviewed = {}
    rows = DepartmentReview.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "department"
    )
    for report_id, department in rows:
        reviewed.setdefault(report_id, set()).add(department)
    return reviewed


# --- production ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_produce(request):
    """A report for a past period, produced by the worker while its page shows progress.
    A period already produced is not produced again."""
    user = request.user
    require(user, "reports.produce_report")
    if not selectors.report_types_for(user):
        raise PermissionDenied
    form = ProduceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["period"]
        try:
            report, created = services.request_report(
                report_type=form.cleaned_data["report_type"],
                period_start=start,
                period_end=end,
                trigger=Trigger.WEB,
                actor=user,
            )
        except services.ReportError as error:
            messages.error(request, str(error))
        else:
            if created:
                _enqueue(request, report, _("The report is being produced."))
            elif report.status == RunStatus.READY:
                messages.info(
                    request, _("This report was already produced for this period. Here it is.")
                )
            elif report.status == RunStatus.FAILED:
                messages.warning(
                    request,
                    _("The last run of this report failed. Read the error and retry it below."),
                )
            elif report.status == RunStatus.QUEUED:
                # Sent again, harmless if the first message is still queued: produce() takes
                # a queued report once.
                _enqueue(request, report, _("This report is already being produced."))
            else:
                messages.info(request, _("This report is already being produced."))
            return redirect("reports:detail", pk=report.pk)
    recent = selectors.reports_visible_to(user).order_by("-created_at", "-pk")[:5]
    return render(
        request,
        "reports/report_produce.html",
        {"form": form, "recent": recent, "period_fields": form.period_of_types()},
    )


@require_POST
def report_retry(request, pk):
    report = _visible_report_or_404(request.user, pk)
    require(request.user, "reports.produce_report")
    try:
        services.retry_report(report=report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        _enqueue(request, report, _("The report is being produced again."))
    return redirect("reports:detail", pk=report.pk)


_PROGRESS = {
    RunStatus.QUEUED: 15,
    RunStatus.RUNNING: 60,
    RunStatus.READY: 100,
    RunStatus.FAILED: 100,
}


@require_GET
def report_status(request, pk):
    """The production state for the progress bar of the report page (polled every 2 s)."""
    report = _visible_report_or_404(request.user, pk)
    in_progress = report.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return JsonResponse(
        {
            "status": report.status,
            "label": report.get_status_display(),
            "percent": _PROGRESS[report.status],
            "indeterminate": in_progress,
            "done": not in_progress,
            "error": report.error if report.status == RunStatus.FAILED else "",
        },
        headers={"Cache-Control": "no-store"},
    )


# --- the files ----------------------------------------------------------------------------


def _download_name(report, extension):
    """An Arabic file name: "تقرير الأداء الشهري 2026-10-01.pdf" (FileResponse writes the
    RFC 5987 form for non-ASCII names)."""
    return download_name(
        report.get_report_type_display(), when=report.period_start, extension=extension
    )


_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_response(request, pk, field, extension, *, inline):
    report = _visible_report_or_404(request.user, pk)
    stored = getattr(report, field)
    if report.status != RunStatus.READY or not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=_download_name(report, extension),
        content_type=_CONTENT_TYPES[extension],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_pdf(request, pk):
    return _file_response(request, pk, "pdf", "pdf", inline=True)


@require_GET
def report_xlsx(request, pk):
    return _file_response(request, pk, "xlsx", "xlsx", inline=False)


# --- the report page and its review -------------------------------------------------------


def _summary_rows(report):
    """The key figures kept on the report (Report.summary), labelled by its document, in
    the document's order."""
    from .documents import document_for

    summary = report.summary or {}
    try:
        labels = getattr(document_for(report.report_type), "summary_labels", {}) or {}
    except ImportError:  # a document module missing from this installation
        labels = {}
    return [
        (label, summary[key])
        for key, label in labels.items()
        if key in summary and not isinstance(summary[key], dict | list)
    ]


def _deadlines(report, now):
    """The three deadlines of the review (procedure "تقارير الأداء"), each with whether it
    was met."""
    if not report.has_review:
        return []
    steps = (
        ("review_due_at", report.reviewed_at),
        ("decision_due_at", report.decided_at),
        ("archive_due_at", report.archived_at),
    )
    rows = []
    for field, done_at in steps:
        due = getattr(report, field)
        if due is None:
            continue
        rows.append(
            {
                "label": Report._meta.get_field(field).verbose_name,
                "due": due,
                "done_at": done_at,
                "overdue": done_at is None and due < now,
                "late": done_at is not None and done_at > due,
            }
        )
    return rows


def _department_reviews(report):
    """Each reviewing department with its review, or None while it is awaited."""
    if not report.has_review:
        return []
    reviews = {review.department: review for review in report.department_reviews.all()}
    return [
        {
            "department": department,
            "label": CaseRoute(department).label,
            "review": reviews.get(department),
        }
        for department in REVIEWING_DEPARTMENTS
    ]


# The review steps of the report's page (names from services.available_actions), the
# natural next step first (procedure "تقارير الأداء" steps 2-6): the department managers'
# review, the secretary's decisions, the archiving. A failed run is retried from its alert,
# the month's recommendations are decided from their table.
_REVIEW = Action(
    "review",
    gettext_lazy("Record my department's review"),
    ReviewForm,
    icon="bi-clipboard-check",
    help=gettext_lazy(
        "Review the report for your department: note its weak points and follow up the "
        "recommendations your department raised last month. The report goes to the secretary "
        "once both departments have reviewed it. A recommendation that was not implemented is "
        "investigated within 2 working days."
    ),
    testid="review-form",
)
_DECIDE = Action(
    "decide",
    gettext_lazy("Record the decisions"),
    DecisionForm,
    icon="bi-journal-check",
    help=gettext_lazy(
        "Discuss the weak points with those responsible, decide on the recommendations of the "
        "month, then record the decisions."
    ),
    testid="decide-form",
)


def _archive_action(help_text):
    return Action(
        "archive",
        gettext_lazy("Archive"),
        icon="bi-archive",
        confirm=gettext_lazy(
            "Archive this report? It is kept with its recommendations for the next period."
        ),
        help=help_text,
        testid="archive-form",
    )


REVIEWED_REPORT_ACTIONS = (
    _REVIEW,
    _DECIDE,
    _archive_action(
        gettext_lazy(
            "The secretary decided. Archive the report and its recommendations for the next period."
        )
    ),
)
READ_REPORT_ACTIONS = (_archive_action(gettext_lazy("Once read, archive the report.")),)
_ACTION_URLS = {
    "review": "reports:review",
    "decide": "reports:decide",
    "archive": "reports:archive",
}

# What the deadline of each review state (selectors.current_due) is due for.
DUE_LABELS = {
    ReviewState.PREPARED: gettext_lazy("Review of the report due"),
    ReviewState.REVIEWED: gettext_lazy("Sub-council secretary's decision due"),
    ReviewState.DECIDED: gettext_lazy("Archiving of the report due"),
}


def _report_actions(report):
    return REVIEWED_REPORT_ACTIONS if report.has_review else READ_REPORT_ACTIONS


def _owners_only(recommendations):
    """The recommendation table shows each recommendation's owner, none of its other
    people: joining those too cost more than the rest of the read."""
    return recommendations.select_related(None).select_related("owner")


def _detail_context(request, report, *, bound=None):
    """The report's page; `bound` is (step, form) of a review step's form sent back."""
    user = request.user
    # The reviews decide the steps offered and are listed: read once, with their reviewers.
    reviews = DepartmentReview.objects.select_related("reviewer")
    prefetch_related_objects([report], Prefetch("department_reviews", queryset=reviews))
    ready = report.status == RunStatus.READY
    due = selectors.current_due(report)
    now = timezone.now()
    steps = services.available_actions(report, user)
    pending = services.pending_departments(report, user)
    context = {
        "report": report,
        "in_progress": report.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "ready": ready,
        "due": due,
        "due_label": DUE_LABELS.get(report.review_state, ""),
        "overdue": due is not None and due < now,
        "deadlines": _deadlines(report, now),
        "transitions": report.transitions.select_related("actor").order_by("at", "pk"),
        "summary_rows": _summary_rows(report) if ready else [],
        "may_retry": "retry" in steps,
        "may_review": "review" in steps,
        "review_departments": pending,
        "department_reviews": _department_reviews(report),
        "may_decide": "decide" in steps,
        "may_archive": "archive" in steps,
        "panel": action_panel(
            _report_actions(report),
            steps,
            url=lambda name: reverse(_ACTION_URLS[name], args=[report.pk]),
            bound=bound,
            form_kwargs={"review": {"departments": pending}},
        ),
        "recommendation_form": RecommendationDecisionForm(),
        "states": ReviewState,
    }
    if report.report_type == ReportType.MONTHLY_PERFORMANCE:
        context.update(
            {
                "follow_up": _owners_only(selectors.recommendations_to_follow_up(report, user)),
                "period_recommendations": _owners_only(
                    selectors.recommendations_of_period(report, user)
                ),
                "may_decide_recommendations": "decide_recommendations" in steps,
                "own_follow_up": [
                    (
                        department,
                        selectors.recommendations_to_follow_up(report, user)
                        .filter(department=department)
                        .select_related(None),
                    )
                    for department in pending
                ],
                "may_open_recommendations": user.has_perm("complaints.view_recommendation"),
                "raised": RecommendationDecision.RAISED,
            }
        )
    return context


@require_GET
def report_detail(request, pk):
    report = _visible_report_or_404(request.user, pk)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


def _review_step(request, report, action, step, done, *, form_kwargs=None):
    """The POST of a review step: a form with errors, or one the service refuses, comes
    back open with what was typed; a step no longer offered is refused with a message."""
    return post_step(
        request,
        action=action,
        declared=_report_actions(report),
        available=services.available_actions(report, request.user),
        step=step,
        refusal=services.ReportError,
        done=done,
        show_again=lambda name, form: _redisplay(request, report, name, form),
        to="reports:detail",
        form_kwargs=form_kwargs,
        pk=report.pk,
    )


def _redisplay(request, report, action, form):
    report.refresh_from_db()
    return redisplay(
        request,
        "reports/report_detail.html",
        _detail_context(request, report, bound=(action, form)),
    )


class _DoneAfterStep:
    """A step's done message that depends on what the step did: post_step reads it
    (str) once the step has run."""

    text = ""

    def __str__(self):
        return self.text


@require_POST
def report_review(request, pk):
    """A department manager records their department's review (procedure steps 2-3)."""
    report = _visible_report_or_404(request.user, pk)
    require(request.user, "reports.review_report")
    done = _DoneAfterStep()

    def review(data):
        services.report_review(
            report=report,
            actor=request.user,
            weaknesses=data.get("weaknesses", ""),
            follow_up_notes=data.get("follow_up_notes", ""),
            department=data.get("department") or None,
        )
        if report.review_state == ReviewState.REVIEWED:
            done.text = _(
                "Your department's review was recorded. Both departments reviewed the "
                "report: it awaits the secretary."
            )
        else:
            done.text = _(
                "Your department's review was recorded. The report awaits the other "
                "department's review before the secretary."
            )

    return _review_step(
        request,
        report,
        "review",
        review,
        done,
        form_kwargs={"departments": services.reviewing_departments_of(request.user)},
    )


@require_GET
def report_review_pdf(request, pk):
    """The review record of a monthly report (both departments' reviews, the decisions,
    the archiving) as a PDF, rendered from what is recorded now."""
    report = _visible_report_or_404(request.user, pk)
    if not report.has_review or report.status != RunStatus.READY:
        raise Http404
    pdf = services.review_record_pdf(report)
    name = download_name(
        _("Review record"),
        report.get_report_type_display(),
        when=report.period_start,
        extension="pdf",
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_decide(request, pk):
    report = _visible_report_or_404(request.user, pk)
    require(request.user, "reports.decide_report")
    return _review_step(
        request,
        report,
        "decide",
        lambda data: services.report_decide(
            report=report, actor=request.user, decision_notes=data.get("decision_notes", "")
        ),
        _("The decisions were recorded; the report is to be archived."),
    )


@require_POST
def report_archive(request, pk):
    report = _visible_report_or_404(request.user, pk)
    require(request.user, "reports.archive_report")
    return _review_step(
        request,
        report,
        "archive",
        lambda data: services.report_archive(report=report, actor=request.user),
        _("The report was archived."),
    )


@require_POST
def report_recommendation_decide(request, pk, recommendation_pk, decision):
    """The secretary approves or rejects a recommendation of the month from the report's
    page (step 5); the rules are complaints.recommendations'."""
    from complaints.recommendations import recommendation_decide

    report = _visible_report_or_404(request.user, pk)
    require(request.user, "complaints.decide_recommendation")
    if report.report_type != ReportType.MONTHLY_PERFORMANCE or decision not in (
        "approve",
        "reject",
    ):
        raise Http404
    recommendation = get_object_or_404(
        selectors.recommendations_of_period(report, request.user), pk=recommendation_pk
    )
    if "decide_recommendations" not in services.available_actions(report, request.user):
        messages.error(
            request, _("This report is no longer at this step. Reload the page to see its status.")
        )
        return redirect(f"{_detail_url(report)}#recommendations")
    form = RecommendationDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        recommendation_decide(
            actor=request.user,
            recommendation=recommendation,
            approve=decision == "approve",
            note=note,
        )
    except RecommendationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The recommendation was approved.")
            if decision == "approve"
            else _("The recommendation was rejected."),
        )
    return redirect(f"{_detail_url(report)}#recommendations")


def _detail_url(report):
    return reverse("reports:detail", args=[report.pk])
