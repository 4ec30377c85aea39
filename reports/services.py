"""Producing, reviewing and archiving reports, in one place for the web pages, the
Celery tasks and the `produce_report` command.

A report is produced once per type and period: request_report finds the existing row
(unique constraint) instead of making a second one, and produce() takes the row with
SELECT ... FOR UPDATE so that two workers, a retry or a duplicate beat never render it
twice."""

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association import roles
from association.workdays import working_deadline
from complaints.models import CaseRoute
from core.pdf import RenderedPdf
from core.permissions import require
from core.workflow import Workflow

from .kinds import is_registered
from .models import (
    REVIEWING_DEPARTMENTS,
    DepartmentReview,
    Report,
    ReportTransition,
    ReviewState,
    RunStatus,
    report_path,
)

if TYPE_CHECKING:  # imported where used, as the functions below do
    from .documents.base import BuiltDocument
    from .models import ReportRecipient

logger = logging.getLogger(__name__)

# Procedure "تقارير الأداء": both department managers review the prepared report (steps
# 2-3, "شهري": a monthly step with no duration of its own). Their reviews are due a working
# week after the report is ready: time to read it, to follow up last period's
# recommendations and to run step 4's investigations of those not implemented (2 working
# days each, complaints.recommendations), while the secretary still decides in the first
# half of the month. The secretary reviews and decides within 3 working days (step 5),
# staff archive it within 1 (step 6).
REVIEW_WORKING_DAYS = 5
DECISION_WORKING_DAYS = 3
ARCHIVE_WORKING_DAYS = 1
# The biggest report renders in seconds; a run "being produced" for this long has lost its
# worker (killed, redeployed) and may be retried.
STALLED_AFTER = datetime.timedelta(minutes=30)
REVIEW_RECORD_TEMPLATE = "reports/pdf/review_record.html"


class ReportError(Exception):
    """A refusal the user should read (already translated)."""


def _require(actor: User | None, permission: str, report_type: str | None = None) -> None:
    """The actor holds the permission and, for a given report type, reads that type (see
    selectors.READERS). Without an actor (the schedule, the command line) nothing is
    checked."""
    if actor is None:
        return
    require(actor, permission)
    if report_type is not None:
        from .selectors import report_types_for

        if report_type not in report_types_for(actor):
            raise PermissionDenied


_STALE = gettext_lazy("This report is no longer at this step. Reload the page to see its status.")
# A report has two state machines: its production run, then its review.
RUN_WORKFLOW = Workflow(
    audit=ReportTransition,
    error=ReportError,
    stale_message=_STALE,
    field="status",
)
REVIEW_WORKFLOW = Workflow(
    audit=ReportTransition,
    error=ReportError,
    stale_message=_STALE,
    field="review_state",
)


def _save_transition(
    report: Report,
    transition_name: str,
    *,
    actor: User | None,
    note: str = "",
    field: str = "status",
    **fields: Any,
) -> Report:
    """Take one step of the run or of the review (inside the caller's transaction)."""
    workflow = REVIEW_WORKFLOW if field == "review_state" else RUN_WORKFLOW
    workflow.take_step(report, transition_name, actor=actor, note=note, fields=fields)
    return report


# --- production ---------------------------------------------------------------------------


def request_report(
    *,
    report_type: str,
    period_start: datetime.date,
    period_end: datetime.date,
    trigger: str,
    actor: User | None = None,
) -> tuple[Report, bool]:
    """The report of this type and period, created as queued if there is none yet.
    Returns (report, created)."""
    if not is_registered(report_type):
        raise ReportError(_("Choose a report."))
    _require(actor, "reports.produce_report", report_type)
    if period_end >= timezone.localdate():
        raise ReportError(_("A report covers a period that has ended."))
    try:
        with transaction.atomic():
            report, created = Report.objects.get_or_create(
                report_type=report_type,
                period_start=period_start,
                defaults={"period_end": period_end, "trigger": trigger, "requested_by": actor},
            )
    except IntegrityError:
        # Another process created it between our SELECT and INSERT.
        report, created = (
            Report.objects.get(report_type=report_type, period_start=period_start),
            False,
        )
    return report, created


