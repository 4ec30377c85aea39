"""The complaints register (سجل شكاوى العملاء, manual 5): complaints, inquiries and
suggestions received on any channel, routed to the department that handles them, answered
at once or studied, replied to and closed within working-day deadlines."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from association.models import Centre
from core.choices import ContactChannel
from core.models import TransitionRecord, optional_link, staff_member, state_field
from core.phones import validate_saudi_mobile
from core.steps import Step, StepPath
from core.text import normalize_arabic, text_signature
from customers.models import Customer, CustomerRequest
from programmes.models import Programme

# No 0/O, 1/I/L: a tracking number is read out on the phone.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 8


def new_tracking_number():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


# The channels a case arrives on: the association's channels, and the follow-up of a low
# score in a satisfaction survey (surveys.services opens those cases).
SURVEY_CHANNEL = "survey"
CASE_CHANNEL_CHOICES = [*ContactChannel.choices, (SURVEY_CHANNEL, _("Satisfaction survey"))]


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    INQUIRY = "inquiry", _("Inquiry")
    SUGGESTION = "suggestion", _("Suggestion")


class CaseRoute(models.TextChoices):
    CENTRES = "centres", _("Centres-affairs department")
    CRM = "crm", _("Customer relations department")


class ContactKind(models.TextChoices):
    """What a person not (yet) linked to a customer says they are: it routes the case."""

    BENEFICIARY = "beneficiary", _("Beneficiary of a centre")
    DONOR = "donor", _("Donor or supporter")
    OTHER = "other", _("Other")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Registered")
    CALLBACK_PROMISED = "callback_promised", _("Callback promised")
    UNDER_STUDY = "under_study", _("Under study")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


# The case page's step bar: registered → studied → answered → closed. A promised callback
# is still at "registered"; an immediate answer skips the study.
CASE_STEP_PATH = StepPath(
    steps=(
        Step(CaseState.RECEIVED, pgettext_lazy("case step", "Registered")),
        Step(CaseState.UNDER_STUDY, pgettext_lazy("case step", "Studied")),
        Step(CaseState.REPLIED, pgettext_lazy("case step", "Answered")),
        Step(CaseState.CLOSED, pgettext_lazy("case step", "Closed")),
    ),
    at={CaseState.CALLBACK_PROMISED: CaseState.RECEIVED},
)

# What the deadline of each open state (Case.due_at) is due for.
CASE_DUE_LABELS = {
    CaseState.RECEIVED: _("First answer due"),
    CaseState.CALLBACK_PROMISED: _("Study due"),
    CaseState.UNDER_STUDY: _("Study due"),
    CaseState.REPLIED: _("Closing due"),
}

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


def case_search_text(subject, contact_name):
    return normalize_arabic(f"{subject} {contact_name}")


class FaqState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PUBLISH_FAQ_PERMISSION = "complaints.publish_faqentry"


def _publishes(entry, user):
    """Four eyes: a manager who publishes, never on a text they wrote."""
    return user.has_perm(PUBLISH_FAQ_PERMISSION) and not entry.is_author(user)


class FaqEntry(ConcurrentTransitionMixin, models.Model):
    """A frequent question with its answer (manual 5.1.10). Staff propose, a manager
    approves; only published entries reach the public FAQ page."""

    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    category = optional_link(CaseCategory, related_name="faq_entries", verbose_name=_("category"))
    search_text = models.TextField(_("search text"), editable=False, default="")
    state = state_field(FaqState, default=FaqState.PROPOSED)
    proposed_by = staff_member(_("proposed by"), required=True)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    times_used = models.PositiveIntegerField(_("inquiries answered"), default=0, editable=False)
    # Four eyes (issue 10 item 15): everyone who wrote the text awaiting publication, the
    # proposer and whoever edited its question or answer since; none of them publishes it.
    text_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("written by")
    )
    # Counts the edits, so that a manager publishes the text they read (complaints.faq).
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text", "times_used"])

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["-times_used", "question"]
        permissions = [("publish_faqentry", _("Can publish or reject FAQ entries"))]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.search_text = normalize_arabic(f"{self.question} {self.answer}")
        super().save(*args, **kwargs)

    def is_author(self, user):
        """Did this user write the text of the entry: propose it, or edit its question or
        answer since?"""
        if self.proposed_by_id == user.pk:
            return True
        return self.text_authors.filter(pk=user.pk).exists()

    @transition(
        field=state,
        source=FaqState.PROPOSED,
        target=FaqState.PUBLISHED,
        permission=_publishes,
    )
    def publish(self):
        pass

    @transition(
        field=state,
        source=FaqState.PROPOSED,
        target=FaqState.REJECTED,
        permission=PUBLISH_FAQ_PERMISSION,
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=FaqState.PUBLISHED,
        target=FaqState.WITHDRAWN,
        permission=PUBLISH_FAQ_PERMISSION,
    )
    def withdraw(self):
        pass


class FaqTransition(TransitionRecord):
    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=FaqState.choices)
    target = models.CharField(max_length=20, choices=FaqState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("FAQ entry step")
        verbose_name_plural = _("FAQ entry steps")


def handles_case(case, user):
    """Staff who handle cases, and only on cases of their own queue: who may take a step of
    the case (the `permission=` of its transitions)."""
    from .selectors import user_handles_case  # the queues are read by the selectors

    return user.has_perm("complaints.change_case") and user_handles_case(user, case)


# What the roll-up of the recurring complaints counts by (complaint_tallies): a save that
# writes one of these recounts the thirds of months the case left and reached.
COUNTED_COLUMNS = (
    "kind",
    "received_at",
    "category",
    "centre",
    "routed_to",
    "registered_by",
    "subject_signature",
)
COUNTED_FIELDS = {*COUNTED_COLUMNS, "category_id", "centre_id", "registered_by_id", "subject"}


class Case(ConcurrentTransitionMixin, models.Model):
    """One complaint, inquiry or suggestion. Transitions only change the state in memory;
    complaints.services runs them, fills the fields, saves and records a CaseTransition."""

    STEP_PATH = CASE_STEP_PATH

    tracking_number = models.CharField(
        _("tracking number"), max_length=TRACKING_LENGTH, unique=True, editable=False
    )
    kind = models.CharField(_("type"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=30, choices=CASE_CHANNEL_CHOICES)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    customer = optional_link(Customer, related_name="cases", verbose_name=_("customer"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_mobile = models.CharField(
        _("contact mobile"), max_length=16, blank=True, validators=[validate_saudi_mobile]
    )
    # What the person said they are when no customer was chosen; a linked customer's own
    # kind wins for routing (complaints.services.route_for).
    contact_kind = models.CharField(
        _("the person is"), max_length=20, choices=ContactKind.choices, blank=True
    )
    # A public filing whose mobile is a customer's: shown to staff as a possible match until
    # a handler confirms it (then `customer` is set) or dismisses it.
    possible_customer = optional_link(
        Customer, related_name="possible_cases", verbose_name=_("possible customer match")
    )
    centre = optional_link(Centre, related_name="cases", verbose_name=_("neighbourhood centre"))
    programme = optional_link(Programme, related_name="cases", verbose_name=_("programme"))
    category = optional_link(CaseCategory, related_name="cases", verbose_name=_("category"))
    subject = models.CharField(_("subject"), max_length=200)
    subject_signature = models.CharField(
        _("subject signature"), max_length=200, editable=False, db_index=True, default=""
    )
    # The subject and the contact's name, Arabic-normalised, for the register's search box
    # (a trigram index on PostgreSQL, migration 0004).
    search_text = models.TextField(_("search text"), editable=False, default="")
    description = models.TextField(_("description"))
    routed_to = models.CharField(
        _("handled by"), max_length=10, choices=CaseRoute.choices, db_index=True
    )
    # When the case last reached its current queue from another one (a referral, or a
    # re-route when it was linked to a customer of another kind): until the receiving
    # department acts on it, it is "newly referred" on their my-work page.
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    state = state_field(CaseState, default=CaseState.RECEIVED)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    assigned_to = staff_member(_("assigned to"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Empty when the person filed the case on the public page."),
    )
    answer_due_at = models.DateTimeField(
        _("answer due"),
        null=True,
        blank=True,
        help_text=_("End of the working day after receipt: the answer deadline (manual 5.2)."),
    )
    last_activity_at = models.DateTimeField(_("last update"), null=True, blank=True)
    faq_entry = optional_link(
        FaqEntry, related_name="answered_cases", verbose_name=_("answered from the FAQ")
    )
    customer_request = models.ForeignKey(
        CustomerRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("registration request"),
    )
    # The tracked link the person came through first (links.attribution) when the case
    # was filed on the public page. Named by string: links sits above complaints and
    # reads the cases attributed to a link (links.outcomes); complaints never imports it.
    source_link = models.ForeignKey(
        "links.TrackedLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arrived through"),
    )
    causes = models.TextField(_("analysis of causes"), blank=True)
    # Complaints procedure step 3: "تحديد الجهة التي تساعد على الحل", another department,
    # a centre or an outside party.
    helping_party = models.CharField(_("party that can help solve it"), max_length=200, blank=True)
    immediate_answer = models.TextField(_("immediate answer"), blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("complaints register")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["routed_to", "state"]),
            models.Index(fields=["category", "centre", "received_at"]),
            # The weekly register review counts each department's cases closed in the week.
            models.Index(fields=["routed_to", "closed_at"], name="case_route_closed"),
            # The register's capped count of what a department sees (its queue, or what its
            # people registered), searched or not: read from this index alone, not from the
            # table. On PostgreSQL it also INCLUDEs the searched words and the customer
            # (migration 0015; SQLite has no INCLUDE, so the model state keeps the plain key).
            models.Index(fields=["routed_to", "registered_by"], name="case_route_registrar"),
            # A wording group's third of a month, recounted after a write (complaint_tallies).
            models.Index(
                fields=["subject_signature", "received_at"],
                condition=models.Q(kind="complaint"),
                name="case_complaint_signature",
            ),
            # Open work ("عملي", the headline figures, the customer 360's badge): partial
            # indexes over the open cases alone, a small part of the register however large
            # it grows. The queries repeat the condition (state__in=OPEN_STATES).
            models.Index(
                fields=["routed_to", "due_at"],
                condition=models.Q(state__in=OPEN_STATES),
                name="case_open_due",
            ),
            models.Index(
                fields=["routed_to", "-referred_at"],
                condition=models.Q(state__in=OPEN_STATES, referred_at__isnull=False),
                name="case_open_referred",
            ),
            models.Index(
                fields=["customer", "due_at"],
                condition=models.Q(state__in=OPEN_STATES),
                name="case_open_of_customer",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_number} · {self.subject}"

    def save(self, *args, **kwargs):
        from . import complaint_tallies  # reads this module's models

        self.subject_signature = text_signature(self.subject)
        self.search_text = case_search_text(self.subject, self.contact_name)
        update_fields = kwargs.get("update_fields")
        counted = update_fields is None or bool(set(update_fields) & COUNTED_FIELDS)
        left = set()
        if counted and not self._state.adding and self.pk is not None:
            before = Case.objects.filter(pk=self.pk).only(*COUNTED_COLUMNS).first()
            left = complaint_tallies.buckets_of(before) if before else set()
        super().save(*args, **kwargs)
        if counted:
            # The roll-up of the recurring complaints, in the same transaction.
            complaint_tallies.refresh(left | complaint_tallies.buckets_of(self))

    @property
    def time_to_reply(self):
        return self.replied_at - self.received_at if self.replied_at else None

    @property
    def answered_within_deadline(self):
        if self.replied_at is None or self.answer_due_at is None:
            return None
        return self.replied_at <= self.answer_due_at

    @property
    def route_display(self):
        """Where the case is handled: the department, and the centre for centres affairs
        ("قسم شؤون المراكز – مركز حي الصفا")."""
        label = self.get_routed_to_display()
        if self.routed_to == CaseRoute.CENTRES and self.centre_id:
            return f"{label} – {self.centre}"
        return str(label)

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

    @property
    def due_label(self):
        """What due_at is due for: "Study due", "Closing due"…"""
        return CASE_DUE_LABELS.get(self.state, _("Due"))

    def has_reply(self):
        return bool((self.reply or self.immediate_answer).strip())

    @transition(
        field=state,
        source=CaseState.RECEIVED,
        target=CaseState.REPLIED,
        permission=handles_case,
    )
    def answer_immediately(self):
        pass

    @transition(
        field=state,
        source=CaseState.RECEIVED,
        target=CaseState.CALLBACK_PROMISED,
        permission=handles_case,
    )
    def promise_callback(self):
        pass

    @transition(
        field=state,
        source=[CaseState.RECEIVED, CaseState.CALLBACK_PROMISED],
        target=CaseState.UNDER_STUDY,
        permission=handles_case,
    )
    def start_study(self):
        pass

    @transition(
        field=state,
        source=[CaseState.UNDER_STUDY, CaseState.CALLBACK_PROMISED],
        target=CaseState.REPLIED,
        permission=handles_case,
    )
    def record_reply(self):
        pass

    @transition(
        field=state,
        source=CaseState.REPLIED,
        target=CaseState.CLOSED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[has_reply],  # type: ignore[list-item]
        permission=handles_case,
    )
    def close(self):
        pass


class CaseTransition(TransitionRecord):
    """The audit trail of a case: every step, who took it, when, with what note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=CaseState.choices)
    target = models.CharField(max_length=20, choices=CaseState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")


class CaseEventKind(models.TextChoices):
    REFERRED = "referred", _("Referred")
    REROUTED = "rerouted", _("Re-routed")
    MATCH_CONFIRMED = "match_confirmed", _("Customer match confirmed")
    MATCH_DISMISSED = "match_dismissed", _("Customer match dismissed")


def route_label(route, centre):
    label = CaseRoute(route).label if route in CaseRoute.values else route
    if route == CaseRoute.CENTRES and centre is not None:
        return f"{label} – {centre}"
    return str(label)


class CaseEvent(models.Model):
    """The audit trail of what is not a step of the workflow: a referral to another
    department or centre, a re-route when the case is linked to a customer of another kind,
    and the confirmation or dismissal of a public filing's customer match. Who, when, from
    which queue to which, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_route = models.CharField(
        _("from department"), max_length=10, choices=CaseRoute.choices, blank=True
    )
    from_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from centre"),
    )
    to_route = models.CharField(
        _("to department"), max_length=10, choices=CaseRoute.choices, blank=True
    )
    to_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to centre"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.case_id} · {self.kind} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def moves(self):
        return bool(self.to_route)

    @property
    def from_display(self):
        return route_label(self.from_route, self.from_centre)

    @property
    def to_display(self):
        return route_label(self.to_route, self.to_centre)


class CaseEntry(models.Model):
    """A dated entry in the register: what was done on the case that day."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("entry"))

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case_id} · {self.at:%Y-%m-%d}"


