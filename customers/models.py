"""The customer database (قاعدة بيانات العملاء) and the create/modify form that is the only
way to write to it (نموذج إنشاء وتعديل معلومات العملاء, manual 6.1 and 6.2)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from association.models import Centre, City
from core.choices import ContactChannel
from core.identity import validate_saudi_national_id
from core.models import TransitionRecord, optional_link, staff_member, state_field
from core.phones import validate_saudi_mobile
from core.steps import Step, StepPath
from core.text import normalize_arabic
from core.workflow import AUTOMATIC


class CustomerKind(models.TextChoices):
    DONOR = "donor", _("Donor / supporter")
    GOVERNMENT = "government", _("Government entity")
    COUNCIL_MEMBER = "council_member", _("Neighbourhood council member")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    OTHER = "other", _("Other")


class EntityType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


# A customer code is a PositiveBigIntegerField: at most 18 digits fit; a longer number typed
# or imported is no customer's code.
CODE_MAX_DIGITS = 18


class Customer(models.Model):
    """One customer of the association. Rows are written only by customers.services when a
    data steward enters an approved request; they are archived, never deleted."""

    code = models.PositiveBigIntegerField(_("customer code"), unique=True, editable=False)
    name = models.CharField(_("customer name"), max_length=200)
    name_normalized = models.CharField(max_length=200, editable=False, db_index=True)
    entity_type = models.CharField(
        _("individual or organisation"),
        max_length=20,
        choices=EntityType.choices,
        default=EntityType.INDIVIDUAL,
    )
    kind = models.CharField(_("customer type"), max_length=20, choices=CustomerKind.choices)
    national_id = models.CharField(
        _("national ID / Iqama"),
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_saudi_national_id],
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("city")
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("neighbourhood centre"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=16, blank=True, db_index=True, validators=[validate_saudi_mobile]
    )
    email = models.EmailField(_("email"), blank=True, db_index=True)
    contact_channel = models.CharField(
        _("preferred contact channel"), max_length=30, choices=ContactChannel.choices, blank=True
    )
    point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donor_contacts",
        verbose_name=_("point of contact"),
        help_text=_("For donors: the one staff member who speaks to them."),
    )
    # Consents to messages are records of the messaging app (per channel and purpose).
    notes = models.TextField(_("other notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Bumped by every entered change: a request prepared against an older version conflicts.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_normalized"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-code"]
        permissions = [("export_customer", _("Can export the customer list"))]
        indexes = [
            models.Index(fields=["kind", "is_active"]),
            models.Index(fields=["centre", "kind"]),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_arabic(self.name)
        super().save(*args, **kwargs)


class CustomerCodeCounter(models.Model):
    """The last customer code handed out. One row; only ever incremented, so a code is never
    used twice, even after a customer is archived."""

    last_code = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("customer code counter")

    def __str__(self):
        return str(self.last_code)


class StewardDesignation(models.Model):
    """Who may write to the customer database (6.1.4): one steward, one deputy who acts
    only while the steward is marked absent. A single row, edited in the admin."""

    steward = staff_member(_("customer-data steward"), required=True)
    deputy = staff_member(_("deputy steward"), required=True)
    steward_absent = models.BooleanField(
        _("steward is absent"),
        default=False,
        help_text=_("While ticked, the deputy enters approved requests instead of the steward."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data steward designation")
        verbose_name_plural = _("data steward designation")

    def __str__(self):
        return str(_("Data steward designation"))

    def acting_steward(self):
        return self.deputy if self.steward_absent else self.steward


def acting_steward():
    designation = StewardDesignation.objects.select_related("steward", "deputy").first()
    return designation.acting_steward() if designation else None


def may_enter(user):
    """Only the designated steward, or the deputy while the steward is absent (6.1.4)."""
    return user.has_perm("customers.enter_customerrequest") and acting_steward() == user


# Who may take each step of a form (the `permission=` of its transitions).


def _is_preparer(request, user):
    return request.prepared_by_id == user.pk


def _decides(request, user):
    """A manager who approves forms, never on a form they prepared (four eyes)."""
    return user.has_perm("customers.approve_customerrequest") and not _is_preparer(request, user)


def _enters(request, user):
    return may_enter(user)


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting manager review")
    APPROVED = "approved", _("Approved, awaiting entry")
    REJECTED = "rejected", _("Rejected")
    ENTERED = "entered", _("Entered, awaiting filing")
    FILED = "filed", _("Filed")


class RequestKind(models.TextChoices):
    CREATE = "create", _("New record")
    MODIFY = "modify", _("Modify an existing customer")
    IMPORT = "import", _("Import batch")


# The form page's step bar: prepared → submitted → approved → entered → filed.
REQUEST_STEP_PATH = StepPath(
    steps=(
        Step(RequestState.DRAFT, pgettext_lazy("form step", "Prepared")),
        Step(RequestState.SUBMITTED, pgettext_lazy("form step", "Submitted")),
        Step(RequestState.APPROVED, pgettext_lazy("form step", "Approved")),
        Step(RequestState.ENTERED, pgettext_lazy("form step", "Entered")),
        Step(RequestState.FILED, pgettext_lazy("form step", "Filed")),
    ),
    ends=(Step(RequestState.REJECTED, pgettext_lazy("form step", "Rejected")),),
)

# What the deadline of each state (CustomerRequest.due_at) is due for.
REQUEST_DUE_LABELS = {
    RequestState.SUBMITTED: _("Review and approval due"),
    RequestState.APPROVED: _("Entry due"),
    RequestState.ENTERED: _("Filing due"),
}


class CustomerRequest(ConcurrentTransitionMixin, models.Model):
    """نموذج إنشاء وتعديل معلومات العملاء: one form, one or more customer lines (an import
    batch has many). Transitions only change fields in memory; customers.services runs them,
    saves, records a RequestTransition and applies the lines on entry."""

    STEP_PATH = REQUEST_STEP_PATH

    kind = models.CharField(_("request type"), max_length=10, choices=RequestKind.choices)
    state = state_field(RequestState, default=RequestState.DRAFT)
    reason = models.TextField(_("reason for the request"))
    prepared_by = staff_member(_("prepared by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = staff_member(_("approved or rejected by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    duplicate_override_reason = models.TextField(_("reason for overriding duplicates"), blank=True)
    entered_by = staff_member(_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    filed_by = staff_member(_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    # Deadline of the current step (working days, manual 6.2); empty once filed or rejected.
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    source_file_digest = models.CharField(
        _("source file digest"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("customer information form")
        verbose_name_plural = _("customer information forms")
        ordering = ["-id"]
        permissions = [
            ("approve_customerrequest", _("Can approve or reject customer information forms")),
            ("enter_customerrequest", _("Can enter approved forms into the customer database")),
            ("file_customerrequest", _("Can file entered customer information forms")),
        ]

    def __str__(self):
        return _("Form %(number)s") % {"number": self.pk}

    @property
    def state_badge(self):
        """Bootstrap colour of the status badge."""
        return {
            RequestState.DRAFT: "secondary",
            RequestState.SUBMITTED: "warning",
            RequestState.APPROVED: "info",
            RequestState.REJECTED: "danger",
            RequestState.ENTERED: "primary",
            RequestState.FILED: "success",
        }[self.state]

    @property
    def is_overdue(self):
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def due_label(self):
        """What due_at is due for: "Entry due", "Filing due"…"""
        return REQUEST_DUE_LABELS.get(self.state, _("Due"))

    @transition(
        field=state,
        source=RequestState.DRAFT,
        target=RequestState.SUBMITTED,
        permission=_is_preparer,
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=RequestState.SUBMITTED,
        target=RequestState.APPROVED,
        permission=_decides,
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=RequestState.SUBMITTED,
        target=RequestState.REJECTED,
        permission=_decides,
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=RequestState.APPROVED,
        target=RequestState.ENTERED,
        permission=_enters,
    )
    def enter(self):
        pass

    # The customer changed after approval: back to the manager with the new current values
    # (taken by the entry itself, never a button).
    @transition(
        field=state,
        source=RequestState.APPROVED,
        target=RequestState.SUBMITTED,
        custom=AUTOMATIC,
    )
    def return_for_review(self):
        pass

    @transition(
        field=state,
        source=RequestState.ENTERED,
        target=RequestState.FILED,
        permission="customers.file_customerrequest",
    )
    def file(self):
        pass


class LineAction(models.TextChoices):
    CREATE = "create", _("Create")
    MODIFY = "modify", _("Modify")


class CustomerRequestLine(models.Model):
    """One customer in a form: the proposed values, and for a modification the values and
    version the customer had when the form was prepared (to show the diff and detect
    conflicts)."""

    request = models.ForeignKey(CustomerRequest, on_delete=models.CASCADE, related_name="lines")
    action = models.CharField(max_length=10, choices=LineAction.choices)
    customer = optional_link(Customer, related_name="request_lines", verbose_name=_("customer"))
    proposed = models.JSONField(_("proposed values"))
    base_values = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("form line")
        verbose_name_plural = _("form lines")
        ordering = ["id"]

    def __str__(self):
        return f"{self.request_id}/{self.pk} {self.action}"


class RequestTransition(TransitionRecord):
    """The audit trail of a form: every step, who took it, when, with what note."""

    request = models.ForeignKey(
        CustomerRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=RequestState.choices)
    target = models.CharField(max_length=20, choices=RequestState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("customer information form step")
        verbose_name_plural = _("customer information form steps")