def is_stalled(report: Report) -> bool:
    """Being produced for far longer than any report takes: its worker has died."""
    return (
        report.status == RunStatus.RUNNING
        and report.started_at is not None
        and report.started_at < timezone.now() - STALLED_AFTER
    )


def retry_report(*, report: Report, actor: User | None = None) -> Report:
    """A failed run, or one whose worker died mid-way, goes back to the queue; the caller
    enqueues it."""
    _require(actor, "reports.produce_report", report.report_type)
    with transaction.atomic():
        if is_stalled(report):
            _save_transition(
                report,
                "fail",
                actor=actor,
                error=_("The production stopped before the report was ready."),
                finished_at=timezone.now(),
            )
        return _save_transition(report, "retry", actor=actor, error="")


def produce(report_id: int) -> Report | None:
    """Render a queued report and store its files. Does nothing when another process has
    it or it is already produced: the same report is never rendered twice."""
    from .documents import document_for

    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(pk=report_id).first()
        if report is None or report.status != RunStatus.QUEUED:
            return report
        _save_transition(
            report, "start", actor=None, started_at=timezone.now(), attempts=report.attempts + 1
        )
    try:
        built = document_for(report.report_type).build(report)
        # Storing the files is part of the run: a full disk fails it (visible, retried)
        # instead of leaving it "being produced" for ever.
        _store_files(report, built)
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the run, then re-raised
        logger.exception("Report %s failed", report.pk)
        for stored in (report.pdf, report.xlsx):
            if stored:
                stored.delete(save=False)
        with transaction.atomic():
            _save_transition(
                report,
                "fail",
                actor=None,
                note=str(error)[:500],
                error=f"{type(error).__name__}: {error}",
                finished_at=timezone.now(),
            )
        raise
    now = timezone.now()
    with transaction.atomic():
        _save_transition(
            report,
            "finish",
            actor=None,
            finished_at=now,
            page_count=built.pdf.page_count,
            summary=built.summary,
            review_due_at=working_deadline(now, REVIEW_WORKING_DAYS) if report.has_review else None,
        )
        from .tasks import send_report

        send_report.delay_on_commit(report.pk)
    return report


def missing_files(report: Report) -> list[FieldFile]:
    """The report's files that its row names but the storage no longer has (a database
    restored without its media, a lost volume)."""
    return [
        stored
        for stored in (report.pdf, report.xlsx)
        if not stored or not stored.storage.exists(stored.name)
    ]


def report_regenerate_files(*, report: Report, actor: User | None = None) -> bool:
    """Render a produced report again and store the files it lost, under their old names
    (links and emails keep working). Files still present are left as they are; the report
    keeps its state, review and summary, and nobody is emailed again. The figures come from
    the data as it is now. Returns True when files were regenerated, False when none was
    missing."""
    from .documents import document_for

    _require(actor, "reports.produce_report", report.report_type)
    if report.status != RunStatus.READY:
        raise ReportError(_("Only a produced report can have its files regenerated."))
    lost = missing_files(report)
    if not lost:
        return False
    built = document_for(report.report_type).build(report)
    stem = f"{report.report_type}-{report.period_start:%Y-%m-%d}"
    try:
        if report.pdf in lost:
            name = report.pdf.name or report_path(report, f"{stem}.pdf")
            report.pdf.name = report.pdf.storage.save(name, ContentFile(built.pdf.content))
        if report.xlsx in lost:
            name = report.xlsx.name or report_path(report, f"{stem}.xlsx")
            with built.xlsx_path.open("rb") as handle:
                report.xlsx.name = report.xlsx.storage.save(name, File(handle))
    finally:
        built.xlsx_path.unlink(missing_ok=True)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(pdf=report.pdf.name, xlsx=report.xlsx.name)
        RUN_WORKFLOW.record_event(
            report, actor=actor, note=_("Files regenerated: they were missing from the storage.")
        )
    return True


