"""Opportunities with donors (خلق الفرص, manual 3.1.11–3.1.15 and 3.1.21) and donor contact
under a single point of contact. Donations received from the finance system (6.1.7) are the
finance app's."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.choices import ContactChannel
from core.models import TransitionRecord, optional_link, staff_member, state_field
from core.steps import Step, StepPath
from core.text import normalize_arabic
from core.workflow import AUTOMATIC
from customers.models import Customer
from programmes.models import Programme, ProgrammeCategory

# An open opportunity not updated for this long is stale (weekly review, procedure step 5).
STALE_AFTER = timedelta(days=7)


class OpportunityState(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSING = "closing", _("Closing")
    SUCCESSFUL = "successful", _("Successful")
    # ملغاة (feminine, فرصة); a programme is ملغى: see programmes.models.ProgrammeStatus.
    CANCELLED = "cancelled", pgettext_lazy("opportunity state", "Cancelled")


OPEN_STATES = (
    OpportunityState.IDENTIFICATION,
    OpportunityState.FOLLOW_UP,
    OpportunityState.CLOSING,
)


class OpportunityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def stale(self, now=None):
        return self.open().filter(last_activity_at__lt=(now or timezone.now()) - STALE_AFTER)


MOVE_OPPORTUNITY = "opportunities.move_opportunity"


# The opportunity page's step bar: identification → follow-up → closing → successful.
OPPORTUNITY_STEP_PATH = StepPath(
    steps=(
        Step(OpportunityState.IDENTIFICATION, OpportunityState.IDENTIFICATION.label),
        Step(OpportunityState.FOLLOW_UP, OpportunityState.FOLLOW_UP.label),
        Step(OpportunityState.CLOSING, OpportunityState.CLOSING.label),
        Step(OpportunityState.SUCCESSFUL, OpportunityState.SUCCESSFUL.label),
    ),
    ends=(Step(OpportunityState.CANCELLED, OpportunityState.CANCELLED.label),),
)


class Opportunity(ConcurrentTransitionMixin, models.Model):
    STEP_PATH = OPPORTUNITY_STEP_PATH

    title = models.CharField(_("title"), max_length=200)
    # The title as the search box compares it (core.text.normalize_arabic), kept by save()
    # and by the correction service; a trigram index serves it on PostgreSQL (migration 0008).
    title_normalized = models.TextField(editable=False, default="")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("programme or activity"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_opportunities",
        verbose_name=_("owner"),
    )
    state = state_field(OpportunityState, default=OpportunityState.IDENTIFICATION)
    expected_amount = models.DecimalField(
        _("expected amount (SAR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    probability = models.PositiveSmallIntegerField(
        _("success probability (%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    success_factors = models.TextField(_("success factors"), blank=True)
    potential_donors: "models.ManyToManyField[Customer, PotentialDonor]" = models.ManyToManyField(
        Customer,
        through="PotentialDonor",
        related_name="potential_opportunities",
        verbose_name=_("potential donors"),
    )
    # The written pledge (تعهد خطي), required to enter closing.
    pledge_donor = optional_link(
        Customer, related_name="pledged_opportunities", verbose_name=_("pledging donor")
    )
    pledged_amount = models.DecimalField(
        _("pledged amount (SAR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    pledge_date = models.DateField(_("pledge date"), null=True, blank=True)
    pledge_file = models.FileField(_("signed pledge"), upload_to="pledges/%Y/", blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    success_override_reason = models.TextField(
        _("reason for success without full receipt"), blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Any recorded work (contact, probability change, transition) counts as activity.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-last_activity_at"]
        # The admin's list orders by -last_activity_at, -id: walked backwards, this index gives
        # its page without sorting every opportunity of the latest instant (bulk writes share
        # one), whatever the size of the table.
        indexes = [models.Index(fields=["last_activity_at", "id"], name="opportunity_latest")]
        permissions = [
            ("move_opportunity", _("Can move opportunities between states")),
            ("approve_donorcontact", _("Can approve contact with another's donor")),
            (
                "approve_donorcontact_resources",
                _("Can approve contact with another's donor for resource development"),
            ),
            (
                "approve_donorcontact_secretary",
                _("Can approve contact with another's donor as the sub-council secretary"),
            ),
            ("view_pledge", _("Can open the signed pledges of opportunities")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=100),
                name="opportunity_probability_is_a_percentage",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title_normalized = normalize_arabic(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_normalized"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_stale(self):
        return self.is_open and self.last_activity_at < timezone.now() - STALE_AFTER

    @transition(
        field=state,
        source=OpportunityState.IDENTIFICATION,
        target=OpportunityState.FOLLOW_UP,
        permission=MOVE_OPPORTUNITY,
    )
    def start_follow_up(self):
        pass

    @transition(
        field=state,
        source=OpportunityState.FOLLOW_UP,
        target=OpportunityState.CLOSING,
        permission=MOVE_OPPORTUNITY,
    )
    def close_with_pledge(self):
        pass

    @transition(
        field=state,
        source=OpportunityState.CLOSING,
        target=OpportunityState.SUCCESSFUL,
        permission=MOVE_OPPORTUNITY,
    )
    def mark_successful(self):
        pass

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=OpportunityState.CANCELLED,
        permission=MOVE_OPPORTUNITY,
    )
    def cancel(self):
        pass


class PotentialDonor(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, verbose_name=_("opportunity")
    )
    donor = models.ForeignKey(Customer, on_delete=models.PROTECT, verbose_name=_("donor"))
    # True when the system proposed this donor from their interests.
    suggested = models.BooleanField(_("suggested from interests"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("potential donor")
        verbose_name_plural = _("potential donors")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "donor"], name="unique_potential_donor")
        ]

    def __str__(self):
        return f"{self.opportunity_id}: {self.donor_id}"


class OpportunityTransition(TransitionRecord):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=OpportunityState.choices)
    target = models.CharField(max_length=20, choices=OpportunityState.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("opportunity step")
        verbose_name_plural = _("opportunity steps")


class ProbabilityChange(models.Model):
    """How the relationship grows or fades: every change of probability or factors."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="probability_changes",
        verbose_name=_("opportunity"),
    )
    old_probability = models.PositiveSmallIntegerField(
        _("old probability (%)"),
    )
    new_probability = models.PositiveSmallIntegerField(
        _("new probability (%)"),
    )
    success_factors = models.TextField(_("success factors"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("probability change")
        verbose_name_plural = _("probability changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.opportunity_id}: {self.old_probability}% → {self.new_probability}%"


class DonorInterest(models.Model):
    """A programme category a donor wants to fund (3.1.12)."""

    donor = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="interests", verbose_name=_("donor")
    )
    category = models.ForeignKey(
        ProgrammeCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donor interest")
        verbose_name_plural = _("donor interests")
        constraints = [
            models.UniqueConstraint(fields=["donor", "category"], name="unique_donor_interest")
        ]

    def __str__(self):
        return f"{self.donor_id}: {self.category_id}"


class ContactApproval(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No approval needed")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DonorContact(ConcurrentTransitionMixin, models.Model):
    """A contact with a donor, made or planned (3.1.21).

    A contact by anyone other than the donor's approved point of contact needs the approval
    of three parties, given in parallel (ContactApprovalStep): the CRM manager, resource
    development and the sub-council secretary. A planned contact is a request to contact:
    once approved, the contact made under it is recorded as its own row (`made_under`)."""

    donor = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("donor")
    )
    opportunity = optional_link(Opportunity, related_name="contacts", verbose_name=_("opportunity"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="donor_contacts_made",
        verbose_name=_("staff member"),
    )
    contact_date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=30, choices=ContactChannel.choices)
    summary = models.TextField(_("summary"))
    is_planned = models.BooleanField(_("planned (not yet made)"), default=False)
    approval = FSMField(
        _("approval"),
        max_length=20,
        choices=ContactApproval.choices,
        default=ContactApproval.NOT_NEEDED,
        protected=True,
        db_index=True,
    )
    # The planned contact (request to contact) this contact was made under.
    made_under = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="made_contact",
        verbose_name=_("made under the request"),
    )
    # Who settled the approval (the last approver, or the one who refused), when, and why.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donor contact")
        verbose_name_plural = _("donor contacts")
        ordering = ["-contact_date", "-id"]
        indexes = [
            models.Index(fields=["donor", "contact_date"]),
            # The list's order, walked backwards: a page of contacts searched by their
            # donor's name checks each row's donor by key until the page is full
            # (opportunities.admin.DonorContactAdmin) instead of sorting every match.
            models.Index(fields=["contact_date", "id"], name="donor_contact_newest"),
        ]

    def __str__(self):
        return f"{self.donor_id} {self.contact_date}"

    @property
    def is_flagged(self):
        return self.approval != ContactApproval.NOT_NEEDED

    @property
    def is_request(self):
        """Planned by someone who needs the approvals first: a request to contact."""
        return self.is_planned and self.is_flagged

    @property
    def counts_as_made(self):
        """Made, and either needing no approval or approved (the follow-up guard)."""
        return not self.is_planned and self.approval in (
            ContactApproval.NOT_NEEDED,
            ContactApproval.APPROVED,
        )

    @transition(field=approval, source=ContactApproval.PENDING, target=ContactApproval.APPROVED)
    def approve(self):
        pass

    @transition(field=approval, source=ContactApproval.PENDING, target=ContactApproval.REFUSED)
    def refuse(self):
        pass


class ApprovalParty(models.TextChoices):
    """The three parties whose knowledge and approval a contact by someone other than the
    point of contact needs (3.1.21), in the order they are shown."""

    CRM_MANAGER = "crm_manager", _("CRM manager")
    RESOURCE_DEVELOPMENT = "resource_development", _("Resource development")
    COUNCIL_SECRETARY = "council_secretary", _("Sub-council secretary")


# The permission that lets a user decide for each party (association.roles grants them).
PARTY_PERMISSIONS = {
    ApprovalParty.CRM_MANAGER: "opportunities.approve_donorcontact",
    ApprovalParty.RESOURCE_DEVELOPMENT: "opportunities.approve_donorcontact_resources",
    ApprovalParty.COUNCIL_SECRETARY: "opportunities.approve_donorcontact_secretary",
}


class StepDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    # Another party refused first: this party's decision is no longer needed.
    CLOSED = "closed", _("Not needed: refused by another approver")


class ContactApprovalStep(models.Model):
    """One party's decision on a flagged contact: who, when, approve or refuse and why."""

    contact = models.ForeignKey(
        DonorContact,
        on_delete=models.CASCADE,
        related_name="approval_steps",
        verbose_name=_("contact"),
    )
    party = models.CharField(_("approver"), max_length=30, choices=ApprovalParty.choices)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=StepDecision.choices,
        default=StepDecision.PENDING,
        db_index=True,
    )
    due_at = models.DateTimeField(_("deadline"))
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contact approval")
        verbose_name_plural = _("contact approvals")
        ordering = ["contact", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "party"], name="one_step_per_party")
        ]

    def __str__(self):
        return f"{self.contact_id}: {self.get_party_display()} {self.get_decision_display()}"


