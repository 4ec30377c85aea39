"""What follows a survey round's answers (procedure steps 4–8, manual 3.1.16–3.1.19): the
quality officer's findings (satisfaction level, conclusions, the weak items as they stood),
the steps treating the weak points with their owners and due dates, management's decision
on the recommendations, the documents produced (results report, donor report, every answer
in Excel), and the success stories drawn from the results for the donors.

The surveys app (part 1) owns the rounds, the forms and the answers; this app plugs into the
round's workflow through `surveys.plugins` (gates and panels) and never changes its tables.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition

from core.models import SettingsRow, TransitionRecord, optional_link, staff_member, state_field
from core.steps import Step, StepPath
from customers.models import Customer
from programmes.models import Programme
from surveys.models import Item, Response, Round


class AnalysisSettings(SettingsRow):
    """The administrator's thresholds of the analysis (one row, edited in the admin)."""

    min_agree_percent = models.DecimalField(
        _("weak under this share agreeing (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("60.0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("An item is a weak point when fewer answers than this agree (4 or 5)."),
    )
    min_mean = models.DecimalField(
        _("weak under this mean"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.50"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("An item is a weak point when the mean of its answers is under this."),
    )
    presenter_min_answers = models.PositiveSmallIntegerField(
        _("answers before a presenter's figures are shown"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Item 6 is about a named person: managers see it from this many answers."),
    )

    class Meta:
        verbose_name = _("survey analysis settings")
        verbose_name_plural = _("survey analysis settings")

    def __str__(self) -> str:
        return str(_("survey analysis settings"))


class SatisfactionLevel(models.TextChoices):
    VERY_HIGH = "very_high", _("Very high")
    HIGH = "high", pgettext_lazy("satisfaction level", "High")
    MEDIUM = "medium", pgettext_lazy("satisfaction level", "Medium")
    LOW = "low", pgettext_lazy("satisfaction level", "Low")


class RoundFindings(models.Model):
    """Step 4: the quality officer's reading of the results, which the results report prints.
    The weak items are kept as they were flagged, so that the next round can say whether each
    one improved even if the thresholds change later."""

    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, related_name="findings", verbose_name=_("survey round")
    )
    satisfaction_index = models.DecimalField(
        _("satisfaction index (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    level = models.CharField(
        _("satisfaction level"), max_length=12, choices=SatisfactionLevel.choices
    )
    conclusions = models.TextField(_("results and conclusions"))
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The codes of the items flagged weak when the findings were written.
    weak_items = models.JSONField(_("weak items"), default=list, blank=True)
    written_by = staff_member(_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey findings")
        verbose_name_plural = _("survey findings")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_level_display()}"


class TreatmentAction(models.Model):
    """Step 6: one step treating a weak point, on its owner's «عملي» until done."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="treatment_actions",
        verbose_name=_("survey round"),
    )
    # The weak item treated (empty for a step about the round as a whole).
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weak item"),
    )
    text = models.TextField(_("treatment step"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = staff_member(_("marked done by"))
    done_note = models.TextField(_("what was done"), blank=True)
    created_by = staff_member(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("weak-point treatment step")
        verbose_name_plural = _("weak-point treatment steps")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                name="survey_action_open_owner",
                condition=Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Recommendations approved")
    AMENDED = "amended", _("Approved with changes")
    REJECTED = "rejected", _("Recommendations not approved")


class ManagementDecision(models.Model):
    """Step 7: the association management's decision on the report's recommendations."""

    round = models.OneToOneField(
        Round,
        on_delete=models.CASCADE,
        related_name="management_decision",
        verbose_name=_("survey round"),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    text = models.TextField(_("decision and instructions"))
    decided_by = staff_member(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("management decision on a survey")
        verbose_name_plural = _("management decisions on surveys")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_outcome_display()}"


class DocumentKind(models.TextChoices):
    RESULTS = "results", _("Survey results report")
    DONORS = "donors", _("Donor satisfaction report")
    ANSWERS = "answers", _("Every answer (Excel)")


def document_path(document: "RoundDocument", filename: str) -> str:
    return f"surveys/{document.round_id}/{filename}"


class RoundDocument(models.Model):
    """The latest file of each kind produced for a round (a new one replaces it)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="documents", verbose_name=_("survey round")
    )
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    # The results report as its reader was allowed to see it (item 6 or not).
    with_presenter = models.BooleanField(_("includes the presenter's figures"), default=False)
    produced_by = staff_member(_("produced by"))
    produced_at = models.DateTimeField(_("produced at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey document")
        verbose_name_plural = _("survey documents")
        ordering = ["round", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="survey_one_document_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()}"


# --- success stories (3.1.19) -----------------------------------------------------------------


class StoryState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("story", "Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("story", "Approved")
    RETURNED = "returned", pgettext_lazy("story", "Returned for changes")


STORY_STEP_PATH = StepPath(
    steps=(
        Step(StoryState.DRAFT, pgettext_lazy("story", "Draft")),
        Step(StoryState.SUBMITTED, _("Awaiting approval")),
        Step(StoryState.APPROVED, pgettext_lazy("story", "Approved")),
    ),
    at={StoryState.RETURNED: StoryState.DRAFT},
)


def may_write_story(record: object, user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)("survey_analysis.add_successstory"))


def may_approve_story(record: object, user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)("survey_analysis.approve_successstory"))


def has_consent(record: models.Model) -> bool:
    return bool(getattr(record, "consent_to_publish", False))


class SuccessStory(ConcurrentTransitionMixin, models.Model):
    """A success story drawn from a round's results or suggestions: told in full for the
    staff, and in an anonymised version (no name, no detail that identifies the person) for
    the donors, published only with the beneficiary's consent and the CRM manager's
    approval."""

    STEP_PATH = STORY_STEP_PATH

    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("the story (internal)"))
    anonymised = models.TextField(
        _("anonymised version"),
        help_text=_("What donors read: no name, no detail that identifies the beneficiary."),
    )
    consent_to_publish = models.BooleanField(_("the beneficiary agreed to publication"))
    consent_note = models.CharField(_("how the consent was given"), max_length=300, blank=True)
    round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="success_stories",
        verbose_name=_("survey round"),
    )
    response = models.ForeignKey(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the response"),
    )
    programme = optional_link(
        Programme, related_name="success_stories", verbose_name=_("programme")
    )
    donors = models.ManyToManyField(
        Customer, blank=True, related_name="success_stories", verbose_name=_("donors")
    )
    state = state_field(StoryState, default=StoryState.DRAFT)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    written_by = staff_member(_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    approved_by = staff_member(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        ordering = ["-written_at", "-id"]
        permissions = [("approve_successstory", _("Can approve a success story"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == StoryState.APPROVED and self.consent_to_publish

    @transition(
        field=state,
        source=[StoryState.DRAFT, StoryState.RETURNED],
        target=StoryState.SUBMITTED,
        permission=may_write_story,
        conditions=[has_consent],
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=StoryState.SUBMITTED,
        target=StoryState.APPROVED,
        permission=may_approve_story,
        conditions=[has_consent],
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=StoryState.SUBMITTED,
        target=StoryState.RETURNED,
        permission=may_approve_story,
    )
    def send_back(self) -> None:
        pass


class SuccessStoryTransition(TransitionRecord):
    story = models.ForeignKey(
        SuccessStory,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("success story"),
    )
    source = models.CharField(_("from"), max_length=12, choices=StoryState.choices)
    target = models.CharField(_("to"), max_length=12, choices=StoryState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("success story step")
        verbose_name_plural = _("success story steps")
