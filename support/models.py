"""Beneficiary support requests (seed 003, «سياسة تنظيم العلاقة مع المستخدمين»: the form
«طلب دعم مستفيد», the social research services guide and the beneficiary support policy).

The seven steps of the seed, from reception to service, are one django-fsm-2 workflow on
`SupportRequest` (support.services takes them):

1. reception — staff register the request (or the public files it online);
2. completeness — each required document present, legible, valid at submission; a request
   with something missing waits in «incomplete» with the list;
3. referral — to the social research officer, who answers, visits and writes the research
   report with a recommendation;
4. declaration — the applicant's signed (or online) declaration: none reaches the committee
   without it;
5. committee — put on a meeting's agenda, accepted (support granted) or rejected (a reason
   and a note); a rejected applicant may appeal once (beyond the seed);
6. registration — an accepted applicant becomes a customer through the customers' form;
7. service — deliveries, distribution days, recurring schedules with re-assessment.

Catalogues (support types with their required documents, document types, rejection
reasons) and the settings row are edited in the admin, with history.
"""

import secrets
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from association.models import Centre
from core.choices import ContactChannel
from core.identity import validate_saudi_national_id
from core.models import SettingsRow, TransitionRecord, optional_link, staff_member, state_field
from core.permissions import holds
from core.phones import format_saudi_mobile_local, validate_saudi_mobile
from core.steps import Step, StepPath
from core.text import normalize_arabic
from core.workflow import AUTOMATIC
from customers.models import Customer, CustomerRequest

# No 0/O, 1/I/L: a tracking number is read out on the phone. «S» first tells a support
# request's number from a complaint's.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 9


def new_tracking_number() -> str:
    return "S" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH - 1))


# --- catalogues --------------------------------------------------------------------------------


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    RECURRING = "recurring", _("Recurring")


class SupportUnit(models.TextChoices):
    RIYALS = "riyals", _("Amount in riyals")
    ITEMS = "items", _("Quantity")


