"""The manual in the system (issue 18, seed 000 section 1 and seed 003's header): its documents,
their versions (draft → submitted → in force → superseded, approved by the sub-council
secretary, 1.5), the sections with the manual's own numbering, the procedure tables with a
typed duration beside the text as written, the change log (1.12), reading access (1.4) and
its log, and the controller's delegations (1.3, 1.6.2).

Nothing here imports another project app above `association`: the workflows read their
durations from this app later, never the reverse."""

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from core.models import TransitionRecord, staff_member, state_field
from core.text import normalize_arabic
from core.workflow import AUTOMATIC


class ManualDocument(models.Model):
    """One document of the manual: the CRM policies-and-procedures manual, the
    beneficiary-relations policy…"""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    number = models.CharField(_("document number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("manual document")
        verbose_name_plural = _("manual documents")
        ordering = ["position", "title"]
        permissions = [
            ("control_manual", _("Can control the manual (its controller, 1.3)")),
            ("approve_manual_version", _("Can approve a version of the manual (1.5)")),
        ]

    def __str__(self) -> str:
        return self.title


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


class ManualVersion(ConcurrentTransitionMixin, models.Model):
    """A version of a document with its header and approval table. Exactly one version of a
    document is in force (a partial unique constraint); older ones are kept, read-only."""

    document = models.ForeignKey(
        ManualDocument,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("manual document"),
    )
    serial = models.PositiveIntegerField(_("version"))
    state = state_field(VersionState, default=VersionState.DRAFT)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    updated_on = models.DateField(_("last update"), null=True, blank=True)
    issue_label = models.CharField(
        _("issue as written"),
        max_length=100,
        blank=True,
        help_text=_("The issue as the document writes it (e.g. «ديسمبر ٢٠١٤ النسخة النهائية»)."),
    )
    prepared_by = models.CharField(_("prepared by"), max_length=200, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=200, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approval_note = models.TextField(_("approval statement"), blank=True)
    approved_in_system_by = staff_member(_("approved in the system by"))
    approved_at = models.DateTimeField(_("approved in the system at"), null=True, blank=True)
    created_by = staff_member(_("started by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("manual version")
        verbose_name_plural = _("manual versions")
        ordering = ["document", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["document", "serial"], name="manual_version_serial"),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(state="in_force"),
                name="manual_one_version_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.serial}"

    @property
    def is_in_force(self) -> bool:
        return self.state == VersionState.IN_FORCE

    @property
    def is_editable(self) -> bool:
        return self.state == VersionState.DRAFT

    @transition(field=state, source=VersionState.DRAFT, target=VersionState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=VersionState.SUBMITTED, target=VersionState.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=state, source=VersionState.SUBMITTED, target=VersionState.IN_FORCE)
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=VersionState.IN_FORCE,
        target=VersionState.SUPERSEDED,
        custom=AUTOMATIC,
    )
    def supersede(self) -> None:
        pass


class VersionTransition(TransitionRecord):
    """The audit trail of a version: submitted, sent back, approved, superseded."""

    version = models.ForeignKey(
        ManualVersion,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("manual version"),
    )
    source = models.CharField(_("from"), max_length=20, choices=VersionState.choices)
    target = models.CharField(_("to"), max_length=20, choices=VersionState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("manual version step")
        verbose_name_plural = _("manual version steps")


class ManualSection(models.Model):
    """A section with the manual's numbering ("5.1.6") and its text; a procedure table is a
    section of its own ("5.2-1") whose steps are its rows."""

    version = models.ForeignKey(
        ManualVersion,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("manual version"),
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    position = models.PositiveIntegerField(_("position"))
    depth = models.PositiveSmallIntegerField(_("depth"), default=1)
    parent_number = models.CharField(_("parent section"), max_length=20, blank=True)
    is_procedure = models.BooleanField(_("procedure table"), default=False)
    search_text = models.TextField(editable=False, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("manual section")
        verbose_name_plural = _("manual sections")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="manual_section_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = normalize_arabic(f"{self.number} {self.title} {self.text}")
        super().save(*args, **kwargs)

    @property
    def heading(self) -> str:
        """What a table of contents shows: the title, or the text's first words."""
        if self.title:
            return self.title
        words = self.text.split()
        return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


class DurationUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")
    IMMEDIATE = "immediate", _("immediate")
    DAILY = "daily", _("daily")
    AS_NEEDED = "as_needed", _("as needed")
    UNSPECIFIED = "unspecified", _("unspecified")


class ProcedureStep(models.Model):
    """A row of a procedure table: number, responsible, process, duration (the text as
    written and, where the text allows, a typed value), output."""

    section = models.ForeignKey(
        ManualSection,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("manual section"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    responsible = models.CharField(_("responsible"), max_length=300)
    process = models.TextField(_("process"))
    duration_text = models.CharField(_("duration as written"), max_length=100, blank=True)
    duration_value = models.PositiveSmallIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(
        _("duration unit"),
        max_length=20,
        choices=DurationUnit.choices,
        default=DurationUnit.UNSPECIFIED,
    )
    output = models.CharField(_("output"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["section", "position"]

    def __str__(self) -> str:
        return f"{self.section.number} / {self.number}"


class ChangeLogEntry(models.Model):
    """A line of the change log (1.12): the date, the version's serial, the page or section
    changed and a summary of what changed."""

    version = models.ForeignKey(
        ManualVersion,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("manual version"),
    )
    changed_on = models.DateField(_("date"))
    serial = models.PositiveIntegerField(_("version"))
    where = models.CharField(_("section or page"), max_length=100)
    summary = models.TextField(_("summary of the change"))
    recorded_by = staff_member(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log entries")
        ordering = ["version", "changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.serial} · {self.where}"


class AccessState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the controller")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ReadingAccess(models.Model):
    """A staff member's request to read a document (1.4) and the controller's answer."""

    document = models.ForeignKey(
        ManualDocument,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("manual document"),
    )
    user = staff_member(_("staff member"), required=True)
    state = models.CharField(
        _("status"), max_length=20, choices=AccessState.choices, default=AccessState.REQUESTED
    )
    reason = models.TextField(_("why they need to read it"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reading access")
        verbose_name_plural = _("reading access")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user"],
                condition=Q(state="requested"),
                name="manual_one_pending_access_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.document}"


class Reading(models.Model):
    """One reading of a document (1.4): who, when, which version."""

    version = models.ForeignKey(
        ManualVersion,
        on_delete=models.PROTECT,
        related_name="readings",
        verbose_name=_("manual version"),
    )
    user = staff_member(_("reader"), required=True)
    section_number = models.CharField(_("section"), max_length=20, blank=True)
    at = models.DateTimeField(_("read at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("manual reading")
        verbose_name_plural = _("manual readings")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"


class ControllerDelegation(models.Model):
    """The controller (the CRM manager, 1.3) delegates applying the manual to a CRM staff
    member for dates (1.6.2): within them the delegate acts as the controller."""

    delegate = staff_member(_("delegate"), required=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    granted_by = staff_member(_("delegated by"), required=True)
    granted_at = models.DateTimeField(_("delegated at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("controller delegation")
        verbose_name_plural = _("controller delegations")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.delegate} {self.starts_on} – {self.ends_on}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
