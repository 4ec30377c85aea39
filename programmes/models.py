"""The programmes and activities portfolio (محفظة البرامج والأنشطة), supplied once or twice a
year by the strategic planning department (manual 3.1.11). Opportunities, donations,
surveys and complaints refer to these programmes."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition
from simple_history.models import HistoricalRecords

from association.models import Centre
from core.models import TransitionRecord, optional_link, staff_member, state_field
from core.steps import Step, StepPath
from core.text import normalize_arabic
from customers.models import Customer


class ProgrammeCategory(models.Model):
    """What a programme is about; donors record the categories they want to fund."""

    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("programme category")
        verbose_name_plural = _("programme categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Running")
    COMPLETED = "completed", _("Completed")
    # A programme (برنامج) is ملغى; an opportunity (فرصة) is ملغاة: two msgids by context.
    CANCELLED = "cancelled", pgettext_lazy("programme status", "Cancelled")


class Programme(models.Model):
    code = models.CharField(_("programme code"), max_length=30, unique=True)
    name = models.CharField(_("programme name"), max_length=200)
    # The name as the search box compares it (core.text.normalize_arabic), kept by save().
    name_normalized = models.TextField(editable=False, default="")
    category = models.ForeignKey(
        ProgrammeCategory,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("category"),
    )
    centres = models.ManyToManyField(
        Centre, blank=True, related_name="programmes", verbose_name=_("neighbourhood centres")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (SAR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    portfolio_year = models.PositiveSmallIntegerField(_("portfolio year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[centres], excluded_fields=["name_normalized"])

    class Meta:
        verbose_name = _("programme or activity")
        verbose_name_plural = _("programmes and activities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="programme_budget_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_arabic(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_normalized"}
        super().save(*args, **kwargs)


# --- the portfolio cycles (procedure "خلق الفرص", steps 1-2) -----------------------------
#
# Once a year or every half-year, the strategic planning director hands the portfolio over to
# the CRM manager, who reviews it and then identifies the potential donors of each programme.


class CycleHalf(models.IntegerChoices):
    """Which part of the Gregorian year a cycle covers."""

    WHOLE_YEAR = 0, _("Whole year")
    FIRST_HALF = 1, _("First half")
    SECOND_HALF = 2, _("Second half")


class CycleState(models.TextChoices):
    HANDED_OVER = "handed_over", _("Handed over, awaiting review")
    REVIEWED = "reviewed", _("Reviewed, awaiting potential donors")
    DONORS_IDENTIFIED = "donors_identified", _("Potential donors identified")


# The cycle page's step bar: handed over → reviewed → potential donors identified.
CYCLE_STEP_PATH = StepPath(
    steps=(
        Step(CycleState.HANDED_OVER, _("Handed over by strategic planning")),
        Step(CycleState.REVIEWED, _("Reviewed by the CRM manager")),
        Step(CycleState.DONORS_IDENTIFIED, _("Potential donors identified")),
    ),
)


class PortfolioCycle(ConcurrentTransitionMixin, models.Model):
    """The portfolio of one year or half-year as strategic planning handed it over."""

    STEP_PATH = CYCLE_STEP_PATH

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    half = models.PositiveSmallIntegerField(
        _("period"), choices=CycleHalf.choices, default=CycleHalf.WHOLE_YEAR
    )
    programmes: "models.ManyToManyField[Programme, CycleProgramme]" = models.ManyToManyField(
        Programme,
        through="CycleProgramme",
        related_name="portfolio_cycles",
        verbose_name=_("programmes and activities"),
    )
    received_on = models.DateField(_("date received"))
    handed_over_by = staff_member(_("handed over by"), required=True)
    handed_over_at = models.DateTimeField(_("handed over at"), default=timezone.now)
    handover_note = models.TextField(_("handover note"), blank=True)
    state = state_field(CycleState, default=CycleState.HANDED_OVER)
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    reviewed_by = staff_member(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_notes = models.TextField(_("review notes"), blank=True)
    identification_due_at = models.DateTimeField(
        _("identification of donors due"), null=True, blank=True
    )
    donors_identified_by = staff_member(_("potential donors identified by"))
    donors_identified_at = models.DateTimeField(
        _("potential donors identified at"), null=True, blank=True
    )
    identification_note = models.TextField(_("identification note"), blank=True)

    class Meta:
        verbose_name = _("portfolio cycle")
        verbose_name_plural = _("portfolio cycles")
        ordering = ["-year", "-half"]
        permissions = [
            (
                "review_portfoliocycle",
                _("Can review a portfolio cycle and identify its potential donors"),
            )
        ]
        # A year's portfolio covers both halves: one cycle at most per half-year, whether
        # handed over for the whole year or for that half (checked by the database, so two
        # handovers at the same moment cannot both pass).
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(half__in=[CycleHalf.WHOLE_YEAR, CycleHalf.FIRST_HALF]),
                name="one_portfolio_cycle_per_first_half",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(half__in=[CycleHalf.WHOLE_YEAR, CycleHalf.SECOND_HALF]),
                name="one_portfolio_cycle_per_second_half",
            ),
        ]

    def __str__(self):
        return self.period_label

    @property
    def start_date(self):
        return date(self.year, 7 if self.half == CycleHalf.SECOND_HALF else 1, 1)

    @property
    def end_date(self):
        if self.half == CycleHalf.FIRST_HALF:
            return date(self.year, 6, 30)
        return date(self.year, 12, 31)

    @property
    def period_label(self):
        if self.half == CycleHalf.WHOLE_YEAR:
            return gettext("Year %(year)s") % {"year": self.year}
        return gettext("%(half)s of %(year)s") % {
            "half": self.get_half_display(),
            "year": self.year,
        }

    @transition(
        field=state,
        source=CycleState.HANDED_OVER,
        target=CycleState.REVIEWED,
        permission="programmes.review_portfoliocycle",
    )
    def review(self):
        pass

    @transition(
        field=state,
        source=CycleState.REVIEWED,
        target=CycleState.DONORS_IDENTIFIED,
        permission="programmes.review_portfoliocycle",
    )
    def identify_donors(self):
        pass


class CycleProgramme(models.Model):
    """A programme of a cycle's portfolio; the opportunity seeded from its potential donors."""

    cycle = models.ForeignKey(
        PortfolioCycle,
        on_delete=models.CASCADE,
        related_name="cycle_programmes",
        verbose_name=_("portfolio cycle"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="cycle_entries",
        verbose_name=_("programme or activity"),
    )
    # The opportunities app builds on this one: a lazy reference, no import.
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opportunity"),
    )

    class Meta:
        verbose_name = _("programme of a cycle")
        verbose_name_plural = _("programmes of a cycle")
        ordering = ["programme__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "programme"], name="unique_cycle_programme")
        ]

    def __str__(self):
        return f"{self.cycle} · {self.programme.code}"