def attachment_path(attachment, filename):
    # The stored name is random: the original name is kept in the row, never trusted on disk.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        attachment.content_type, "bin"
    )
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class CaseAttachment(models.Model):
    """An image or PDF sent with a case; served only through a permission-checked view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = staff_member(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class RecurringGroupReview(models.Model):
    """The quality officer's analysis of one recurring group (manual 5.1.7-5.1.8): the root
    causes found with the departments concerned and the solutions proposed. Groups are
    computed (complaints.recurring); this row keeps what was written about one of them."""

    group_key = models.CharField(max_length=250, unique=True)
    label = models.CharField(_("group"), max_length=300)
    root_causes = models.TextField(_("root causes"), blank=True)
    proposed_solutions = models.TextField(_("proposed solutions"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recurring-group review")
        verbose_name_plural = _("recurring-group reviews")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.label


class ComplaintTally(models.Model):
    """The complaints of one recurring group received in one third of a calendar month
    (Riyadh: days 1-10, 11-20, 21 to the end), handled by one queue (route and centre) and
    registered by one person:
    how many, the first and the latest, and the smallest subject (a wording group's label).
    The recurring-complaints pages add these up instead of counting every complaint of the
    period (complaints.complaint_tallies). Kept by Case.save() and the services that move
    a case with update(): each write recounts the thirds a complaint left and reached; bulk
    writes rebuild them (complaint_tallies.rebuild)."""

    # The first day of the third: the 1st, 11th or 21st.
    part = models.DateField(_("from"))
    # complaints.recurring's group key: "cc:<category>:<centre or ->" or "tx:<signature>".
    group_key = models.CharField(_("group"), max_length=210)
    routed_to = models.CharField(_("handled by"), max_length=10, choices=CaseRoute.choices)
    # The case's centre (0: none), for the queues of centres-affairs staff; who registered
    # it (0: the public), for whoever reads the cases they registered for another queue.
    centre_key = models.PositiveIntegerField(_("centre"), default=0)
    registrar_key = models.PositiveIntegerField(_("registered by"), default=0)
    count = models.PositiveIntegerField(_("complaints"), default=0)
    first_at = models.DateTimeField(_("first"))
    last_at = models.DateTimeField(_("latest"))
    sample = models.CharField(_("subject"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("complaints tally")
        verbose_name_plural = _("complaints tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "group_key", "routed_to", "centre_key", "registrar_key"],
                name="complaint_tally_bucket",
            )
        ]

    def __str__(self):
        return f"{self.part:%Y-%m-%d} {self.group_key}"


class RecommendationDecision(models.TextChoices):
    RAISED = "raised", _("Awaiting decision")
    APPROVED = "approved", pgettext_lazy("recommendation", "Approved")
    REJECTED = "rejected", pgettext_lazy("recommendation", "Rejected")


class Implementation(models.TextChoices):
    PENDING = "pending", pgettext_lazy("recommendation", "Not yet due")
    IMPLEMENTED = "implemented", pgettext_lazy("recommendation", "Implemented")
    NOT_IMPLEMENTED = "not_implemented", pgettext_lazy("recommendation", "Not implemented")


DECIDE_RECOMMENDATION = "complaints.decide_recommendation"


def follows_up_recommendation(recommendation, user):
    """The owner records the implementation and the investigation, as does any holder of
    change_recommendation (the department managers)."""
    return recommendation.owner_id == user.pk or user.has_perm("complaints.change_recommendation")


def _recommendation_state(rec: "Recommendation") -> str:
    """Its decision, then, once approved, its implementation."""
    if rec.decision == RecommendationDecision.APPROVED:
        return str(rec.implementation)
    return str(rec.decision)


# The recommendation page's step bar: raised → approved → implemented.
RECOMMENDATION_STEP_PATH = StepPath(
    steps=(
        Step(RecommendationDecision.RAISED, pgettext_lazy("recommendation step", "Raised")),
        Step(Implementation.PENDING, pgettext_lazy("recommendation step", "Approved")),
        Step(Implementation.IMPLEMENTED, pgettext_lazy("recommendation step", "Implemented")),
    ),
    at={Implementation.NOT_IMPLEMENTED: Implementation.PENDING},
    ends=(Step(RecommendationDecision.REJECTED, pgettext_lazy("recommendation", "Rejected")),),
    state_of=_recommendation_state,
)


class Recommendation(ConcurrentTransitionMixin, models.Model):
    """A recommendation raised by a department manager from the weekly review of the
    register (procedure step 8), decided by the sub-council secretary (step 9) and followed
    up: one not implemented gets an investigation of the reasons within 2 working days
    (performance-reports procedure, step 4)."""

    STEP_PATH = RECOMMENDATION_STEP_PATH

    text = models.TextField(_("recommendation"))
    department = models.CharField(_("department"), max_length=10, choices=CaseRoute.choices)
    group_key = models.CharField(_("recurring group"), max_length=250, blank=True)
    owner = staff_member(_("owner"), required=True)
    due_date = models.DateField(_("due date"))
    raised_by = staff_member(_("raised by"), required=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    decision = state_field(
        RecommendationDecision, default=RecommendationDecision.RAISED, verbose_name=_("decision")
    )
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    implementation = state_field(
        Implementation, default=Implementation.PENDING, verbose_name=_("implementation")
    )
    implementation_note = models.TextField(_("implementation note"), blank=True)
    implementation_recorded_at = models.DateTimeField(null=True, blank=True)
    investigation_due_at = models.DateTimeField(_("investigation due"), null=True, blank=True)
    investigation_reasons = models.TextField(_("reasons found"), blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    investigated_by = staff_member(_("investigated by"))
    register_review = optional_link(
        "RegisterReview",
        related_name="recommendations",
        verbose_name=_("raised from the weekly review"),
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-raised_at", "-id"]
        permissions = [("decide_recommendation", _("Can decide on recommendations"))]

    def __str__(self):
        return self.text[:80]

    @property
    def investigation_overdue(self):
        return (
            self.investigation_due_at is not None
            and self.investigated_at is None
            and self.investigation_due_at < timezone.now()
        )

    @transition(
        field=decision,
        source=RecommendationDecision.RAISED,
        target=RecommendationDecision.APPROVED,
        permission=DECIDE_RECOMMENDATION,
    )
    def approve(self):
        pass

    @transition(
        field=decision,
        source=RecommendationDecision.RAISED,
        target=RecommendationDecision.REJECTED,
        permission=DECIDE_RECOMMENDATION,
    )
    def reject(self):
        pass

    def is_approved(self):
        return self.decision == RecommendationDecision.APPROVED

    @transition(
        field=implementation,
        source=[Implementation.PENDING, Implementation.NOT_IMPLEMENTED],
        target=Implementation.IMPLEMENTED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[is_approved],  # type: ignore[list-item]
        permission=follows_up_recommendation,
    )
    def mark_implemented(self):
        pass

    @transition(
        field=implementation,
        source=Implementation.PENDING,
        target=Implementation.NOT_IMPLEMENTED,
        # django-fsm-2 types a condition as taking any Model, not this one.
        conditions=[is_approved],  # type: ignore[list-item]
        permission=follows_up_recommendation,
    )
    def mark_not_implemented(self):
        pass


_RECOMMENDATION_STATES = RecommendationDecision.choices + Implementation.choices


class RecommendationTransition(TransitionRecord):
    """Both machines of a recommendation, the decision and the implementation, in one trail."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=_RECOMMENDATION_STATES)
    target = models.CharField(max_length=20, choices=_RECOMMENDATION_STATES)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("recommendation step")
        verbose_name_plural = _("recommendation steps")


# --- the weekly review of the register (procedure step 8, أسبوعي) -------------------------


class RegisterReviewSchedule(models.Model):
    """Since when a department's register is reviewed weekly: earlier weeks are never
    counted as missed. Created with the week the weekly reviews arrived (migration 0005);
    an administrator may move it."""

    department = models.CharField(
        _("department"), max_length=10, choices=CaseRoute.choices, unique=True
    )
    starts_on = models.DateField(
        _("first week reviewed"),
        help_text=_("Any day of the first working week (Sunday to Thursday) to review."),
    )

    class Meta:
        verbose_name = _("weekly review schedule")
        verbose_name_plural = _("weekly review schedules")
        ordering = ["department"]

    def __str__(self):
        return f"{self.get_department_display()} · {self.starts_on:%Y-%m-%d}"


class RegisterReview(models.Model):
    """A department manager's weekly review of the complaints register (procedure step 8):
    the CRM manager reviews the CRM department's cases, the centres-affairs manager the
    centres'. Keeps what was looked at (the week, the register's figures shown when
    reviewing, the findings); recommendations raised from it point to it."""

    department = models.CharField(_("department"), max_length=10, choices=CaseRoute.choices)
    week_start = models.DateField(_("week"), help_text=_("The Sunday the working week starts."))
    reviewer = staff_member(_("reviewed by"), required=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    findings = models.TextField(_("findings"))
    # The register's figures for the department as shown to the reviewer.
    received_count = models.PositiveIntegerField(_("received this week"), default=0)
    closed_count = models.PositiveIntegerField(_("closed this week"), default=0)
    open_count = models.PositiveIntegerField(_("open"), default=0)
    overdue_count = models.PositiveIntegerField(_("overdue"), default=0)
    deadline = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly register review")
        verbose_name_plural = _("weekly register reviews")
        ordering = ["-week_start", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "week_start"], name="one_register_review_per_week"
            )
        ]

    def __str__(self):
        return f"{self.get_department_display()} · {self.week_start:%Y-%m-%d}"

    @property
    def is_late(self):
        return self.deadline is not None and self.reviewed_at > self.deadline


