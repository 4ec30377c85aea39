"""Periodic satisfaction surveys (manual 3.1.16–3.1.19 and 3.1.22, the procedure
«استبيانات الرضى الدورية» and the form «نموذج قياس رضا العملاء»; seed 003: evaluating a service
is the beneficiary's right and a tool for improvement, not for punishment).

- Instruments are versioned: an instrument (the beneficiary form, the donor survey) has
  numbered versions whose items are frozen rows; editing one makes a new version, and each
  response keeps the version it answered.
- A round is one survey of a programme or an activity, with its eight-step django-fsm-2
  workflow (surveys.services), a public token per centre for the link and the QR poster,
  personal invitations, and the responses with one answer per item.
"""

import secrets
from typing import cast

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, transition

from association.models import Centre, City
from core.models import SettingsRow, TransitionRecord, optional_link, staff_member, state_field
from core.permissions import holds
from core.phones import validate_saudi_mobile
from core.steps import Step, StepPath
from customers.models import Customer
from programmes.models import Programme

from .plugins import gates_pass

TOKEN_BYTES = 16  # secrets.token_urlsafe(16): 22 characters, 128 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


# --- instruments -----------------------------------------------------------------------------


class InstrumentKind(models.TextChoices):
    BENEFICIARY = "beneficiary", _("Beneficiary satisfaction")
    DONOR = "donor", _("Donor satisfaction")


class ItemKind(models.TextChoices):
    SCALE = "scale", _("Agreement scale 1–5")
    SCORE = "score", _("Score 0–10")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


# The values each kind of item accepts (a text item keeps its words in Answer.text).
ITEM_RANGES: dict[str, tuple[int, int]] = {
    ItemKind.SCALE: (1, 5),
    ItemKind.SCORE: (0, 10),
    ItemKind.YES_NO: (0, 1),
}


class Instrument(models.Model):
    """A questionnaire: the beneficiary form of the manual, or the donor survey (step 8)."""

    kind = models.CharField(_("type"), max_length=20, choices=InstrumentKind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(models.Model):
    """One frozen wording of an instrument. Never edited once answered: a change is a new
    version (surveys.services.version_revise), so answers compare like with like."""

    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("instrument"),
    )
    number = models.PositiveSmallIntegerField(_("version"))
    instructions = models.TextField(_("instructions"), blank=True)
    # The five labels of the agreement scale, 1 first («1= اعارض بشدة» … «5= أوافق بشدة»).
    scale_labels = models.JSONField(_("scale labels"), default=list, blank=True)
    suggestions_label = models.CharField(_("suggestions question"), max_length=300, blank=True)
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="survey_one_number_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} · {self.number}"