def _store_files(report: Report, built: "BuiltDocument") -> None:
    stem = f"{report.report_type}-{report.period_start:%Y-%m-%d}"
    report.pdf.save(f"{stem}.pdf", ContentFile(built.pdf.content), save=False)
    try:
        with built.xlsx_path.open("rb") as handle:
            report.xlsx.save(f"{stem}.xlsx", File(handle), save=False)
    finally:
        built.xlsx_path.unlink(missing_ok=True)


def produce_now(
    *,
    report_type: str,
    period_start: datetime.date,
    period_end: datetime.date,
    trigger: str,
    actor: User | None = None,
) -> tuple[Report | None, bool]:
    """Request and produce in this process (the command line, installations without
    Celery). Returns (report, created)."""
    report, created = request_report(
        report_type=report_type,
        period_start=period_start,
        period_end=period_end,
        trigger=trigger,
        actor=actor,
    )
    if report.status == RunStatus.FAILED:
        retry_report(report=report, actor=actor)
    if report.status == RunStatus.QUEUED:
        return produce(report.pk), created
    return report, created


# --- review (procedure "تقارير الأداء") -------------------------------------------------------


def _review_step(
    report: Report,
    transition_name: str,
    *,
    actor: User,
    permission: str,
    note: str = "",
    **fields: Any,
) -> Report:
    _require(actor, permission, report.report_type)
    with transaction.atomic():
        return _save_transition(
            report, transition_name, actor=actor, note=note, field="review_state", **fields
        )


_DEPARTMENT_OF_ROLE = {roles.CRM_MANAGER: CaseRoute.CRM, roles.CENTRES_MANAGER: CaseRoute.CENTRES}


def reviewing_departments_of(user: User | AnonymousUser) -> list[str]:
    """The departments whose review of the monthly report this user writes: the CRM
    manager the CRM department's, the centres-affairs manager centres affairs'."""
    if not user.is_authenticated or not user.has_perm("reports.review_report"):
        return []
    if user.is_superuser:
        return list(REVIEWING_DEPARTMENTS)
    held = {
        _DEPARTMENT_OF_ROLE[role] for role in roles.user_roles(user) if role in _DEPARTMENT_OF_ROLE
    }
    return [department for department in REVIEWING_DEPARTMENTS if department in held]


def pending_departments(report: Report, user: User | AnonymousUser) -> list[str]:
    """The departments this user may still review on this report now."""
    from .selectors import report_types_for

    if not (
        report.has_review
        and report.status == RunStatus.READY
        and report.review_state == ReviewState.PREPARED
        and report.report_type in report_types_for(user)
    ):
        return []
    mine = reviewing_departments_of(user)
    if not mine:
        return []
    done = report.reviewed_departments()
    return [department for department in mine if department not in done]