# --- proposed solutions of a recurring group and their monitoring (procedure step 7) -------


class SolutionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("solution", "In progress")
    IMPLEMENTED = "implemented", _("Implemented, effect to check")
    EFFECTIVE = "effective", _("Implemented and effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")
    CANCELLED = "cancelled", pgettext_lazy("solution", "Cancelled")


# Statuses in which the solution still has to be implemented by its due date.
SOLUTION_OPEN_STATUSES = (
    SolutionStatus.NOT_STARTED,
    SolutionStatus.IN_PROGRESS,
    SolutionStatus.NOT_EFFECTIVE,
)


# The quality officer monitors every solution; its owner reports its progress.
MONITOR_SOLUTION = "complaints.change_proposedsolution"


def reports_on_solution(solution, user):
    owner = solution.owner_id is not None and solution.owner_id == user.pk
    return owner or user.has_perm(MONITOR_SOLUTION)


# The solution page's step bar: not started → in progress → implemented → effective.
SOLUTION_STEP_PATH = StepPath(
    steps=(
        Step(SolutionStatus.NOT_STARTED, pgettext_lazy("solution step", "Proposed")),
        Step(SolutionStatus.IN_PROGRESS, pgettext_lazy("solution step", "Under way")),
        Step(SolutionStatus.IMPLEMENTED, pgettext_lazy("solution step", "Implemented")),
        Step(SolutionStatus.EFFECTIVE, pgettext_lazy("solution step", "Effective")),
    ),
    at={SolutionStatus.NOT_EFFECTIVE: SolutionStatus.IMPLEMENTED},
    ends=(Step(SolutionStatus.CANCELLED, pgettext_lazy("solution", "Cancelled")),),
    field="status",
)