class Item(models.Model):
    """One statement or question of a version, in its place."""

    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("instrument version"),
    )
    position = models.PositiveSmallIntegerField(_("number"))
    # The same question across versions (e.g. "overall", "advertising"): what analysis
    # compares from one round to the next, and what the settings name.
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("statement"))
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices)
    required = models.BooleanField(_("required"), default=True)
    # Item 6 is about the programme's presenter, a named person: its figures are shown only
    # to managers and only from a minimum of answers (seed 003: not for punishment).
    about_presenter = models.BooleanField(_("about a named presenter"), default=False)

    class Meta:
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="survey_item_position"),
            models.UniqueConstraint(fields=["version", "code"], name="survey_item_code"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def value_range(self) -> tuple[int, int] | None:
        return ITEM_RANGES.get(self.kind)


class SurveySettings(SettingsRow):
    """The administrator's settings of the surveys (one row, edited in the admin)."""

    follow_up_item_code = models.SlugField(
        _("item that opens a follow-up case"),
        max_length=40,
        default="overall",
        help_text=_("The code of the overall-satisfaction item (the first statement)."),
    )
    follow_up_max_value = models.PositiveSmallIntegerField(
        _("a follow-up case opens at this answer or lower"), default=2
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(_("survey settings"))


# --- rounds and their procedure ---------------------------------------------------------------


class RoundState(models.TextChoices):
    PREPARING = "preparing", _("Preparing the survey")  # step 1, quality officer
    IN_REVIEW = "in_review", _("Content review")  # step 2, CRM / centres-affairs manager
    COLLECTING = "collecting", _("Collecting answers")  # step 3, quality officer
    ANALYSING = "analysing", _("Analysing the results")  # step 4, quality officer
    REPORT_REVIEW = "report_review", _("Results report review")  # step 5, managers
    TREATMENT = "treatment", _("Agreeing on weak-point steps")  # step 6, managers
    DECISION = "decision", _("Management's decision")  # step 7, management
    DONOR_SURVEY = "donor_survey", _("Donor survey")  # step 8, CRM manager
    DONE = "done", pgettext_lazy("survey round", "Done")
    CANCELLED = "cancelled", pgettext_lazy("survey round", "Cancelled")


OPEN_ROUND_STATES = tuple(
    state for state in RoundState.values if state not in (RoundState.DONE, RoundState.CANCELLED)
)

# Each waiting step's deadline in working days (a week is five), counted from the step's
# start; the first step counts from the end of the programme or activity.
STEP_WORKING_DAYS: dict[str, int] = {
    RoundState.PREPARING: 1,
    RoundState.IN_REVIEW: 2,
    RoundState.COLLECTING: 5,
    RoundState.ANALYSING: 3,
    RoundState.REPORT_REVIEW: 3,
    RoundState.TREATMENT: 5,
    RoundState.DECISION: 5,
    RoundState.DONOR_SURVEY: 5,
}

ROUND_STEP_PATH = StepPath(
    steps=(
        Step(RoundState.PREPARING, _("Preparation")),
        Step(RoundState.IN_REVIEW, _("Content review")),
        Step(RoundState.COLLECTING, _("Collection")),
        Step(RoundState.ANALYSING, _("Analysis")),
        Step(RoundState.REPORT_REVIEW, _("Report review")),
        Step(RoundState.TREATMENT, _("Weak points")),
        Step(RoundState.DECISION, _("Management's decision")),
        Step(RoundState.DONOR_SURVEY, _("Donor survey")),
        Step(RoundState.DONE, pgettext_lazy("survey round", "Done")),
    ),
    ends=(Step(RoundState.CANCELLED, pgettext_lazy("survey round", "Cancelled")),),
)


def may_prepare(record: object, user: object) -> bool:
    """The quality officer's steps (1, 3, 4)."""
    return holds(user, "surveys.prepare_round")


def may_review(record: object, user: object) -> bool:
    """The CRM manager's or the centres-affairs manager's steps (2, 5, 6)."""
    return holds(user, "surveys.review_round")


def may_decide(record: object, user: object) -> bool:
    """The association management's step (7)."""
    return holds(user, "surveys.decide_round")


def may_survey_donors(record: object, user: object) -> bool:
    """The CRM manager's step (8)."""
    return holds(user, "surveys.survey_donors")


def may_cancel(record: object, user: object) -> bool:
    return may_prepare(record, user) or may_review(record, user)


def has_centres(record: models.Model) -> bool:
    survey_round = cast(Round, record)
    return survey_round.pk is not None and survey_round.centres.exists()


class Round(ConcurrentTransitionMixin, models.Model):
    """One survey round of a programme or an activity (procedure steps 1–8)."""

    STEP_PATH = ROUND_STEP_PATH

    title = models.CharField(_("title"), max_length=200)
    programme = optional_link(
        Programme, related_name="survey_rounds", verbose_name=_("programme or activity")
    )
    # An activity or event outside the portfolio is named here instead of a programme.
    activity_name = models.CharField(_("activity or event"), max_length=200, blank=True)
    city = optional_link(City, related_name="+", verbose_name=_("city / governorate"))
    presenter_name = models.CharField(
        _("presenter"),
        max_length=200,
        blank=True,
        help_text=_("The programme's presenter, whom item 6 is about."),
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ended_on = models.DateField(_("end date of the programme or activity"))
    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("beneficiary form version"),
    )
    # The donor survey of step 8 (part 2 chooses it); empty until then.
    donor_version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donor_rounds",
        verbose_name=_("donor survey version"),
    )
    state = state_field(RoundState, default=RoundState.PREPARING)
    # The current step's deadline (STEP_WORKING_DAYS from its start, in working days).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("step started at"), default=timezone.now)
    review_recommendations = models.TextField(_("recommended changes"), blank=True)
    collection_opened_at = models.DateTimeField(_("collection opened at"), null=True, blank=True)
    collection_closed_at = models.DateTimeField(_("collection closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = staff_member(_("prepared by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-ended_on", "-id"]
        permissions = [
            ("prepare_round", _("Can prepare a survey round, collect and analyse its answers")),
            ("review_round", _("Can review a survey round's content, report and weak points")),
            ("decide_round", _("Can take management's decision on a survey round")),
            ("survey_donors", _("Can survey a programme's donors")),
            ("enter_paper_response", _("Can type in paper survey forms")),
            ("view_presenter_figures", _("Can see the figures about a named presenter")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False) | ~Q(activity_name=""),
                name="survey_round_programme_or_activity",
            ),
            # One open round per programme: the hook that prepares it runs once.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(programme__isnull=False) & Q(state__in=OPEN_ROUND_STATES),
                name="survey_one_open_round_per_programme",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="survey_round_open_due",
                condition=Q(state__in=OPEN_ROUND_STATES),
            ),
            models.Index(fields=["programme", "-ended_on"], name="survey_round_programme"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        """What was surveyed: the programme's name or the activity's."""
        return self.programme.name if self.programme_id else self.activity_name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ROUND_STATES

    @property
    def is_collecting(self) -> bool:
        return self.state == RoundState.COLLECTING

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def due_label(self) -> object:
        return _("Step due") if self.is_open and self.due_at else ""

    # Step 1 → 2: the quality officer sends the prepared survey for review.
    @transition(
        field=state,
        source=RoundState.PREPARING,
        target=RoundState.IN_REVIEW,
        permission=may_prepare,
        conditions=[has_centres],
    )
    def submit_for_review(self) -> None:
        pass

    # Step 2: the reviewer approves the content, the collection starts (step 3) ...
    @transition(
        field=state,
        source=RoundState.IN_REVIEW,
        target=RoundState.COLLECTING,
        permission=may_review,
    )
    def approve_content(self) -> None:
        pass

    # ... or recommends changes: back to the quality officer, who makes a new version.
    @transition(
        field=state,
        source=RoundState.IN_REVIEW,
        target=RoundState.PREPARING,
        permission=may_review,
    )
    def recommend_changes(self) -> None:
        pass

    # Step 3 → 4: the collection is closed; the analysis starts.
    @transition(
        field=state,
        source=RoundState.COLLECTING,
        target=RoundState.ANALYSING,
        permission=may_prepare,
        conditions=[gates_pass("close_collection")],
    )
    def close_collection(self) -> None:
        pass

    # Step 4 → 5: the results report is ready (part 2's gate: the report is written).
    @transition(
        field=state,
        source=RoundState.ANALYSING,
        target=RoundState.REPORT_REVIEW,
        permission=may_prepare,
        conditions=[gates_pass("submit_report")],
    )
    def submit_report(self) -> None:
        pass

    # Step 5 → 6: the managers have discussed the report.
    @transition(
        field=state,
        source=RoundState.REPORT_REVIEW,
        target=RoundState.TREATMENT,
        permission=may_review,
        conditions=[gates_pass("discuss_report")],
    )
    def discuss_report(self) -> None:
        pass

    # Step 6 → 7: the steps treating the weak points are agreed (part 2: each has an owner).
    @transition(
        field=state,
        source=RoundState.TREATMENT,
        target=RoundState.DECISION,
        permission=may_review,
        conditions=[gates_pass("agree_treatment")],
    )
    def agree_treatment(self) -> None:
        pass

    # Step 7 → 8: management decides on the recommendations (part 2: the decision).
    @transition(
        field=state,
        source=RoundState.DECISION,
        target=RoundState.DONOR_SURVEY,
        permission=may_decide,
        conditions=[gates_pass("decide")],
    )
    def decide(self) -> None:
        pass

    # Step 8 → done: the donors were surveyed (part 2: the donor report).
    @transition(
        field=state,
        source=RoundState.DONOR_SURVEY,
        target=RoundState.DONE,
        permission=may_survey_donors,
        conditions=[gates_pass("finish")],
    )
    def finish(self) -> None:
        pass

    @transition(
        field=state,
        source=[RoundState.PREPARING, RoundState.IN_REVIEW, RoundState.COLLECTING],
        target=RoundState.CANCELLED,
        permission=may_cancel,
    )
    def cancel(self) -> None:
        pass


class RoundCentre(models.Model):
    """A centre where the round is answered, with its public token: the link and the QR
    poster of that centre (/public/surveys/<token>/)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="centres", verbose_name=_("survey round")
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood centre")
    )
    token = models.CharField(
        _("public token"), max_length=40, unique=True, default=new_token, editable=False
    )
    # The tracked short link (links) printed on the poster; made with the round centre.
    link = models.ForeignKey(
        "links.TrackedLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tracked link"),
    )

    class Meta:
        verbose_name = _("survey round centre")
        verbose_name_plural = _("survey round centres")
        ordering = ["round", "centre__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "centre"], name="survey_one_link_per_centre")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.centre}"


class RoundTransition(TransitionRecord):
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("survey round")
    )
    source = models.CharField(_("from"), max_length=20, choices=RoundState.choices)
    target = models.CharField(_("to"), max_length=20, choices=RoundState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("survey round step")
        verbose_name_plural = _("survey round steps")


# --- invitations, responses, answers ----------------------------------------------------------


class InvitationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class Invitation(models.Model):
    """A personal link sent to one customer: answered once (Response.invitation is unique)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey round")
    )
    # A beneficiary's invitation to the round's form, or a donor's to the donor survey.
    kind = models.CharField(
        _("survey"),
        max_length=20,
        choices=InstrumentKind.choices,
        default=InstrumentKind.BENEFICIARY,
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("customer"),
    )
    centre = optional_link(Centre, related_name="+", verbose_name=_("neighbourhood centre"))
    channel = models.CharField(_("channel"), max_length=10, choices=InvitationChannel.choices)
    token = models.CharField(
        _("token"), max_length=40, unique=True, default=new_token, editable=False
    )
    # The message (messaging) that carried the link; empty until sent.
    message = models.ForeignKey(
        "messaging.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    created_by = staff_member(_("invited by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "customer"], name="survey_one_invitation_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.customer}"


class ResponseChannel(models.TextChoices):
    LINK = "link", _("Public link or QR code")
    INVITATION = "invitation", _("Personal invitation")
    PAPER = "paper", _("Paper form")


class AgeBand(models.TextChoices):
    """The form's age bands, as the seed writes them."""

    UP_TO_25 = "10-25", "10–25"
    UP_TO_35 = "26-35", "26–35"
    UP_TO_50 = "36-50", "36–50"
    OVER_50 = "51+", _("51 and over")


class Response(models.Model):
    """One filled form: the answers to the version's items and the optional personal part
    (the respondent may stay anonymous)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey round")
    )
    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("instrument version"),
    )
    centre = optional_link(Centre, related_name="+", verbose_name=_("neighbourhood centre"))
    channel = models.CharField(_("channel"), max_length=12, choices=ResponseChannel.choices)
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    # The invited customer, or a customer staff linked; empty for an anonymous answer.
    customer = optional_link(Customer, related_name="survey_responses", verbose_name=_("customer"))
    entered_by = staff_member(_("typed in by"))
    # The personal part, all optional.
    age_band = models.CharField(_("age band"), max_length=6, choices=AgeBand.choices, blank=True)
    first_time = models.BooleanField(_("first time"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=16, blank=True, validators=[validate_saudi_mobile]
    )
    email = models.EmailField(_("email"), blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=150, blank=True)
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    may_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    suggestions = models.TextField(_("suggestions"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The tracked link the respondent came through first (links.attribution).
    source_link = models.ForeignKey(
        "links.TrackedLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arrived through"),
    )
    # The follow-up case a low score opened in the complaints register.
    follow_up_case = models.OneToOneField(
        "complaints.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_response",
        verbose_name=_("follow-up case"),
    )
    # A paper form typed twice (a double submit, a resend) is written once.
    submission_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="survey_response_submitted_once",
            ),
            models.CheckConstraint(
                condition=Q(channel=ResponseChannel.INVITATION) | Q(invitation__isnull=True),
                name="survey_invitation_only_by_invitation",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "centre"], name="survey_response_round_centre"),
            models.Index(fields=["round", "-submitted_at"], name="survey_response_round_time"),
            models.Index(fields=["version"], name="survey_response_version"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.pk}"

    @property
    def is_identified(self) -> bool:
        return bool(self.name or self.mobile or self.email or self.customer_id)


def _answer_in_range() -> Q:
    """An answer's value fits its item's kind; a text item has no value."""
    condition = Q(kind=ItemKind.TEXT, value__isnull=True)
    for kind, (low, high) in ITEM_RANGES.items():
        condition |= Q(kind=kind, value__gte=low, value__lte=high)
    return condition


class Answer(models.Model):
    """One answer to one item. The round and the item's kind are copied from the response
    and the item so that analysis reads (round, item, value) from one index and the
    database itself holds the value inside its kind's range."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", verbose_name=_("survey round")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("survey item")
    )
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices)
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_one_answer_per_item"),
            models.CheckConstraint(condition=_answer_in_range(), name="survey_answer_in_range"),
        ]
        indexes = [
            models.Index(fields=["round", "item", "value"], name="survey_answer_analysis"),
        ]

    def __str__(self) -> str:
        return f"{self.item.position}: {self.value if self.value is not None else self.text}"