class DesignationState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting the sub-council secretary")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Replaced by a later designation")


# The designation page's step bar: proposed → approved (then replaced by a later one).
DESIGNATION_STEP_PATH = StepPath(
    steps=(
        Step(DesignationState.PROPOSED, pgettext_lazy("designation step", "Proposed")),
        Step(DesignationState.APPROVED, pgettext_lazy("designation step", "Approved")),
    ),
    at={DesignationState.ENDED: DesignationState.APPROVED},
    ends=(Step(DesignationState.REFUSED, pgettext_lazy("designation", "Refused")),),
)


class PointOfContactDesignation(ConcurrentTransitionMixin, models.Model):
    """The designation of a donor's single point of contact (3.1.21): proposed by the CRM
    department or resource development, approved by the sub-council secretary. Approving
    sets Customer.point_of_contact and ends the donor's earlier designation."""

    STEP_PATH = DESIGNATION_STEP_PATH

    donor = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="contact_designations",
        verbose_name=_("donor"),
    )
    staff = staff_member(_("point of contact"), required=True)
    proposed_by = staff_member(_("proposed by"))
    reason = models.TextField(_("reason"), blank=True)
    state = state_field(DesignationState, default=DesignationState.PROPOSED)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Recorded by migration from the point of contact set on the customer form before
    # designations needed the secretary's approval.
    carried_over = models.BooleanField(_("carried over from the customer record"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("point of contact designation")
        verbose_name_plural = _("point of contact designations")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_pointofcontactdesignation", _("Can approve a donor's point of contact")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["donor"],
                condition=models.Q(state="approved"),
                name="one_approved_point_of_contact_per_donor",
            ),
            models.UniqueConstraint(
                fields=["donor", "staff"],
                condition=models.Q(state="proposed"),
                name="one_open_proposal_per_donor_and_person",
            ),
        ]

    def __str__(self):
        return f"{self.donor_id} → {self.staff_id} ({self.get_state_display()})"

    @transition(field=state, source=DesignationState.PROPOSED, target=DesignationState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=DesignationState.PROPOSED, target=DesignationState.REFUSED)
    def refuse(self):
        pass

    @transition(field=state, source=DesignationState.APPROVED, target=DesignationState.ENDED)
    def end(self):
        pass