class ProposedSolution(ConcurrentTransitionMixin, models.Model):
    """One solution the quality officer proposes for a recurring group (procedure step 7:
    "propose solutions and how to implement them, and monitor their implementation"): the
    solution, its implementation plan, owner and due date, and its monitoring status,
    moved with dated notes (SolutionMonitoring). Edits are kept by simple-history.

    Solutions written as free text before (RecurringGroupReview.proposed_solutions) were
    migrated into a first solution without plan, owner or due date (migration 0006)."""

    STEP_PATH = SOLUTION_STEP_PATH

    review = models.ForeignKey(
        RecurringGroupReview,
        on_delete=models.CASCADE,
        related_name="solutions",
        verbose_name=_("recurring group"),
    )
    text = models.TextField(_("proposed solution"))
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    owner = staff_member(_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = state_field(
        SolutionStatus, default=SolutionStatus.NOT_STARTED, verbose_name=_("monitoring status")
    )
    created_by = staff_member(_("proposed by"), required=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposed solution")
        verbose_name_plural = _("proposed solutions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]

    @property
    def is_open(self):
        return self.status in SOLUTION_OPEN_STATUSES

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def status_badge(self):
        return {
            SolutionStatus.NOT_STARTED: "secondary",
            SolutionStatus.IN_PROGRESS: "info",
            SolutionStatus.IMPLEMENTED: "primary",
            SolutionStatus.EFFECTIVE: "success",
            SolutionStatus.NOT_EFFECTIVE: "danger",
            SolutionStatus.CANCELLED: "light",
        }[self.status]

    @transition(
        field=status,
        source=SolutionStatus.NOT_STARTED,
        target=SolutionStatus.IN_PROGRESS,
        permission=reports_on_solution,
    )
    def start(self):
        pass

    @transition(
        field=status,
        source=SolutionStatus.IN_PROGRESS,
        target=SolutionStatus.IMPLEMENTED,
        permission=reports_on_solution,
    )
    def complete(self):
        pass

    @transition(
        field=status,
        source=SolutionStatus.IMPLEMENTED,
        target=SolutionStatus.EFFECTIVE,
        permission=MONITOR_SOLUTION,
    )
    def confirm_effective(self):
        pass

    @transition(
        field=status,
        source=SolutionStatus.IMPLEMENTED,
        target=SolutionStatus.NOT_EFFECTIVE,
        permission=MONITOR_SOLUTION,
    )
    def mark_not_effective(self):
        pass

    @transition(
        field=status,
        source=SolutionStatus.NOT_EFFECTIVE,
        target=SolutionStatus.IN_PROGRESS,
        permission=MONITOR_SOLUTION,
    )
    def resume(self):
        pass

    @transition(
        field=status,
        source=SOLUTION_OPEN_STATUSES,
        target=SolutionStatus.CANCELLED,
        permission=MONITOR_SOLUTION,
    )
    def cancel(self):
        pass


class SolutionMonitoring(TransitionRecord):
    """A dated monitoring note on a proposed solution: who, when, what they found, and the
    status it moved to (the same status for a note alone)."""

    solution = models.ForeignKey(
        ProposedSolution, on_delete=models.CASCADE, related_name="monitoring"
    )
    source = models.CharField(max_length=20, choices=SolutionStatus.choices)
    target = models.CharField(max_length=20, choices=SolutionStatus.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("solution monitoring entry")
        verbose_name_plural = _("solution monitoring entries")