class DocumentType(models.Model):
    """A document an applicant may have to bring (a national ID or Iqama copy, the family
    record, a proof of income, a lease, an IBAN certificate…)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    has_expiry = models.BooleanField(
        _("has an expiry date"),
        default=False,
        help_text=_("Checked for validity on the day the request was received."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support document type")
        verbose_name_plural = _("support document types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SupportType(models.Model):
    """A kind of support of the association's support policy guide (a food basket, rent,
    bills, medical, education…), with the documents it requires and whether it is one-off
    or recurring."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    recurrence = models.CharField(
        _("one-off or recurring"),
        max_length=10,
        choices=Recurrence.choices,
        default=Recurrence.ONE_OFF,
    )
    unit = models.CharField(
        _("measured in"), max_length=10, choices=SupportUnit.choices, default=SupportUnit.RIYALS
    )
    # For recurring support: how often it is given, and when it is assessed again.
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), default=1, help_text=_("For recurring support.")
    )
    reassess_after_months = models.PositiveSmallIntegerField(
        _("re-assess after (months)"), default=6, help_text=_("For recurring support.")
    )
    requires_research = models.BooleanField(
        _("requires social research"),
        default=False,
        help_text=_("Every request of this type goes to the social research officer."),
    )
    required_documents = models.ManyToManyField(
        DocumentType,
        blank=True,
        related_name="support_types",
        verbose_name=_("required documents"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[required_documents])

    class Meta:
        verbose_name = _("support type")
        verbose_name_plural = _("support types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_recurring(self) -> bool:
        return self.recurrence == Recurrence.RECURRING


class RejectionReason(models.Model):
    """A reason the committee may give for rejecting a request (the support policy guide)."""

    name = models.CharField(_("reason"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SupportSettings(SettingsRow):
    """The administrator's settings of the support requests (one row, edited in the admin)."""

    earliest_answer_days = models.PositiveSmallIntegerField(
        _("earliest answer (days after reception)"),
        default=14,
        help_text=_("The applicant is told the answer comes in not less than two weeks."),
    )
    committee_deadline_days = models.PositiveSmallIntegerField(
        _("committee's deadline (days after reception)"), default=30
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support request settings")
        verbose_name_plural = _("support request settings")

    def __str__(self) -> str:
        return str(_("support request settings"))


# --- the request and its workflow --------------------------------------------------------------


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")  # step 1 done, step 2 waits
    INCOMPLETE = "incomplete", _("Incomplete")  # step 2: documents missing or expired
    RESEARCH = "research", _("With the social research officer")  # step 3
    AWAITING_DECLARATION = "awaiting_declaration", _("Awaiting the declaration")  # step 4
    READY = "ready", _("Ready for the committee")  # step 5 waits for a meeting
    ON_AGENDA = "on_agenda", _("On the committee's agenda")
    ACCEPTED = "accepted", pgettext_lazy("support request", "Accepted")
    REJECTED = "rejected", pgettext_lazy("support request", "Rejected")
    APPEALED = "appealed", _("Appealed")  # back to the committee, once
    REGISTERED = "registered", _("Registered as a beneficiary")  # step 6: linked to a customer
    IN_SERVICE = "in_service", _("In service")  # step 7
    CLOSED = "closed", pgettext_lazy("support request", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Before the committee's decision: the requests counted as "open" for duplicates.
OPEN_STATES = (
    RequestState.RECEIVED,
    RequestState.INCOMPLETE,
    RequestState.RESEARCH,
    RequestState.AWAITING_DECLARATION,
    RequestState.READY,
    RequestState.ON_AGENDA,
    RequestState.APPEALED,
)
# Open in any sense (what «عملي» and the queue's default show).
ACTIVE_STATES = (*OPEN_STATES, RequestState.ACCEPTED, RequestState.REGISTERED)
# Decided requests and those being served.
DECIDED_STATES = (
    RequestState.ACCEPTED,
    RequestState.REJECTED,
    RequestState.REGISTERED,
    RequestState.IN_SERVICE,
    RequestState.CLOSED,
)

REQUEST_STEP_PATH = StepPath(
    steps=(
        Step(RequestState.RECEIVED, _("Reception")),
        Step(RequestState.AWAITING_DECLARATION, _("Declaration")),
        Step(RequestState.READY, _("Ready for the committee")),
        Step(RequestState.ON_AGENDA, _("Committee")),
        Step(RequestState.ACCEPTED, pgettext_lazy("support request", "Accepted")),
        Step(RequestState.REGISTERED, _("Registration")),
        Step(RequestState.IN_SERVICE, _("Service")),
        Step(RequestState.CLOSED, pgettext_lazy("support request", "Closed")),
    ),
    at={
        RequestState.INCOMPLETE: RequestState.RECEIVED,
        RequestState.RESEARCH: RequestState.RECEIVED,
        RequestState.APPEALED: RequestState.READY,
    },
    ends=(
        Step(RequestState.REJECTED, pgettext_lazy("support request", "Rejected")),
        Step(RequestState.WITHDRAWN, _("Withdrawn")),
    ),
)


def may_handle(record: object, user: object) -> bool:
    """Reception staff's steps (2, 4, 6, the notice, the appeal), on a request they see
    (centres-affairs staff: their centres')."""
    from .selectors import may_see_request  # the selectors read this module

    return holds(user, "support.handle_request") and may_see_request(
        cast(Any, user), cast(SupportRequest, record)
    )


def may_research(record: object, user: object) -> bool:
    """The social research officer's step (3)."""
    return holds(user, "support.research_request")


def may_schedule(record: object, user: object) -> bool:
    """Whoever keeps the committee's meetings and agenda."""
    return holds(user, "support.manage_committee")


def may_decide(record: object, user: object) -> bool:
    """A member of the research committee (step 5's decision)."""
    return holds(user, "support.decide_request")


def may_deliver(record: object, user: object) -> bool:
    """Step 7: whoever records the support delivered."""
    return holds(user, "support.deliver_support")


def may_withdraw(record: object, user: object) -> bool:
    return may_handle(record, user) or may_research(record, user)


def documents_complete(record: models.Model) -> bool:
    """Step 2's rule: every required document is present, legible and valid on the day the
    request was received."""
    request = cast(SupportRequest, record)
    return request.pk is not None and not request.missing_documents()


def research_done_or_not_required(record: models.Model) -> bool:
    request = cast(SupportRequest, record)
    return not request.support_type.requires_research or request.has_research_report()


def research_report_written(record: models.Model) -> bool:
    """The research officer wrote the report (a draft is enough: submitting it is the step)."""
    return ResearchReport.objects.filter(request_id=record.pk).exists()


def has_declaration(record: models.Model) -> bool:
    return cast(SupportRequest, record).declared_at is not None


def has_no_appeal_yet(record: models.Model) -> bool:
    return cast(SupportRequest, record).appealed_at is None


def has_appeal(record: models.Model) -> bool:
    return cast(SupportRequest, record).appealed_at is not None


def has_customer(record: models.Model) -> bool:
    return cast(SupportRequest, record).customer_id is not None


class DeclarationMethod(models.TextChoices):
    PAPER = "paper", _("Signed on paper and uploaded")
    ONLINE = "online", _("Declared online")


class NoticeChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")


class SupportRequest(ConcurrentTransitionMixin, models.Model):
    """One request for support («طلب دعم مستفيد»). Transitions only change the state in
    memory; support.services takes them, fills the fields, saves and records a
    RequestTransition."""

    STEP_PATH = REQUEST_STEP_PATH

    tracking_number = models.CharField(
        _("tracking number"),
        max_length=TRACKING_LENGTH,
        unique=True,
        editable=False,
        default=new_tracking_number,
    )
    channel = models.CharField(_("channel"), max_length=30, choices=ContactChannel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    # The dates the applicant is told at reception: the answer comes not before the first
    # (reception + SupportSettings.earliest_answer_days) and the committee decides by the
    # second (reception + committee_deadline_days).
    earliest_answer_on = models.DateField(_("earliest answer date"), null=True, blank=True)
    committee_due_on = models.DateField(_("committee's deadline"), null=True, blank=True)

    # The applicant: an existing customer, or a new person typed in (linked at step 6).
    customer = optional_link(Customer, related_name="support_requests", verbose_name=_("customer"))
    applicant_name = models.CharField(_("applicant's name"), max_length=200)
    applicant_national_id = models.CharField(
        _("national ID / Iqama"),
        max_length=10,
        db_index=True,
        validators=[validate_saudi_national_id],
    )
    applicant_mobile = models.CharField(
        _("mobile"), max_length=16, blank=True, db_index=True, validators=[validate_saudi_mobile]
    )
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    # The applicant's name, national ID, mobile and the tracking number, Arabic-normalised,
    # for the queue's search box.
    search_text = models.TextField(_("search text"), editable=False, default="")

    support_type = models.ForeignKey(
        SupportType,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("support type"),
    )
    centre = optional_link(
        Centre, related_name="support_requests", verbose_name=_("neighbourhood centre")
    )
    need = models.TextField(_("the need"), help_text=_("What the applicant asks for and why."))
    state = state_field(RequestState, default=RequestState.RECEIVED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Empty when the applicant filed the request on the public page."),
    )
    # The request's handler: the member of staff who follows it to the committee.
    handler = staff_member(_("handler"))
    last_activity_at = models.DateTimeField(_("last update"), null=True, blank=True)

    # Step 2: the missing or invalid documents when last found incomplete (shown and sent).
    incomplete_list = models.TextField(_("what is missing"), blank=True)
    incomplete_notified_at = models.DateTimeField(_("missing list sent at"), null=True, blank=True)
    documents_checked_at = models.DateTimeField(_("documents checked at"), null=True, blank=True)
    documents_checked_by = staff_member(_("documents checked by"))

    # Step 3: the referral to the social research officer.
    referral_reason = models.TextField(_("reason for the referral"), blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    researcher = staff_member(_("social research officer"))

    # Step 4: the declaration (paper, signed and uploaded; or online, with its time).
    declaration_method = models.CharField(
        _("declaration"), max_length=10, choices=DeclarationMethod.choices, blank=True
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    declaration_scan = models.FileField(
        _("signed declaration"), upload_to="support/declarations/%Y/%m/", blank=True
    )
    declaration_recorded_by = staff_member(_("declaration recorded by"))

    # Step 5: the committee's decision (the latest; each meeting's is on its agenda item).
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    granted_support_type = models.ForeignKey(
        SupportType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support granted"),
    )
    granted_amount = models.DecimalField(
        _("amount granted (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    granted_quantity = models.PositiveIntegerField(_("quantity granted"), null=True, blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("reason for rejection"),
    )
    decision_note = models.TextField(_("committee's note"), blank=True)

    # The decision notice (part B: SMS or a letter PDF).
    notice_channel = models.CharField(
        _("decision notice channel"), max_length=10, choices=NoticeChannel.choices, blank=True
    )
    notice_sent_at = models.DateTimeField(_("decision notice sent at"), null=True, blank=True)
    notice_sent_by = staff_member(_("decision notice sent by"))

    # The appeal (beyond the seed): once, with new information, back to the committee.
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_text = models.TextField(_("new information of the appeal"), blank=True)
    appeal_recorded_by = staff_member(_("appeal recorded by"))

    # Step 6: the customers' create form that registers the applicant, then the link.
    customer_request = models.ForeignKey(
        CustomerRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("registration request"),
    )
    linked_at = models.DateTimeField(_("linked to the customer at"), null=True, blank=True)

    # Step 7 and the end.
    service_started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)

    # The public page (part B): the tracked link the applicant came through first
    # (links.attribution), and a key so that a double submit files once.
    source_link = models.ForeignKey(
        "links.TrackedLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arrived through"),
    )
    submission_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("handle_request", _("Can receive support requests and take their reception steps")),
            ("research_request", _("Can write the social research of support requests")),
            ("manage_committee", _("Can keep the research committee's meetings and agenda")),
            ("decide_request", _("Can take the research committee's decisions")),
            ("view_confidential", _("Can read support requests' research and household")),
            ("view_all_requests", _("Can read the support requests of every centre")),
            ("deliver_support", _("Can record the support delivered")),
            ("run_distribution_day", _("Can run a distribution day")),
            ("view_support_statistics", _("Can see the support requests' statistics")),
            ("export_support_requests", _("Can export the support requests")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="support_request_submitted_once",
            ),
        ]
        indexes = [
            # Open work («عملي», duplicates, the queue's default): a partial index over the
            # requests before the decision; the queries repeat the condition.
            models.Index(
                fields=["state", "committee_due_on"],
                condition=Q(state__in=ACTIVE_STATES),
                name="support_active_due",
            ),
            models.Index(
                fields=["applicant_national_id"],
                condition=Q(state__in=OPEN_STATES),
                name="support_open_national_id",
            ),
            models.Index(fields=["centre", "-received_at"], name="support_centre_received"),
            models.Index(fields=["customer", "-received_at"], name="support_customer_received"),
            models.Index(fields=["support_type", "received_at"], name="support_type_received"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} · {self.applicant_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = request_search_text(
            self.tracking_number,
            self.applicant_name,
            self.applicant_national_id,
            self.applicant_mobile,
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            fields = set(update_fields)
            if fields & {"applicant_name", "applicant_national_id", "applicant_mobile"}:
                kwargs["update_fields"] = [*fields, "search_text"]
        super().save(*args, **kwargs)

    # --- what the pages show --------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """The committee's deadline passed before a decision (shown in red)."""
        return (
            self.state in OPEN_STATES
            and self.committee_due_on is not None
            and self.committee_due_on < timezone.localdate()
        )

    @property
    def due_label(self) -> object:
        return _("Committee's deadline") if self.state in OPEN_STATES else ""

    @property
    def may_answer_from(self) -> date | None:
        return self.earliest_answer_on

    def missing_documents(self) -> list[str]:
        """What step 2 lacks: each required document of the support type not present,
        not legible or expired on the day of reception, in the catalogue's order."""
        checks = {check.document_type_id: check for check in self.documents.all()}
        received = timezone.localdate(self.received_at)
        missing = []
        for document_type in self.support_type.required_documents.all():
            check = checks.get(document_type.pk)
            if check is None or not check.present:
                missing.append(str(_("%(document)s: missing") % {"document": document_type}))
            elif not check.legible:
                missing.append(str(_("%(document)s: not legible") % {"document": document_type}))
            elif document_type.has_expiry and (
                check.expires_on is None or check.expires_on < received
            ):
                missing.append(str(_("%(document)s: expired") % {"document": document_type}))
        return missing

    def has_research_report(self) -> bool:
        return ResearchReport.objects.filter(
            request_id=self.pk, submitted_at__isnull=False
        ).exists()

    # --- step 2: completeness ----------------------------------------------------------

    # Something is missing, expired or illegible: the request waits with the list.
    @transition(
        field=state,
        source=[RequestState.RECEIVED, RequestState.INCOMPLETE],
        target=RequestState.INCOMPLETE,
        permission=may_handle,
    )
    def mark_incomplete(self) -> None:
        pass

    # Everything is there and valid: on to the declaration (research done when required).
    @transition(
        field=state,
        source=[RequestState.RECEIVED, RequestState.INCOMPLETE],
        target=RequestState.AWAITING_DECLARATION,
        permission=may_handle,
        conditions=[documents_complete, research_done_or_not_required],
    )
    def confirm_complete(self) -> None:
        pass

    # --- step 3: referral and research -------------------------------------------------

    @transition(
        field=state,
        source=[
            RequestState.RECEIVED,
            RequestState.INCOMPLETE,
            RequestState.AWAITING_DECLARATION,
        ],
        target=RequestState.RESEARCH,
        permission=may_handle,
    )
    def refer(self) -> None:
        pass

    # The research report is written: back to the completeness check's outcome.
    @transition(
        field=state,
        source=RequestState.RESEARCH,
        target=RequestState.AWAITING_DECLARATION,
        permission=may_research,
        conditions=[research_report_written, documents_complete],
    )
    def finish_research(self) -> None:
        pass

    @transition(
        field=state,
        source=RequestState.RESEARCH,
        target=RequestState.INCOMPLETE,
        permission=may_research,
        conditions=[research_report_written],
    )
    def finish_research_incomplete(self) -> None:
        pass

    # --- step 4: declaration -----------------------------------------------------------

    @transition(
        field=state,
        source=RequestState.AWAITING_DECLARATION,
        target=RequestState.READY,
        permission=may_handle,
        # The service records the declaration (the signed scan, or the online one) first.
        conditions=[documents_complete],
    )
    def declare(self) -> None:
        pass

    # --- step 5: committee ---------------------------------------------------------------

    @transition(
        field=state,
        source=[RequestState.READY, RequestState.APPEALED],
        target=RequestState.ON_AGENDA,
        permission=may_schedule,
        conditions=[has_declaration],
    )
    def put_on_agenda(self) -> None:
        pass

    @transition(
        field=state,
        source=RequestState.ON_AGENDA,
        target=RequestState.READY,
        permission=may_schedule,
        conditions=[has_no_appeal_yet],
        custom=AUTOMATIC,
    )
    def remove_from_agenda(self) -> None:
        pass

    # An appeal taken off the agenda waits for the next meeting as an appeal.
    @transition(
        field=state,
        source=RequestState.ON_AGENDA,
        target=RequestState.APPEALED,
        permission=may_schedule,
        conditions=[has_appeal],
        custom=AUTOMATIC,
    )
    def remove_appeal_from_agenda(self) -> None:
        pass

    @transition(
        field=state,
        source=RequestState.ON_AGENDA,
        target=RequestState.ACCEPTED,
        permission=may_decide,
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=RequestState.ON_AGENDA,
        target=RequestState.REJECTED,
        permission=may_decide,
    )
    def reject(self) -> None:
        pass

    # A rejected applicant may appeal once with new information (beyond the seed).
    @transition(
        field=state,
        source=RequestState.REJECTED,
        target=RequestState.APPEALED,
        permission=may_handle,
        conditions=[has_no_appeal_yet],
    )
    def appeal(self) -> None:
        pass

    # --- step 6: registration (part B) ---------------------------------------------------

    # The accepted applicant is a customer (already, or once the create form was entered).
    @transition(
        field=state,
        source=RequestState.ACCEPTED,
        target=RequestState.REGISTERED,
        permission=may_handle,
        conditions=[has_customer],
    )
    def link_customer(self) -> None:
        pass

    # --- step 7: service (part B) ----------------------------------------------------------

    # The first delivery recorded.
    @transition(
        field=state,
        source=RequestState.REGISTERED,
        target=RequestState.IN_SERVICE,
        permission=may_deliver,
        custom=AUTOMATIC,
    )
    def start_service(self) -> None:
        pass

    # A recurring support's re-assessment date came: back to the social research officer.
    @transition(
        field=state,
        source=RequestState.IN_SERVICE,
        target=RequestState.RESEARCH,
        permission=may_research,
        custom=AUTOMATIC,
    )
    def reassess(self) -> None:
        pass

    @transition(
        field=state,
        source=[RequestState.IN_SERVICE, RequestState.REGISTERED, RequestState.REJECTED],
        target=RequestState.CLOSED,
        permission=may_handle,
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            RequestState.RECEIVED,
            RequestState.INCOMPLETE,
            RequestState.RESEARCH,
            RequestState.AWAITING_DECLARATION,
            RequestState.READY,
        ],
        target=RequestState.WITHDRAWN,
        permission=may_withdraw,
    )
    def withdraw(self) -> None:
        pass


def request_search_text(tracking_number: str, name: str, national_id: str, mobile: str) -> str:
    """What the queue's search box reads: the tracking number, the name (Arabic-normalised),
    the national ID and the mobile in both its stored and its local form («05…»)."""
    local = format_saudi_mobile_local(mobile).replace(" ", "") if mobile else ""
    parts = (tracking_number.casefold(), normalize_arabic(name), national_id, mobile, local)
    return " ".join(part for part in parts if part)


class RequestTransition(TransitionRecord):
    """The audit trail of a request: every step, who took it, when, with what note."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("support request"),
    )
    source = models.CharField(_("from"), max_length=30, choices=RequestState.choices)
    target = models.CharField(_("to"), max_length=30, choices=RequestState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("support request step")
        verbose_name_plural = _("support request steps")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    BROTHER = "brother", _("Brother")
    SISTER = "sister", _("Sister")
    OTHER = "other", pgettext_lazy("relation", "Other")


class HouseholdMember(models.Model):
    """A member of the applicant's household (confidential: support.selectors)."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="household",
        verbose_name=_("support request"),
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    national_id = models.CharField(
        _("national ID / Iqama"),
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_saudi_national_id],
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    added_by = staff_member(_("added by"))
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return self.name


class DocumentCheck(models.Model):
    """Step 2: one required document of a request, checked by staff (present, legible,
    valid at submission), with its scan when uploaded."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("support request"),
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    present = models.BooleanField(_("present"), default=False)
    legible = models.BooleanField(_("legible"), default=False)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    file = models.FileField(_("scan"), upload_to="support/documents/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = staff_member(_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document check")
        verbose_name_plural = _("document checks")
        ordering = ["request", "document_type__position", "document_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "document_type"], name="support_one_check_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.document_type}"


class HousingType(models.TextChoices):
    OWNED = "owned", _("Owned")
    RENTED = "rented", _("Rented")
    FAMILY = "family", _("With family")
    CHARITY = "charity", _("Charitable housing")
    OTHER = "other", pgettext_lazy("housing", "Other")


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("Home visit")
    INTERVIEW = "interview", _("Interview at the centre")
    PHONE = "phone", _("Phone call")


class Recommendation(models.TextChoices):
    ACCEPT = "accept", _("Recommend accepting")
    REJECT = "reject", _("Recommend rejecting")
    MORE_INFORMATION = "more_information", _("More information needed")


class ResearchReport(models.Model):
    """Step 3: the social research officer's report, the research checklist of the social
    research services guide as structured fields, and a recommendation (confidential)."""

    request = models.OneToOneField(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="research_report",
        verbose_name=_("support request"),
    )
    contact_method = models.CharField(
        _("how the applicant was met"), max_length=12, choices=ContactMethod.choices
    )
    contacted_on = models.DateField(_("date of the visit or interview"))
    questions_answered = models.TextField(
        _("questions answered and procedures explained"), blank=True
    )
    # The research checklist.
    household_size = models.PositiveSmallIntegerField(_("household size"))
    monthly_income = models.DecimalField(
        _("household's monthly income (riyals)"), max_digits=10, decimal_places=2
    )
    income_sources = models.CharField(_("sources of income"), max_length=300, blank=True)
    housing_type = models.CharField(_("housing"), max_length=10, choices=HousingType.choices)
    monthly_rent = models.DecimalField(
        _("monthly rent (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    housing_condition = models.CharField(_("housing condition"), max_length=300, blank=True)
    health_condition = models.TextField(_("health (chronic illness, disability)"), blank=True)
    debts_amount = models.DecimalField(
        _("debts (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    debts_note = models.CharField(_("debts: to whom and why"), max_length=300, blank=True)
    other_support = models.CharField(
        _("support received from other bodies"), max_length=300, blank=True
    )
    findings = models.TextField(_("findings"))
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices
    )
    recommended_amount = models.DecimalField(
        _("recommended amount (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    written_by = staff_member(_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    # Empty while a draft; set when the officer hands the request on.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("social research report")
        verbose_name_plural = _("social research reports")

    def __str__(self) -> str:
        return str(self.request)


class ConfidentialPart(models.TextChoices):
    RESEARCH = "research", _("Research report")
    HOUSEHOLD = "household", _("Household")


class ConfidentialAccess(models.Model):
    """Each opening of a request's confidential parts (who, when): appended, never changed."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="confidential_accesses",
        verbose_name=_("support request"),
    )
    part = models.CharField(_("what was opened"), max_length=10, choices=ConfidentialPart.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("confidential access")
        verbose_name_plural = _("confidential accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["request", "-at"], name="support_access_request")]

    def __str__(self) -> str:
        return f"{self.request} · {self.user} · {self.at:%Y-%m-%d %H:%M}"


# --- the research committee ---------------------------------------------------------------


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, minutes closed")


class CommitteeMeeting(models.Model):
    """A meeting of the research committee: its agenda, the members present, the decisions
    and the minutes (a PDF)."""

    number = models.PositiveIntegerField(_("meeting number"), unique=True)
    meets_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("members present"),
    )
    minutes_note = models.TextField(_("minutes: other matters"), blank=True)
    closed_at = models.DateTimeField(_("minutes closed at"), null=True, blank=True)
    closed_by = staff_member(_("minutes closed by"))
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[members_present])

    class Meta:
        verbose_name = _("research committee meeting")
        verbose_name_plural = _("research committee meetings")
        ordering = ["-meets_at", "-id"]

    def __str__(self) -> str:
        return str(_("Meeting %(number)s") % {"number": self.number})

    @property
    def is_planned(self) -> bool:
        return self.state == MeetingState.PLANNED


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    ACCEPTED = "accepted", pgettext_lazy("support request", "Accepted")
    REJECTED = "rejected", pgettext_lazy("support request", "Rejected")


class AgendaItem(models.Model):
    """A request on a meeting's agenda and the committee's decision on it."""

    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("meeting"),
    )
    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("support request"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_appeal = models.BooleanField(_("appeal"), default=False)
    outcome = models.CharField(
        _("decision"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    granted_support_type = models.ForeignKey(
        SupportType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support granted"),
    )
    granted_amount = models.DecimalField(
        _("amount granted (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    granted_quantity = models.PositiveIntegerField(_("quantity granted"), null=True, blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason for rejection"),
    )
    note = models.TextField(_("committee's note"), blank=True)
    decided_by = staff_member(_("recorded by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "request"], name="support_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.request}"


# --- step 7: service (part B's pages and services) ------------------------------------------


class SupportSchedule(models.Model):
    """Recurring support granted to a request: given every `interval_months` from
    `starts_on`; on `reassess_on` the request goes back to the social research officer."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="schedules",
        verbose_name=_("support request"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="support_schedules",
        verbose_name=_("customer"),
    )
    support_type = models.ForeignKey(
        SupportType, on_delete=models.PROTECT, related_name="+", verbose_name=_("support type")
    )
    amount = models.DecimalField(
        _("amount (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"), default=1)
    starts_on = models.DateField(_("starts on"))
    next_due_on = models.DateField(_("next delivery due"), db_index=True)
    reassess_on = models.DateField(_("re-assessment date"), db_index=True)
    reassessment_started_at = models.DateTimeField(
        _("re-assessment started at"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support schedule")
        verbose_name_plural = _("support schedules")
        ordering = ["next_due_on", "id"]
        indexes = [
            models.Index(
                fields=["reassess_on"],
                condition=Q(is_active=True),
                name="support_schedule_reassess",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.support_type}"


class DistributionDayState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("distribution day", "Closed")


class DistributionDay(models.Model):
    """A day when a centre hands out support to many beneficiaries (a food basket…): each
    is recorded once, by scanning or typing the customer code or national ID."""

    title = models.CharField(_("title"), max_length=200)
    day = models.DateField(_("day"))
    centre = optional_link(
        Centre, related_name="distribution_days", verbose_name=_("neighbourhood centre")
    )
    support_type = models.ForeignKey(
        SupportType, on_delete=models.PROTECT, related_name="+", verbose_name=_("support type")
    )
    amount = models.DecimalField(
        _("amount per person (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveIntegerField(_("quantity per person"), null=True, blank=True)
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=DistributionDayState.choices,
        default=DistributionDayState.OPEN,
    )
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("distribution day")
        verbose_name_plural = _("distribution days")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.title} · {self.day}"


class Delivery(models.Model):
    """Support delivered to a beneficiary (step 7): what, how much, when, where, by whom."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="support_deliveries",
        verbose_name=_("beneficiary"),
    )
    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("support request"),
    )
    support_type = models.ForeignKey(
        SupportType, on_delete=models.PROTECT, related_name="+", verbose_name=_("support type")
    )
    amount = models.DecimalField(
        _("amount (riyals)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    centre = optional_link(Centre, related_name="+", verbose_name=_("neighbourhood centre"))
    delivered_by = staff_member(_("delivered by"))
    distribution_day = models.ForeignKey(
        DistributionDay,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("distribution day"),
    )
    schedule = models.ForeignKey(
        SupportSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("support schedule"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("support delivery")
        verbose_name_plural = _("support deliveries")
        ordering = ["-delivered_on", "-id"]
        constraints = [
            # Two staff recording the same beneficiary on the same day record it once.
            models.UniqueConstraint(
                fields=["distribution_day", "customer"],
                condition=Q(distribution_day__isnull=False),
                name="support_once_per_distribution_day",
            )
        ]
        indexes = [
            models.Index(fields=["customer", "-delivered_on"], name="support_delivery_customer"),
            models.Index(fields=["delivered_on", "centre"], name="support_delivery_month"),
            models.Index(fields=["request", "-delivered_on"], name="support_delivery_request"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.support_type} · {self.delivered_on}"


def committee_dates(received: date, settings_row: SupportSettings) -> tuple[date, date]:
    """The earliest answer date and the committee's deadline of a request received that day."""
    return (
        received + timedelta(days=settings_row.earliest_answer_days),
        received + timedelta(days=settings_row.committee_deadline_days),
    )