class DesignationTransition(TransitionRecord):
    designation = models.ForeignKey(
        PointOfContactDesignation, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=DesignationState.choices)
    target = models.CharField(max_length=20, choices=DesignationState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("point-of-contact designation step")
        verbose_name_plural = _("point-of-contact designation steps")


class CorrectedField(models.TextChoices):
    TITLE = "title", _("title")
    EXPECTED_AMOUNT = "expected_amount", _("expected amount (SAR)")
    PROGRAMME = "programme", _("programme or activity")


class OpportunityCorrection(models.Model):
    """A correction of an open opportunity's title, expected amount or programme by its
    owner or the CRM manager: one row per changed field, old and new as people read them."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("opportunity"),
    )
    field = models.CharField(_("corrected field"), max_length=30, choices=CorrectedField.choices)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    note = models.TextField(_("reason for the correction"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opportunity correction")
        verbose_name_plural = _("opportunity corrections")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.opportunity_id}: {self.field} {self.old_value} → {self.new_value}"


# --- problems that threaten a donor relationship (3.1.17, 3.1.20) -----------------------
#
# Kept at the end of the module: the register's services, views and pages live in their own
# modules (opportunities/problems.py, views_problems.py, urls_problems.py).


class ProblemKind(models.TextChoices):
    # External: the donor's side (3.1.17, "امتناع المانحين عن تنفيذ التزاماتهم").
    PLEDGE_NOT_HONOURED = "pledge_not_honoured", _("Donor not honouring a pledge")
    LATE_PAYMENT = "late_payment", _("Late payment of a pledge")
    DONOR_DISSATISFIED = "donor_dissatisfied", _("Donor dissatisfied")
    OTHER_EXTERNAL = "other_external", _("Other problem on the donor's side")
    # Internal: a problem in the association's service that affects the relationship.
    SERVICE_PROBLEM = "service_problem", _("Problem in the service delivered")
    LATE_REPORTING = "late_reporting", _("Late report or information to the donor")
    OTHER_INTERNAL = "other_internal", _("Other internal problem")


EXTERNAL_PROBLEM_KINDS = (
    ProblemKind.PLEDGE_NOT_HONOURED,
    ProblemKind.LATE_PAYMENT,
    ProblemKind.DONOR_DISSATISFIED,
    ProblemKind.OTHER_EXTERNAL,
)
INTERNAL_PROBLEM_KINDS = (
    ProblemKind.SERVICE_PROBLEM,
    ProblemKind.LATE_REPORTING,
    ProblemKind.OTHER_INTERNAL,
)


class ProblemSeverity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved")


UNRESOLVED_PROBLEM_STATES = (ProblemState.OPEN, ProblemState.IN_PROGRESS)


def handles_problem(problem, user):
    """The owner handles the problem, and so does the CRM manager (any problem)."""
    return problem.owner_id == user.pk or user.has_perm("opportunities.manage_donorproblem")


# The problem page's step bar: open → being handled → resolved.
PROBLEM_STEP_PATH = StepPath(
    steps=(
        Step(ProblemState.OPEN, pgettext_lazy("problem step", "Recorded")),
        Step(ProblemState.IN_PROGRESS, ProblemState.IN_PROGRESS.label),
        Step(ProblemState.RESOLVED, ProblemState.RESOLVED.label),
    ),
)


class DonorProblem(ConcurrentTransitionMixin, models.Model):
    """A problem that may harm the relationship with a donor, handled urgently by the CRM
    manager (3.1.20): first action and resolution each have a deadline set by the severity."""

    STEP_PATH = PROBLEM_STEP_PATH

    donor = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="relationship_problems",
        verbose_name=_("donor"),
    )
    opportunity = optional_link(Opportunity, related_name="problems", verbose_name=_("opportunity"))
    programme = optional_link(
        Programme, related_name="donor_problems", verbose_name=_("programme or activity")
    )
    kind = models.CharField(_("kind of problem"), max_length=30, choices=ProblemKind.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=ProblemSeverity.choices, db_index=True
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_donor_problems",
        verbose_name=_("owner"),
    )
    raised_by = staff_member(_("raised by"), required=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    respond_by = models.DateTimeField(_("first action due"))
    resolve_by = models.DateTimeField(_("resolution due"), db_index=True)
    state = state_field(ProblemState, default=ProblemState.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = staff_member(_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("donor-relationship problem")
        verbose_name_plural = _("donor-relationship problems")
        ordering = ["-raised_at", "-id"]
        permissions = [
            ("manage_donorproblem", _("Can handle any donor-relationship problem and assign it"))
        ]

    def __str__(self):
        return self.title

    @property
    def is_external(self):
        return self.kind in EXTERNAL_PROBLEM_KINDS

    @property
    def is_resolved(self):
        return self.state == ProblemState.RESOLVED

    @property
    def response_overdue(self):
        return self.state == ProblemState.OPEN and self.respond_by < timezone.now()

    @property
    def resolution_overdue(self):
        return not self.is_resolved and self.resolve_by < timezone.now()

    @property
    def is_overdue(self):
        return self.response_overdue or self.resolution_overdue

    @property
    def next_due(self):
        """The deadline that matters now: the first action while open, then the resolution."""
        if self.state == ProblemState.OPEN:
            return self.respond_by
        if self.state == ProblemState.IN_PROGRESS:
            return self.resolve_by
        return None

    # Taken by the problem's first action, never a button.
    @transition(
        field=state, source=ProblemState.OPEN, target=ProblemState.IN_PROGRESS, custom=AUTOMATIC
    )
    def start_handling(self):
        pass

    @transition(
        field=state,
        source=ProblemState.IN_PROGRESS,
        target=ProblemState.RESOLVED,
        permission=handles_problem,
    )
    def resolve(self):
        pass


class ProblemAction(models.Model):
    """One dated entry of a problem's actions log: what was done, by whom."""

    problem = models.ForeignKey(
        DonorProblem, on_delete=models.CASCADE, related_name="actions", verbose_name=_("problem")
    )
    action_date = models.DateField(_("date"))
    text = models.TextField(_("action taken"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action on a problem")
        verbose_name_plural = _("actions on problems")
        ordering = ["-action_date", "-id"]

    def __str__(self):
        return f"{self.problem_id} {self.action_date}"


class ProblemTransition(TransitionRecord):
    problem = models.ForeignKey(DonorProblem, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=ProblemState.choices)
    target = models.CharField(max_length=20, choices=ProblemState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("donor problem step")
        verbose_name_plural = _("donor problem steps")
