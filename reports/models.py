"""Reports the manual asks for: the weekly opportunity report (3.1.15), the monthly
performance report on complaints and inquiries with its review (5.1.11-5.1.12, procedure
"تقارير الأداء") and the quality officer's monthly recurring-complaints report (procedure
"تقديم ومعالجة الشكاوي", step 7).

A Report is one type for one period, produced once (unique per type and period start):
a second run, a retry or a duplicate beat finds the existing row. Two state machines: the
production (queued, running, ready, failed) and the review of the ready document."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition

from complaints.models import CaseRoute
from core.models import TransitionRecord, staff_member, state_field
from core.steps import Step, StepPath
from core.workflow import AUTOMATIC

# The departments whose managers both review the monthly performance report, in the order
# they are shown.
REVIEWING_DEPARTMENTS = (CaseRoute.CRM, CaseRoute.CENTRES)


class ReportType(models.TextChoices):
    WEEKLY_OPPORTUNITIES = "weekly_opportunities", _("Weekly opportunity report")
    MONTHLY_PERFORMANCE = "monthly_performance", _("Monthly performance report")
    MONTHLY_RECURRING = "monthly_recurring", _("Monthly recurring-complaints report")
    # Registered by campaigns (reports.kinds): reports never imports the apps above it.
    QUARTERLY_CAMPAIGNS = "quarterly_campaigns", _("Quarterly campaigns report")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReviewState(models.TextChoices):
    PREPARED = "prepared", _("Awaiting the managers' reviews")
    REVIEWED = "reviewed", _("Awaiting the secretary's decision")
    DECIDED = "decided", _("Decided, to be archived")
    ARCHIVED = "archived", _("Archived")


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    WEB = "web", _("Web page")
    COMMAND = "command", _("Command line")


_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Write the colour as #RRGGBB."))
LOGO_MAX_BYTES = 1024 * 1024


def validate_logo(upload):
    """A PNG or JPEG image of at most 1 MB, judged by its content, not its name."""
    from django.core.exceptions import ValidationError

    from core.uploads import JPEG, PNG, UploadError, check_uploaded_file

    try:
        check_uploaded_file(
            upload,
            max_bytes=LOGO_MAX_BYTES,
            allowed=(PNG, JPEG),
            too_large=_("The logo must be 1 MB or smaller."),
            wrong_content=_("The logo must be a PNG or JPEG image."),
        )
    except UploadError as error:
        raise ValidationError(str(error)) from error


class VisualIdentity(models.Model):
    """The association's visual identity on its reports (manual 3.1.10): one row, edited in
    the admin."""

    name = models.CharField(_("association name"), max_length=200)
    logo = models.FileField(
        _("logo"),
        upload_to="identity/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, printed at the top of every report."),
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#0F6E5F", validators=[_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#C8A14A", validators=[_colour]
    )

    class Meta:
        verbose_name = _("visual identity")
        verbose_name_plural = _("visual identity")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        identity = cls.objects.order_by("pk").first()
        return identity or cls(name=settings.ASSOCIATION_NAME)


class ReportRecipient(models.Model):
    """Who receives a report type by email and on their my-work page."""

    report_type = models.CharField(_("report"), max_length=30, choices=ReportType.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    email = models.EmailField(
        _("email"), blank=True, help_text=_("For a recipient without a user account.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user__isnull=True, email=""), name="recipient_has_address"
            )
        ]

    def __str__(self):
        who = self.user.get_full_name() or self.user.get_username() if self.user else self.email
        return f"{self.get_report_type_display()} → {who}"

    @property
    def address(self):
        return self.user.email if self.user_id else self.email


def report_path(report, filename):
    return f"reports/{report.report_type}/{report.period_start:%Y}/{filename}"


# The report page's step bar: prepared → reviewed → decided → archived.
REPORT_STEP_PATH = StepPath(
    steps=(
        Step(ReviewState.PREPARED, pgettext_lazy("report step", "Prepared")),
        Step(ReviewState.REVIEWED, pgettext_lazy("report step", "Reviewed")),
        Step(ReviewState.DECIDED, pgettext_lazy("report step", "Decided")),
        Step(ReviewState.ARCHIVED, pgettext_lazy("report step", "Archived")),
    ),
    field="review_state",
)


class Report(ConcurrentTransitionMixin, models.Model):
    STEP_PATH = REPORT_STEP_PATH

    report_type = models.CharField(_("report"), max_length=30, choices=ReportType.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text=_("The last day of the period."))
    status = state_field(RunStatus, default=RunStatus.QUEUED, verbose_name=_("production"))
    review_state = state_field(ReviewState, default=ReviewState.PREPARED, verbose_name=_("review"))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    requested_by = staff_member(_("requested by"))
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    xlsx = models.FileField(_("Excel file"), upload_to=report_path, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    summary = models.JSONField(_("key figures"), default=dict, blank=True)
    # Review (procedure "تقارير الأداء"): each department manager's review (DepartmentReview:
    # weak points, follow-up of their department's recommendations), then the secretary's
    # discussion and decisions, then the archiving.
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    reviewed_at = models.DateTimeField(
        _("reviewed at"),
        null=True,
        blank=True,
        help_text=_("When the last department's review was in and the report went on."),
    )
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_notes = models.TextField(_("discussion and decisions"), blank=True)
    archive_due_at = models.DateTimeField(_("archiving due"), null=True, blank=True)
    archived_by = staff_member(_("archived by"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "report_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "period_start"], name="one_report_per_type_and_period"
            )
        ]
        permissions = [
            ("produce_report", _("Can produce a report for a past period")),
            ("review_report", _("Can review a monthly report (department manager)")),
            ("decide_report", _("Can decide on a monthly report (sub-council secretary)")),
            ("archive_report", _("Can archive a report")),
        ]

    def __str__(self):
        return f"{self.get_report_type_display()} · {self.period_start:%Y-%m-%d}"

    @property
    def has_review(self):
        """Only a reviewed kind (the monthly performance report) goes through the managers
        and the secretary; the others are read by their recipients and archived."""
        from .kinds import is_registered, kind_of

        return is_registered(self.report_type) and kind_of(self.report_type).reviewed

    def is_ready(self):
        return self.status == RunStatus.READY

    def needs_review(self):
        return self.has_review

    def skips_review(self):
        return not self.has_review

    def reviewed_departments(self):
        """The departments whose review of the report is in: read from the reviews
        prefetched with the report when they were (its page reads them once)."""
        return {review.department for review in self.department_reviews.all()}

    def has_every_department_review(self):
        """Both departments reviewed the report (procedure "تقارير الأداء" steps 2-3): the
        CRM department and centres affairs, each by its manager."""
        return set(REVIEWING_DEPARTMENTS) <= self.reviewed_departments()

    # --- production ---------------------------------------------------------------------

    @transition(field=status, source=[RunStatus.QUEUED, RunStatus.FAILED], target=RunStatus.RUNNING)
    def start(self):
        pass

    @transition(field=status, source=RunStatus.RUNNING, target=RunStatus.READY)
    def finish(self):
        pass

    @transition(field=status, source=RunStatus.RUNNING, target=RunStatus.FAILED)
    def fail(self):
        pass

    @transition(field=status, source=RunStatus.FAILED, target=RunStatus.QUEUED)
    def retry(self):
        pass

    # --- review -------------------------------------------------------------------------

    @transition(
        field=review_state,
        source=ReviewState.PREPARED,
        target=ReviewState.REVIEWED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[is_ready, needs_review, has_every_department_review],  # type: ignore[list-item]
        custom=AUTOMATIC,  # taken when the last department's review is recorded
    )
    def review(self):
        pass

    @transition(
        field=review_state,
        source=ReviewState.REVIEWED,
        target=ReviewState.DECIDED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[needs_review],  # type: ignore[list-item]
        permission="reports.decide_report",
    )
    def decide(self):
        pass

    @transition(
        field=review_state,
        source=ReviewState.DECIDED,
        target=ReviewState.ARCHIVED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[needs_review],  # type: ignore[list-item]
        permission="reports.archive_report",
    )
    def archive(self):
        pass

    @transition(
        field=review_state,
        source=ReviewState.PREPARED,
        target=ReviewState.ARCHIVED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[is_ready, skips_review],  # type: ignore[list-item]
        permission="reports.archive_report",
    )
    def acknowledge(self):
        pass


_REPORT_STATES = RunStatus.choices + ReviewState.choices


class ReportTransition(TransitionRecord):
    """Both machines of a report in one trail. The actor is empty for scheduled runs."""

    # Nullable, unlike the base's: a scheduled run has no actor.
    actor = models.ForeignKey(  # type: ignore[assignment]
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=_REPORT_STATES)
    target = models.CharField(max_length=20, choices=_REPORT_STATES)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")


class DepartmentReview(models.Model):
    """One department manager's review of a monthly performance report (procedure
    "تقارير الأداء", steps 2-3): the weak points of their department and the follow-up of
    the recommendations their department raised last period. One per department; the
    report goes to the sub-council secretary once both are in."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="department_reviews")
    department = models.CharField(_("department"), max_length=10, choices=CaseRoute.choices)
    reviewer = staff_member(_("reviewed by"), required=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    weaknesses = models.TextField(_("weak points"))
    follow_up_notes = models.TextField(_("follow-up of last period's recommendations"), blank=True)

    class Meta:
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "department"], name="one_review_per_report_and_department"
            )
        ]

    def __str__(self):
        return f"{self.report} · {self.get_department_display()}"