class CycleDonor(models.Model):
    """A potential donor the CRM manager identified for one programme of a cycle."""

    cycle_programme = models.ForeignKey(
        CycleProgramme, on_delete=models.CASCADE, related_name="donors"
    )
    donor = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("donor")
    )
    # True when the donor's recorded interests proposed them.
    suggested = models.BooleanField(_("suggested from interests"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("potential donor of a cycle")
        verbose_name_plural = _("potential donors of a cycle")
        ordering = ["donor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle_programme", "donor"], name="unique_cycle_programme_donor"
            )
        ]

    def __str__(self):
        return f"{self.cycle_programme_id}: {self.donor_id}"


class PortfolioCycleTransition(TransitionRecord):
    cycle = models.ForeignKey(PortfolioCycle, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=CycleState.choices)
    target = models.CharField(max_length=20, choices=CycleState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("portfolio cycle step")
        verbose_name_plural = _("portfolio cycle steps")


# --- programme proposals to strategic planning (3.1.12) ---------------------------------


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting planning's answer")
    NEEDS_STUDY = "needs_study", _("Needs study")
    ACCEPTED = "accepted", _("Accepted into the portfolio")
    REFUSED = "refused", _("Refused")


ANSWERABLE_PROPOSAL_STATES = (ProposalState.SUBMITTED, ProposalState.NEEDS_STUDY)


ANSWER_PROPOSAL = "programmes.answer_programmeproposal"


# The proposal page's step bar: submitted → studied → accepted into the portfolio.
PROPOSAL_STEP_PATH = StepPath(
    steps=(
        Step(ProposalState.SUBMITTED, pgettext_lazy("proposal step", "Submitted")),
        Step(ProposalState.NEEDS_STUDY, pgettext_lazy("proposal step", "Studied")),
        Step(ProposalState.ACCEPTED, pgettext_lazy("proposal step", "Accepted")),
    ),
    ends=(Step(ProposalState.REFUSED, pgettext_lazy("proposal", "Refused")),),
)


class ProgrammeProposal(ConcurrentTransitionMixin, models.Model):
    """A programme donors asked for, proposed by the CRM department to strategic planning,
    with planning's answer; an accepted one is linked to the programme made from it."""

    STEP_PATH = PROPOSAL_STEP_PATH

    title = models.CharField(_("proposed programme"), max_length=200)
    category = optional_link(
        ProgrammeCategory, related_name="proposals", verbose_name=_("category")
    )
    description = models.TextField(_("what the donors asked for"))
    reason = models.TextField(_("why it is proposed"))
    donors = models.ManyToManyField(
        Customer, related_name="programme_proposals", verbose_name=_("donors who asked for it")
    )
    proposed_by = staff_member(_("proposed by"), required=True)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)
    state = state_field(ProposalState, default=ProposalState.SUBMITTED)
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_by = staff_member(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("planning's note"), blank=True)
    programme = optional_link(
        Programme, related_name="proposals", verbose_name=_("programme created from it")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme proposal")
        verbose_name_plural = _("programme proposals")
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("answer_programmeproposal", _("Can answer programme proposals for planning"))
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return (
            self.state in ANSWERABLE_PROPOSAL_STATES
            and self.answer_due_at is not None
            and self.answer_due_at < timezone.now()
        )

    @transition(
        field=state,
        source=ProposalState.SUBMITTED,
        target=ProposalState.NEEDS_STUDY,
        permission=ANSWER_PROPOSAL,
    )
    def ask_for_study(self):
        pass

    @transition(
        field=state,
        source=list(ANSWERABLE_PROPOSAL_STATES),
        target=ProposalState.ACCEPTED,
        permission=ANSWER_PROPOSAL,
    )
    def accept(self):
        pass

    @transition(
        field=state,
        source=list(ANSWERABLE_PROPOSAL_STATES),
        target=ProposalState.REFUSED,
        permission=ANSWER_PROPOSAL,
    )
    def refuse(self):
        pass


class ProposalTransition(TransitionRecord):
    proposal = models.ForeignKey(
        ProgrammeProposal, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=ProposalState.choices)
    target = models.CharField(max_length=20, choices=ProposalState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("programme proposal step")
        verbose_name_plural = _("programme proposal steps")