def report_review(
    *,
    report: Report,
    actor: User,
    weaknesses: str,
    follow_up_notes: str,
    department: str | None = None,
) -> Report:
    """A department manager notes their department's weak points and follows up the
    recommendations it raised last period (steps 2-3). The report goes on to the
    secretary once both departments have reviewed it, whichever was first; the report's
    row is locked meanwhile, so two reviews arriving together move it exactly once."""
    _require(actor, "reports.review_report", report.report_type)
    weaknesses = (weaknesses or "").strip()
    if not weaknesses:
        raise ReportError(_("Write the weak points found in the report."))
    departments = reviewing_departments_of(actor)
    if not departments:
        raise PermissionDenied
    if not department:
        if len(departments) > 1:
            raise ReportError(_("Choose the department whose review you record."))
        department = departments[0]
    elif department not in departments:
        raise PermissionDenied
    stale = _("This report is no longer at this step. Reload the page to see its status.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if not (
            locked.has_review
            and locked.status == RunStatus.READY
            and locked.review_state == ReviewState.PREPARED
        ):
            raise ReportError(stale)
        existing = (
            locked.department_reviews.filter(department=department)
            .select_related("reviewer")
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    DepartmentReview.objects.create(
                        report=locked,
                        department=department,
                        reviewer=actor,
                        weaknesses=weaknesses,
                        follow_up_notes=(follow_up_notes or "").strip(),
                    )
            except IntegrityError:
                existing = locked.department_reviews.select_related("reviewer").get(
                    department=department
                )
        if existing is not None:
            raise ReportError(
                _(
                    "The review of the %(department)s was already recorded by %(name)s. "
                    "Reload the page to see it."
                )
                % {
                    "department": existing.get_department_display(),
                    "name": existing.reviewer.get_full_name() or existing.reviewer.get_username(),
                }
            )
        REVIEW_WORKFLOW.record_event(
            locked, actor=actor, note=f"{CaseRoute(department).label}: {weaknesses}"
        )
        if locked.has_every_department_review():
            now = timezone.now()
            _save_transition(
                locked,
                "review",
                actor=actor,
                note=_("Both departments reviewed the report."),
                field="review_state",
                reviewed_at=now,
                decision_due_at=working_deadline(now, DECISION_WORKING_DAYS),
            )
    report.refresh_from_db()
    return report


def _review_record_context(report: Report) -> dict[str, Any]:
    reviews = {
        item.department: item for item in report.department_reviews.select_related("reviewer")
    }
    return {
        "department_reviews": [
            (CaseRoute(department).label, reviews.get(department))
            for department in REVIEWING_DEPARTMENTS
        ],
    }


def review_record_html(report: Report) -> str:
    """The review record of a monthly report: both departments' reviews, the secretary's
    discussion and decisions, the archiving. The report's own PDF is the document prepared
    before them; this record goes with it in the archive."""
    from .documents.base import render_report_html

    return render_report_html(report, REVIEW_RECORD_TEMPLATE, _review_record_context(report))[0]


def review_record_pdf(report: Report) -> RenderedPdf:
    from .documents.base import render_report_pdf

    return render_report_pdf(report, REVIEW_RECORD_TEMPLATE, _review_record_context(report))


def report_decide(*, report: Report, actor: User, decision_notes: str) -> Report:
    """The sub-council secretary discusses the weak points with those responsible and
    decides on the recommendations (step 5)."""
    if not (decision_notes or "").strip():
        raise ReportError(_("Write the discussion and the decisions taken."))
    now = timezone.now()
    return _review_step(
        report,
        "decide",
        actor=actor,
        permission="reports.decide_report",
        note=decision_notes.strip(),
        decision_notes=decision_notes.strip(),
        decided_by=actor,
        decided_at=now,
        archive_due_at=working_deadline(now, ARCHIVE_WORKING_DAYS),
    )


def report_archive(*, report: Report, actor: User) -> Report:
    """Archived with its recommendations for the next period (step 6); the weekly and
    recurring reports are archived once their recipient has read them."""
    transition_name = "archive" if report.has_review else "acknowledge"
    return _review_step(
        report,
        transition_name,
        actor=actor,
        permission="reports.archive_report",
        archived_by=actor,
        archived_at=timezone.now(),
    )


def available_actions(report: Report, user: User | AnonymousUser) -> list[str]:
    """What this user may do on this report now: "retry" a failed run, "review", "decide",
    "archive" (or acknowledge), and "decide_recommendations" (the secretary decides on the
    month's recommendations from the monthly report while it is under review)."""
    from .selectors import report_types_for

    if report.report_type not in report_types_for(user):
        return []
    actions = []
    failed = report.status == RunStatus.FAILED or is_stalled(report)
    if failed and user.has_perm("reports.produce_report"):
        actions.append("retry")
    if pending_departments(report, user):
        actions.append("review")
    steps = REVIEW_WORKFLOW.available_actions(report, user)
    if "decide" in steps:
        actions.append("decide")
    if "archive" in steps or "acknowledge" in steps:
        actions.append("archive")
    if (
        report.has_review
        and report.status == RunStatus.READY
        and report.review_state in (ReviewState.PREPARED, ReviewState.REVIEWED)
        and user.has_perm("complaints.decide_recommendation")
    ):
        actions.append("decide_recommendations")
    return actions


def recipients_of(report_type: str) -> "QuerySet[ReportRecipient]":
    from .models import ReportRecipient

    return ReportRecipient.objects.filter(report_type=report_type, is_active=True).select_related(
        "user"
    )
