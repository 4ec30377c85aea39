"""Marketing campaigns (manual 3.1.1–3.1.10, the procedure «الحملات التسويقية»): the annual
marketing plan and its coordination, and each campaign from its channels to its launch.

Two django-fsm-2 workflows taken through core.workflow (campaigns/services.py):

- the plan (3.1.8): draft → coordination → submitted → approved, or returned with a reason
  (back to coordination once revised);
- a campaign (procedure steps 1–6): draft → channels submitted → channels approved →
  proposals requested → proposal chosen → programme submitted → programme approved →
  launched; management may return the channels or the programme; the CRM manager may cancel.
"""

from decimal import Decimal
from typing import Any, cast

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition

from association.models import Centre, City
from core.models import TransitionRecord, optional_link, staff_member, state_field
from core.steps import Step, StepPath
from customers.models import Customer, CustomerKind
from programmes.models import Programme, ProgrammeCategory


def money(verbose_name: Any, *, required: bool = True) -> "models.DecimalField[Any, Any]":
    """An amount in riyals, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=not required,
        blank=not required,
        validators=[MinValueValidator(Decimal(0))],
    )


# --- the annual plan ----------------------------------------------------------------------


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan", "Draft")
    COORDINATION = "coordination", _("In coordination")
    SUBMITTED = "submitted", pgettext_lazy("plan", "Submitted to management")
    APPROVED = "approved", pgettext_lazy("plan", "Approved")
    RETURNED = "returned", pgettext_lazy("plan", "Returned")


EDITABLE_PLAN_STATES = (PlanState.DRAFT, PlanState.COORDINATION, PlanState.RETURNED)


class Department(models.TextChoices):
    """The departments the plan is coordinated with (3.1.8)."""

    FINANCE = "finance", _("Financial affairs")
    PLANNING = "planning", _("Strategic planning and service development")
    CENTRES = "centres", _("Centres affairs")
    PROGRAMMES = "programmes", _("Programmes and projects")


class Verdict(models.TextChoices):
    AGREE = "agree", _("Agrees")
    COMMENTS = "comments", _("Has comments")


def may_manage_campaigns(record: object, user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)("campaigns.manage_campaign"))


def may_approve_campaigns(record: object, user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)("campaigns.approve_campaign"))


def plan_fully_coordinated(record: models.Model) -> bool:
    plan = cast(MarketingPlan, record)
    return plan.pk is not None and set(
        plan.coordinations.values_list("department", flat=True)
    ) >= set(Department.values)


PLAN_STEP_PATH = StepPath(
    steps=(
        Step(PlanState.DRAFT, pgettext_lazy("plan", "Draft")),
        Step(PlanState.COORDINATION, _("Coordination")),
        Step(PlanState.SUBMITTED, _("Management's decision")),
        Step(PlanState.APPROVED, pgettext_lazy("plan", "Approved")),
    ),
    at={PlanState.RETURNED: PlanState.DRAFT},
)


class MarketingPlan(ConcurrentTransitionMixin, models.Model):
    """The CRM department's annual plan of marketing campaigns (3.1.8), one per Gregorian
    year."""

    STEP_PATH = PLAN_STEP_PATH

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(
        _("objectives"),
        help_text=_("What the plan aims at, tied to the association's goals (3.1.1)."),
    )
    strategic_goals = models.TextField(
        _("association goals and strategic plan in force"),
        help_text=_("The goals and the strategic plan these objectives serve."),
    )
    promotion_plans = models.TextField(
        _("periodic promotion plans"),
        blank=True,
        help_text=_("Awareness of the vision, mission, values and activities."),
    )
    timing = models.TextField(_("timing"), blank=True)
    state = state_field(PlanState, default=PlanState.DRAFT)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_by = staff_member(_("prepared by"), required=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual marketing plan")
        verbose_name_plural = _("annual marketing plans")
        ordering = ["-year"]
        permissions = [
            ("approve_marketingplan", _("Can approve or return the annual marketing plan")),
            ("coordinate_marketingplan", _("Can record a department's coordination on the plan")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def due_label(self) -> object:
        if self.state == PlanState.COORDINATION:
            return _("Coordination notes due")
        if self.state == PlanState.SUBMITTED:
            return _("Management's decision due")
        return ""

    @transition(
        field=state,
        source=[PlanState.DRAFT, PlanState.RETURNED],
        target=PlanState.COORDINATION,
        permission="campaigns.change_marketingplan",
    )
    def send_for_coordination(self) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.COORDINATION,
        target=PlanState.SUBMITTED,
        permission="campaigns.change_marketingplan",
        conditions=[plan_fully_coordinated],
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.APPROVED,
        permission="campaigns.approve_marketingplan",
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.RETURNED,
        permission="campaigns.approve_marketingplan",
    )
    def return_plan(self) -> None:
        pass


class PlanCoordination(models.Model):
    """One department's note on the plan before it goes to management (3.1.8)."""

    plan = models.ForeignKey(
        MarketingPlan,
        on_delete=models.CASCADE,
        related_name="coordinations",
        verbose_name=_("plan"),
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = staff_member(_("recorded by"), required=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan coordination note")
        verbose_name_plural = _("plan coordination notes")
        ordering = ["department"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "department"], name="one_note_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_department_display()}"


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(
        MarketingPlan, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("plan")
    )
    source = models.CharField(_("from"), max_length=20, choices=PlanState.choices)
    target = models.CharField(_("to"), max_length=20, choices=PlanState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")


# --- campaigns ----------------------------------------------------------------------------


class CampaignState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign", "Draft")
    CHANNELS_SUBMITTED = "channels_submitted", _("Channels awaiting approval")
    CHANNELS_APPROVED = "channels_approved", _("Channels approved")
    PROPOSALS_REQUESTED = "proposals_requested", _("Awaiting the agency's proposals")
    PROPOSAL_CHOSEN = "proposal_chosen", _("Proposal chosen")
    PROGRAMME_SUBMITTED = "programme_submitted", _("Programme awaiting approval")
    PROGRAMME_APPROVED = "programme_approved", _("Programme approved")
    LAUNCHED = "launched", pgettext_lazy("campaign", "Launched")
    CANCELLED = "cancelled", pgettext_lazy("campaign", "Cancelled")


OPEN_CAMPAIGN_STATES = tuple(
    state for state in CampaignState.values if state not in ("launched", "cancelled")
)


class Channel(models.TextChoices):
    """Advertising channels and methods (3.1.4, 3.1.7)."""

    WEBSITE = "website", _("Website")
    E_CAMPAIGN = "e_campaign", _("Electronic campaign")
    SMS = "sms", _("Targeted SMS")
    EMAIL = "email", _("Email")
    LEAFLETS = "leaflets", _("Printed leaflets")
    BILLBOARDS = "billboards", _("Outdoor billboards")
    SOCIAL = "social", _("Social media")
    EVENTS = "events", _("Events")


def has_channels(record: models.Model) -> bool:
    campaign = cast(Campaign, record)
    return bool(campaign.channels)


def has_proposals(record: models.Model) -> bool:
    campaign = cast(Campaign, record)
    return campaign.pk is not None and campaign.proposals.exists()


def has_placements(record: models.Model) -> bool:
    campaign = cast(Campaign, record)
    return campaign.pk is not None and campaign.placements.exists()


def plan_allows_launch(record: models.Model) -> bool:
    campaign = cast(Campaign, record)
    """Only an approved plan's campaigns are launched; an ad hoc one carries its reason and
    was approved with its channels."""
    if campaign.plan_id is None:
        return bool(campaign.adhoc_reason)
    return campaign.plan.state == PlanState.APPROVED


CAMPAIGN_STEP_PATH = StepPath(
    steps=(
        Step(CampaignState.DRAFT, _("Channels")),
        Step(CampaignState.CHANNELS_SUBMITTED, _("Channels approval")),
        Step(CampaignState.CHANNELS_APPROVED, _("Agency requirements")),
        Step(CampaignState.PROPOSALS_REQUESTED, _("Proposals")),
        Step(CampaignState.PROPOSAL_CHOSEN, _("Advertising programme")),
        Step(CampaignState.PROGRAMME_SUBMITTED, _("Programme approval")),
        Step(CampaignState.PROGRAMME_APPROVED, _("Launch")),
        Step(CampaignState.LAUNCHED, pgettext_lazy("campaign", "Launched")),
    ),
    ends=(Step(CampaignState.CANCELLED, pgettext_lazy("campaign", "Cancelled")),),
)


# The campaign's many-to-many choices: its target segment and the programmes it promotes.
CAMPAIGN_RELATIONS = ("cities", "centres", "interests", "programmes")


class Campaign(ConcurrentTransitionMixin, models.Model):
    """A marketing campaign (3.1.2–3.1.7): part of an approved plan or ad hoc with a reason."""

    STEP_PATH = CAMPAIGN_STEP_PATH

    plan = optional_link(MarketingPlan, related_name="campaigns", verbose_name=_("annual plan"))
    adhoc_reason = models.TextField(
        _("reason for a campaign outside the plan"),
        blank=True,
        help_text=_("Required when the campaign belongs to no plan (on need)."),
    )
    title = models.CharField(_("campaign"), max_length=200)
    objectives = models.TextField(_("objectives"))
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    budget = money(_("estimated budget"))
    # The target segment (3.1.5): residents by city and centre, donors by type and interest.
    cities = models.ManyToManyField(City, blank=True, related_name="+", verbose_name=_("cities"))
    centres = models.ManyToManyField(
        Centre, blank=True, related_name="+", verbose_name=_("centres")
    )
    customer_kinds = models.JSONField(_("customer types"), default=list, blank=True)
    interests = models.ManyToManyField(
        ProgrammeCategory, blank=True, related_name="+", verbose_name=_("donor interests")
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="campaigns", verbose_name=_("programmes promoted")
    )
    # Measurable targets (3.1.9).
    target_reach = models.PositiveIntegerField(_("target reach"), null=True, blank=True)
    target_visits = models.PositiveIntegerField(_("target visits"), null=True, blank=True)
    target_new_customers = models.PositiveIntegerField(
        _("target new customers"), null=True, blank=True
    )
    target_support_requests = models.PositiveIntegerField(
        _("target support requests"), null=True, blank=True
    )
    target_donations = money(_("target donations (riyals)"), required=False)
    target_opportunities = models.PositiveIntegerField(
        _("target opportunities"), null=True, blank=True
    )
    # Step 1: the channels and method (3.1.4, 3.1.7).
    channels = models.JSONField(_("channels"), default=list, blank=True)
    channel_notes = models.TextField(
        _("method and places"),
        blank=True,
        help_text=_("Distribution places of leaflets, billboard locations, accounts, events."),
    )
    # Step 2: the agency and the requirements.
    agency = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_campaigns",
        verbose_name=_("advertising agency"),
    )
    requirements = models.TextField(_("requirements discussed with the agency"), blank=True)
    proposals_requested_at = models.DateTimeField(
        _("proposals requested at"), null=True, blank=True
    )
    # A new request makes a new nonce: earlier upload links stop working.
    agency_link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    # Step 4: the evaluation and the chosen proposal.
    evaluation = models.TextField(_("evaluation"), blank=True)
    more_advertising_needed = models.BooleanField(_("more advertising needed"), default=False)
    chosen_proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen proposal"),
    )
    # Step 6: the launch.
    launched_on = models.DateField(_("launch date"), null=True, blank=True)
    state = state_field(CampaignState, default=CampaignState.DRAFT)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = staff_member(_("prepared by"), required=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("marketing campaign")
        verbose_name_plural = _("marketing campaigns")
        ordering = ["-starts_on", "-id"]
        permissions = [
            ("manage_campaign", _("Can take the CRM manager's steps of a campaign")),
            ("approve_campaign", _("Can approve a campaign's channels and programme")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | ~Q(adhoc_reason=""),
                name="campaign_in_plan_or_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="campaign_open_due",
                condition=Q(state__in=OPEN_CAMPAIGN_STATES),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adhoc(self) -> bool:
        return self.plan_id is None

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in OPEN_CAMPAIGN_STATES
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    @property
    def due_label(self) -> object:
        return DUE_LABELS.get(self.state, "")

    def channel_labels(self) -> list[str]:
        names = dict(Channel.choices)
        return [str(names[code]) for code in self.channels if code in names]

    def customer_kind_labels(self) -> list[str]:
        names = dict(CustomerKind.choices)
        return [str(names[code]) for code in self.customer_kinds if code in names]

    @transition(
        field=state,
        source=CampaignState.DRAFT,
        target=CampaignState.CHANNELS_SUBMITTED,
        permission=may_manage_campaigns,
        conditions=[has_channels],
    )
    def submit_channels(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.CHANNELS_SUBMITTED,
        target=CampaignState.CHANNELS_APPROVED,
        permission=may_approve_campaigns,
    )
    def approve_channels(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.CHANNELS_SUBMITTED,
        target=CampaignState.DRAFT,
        permission=may_approve_campaigns,
    )
    def return_channels(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.CHANNELS_APPROVED,
        target=CampaignState.PROPOSALS_REQUESTED,
        permission=may_manage_campaigns,
    )
    def request_proposals(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.PROPOSALS_REQUESTED,
        target=CampaignState.PROPOSAL_CHOSEN,
        permission=may_manage_campaigns,
        conditions=[has_proposals],
    )
    def choose_proposal(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.PROPOSAL_CHOSEN,
        target=CampaignState.PROGRAMME_SUBMITTED,
        permission=may_manage_campaigns,
        conditions=[has_placements],
    )
    def submit_programme(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.PROGRAMME_SUBMITTED,
        target=CampaignState.PROGRAMME_APPROVED,
        permission=may_approve_campaigns,
        conditions=[plan_allows_launch],
    )
    def approve_programme(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.PROGRAMME_SUBMITTED,
        target=CampaignState.PROPOSAL_CHOSEN,
        permission=may_approve_campaigns,
    )
    def return_programme(self) -> None:
        pass

    @transition(
        field=state,
        source=CampaignState.PROGRAMME_APPROVED,
        target=CampaignState.LAUNCHED,
        permission=may_manage_campaigns,
        conditions=[plan_allows_launch],
    )
    def launch(self) -> None:
        pass

    @transition(
        field=state,
        source=list(OPEN_CAMPAIGN_STATES),
        target=CampaignState.CANCELLED,
        permission=may_manage_campaigns,
    )
    def cancel(self) -> None:
        pass


DUE_LABELS = {
    CampaignState.CHANNELS_SUBMITTED: _("Channels approval due"),
    CampaignState.PROPOSALS_REQUESTED: _("Agency's proposals due"),
    CampaignState.PROPOSAL_CHOSEN: _("Evaluation recorded; programme to define"),
    CampaignState.PROGRAMME_SUBMITTED: _("Programme approval due"),
    CampaignState.PROGRAMME_APPROVED: _("Launch due"),
}


class CampaignTransition(TransitionRecord):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("campaign")
    )
    source = models.CharField(_("from"), max_length=30, choices=CampaignState.choices)
    target = models.CharField(_("to"), max_length=30, choices=CampaignState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("campaign step")
        verbose_name_plural = _("campaign steps")


def proposal_path(proposal: "Proposal", filename: str) -> str:
    return f"campaigns/{proposal.campaign_id}/proposals/v{proposal.version}-{filename}"


class Proposal(models.Model):
    """One version of the agency's proposals (step 3): a PDF or an image, checked by content.
    A new upload never replaces an earlier one."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("campaign")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=proposal_path, max_length=300)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    note = models.TextField(_("note"), blank=True)
    uploaded_by = staff_member(_("uploaded by"))
    by_agency = models.BooleanField(_("sent by the agency"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("agency proposal")
        verbose_name_plural = _("agency proposals")
        ordering = ["campaign", "version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="one_proposal_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


# The public complaint form (public:file): what most placements invite people to do.
DEFAULT_PLACEMENT_TARGET = "/public/cases/new/"


class Placement(models.Model):
    """One line of the advertising programme (step 5): where and when, at what cost, from
    which proposal. The links app attaches a tracked link to it through a generic key."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="placements", verbose_name=_("campaign")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    location = models.CharField(_("medium or location"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    cost = money(_("cost"))
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("from proposal"),
    )
    # Where its tracked link sends visitors: a page of this site or an allowed address
    # (links.targets). Kept as a path, not a URL name, because the link stores it as typed.
    target = models.CharField(
        _("target page"),
        max_length=2000,
        default=DEFAULT_PLACEMENT_TARGET,
        help_text=_(
            "Where the placement's short link and QR code lead: a page of this site (e.g. "
            "/public/cases/new/) or a full address whose host is on the allowed list."
        ),
    )
    added_by = staff_member(_("added by"), required=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="placement_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.location}"


def evidence_path(evidence: "LaunchEvidence", filename: str) -> str:
    return f"campaigns/{evidence.campaign_id}/launch/{filename}"


class LaunchEvidence(models.Model):
    """Proof of the launch (step 6): a photo of a billboard or a link to a post."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("campaign")
    )
    photo = models.FileField(_("photo"), upload_to=evidence_path, blank=True, max_length=300)
    url = models.URLField(_("link"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = staff_member(_("added by"), required=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("launch evidence")
        verbose_name_plural = _("launch evidence")
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(photo="") | ~Q(url=""), name="evidence_has_photo_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.url or self.photo.name
