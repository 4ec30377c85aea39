"""Every write of the surveys: rounds and their eight steps, instrument versions, responses
(public link, personal invitation, paper form), invitations through messaging, and the
follow-up case a low score opens in the complaints register."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre, City
from association.workdays import working_deadline
from complaints.models import CaseKind
from complaints.services import CaseError, case_file_public
from core.consent import ConsentChannel, ConsentPurpose
from core.permissions import require
from core.phones import validate_saudi_mobile
from core.workflow import Workflow
from customers.models import Customer
from programmes.models import Programme, ProgrammeStatus

from . import selectors
from .errors import ResponseError, SurveyError
from .models import (
    ITEM_RANGES,
    STEP_WORKING_DAYS,
    AgeBand,
    Answer,
    InstrumentKind,
    InstrumentVersion,
    Invitation,
    InvitationChannel,
    Item,
    ItemKind,
    Response,
    ResponseChannel,
    Round,
    RoundCentre,
    RoundState,
    RoundTransition,
    SurveySettings,
)
from .plugins import gate_refusal

ROUND_WORKFLOW = Workflow(
    audit=RoundTransition,
    error=SurveyError,
    stale_message=gettext_lazy(
        "This survey round is no longer at this step: someone took it already. "
        "The page shows where it is now."
    ),
)

PREPARE = "surveys.prepare_round"
REVIEW = "surveys.review_round"
DECIDE = "surveys.decide_round"
SURVEY_DONORS = "surveys.survey_donors"
ENTER_PAPER = "surveys.enter_paper_response"
# Survey case channel in the complaints register (complaints.models.SURVEY_CHANNEL).
SURVEY_CASE_CHANNEL = "survey"
# The personal part of a response, all optional.
PERSONAL_FIELDS = (
    "age_band",
    "first_time",
    "name",
    "mobile",
    "email",
    "neighbourhood",
    "occupation",
    "may_contact",
    "suggestions",
)


# --- rounds ---------------------------------------------------------------------------------


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _step_deadline(state: str, start: datetime.datetime) -> datetime.datetime | None:
    days = STEP_WORKING_DAYS.get(state)
    return None if days is None else working_deadline(start, days)


def _locked(survey_round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=survey_round.pk)


def _check_round_fields(
    *, programme: Programme | None, activity_name: str, ended_on: Any, starts_on: Any
) -> None:
    if programme is None and not activity_name.strip():
        raise SurveyError(_("Choose the programme or write the name of the activity or event."))
    if not isinstance(ended_on, datetime.date):
        raise SurveyError(_("Give the date the programme or activity ended."))
    if isinstance(starts_on, datetime.date) and starts_on > ended_on:
        raise SurveyError(_("The start date is after the end date."))


def round_create(
    *,
    actor: User | None,
    ended_on: datetime.date,
    programme: Programme | None = None,
    activity_name: str = "",
    title: str = "",
    city: City | None = None,
    centres: Iterable[Centre] = (),
    starts_on: datetime.date | None = None,
    presenter_name: str = "",
    version: InstrumentVersion | None = None,
) -> Round:
    """A new round at step 1 (preparation), due one working day after the end of the
    programme or activity. `actor` None: the round was prepared by the site when a
    programme was completed (round_prepare_for_programme)."""
    if actor is not None:
        require(actor, PREPARE)
    _check_round_fields(
        programme=programme, activity_name=activity_name, ended_on=ended_on, starts_on=starts_on
    )
    version = version or selectors.beneficiary_version()
    if version is None or version.instrument.kind != InstrumentKind.BENEFICIARY:
        raise SurveyError(_("There is no beneficiary satisfaction form to survey with."))
    centres = list(centres)
    if city is None and centres:
        city = centres[0].city
    name = title.strip() or (programme.name if programme else activity_name.strip())
    try:
        with transaction.atomic():
            survey_round = Round.objects.create(
                title=name[:200],
                programme=programme,
                activity_name=activity_name.strip(),
                city=city,
                presenter_name=presenter_name.strip(),
                starts_on=starts_on,
                ended_on=ended_on,
                version=version,
                due_at=working_deadline(_end_of(ended_on), STEP_WORKING_DAYS[RoundState.PREPARING]),
                created_by=actor,
            )
            RoundCentre.objects.bulk_create(
                RoundCentre(round=survey_round, centre=centre) for centre in centres
            )
            if actor is not None:
                ROUND_WORKFLOW.record_event(survey_round, actor=actor, note=_("Round prepared."))
    except IntegrityError as error:
        raise SurveyError(_("This programme already has a survey round in progress.")) from error
    return survey_round


def round_prepare_for_programme(*, programme: Programme, actor: User | None = None) -> Round | None:
    """Step 1 starts when a programme is completed (the portfolio's status): a round for
    its centres, due one working day after its end date (today when it has none). Nothing
    when the programme already has a round."""
    if programme.status != ProgrammeStatus.COMPLETED:
        return None
    if Round.objects.filter(programme=programme).exists():
        return None
    centres = list(programme.centres.select_related("city"))
    try:
        with transaction.atomic():
            return round_create(
                actor=None,
                programme=programme,
                ended_on=programme.end_date or timezone.localdate(),
                starts_on=programme.start_date,
                centres=centres,
            )
    except SurveyError:
        return None


ROUND_EDITABLE_FIELDS = ("title", "city", "presenter_name", "starts_on", "ended_on")


def round_update(
    *,
    survey_round: Round,
    actor: User,
    centres: Iterable[Centre] | None = None,
    **fields: Any,
) -> Round:
    """Change a round still at step 1 (its centres, presenter, dates)."""
    require(actor, PREPARE)
    unknown = set(fields) - set(ROUND_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(survey_round)
        if locked.state != RoundState.PREPARING:
            raise SurveyError(_("Only a round being prepared can change."))
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        _check_round_fields(
            programme=locked.programme,
            activity_name=locked.activity_name,
            ended_on=locked.ended_on,
            starts_on=locked.starts_on,
        )
        if not locked.title.strip():
            raise SurveyError(_("Write the title of the round."))
        locked.save()
        if centres is not None:
            wanted = {centre.pk: centre for centre in centres}
            locked.centres.exclude(centre_id__in=wanted).delete()
            kept = set(locked.centres.values_list("centre_id", flat=True))
            RoundCentre.objects.bulk_create(
                RoundCentre(round=locked, centre=centre)
                for pk, centre in wanted.items()
                if pk not in kept
            )
        ROUND_WORKFLOW.record_event(locked, actor=actor, note=_("Round details changed."))
    return locked


def _step(
    survey_round: Round,
    step: str,
    *,
    actor: User,
    permission: str,
    note: str = "",
    note_required: str | None = None,
    fields: Mapping[str, Any] | None = None,
    check: Callable[[Round], None] | None = None,
) -> Round:
    """One step of the procedure: permission, reason, lock, the step's own checks and
    part 2's gates on the locked round, then the step with the next step's deadline in
    working days from now, recorded (who, when, note)."""
    require(actor, permission)
    note = (note or "").strip()
    if note_required is not None and not note:
        raise SurveyError(note_required)
    with transaction.atomic():
        locked = _locked(survey_round)
        if check is not None:
            check(locked)
        refusal = gate_refusal(step, locked) if locked.state in _GATED_FROM.get(step, ()) else None
        if refusal:
            raise SurveyError(str(refusal))
        now = timezone.now()
        values = dict(fields or {})

        def set_deadline(record: Any) -> None:
            record.step_started_at = now
            record.due_at = _step_deadline(record.state, now)

        ROUND_WORKFLOW.take_step(
            locked, step, actor=actor, note=note, fields=values, before_save=set_deadline
        )
    return locked


# The state each gated step starts from: a gate is asked only when the round is there
# (otherwise the workflow's own "no longer at this step" message is the right one).
_GATED_FROM: dict[str, tuple[str, ...]] = {
    "close_collection": (RoundState.COLLECTING,),
    "submit_report": (RoundState.ANALYSING,),
    "discuss_report": (RoundState.REPORT_REVIEW,),
    "agree_treatment": (RoundState.TREATMENT,),
    "decide": (RoundState.DECISION,),
    "finish": (RoundState.DONOR_SURVEY,),
}


def _has_centres(survey_round: Round) -> None:
    if not survey_round.centres.exists():
        raise SurveyError(_("Add at least one centre where the survey is answered."))


def round_submit_for_review(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 1 → 2: the prepared survey goes to the CRM or centres-affairs manager."""
    return _step(
        survey_round,
        "submit_for_review",
        actor=actor,
        permission=PREPARE,
        note=note,
        check=_has_centres,
    )


def round_approve_content(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 2 → 3: the content is approved; the answers are collected for a week."""
    return _step(
        survey_round,
        "approve_content",
        actor=actor,
        permission=REVIEW,
        note=note,
        fields={"collection_opened_at": timezone.now()},
    )


def round_recommend_changes(*, survey_round: Round, actor: User, note: str) -> Round:
    """Step 2: the reviewer recommends changes; the quality officer revises the form (a
    new version) and sends it again."""
    note = (note or "").strip()
    return _step(
        survey_round,
        "recommend_changes",
        actor=actor,
        permission=REVIEW,
        note=note,
        note_required=_("Write the changes you recommend."),
        fields={"review_recommendations": note},
    )


def round_close_collection(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 3 → 4: no more answers; the analysis starts."""
    return _step(
        survey_round,
        "close_collection",
        actor=actor,
        permission=PREPARE,
        note=note,
        fields={"collection_closed_at": timezone.now()},
    )


def round_submit_report(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 4 → 5 (part 2 registers the gate: the results report is written)."""
    return _step(survey_round, "submit_report", actor=actor, permission=PREPARE, note=note)


def round_discuss_report(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 5 → 6: the report was reviewed and discussed."""
    return _step(survey_round, "discuss_report", actor=actor, permission=REVIEW, note=note)


def round_agree_treatment(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 6 → 7 (part 2's gate: the weak points' steps, each with an owner)."""
    return _step(survey_round, "agree_treatment", actor=actor, permission=REVIEW, note=note)


def round_decide(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 7 → 8 (part 2's gate: management's decision on the recommendations)."""
    return _step(survey_round, "decide", actor=actor, permission=DECIDE, note=note)


def round_finish(*, survey_round: Round, actor: User, note: str = "") -> Round:
    """Step 8 → done (part 2's gate: the donor satisfaction report)."""
    return _step(survey_round, "finish", actor=actor, permission=SURVEY_DONORS, note=note)


def round_cancel(*, survey_round: Round, actor: User, note: str) -> Round:
    if not (actor.has_perm(PREPARE) or actor.has_perm(REVIEW)):
        require(actor, PREPARE)
    return _step(
        survey_round,
        "cancel",
        actor=actor,
        permission=PREPARE if actor.has_perm(PREPARE) else REVIEW,
        note=note,
        note_required=_("Write why the round is cancelled."),
        fields={"cancel_reason": (note or "").strip(), "due_at": None},
    )


# The services of the steps, by transition name: what the round page's buttons call.
STEP_SERVICES: dict[str, Callable[..., Round]] = {
    "submit_for_review": round_submit_for_review,
    "approve_content": round_approve_content,
    "recommend_changes": round_recommend_changes,
    "close_collection": round_close_collection,
    "submit_report": round_submit_report,
    "discuss_report": round_discuss_report,
    "agree_treatment": round_agree_treatment,
    "decide": round_decide,
    "finish": round_finish,
    "cancel": round_cancel,
}


# --- instrument versions --------------------------------------------------------------------


def version_revise(
    *,
    version: InstrumentVersion,
    actor: User,
    texts: Mapping[str, str],
    change_note: str,
    survey_round: Round | None = None,
) -> InstrumentVersion:
    """A new version of the instrument with the items' new wording (`texts` by item code;
    an item left out keeps its text). The old version stays as it is, with its answers.
    When `survey_round` is given (still being prepared), it uses the new version."""
    require(actor, PREPARE)
    change_note = (change_note or "").strip()
    if not change_note:
        raise SurveyError(_("Say what changed in this version."))
    items = list(version.items.order_by("position"))
    new_texts = {item.code: (texts.get(item.code) or item.text).strip() for item in items}
    if all(new_texts[item.code] == item.text for item in items):
        raise SurveyError(_("Nothing changed: the new version would be the same."))
    with transaction.atomic():
        if survey_round is not None:
            survey_round = _locked(survey_round)
            if survey_round.state != RoundState.PREPARING:
                raise SurveyError(_("Only a round being prepared can change its form."))
        number = (
            InstrumentVersion.objects.select_for_update()
            .filter(instrument=version.instrument)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        revised = InstrumentVersion.objects.create(
            instrument=version.instrument,
            number=number,
            instructions=version.instructions,
            scale_labels=list(version.scale_labels),
            suggestions_label=version.suggestions_label,
            change_note=change_note,
            created_by=actor,
        )
        Item.objects.bulk_create(
            Item(
                version=revised,
                position=item.position,
                code=item.code,
                text=new_texts[item.code],
                kind=item.kind,
                required=item.required,
                about_presenter=item.about_presenter,
            )
            for item in items
        )
        if survey_round is not None:
            survey_round.version = revised
            survey_round.save(update_fields=["version"])
            ROUND_WORKFLOW.record_event(
                survey_round,
                actor=actor,
                note=_("Form revised: version %(number)d. %(note)s")
                % {"number": number, "note": change_note},
            )
    return revised


# --- responses ------------------------------------------------------------------------------


def _checked_answers(items: list[Item], values: Mapping[int, Any]) -> list[tuple[Item, Any]]:
    """Each item's answer, checked against its kind: a missing required answer or a value
    out of range refuses the whole form (nothing is written)."""
    known = {item.pk for item in items}
    if set(values) - known:
        raise ResponseError(_("The form does not match this survey. Open the link again."))
    checked: list[tuple[Item, Any]] = []
    missing: list[int] = []
    for item in items:
        value = values.get(item.pk)
        if value in (None, ""):
            if item.required and item.kind != ItemKind.TEXT:
                missing.append(item.position)
            continue
        if item.kind == ItemKind.TEXT:
            checked.append((item, str(value).strip()))
            continue
        low, high = ITEM_RANGES[item.kind]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ResponseError(
                _("The answer to statement %(number)d must be between %(low)d and %(high)d.")
                % {"number": item.position, "low": low, "high": high}
            )
        checked.append((item, value))
    if missing:
        raise ResponseError(
            _("Answer every statement: %(numbers)s still without an answer.")
            % {"numbers": "، ".join(str(n) for n in missing)}
        )
    return checked


def _checked_personal(personal: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(personal) - set(PERSONAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown personal fields: {sorted(unknown)}")
    data = {name: personal.get(name) for name in PERSONAL_FIELDS}
    for name in ("name", "mobile", "email", "neighbourhood", "occupation", "suggestions"):
        data[name] = str(data[name] or "").strip()
    data["age_band"] = data["age_band"] or ""
    if data["age_band"] not in ("", *AgeBand.values):
        raise ResponseError(_("Choose one of the age bands."))
    if data["mobile"]:
        try:
            validate_saudi_mobile(data["mobile"])
        except ValidationError as error:
            raise ResponseError(_("Enter a valid Saudi mobile number.")) from error
    data["may_contact"] = bool(data["may_contact"])
    if data["first_time"] not in (None, True, False):
        raise ResponseError(_("Answer whether this is the first time with yes or no."))
    return data


def response_submit(
    *,
    survey_round: Round,
    channel: str,
    values: Mapping[int, Any],
    personal: Mapping[str, Any] | None = None,
    centre: Centre | None = None,
    invitation: Invitation | None = None,
    entered_by: User | None = None,
    source_link_id: int | None = None,
    submission_key: str = "",
) -> Response:
    """Write one filled form with its answers, or nothing: the round must be collecting,
    an invitation answers once, every required item has an answer within its range. A
    paper form is typed by staff (`entered_by`, who needs the permission). A low score
    from an identified respondent who agreed to be contacted opens a follow-up case."""
    if channel not in ResponseChannel.values:
        raise ValueError(channel)
    if channel == ResponseChannel.PAPER:
        if entered_by is None:
            raise ValueError("a paper form is typed in by someone")
        require(entered_by, ENTER_PAPER)
    if (channel == ResponseChannel.INVITATION) != (invitation is not None):
        raise ValueError("an invitation's response, and only it, names the invitation")
    version = survey_round.version
    if invitation is not None and invitation.kind == InstrumentKind.DONOR:
        if survey_round.donor_version is None:
            raise ResponseError(_("This survey is closed. Thank you for your interest."))
        version = survey_round.donor_version
    items = selectors.version_items(version)
    answers = _checked_answers(items, values)
    data = _checked_personal(personal or {})
    try:
        with transaction.atomic():
            _check_accepting(survey_round, invitation)
            if invitation is not None:
                invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if invitation.answered_at is not None:
                    raise ResponseError(_("This invitation has already been answered. Thank you."))
            now = timezone.now()
            response = Response.objects.create(
                round=survey_round,
                version=version,
                centre=centre or (invitation.centre if invitation else None),
                channel=channel,
                invitation=invitation,
                customer=invitation.customer if invitation else None,
                entered_by=entered_by,
                submitted_at=now,
                source_link_id=source_link_id,
                submission_key=submission_key,
                **data,
            )
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    round=survey_round,
                    item=item,
                    kind=item.kind,
                    value=None if item.kind == ItemKind.TEXT else value,
                    text=value if item.kind == ItemKind.TEXT else "",
                )
                for item, value in answers
            )
            if invitation is not None:
                invitation.answered_at = now
                invitation.save(update_fields=["answered_at"])
            _open_follow_up(response, answers)
    except IntegrityError as error:
        if submission_key and Response.objects.filter(submission_key=submission_key).exists():
            raise ResponseError(_("This form was already saved.")) from error
        raise ResponseError(_("This invitation has already been answered. Thank you.")) from error
    return response


def _check_accepting(survey_round: Round, invitation: Invitation | None) -> None:
    state = Round.objects.filter(pk=survey_round.pk).values_list("state", flat=True).first()
    if invitation is not None and invitation.kind == InstrumentKind.DONOR:
        accepting = state == RoundState.DONOR_SURVEY
    else:
        accepting = state == RoundState.COLLECTING
    if not accepting:
        raise ResponseError(
            _("This survey is closed and no longer takes answers. Thank you for your interest.")
        )


def _follow_up_value(answers: list[tuple[Item, Any]], item_code: str) -> int | None:
    for item, value in answers:
        if item.code == item_code and item.kind != ItemKind.TEXT:
            return int(value)
    return None


def _open_follow_up(response: Response, answers: list[tuple[Item, Any]]) -> None:
    """A low score on the chosen item (SurveySettings) from a respondent who gave a name
    and a mobile, or answered an invitation, and agreed to be contacted: a complaint in
    the register (channel «survey»), routed like any public filing, linked both ways."""
    if not response.may_contact:
        return
    config = SurveySettings.current()
    value = _follow_up_value(answers, config.follow_up_item_code)
    if value is None or value > config.follow_up_max_value:
        return
    customer: Customer | None = response.customer
    name = response.name or (customer.name if customer else "")
    mobile = response.mobile or (customer.mobile if customer else "")
    if not (name and mobile):
        return
    survey_round = response.round
    url = settings.SITE_URL.rstrip("/") + reverse("surveys:round_detail", args=[survey_round.pk])
    description = _(
        "Satisfaction survey «%(round)s»: the answer to «%(item)s» was %(value)d of 5. "
        "The respondent agreed to be contacted.\n%(suggestions)s\nSurvey round: %(url)s"
    ) % {
        "round": survey_round.title,
        "item": next(item.text for item, _v in answers if item.code == config.follow_up_item_code),
        "value": value,
        "suggestions": response.suggestions,
        "url": url,
    }
    try:
        case = case_file_public(
            kind=CaseKind.COMPLAINT,
            subject=(_("Low satisfaction in a survey: %(round)s") % {"round": survey_round.title})[
                :200
            ],
            description=description,
            contact_name=name,
            contact_mobile=mobile,
            centre=response.centre,
            channel=SURVEY_CASE_CHANNEL,
        )
    except CaseError:
        return
    response.follow_up_case = case
    response.save(update_fields=["follow_up_case"])


# --- invitations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationTally:
    sent: int
    without_consent: int
    already_invited: int


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys_public:invitation", args=[invitation.token]
    )


def public_url(round_centre: RoundCentre) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys_public:answer", args=[round_centre.token]
    )


DEFAULT_INVITATION_SMS = gettext_lazy(
    # The placeholders are translated too ({name} → {الاسم}): messaging knows both names.
    # xgettext:no-python-brace-format
    "{name}, share your opinion of «%(round)s» (two minutes): {link}"
)


def invitations_send(
    *,
    survey_round: Round,
    actor: User,
    customers: Iterable[Customer],
    channel: str,
    body: str,
    subject: str = "",
    centre: Centre | None = None,
    kind: str = InstrumentKind.BENEFICIARY,
) -> InvitationTally:
    """A personal link to each customer by SMS or e-mail through messaging, purpose
    «surveys»: only to those who consented (messaging.selectors.may_message), never twice
    to the same customer for the same survey. Each is a message of its own with the link in
    {الرابط}/{link}; sent by the site outside quiet hours (a promotional purpose)."""
    from messaging.selectors import may_message
    from messaging.services import MessagingError, message_create, message_schedule

    require(actor, SURVEY_DONORS if kind == InstrumentKind.DONOR else PREPARE)
    if channel not in InvitationChannel.values:
        raise SurveyError(_("Choose SMS or e-mail."))
    if "{الرابط}" not in body and "{link}" not in body:
        raise SurveyError(_("The message must contain the link: write {الرابط} where it goes."))
    expected = RoundState.DONOR_SURVEY if kind == InstrumentKind.DONOR else RoundState.COLLECTING
    if Round.objects.values_list("state", flat=True).get(pk=survey_round.pk) != expected:
        raise SurveyError(_("Invitations are sent while the round collects answers."))
    invited = set(selectors.customers_invited(survey_round, kind))
    sent = without_consent = already = 0
    consent_channel = (
        ConsentChannel.SMS if channel == InvitationChannel.SMS else ConsentChannel.EMAIL
    )
    for customer in customers:
        if customer.pk in invited:
            already += 1
            continue
        if not may_message(customer, consent_channel, ConsentPurpose.SURVEYS):
            without_consent += 1
            continue
        with transaction.atomic():
            invitation = Invitation.objects.create(
                round=survey_round,
                kind=kind,
                customer=customer,
                centre=centre,
                channel=channel,
                created_by=actor,
            )
            try:
                message = message_create(
                    channel=consent_channel,
                    purpose=ConsentPurpose.SURVEYS,
                    body=body,
                    subject=subject,
                    customer=customer,
                    values={"link": invitation_url(invitation)},
                    actor=None,
                )
                message_schedule(message=message, actor=None)
            except MessagingError as error:
                raise SurveyError(str(error)) from error
            invitation.message = message
            invitation.save(update_fields=["message"])
        invited.add(customer.pk)
        sent += 1
    return InvitationTally(sent=sent, without_consent=without_consent, already_invited=already)
