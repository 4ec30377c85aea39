"""The complaints register (سجل شكاوى العملاء, manual 5): complaints, inquiries and
suggestions received on any channel, routed to the department that handles them, answered
at once or studied, replied to and closed within working-day deadlines."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from association.models import Centre
from core.choices import ContactChannel
from core.models import TransitionRecord
from core.phones import validate_saudi_mobile
from customers.models import Customer
from programmes.models import Programme

# No 0/O, 1/I/L: a tracking number is read out on the phone.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 8


def new_tracking_number():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    INQUIRY = "inquiry", _("Inquiry")
    SUGGESTION = "suggestion", _("Suggestion")


class CaseRoute(models.TextChoices):
    CENTRES = "centres", _("Centres-affairs department")
    CRM = "crm", _("Customer relations department")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Registered")
    CALLBACK_PROMISED = "callback_promised", _("Callback promised")
    UNDER_STUDY = "under_study", _("Under study")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (
    CaseState.RECEIVED,
    CaseState.CALLBACK_PROMISED,
    CaseState.UNDER_STUDY,
    CaseState.REPLIED,
)


class CaseCategory(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Case(ConcurrentTransitionMixin, models.Model):
    """One complaint, inquiry or suggestion. Transitions only change the state in memory;
    complaints.services runs them, fills the fields, saves and records a CaseTransition."""

    tracking_number = models.CharField(
        _("tracking number"), max_length=TRACKING_LENGTH, unique=True, editable=False
    )
    kind = models.CharField(_("type"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=30, choices=ContactChannel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("customer"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_mobile = models.CharField(
        _("contact mobile"), max_length=16, blank=True, validators=[validate_saudi_mobile]
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("neighbourhood centre"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("programme"),
    )
    category = models.ForeignKey(
        CaseCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("category"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    routed_to = models.CharField(
        _("handled by"), max_length=10, choices=CaseRoute.choices, db_index=True
    )
    state = FSMField(
        _("status"),
        default=CaseState.RECEIVED,
        choices=CaseState.choices,
        protected=True,
        db_index=True,
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    causes = models.TextField(_("analysis of causes"), blank=True)
    immediate_answer = models.TextField(_("immediate answer"), blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("complaints register")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["routed_to", "state"])]

    def __str__(self):
        return f"{self.tracking_number} · {self.subject}"

    @property
    def contact_display(self):
        return str(self.customer) if self.customer_id else self.contact_name

    @property
    def state_badge(self):
        return {
            CaseState.RECEIVED: "secondary",
            CaseState.CALLBACK_PROMISED: "warning",
            CaseState.UNDER_STUDY: "info",
            CaseState.REPLIED: "primary",
            CaseState.CLOSED: "success",
        }[self.state]

    @property
    def is_overdue(self):
        return self.due_at is not None and self.due_at < timezone.now()

    def has_reply(self):
        return bool((self.reply or self.immediate_answer).strip())

    @transition(field=state, source=CaseState.RECEIVED, target=CaseState.REPLIED)
    def answer_immediately(self):
        pass

    @transition(field=state, source=CaseState.RECEIVED, target=CaseState.CALLBACK_PROMISED)
    def promise_callback(self):
        pass

    @transition(
        field=state,
        source=[CaseState.RECEIVED, CaseState.CALLBACK_PROMISED],
        target=CaseState.UNDER_STUDY,
    )
    def start_study(self):
        pass

    @transition(
        field=state,
        source=[CaseState.UNDER_STUDY, CaseState.CALLBACK_PROMISED],
        target=CaseState.REPLIED,
    )
    def record_reply(self):
        pass

    @transition(
        field=state, source=CaseState.REPLIED, target=CaseState.CLOSED, conditions=[has_reply]
    )
    def close(self):
        pass


class CaseTransition(TransitionRecord):
    """The audit trail of a case: every step, who took it, when, with what note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=CaseState.choices)
    target = models.CharField(max_length=20, choices=CaseState.choices)


class CaseEntry(models.Model):
    """A dated entry in the register: what was done on the case that day."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("entry"))

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case_id} · {self.at:%Y-%m-%d}"
