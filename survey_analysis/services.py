"""Every write of the survey follow-up (procedure steps 4–8), each in a transaction with
its rule checked here and nowhere else: the views, the admin, the demo loader and the jobs
call these functions.

The round itself moves through surveys' own steps (part 1); these services refuse to write
outside the step they belong to, and lock the round so that two people acting at once on it
are told, never both written."""

import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import require
from core.workflow import Workflow
from customers.models import Customer
from programmes.models import Programme
from surveys.models import Item, ItemKind, Response, Round, RoundState

from .analysis import analyse
from .errors import SurveyAnalysisError
from .models import (
    DecisionOutcome,
    DocumentKind,
    ManagementDecision,
    RoundDocument,
    RoundFindings,
    SatisfactionLevel,
    StoryState,
    SuccessStory,
    SuccessStoryTransition,
    TreatmentAction,
)

STORY_WORKFLOW = Workflow(
    error=SurveyAnalysisError,
    stale_message=gettext_lazy("The story has moved on: reload the page to see where it stands."),
    audit=SuccessStoryTransition,
)

# Treatment steps are written while the weak points are agreed and until the decision.
ACTION_STATES = (RoundState.TREATMENT, RoundState.DECISION)


def _locked_round(survey_round: Round) -> Round:
    """The round read again under a row lock: a step taken meanwhile is seen."""
    return Round.objects.select_for_update().get(pk=survey_round.pk)


def _refuse_unless_at(survey_round: Round, states: tuple[str, ...], message: str) -> None:
    if survey_round.state not in states:
        raise SurveyAnalysisError(message)


# --- step 4: the findings -----------------------------------------------------------------------


def findings_write(
    *,
    survey_round: Round,
    level: str,
    conclusions: str,
    recommendations: str,
    actor: User,
) -> RoundFindings:
    """The quality officer's findings: the satisfaction level, the conclusions and the
    recommendations, with the index and the weak items as the analysis gives them now.
    Written again as often as needed while the round is being analysed."""
    require(actor, "survey_analysis.add_roundfindings")
    if level not in SatisfactionLevel.values:
        raise SurveyAnalysisError(_("Choose the satisfaction level."))
    if not conclusions.strip():
        raise SurveyAnalysisError(_("Write the results and conclusions."))
    with transaction.atomic():
        locked = _locked_round(survey_round)
        _refuse_unless_at(
            locked,
            (RoundState.ANALYSING,),
            _("The findings are written while the results are analysed (step 4)."),
        )
        analysis = analyse(locked, user=None)
        index = analysis.satisfaction_index
        findings, _created = RoundFindings.objects.update_or_create(
            round=locked,
            defaults={
                "level": level,
                "conclusions": conclusions.strip(),
                "recommendations": recommendations.strip(),
                "satisfaction_index": None if index is None else round(index, 1),
                "weak_items": [item.code for item in analysis.items if item.weak],
                "written_by": actor,
                "written_at": timezone.now(),
            },
        )
    return findings


# --- step 6: the treatment steps ------------------------------------------------------------------


def action_create(
    *,
    survey_round: Round,
    item: Item | None,
    text: str,
    owner: User,
    due_on: datetime.date,
    actor: User,
) -> TreatmentAction:
    require(actor, "survey_analysis.add_treatmentaction")
    if not text.strip():
        raise SurveyAnalysisError(_("Describe the treatment step."))
    if not owner.is_active:
        raise SurveyAnalysisError(_("The owner's account is not active: choose someone else."))
    if due_on < timezone.localdate():
        raise SurveyAnalysisError(_("The due date cannot be in the past."))
    with transaction.atomic():
        locked = _locked_round(survey_round)
        _refuse_unless_at(
            locked,
            ACTION_STATES,
            _("Treatment steps are agreed after the report's review (step 6)."),
        )
        if item is not None and (
            item.version_id != locked.version_id or item.kind != ItemKind.SCALE
        ):
            raise SurveyAnalysisError(_("Choose a statement of this round's form."))
        return TreatmentAction.objects.create(
            round=locked,
            item=item,
            text=text.strip(),
            owner=owner,
            due_on=due_on,
            created_by=actor,
        )


def may_complete_action(action: TreatmentAction, user: User) -> bool:
    """The owner marks their own step done; the managers any step."""
    return action.owner_id == user.pk or user.has_perm("survey_analysis.change_treatmentaction")


def action_complete(*, action: TreatmentAction, note: str, actor: User) -> TreatmentAction:
    if not may_complete_action(action, actor):
        require(actor, "survey_analysis.change_treatmentaction")
    with transaction.atomic():
        locked = TreatmentAction.objects.select_for_update().get(pk=action.pk)
        if locked.done_at is not None:
            raise SurveyAnalysisError(_("This step was already marked done."))
        locked.done_at = timezone.now()
        locked.done_by = actor
        locked.done_note = note.strip()
        locked.save(update_fields=["done_at", "done_by", "done_note"])
    return locked


# --- step 7: management's decision ---------------------------------------------------------------


def decision_record(
    *, survey_round: Round, outcome: str, text: str, actor: User
) -> ManagementDecision:
    """Management's decision on the recommendations; changed as often as needed until the
    round goes on to the donors."""
    require(actor, "survey_analysis.add_managementdecision")
    if outcome not in DecisionOutcome.values:
        raise SurveyAnalysisError(_("Choose the decision."))
    if not text.strip():
        raise SurveyAnalysisError(_("Write the decision and its instructions."))
    with transaction.atomic():
        locked = _locked_round(survey_round)
        _refuse_unless_at(
            locked,
            (RoundState.DECISION,),
            _("Management decides once the weak-point steps are agreed (step 7)."),
        )
        decision, _created = ManagementDecision.objects.update_or_create(
            round=locked,
            defaults={
                "outcome": outcome,
                "text": text.strip(),
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
    return decision


# --- the documents -----------------------------------------------------------------------------


DOCUMENT_STATES: dict[str, tuple[str, ...]] = {
    # The results report once the findings are written (step 4 onwards).
    DocumentKind.RESULTS: (
        RoundState.ANALYSING,
        RoundState.REPORT_REVIEW,
        RoundState.TREATMENT,
        RoundState.DECISION,
        RoundState.DONOR_SURVEY,
        RoundState.DONE,
    ),
    # The donor report in step 8 (3.1.18: the beneficiaries' results first).
    DocumentKind.DONORS: (RoundState.DONOR_SURVEY, RoundState.DONE),
    # Every answer, once the collection has begun.
    DocumentKind.ANSWERS: (
        RoundState.COLLECTING,
        RoundState.ANALYSING,
        RoundState.REPORT_REVIEW,
        RoundState.TREATMENT,
        RoundState.DECISION,
        RoundState.DONOR_SURVEY,
        RoundState.DONE,
    ),
}


def document_refusal(survey_round: Round, kind: str) -> str | None:
    """Why the document cannot be produced now, or None."""
    if survey_round.state not in DOCUMENT_STATES[kind]:
        if kind == DocumentKind.DONORS:
            return _(
                "The donor report comes in step 8, once the beneficiaries' results are in "
                "and management has decided."
            )
        return _("This document cannot be produced at this step of the round.")
    if (
        kind == DocumentKind.RESULTS
        and not RoundFindings.objects.filter(round=survey_round).exists()
    ):
        return _("Write the findings (satisfaction level and conclusions) before the report.")
    return None


def document_check(*, survey_round: Round, kind: str, actor: User) -> None:
    """Checks made before a document's job is started (and again by the job)."""
    require(actor, "survey_analysis.add_rounddocument")
    if kind not in DocumentKind.values:
        raise SurveyAnalysisError(_("Unknown document."))
    reason = document_refusal(survey_round, kind)
    if reason:
        raise SurveyAnalysisError(reason)


def document_store(
    *,
    survey_round: Round,
    kind: str,
    content: bytes | Path,
    extension: str,
    actor: User,
    page_count: int | None = None,
    with_presenter: bool = False,
) -> RoundDocument:
    """Keep the new file of the round's document (bytes, or a file on disk), replacing the
    previous one."""
    with transaction.atomic():
        document = (
            RoundDocument.objects.select_for_update().filter(round=survey_round, kind=kind).first()
        )
        old_name = document.file.name if document else ""
        if document is None:
            document = RoundDocument(round=survey_round, kind=kind)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"{kind}-{stamp}.{extension}"
        if isinstance(content, Path):
            # A large file is copied from disk in chunks, never read whole into memory.
            with content.open("rb") as handle:
                document.file.save(name, File(handle), save=False)
        else:
            document.file.save(name, ContentFile(content), save=False)
        document.page_count = page_count
        document.with_presenter = with_presenter
        document.produced_by = actor
        document.produced_at = timezone.now()
        document.save()
        if old_name and old_name != document.file.name:
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return document


# --- success stories (3.1.19) ------------------------------------------------------------------


def story_create(
    *,
    title: str,
    story: str,
    anonymised: str,
    consent_to_publish: bool,
    consent_note: str,
    survey_round: Round | None,
    response: Response | None,
    programme: Programme | None,
    donors: list[Customer],
    actor: User,
) -> SuccessStory:
    require(actor, "survey_analysis.add_successstory")
    _check_story_text(title, story, anonymised)
    if response is not None and survey_round is not None and response.round_id != survey_round.pk:
        raise SurveyAnalysisError(_("The response is not one of this round's."))
    if programme is None and survey_round is not None:
        programme = survey_round.programme
    with transaction.atomic():
        record = SuccessStory.objects.create(
            title=title.strip(),
            story=story.strip(),
            anonymised=anonymised.strip(),
            consent_to_publish=consent_to_publish,
            consent_note=consent_note.strip(),
            round=survey_round,
            response=response,
            programme=programme,
            written_by=actor,
        )
        record.donors.set(donors)
        STORY_WORKFLOW.record_event(record, actor=actor)
    return record


def _check_story_text(title: str, story: str, anonymised: str) -> None:
    if not title.strip() or not story.strip() or not anonymised.strip():
        raise SurveyAnalysisError(_("Give the title, the story and its anonymised version."))


def story_submit(*, story: SuccessStory, actor: User) -> SuccessStory:
    require(actor, "survey_analysis.add_successstory")
    if not story.consent_to_publish:
        raise SurveyAnalysisError(
            _("A story is published only with the beneficiary's consent: record it first.")
        )
    with transaction.atomic():
        locked = SuccessStory.objects.select_for_update().get(pk=story.pk)
        STORY_WORKFLOW.take_step(locked, "submit", actor=actor)
    return locked


def story_approve(*, story: SuccessStory, actor: User) -> SuccessStory:
    require(actor, "survey_analysis.approve_successstory")
    with transaction.atomic():
        locked = SuccessStory.objects.select_for_update().get(pk=story.pk)
        if locked.state != StoryState.SUBMITTED:
            raise SurveyAnalysisError(str(STORY_WORKFLOW.stale_message))
        STORY_WORKFLOW.take_step(
            locked,
            "approve",
            actor=actor,
            fields={"approved_by": actor, "approved_at": timezone.now()},
        )
    return locked


def story_send_back(*, story: SuccessStory, reason: str, actor: User) -> SuccessStory:
    require(actor, "survey_analysis.approve_successstory")
    if not reason.strip():
        raise SurveyAnalysisError(_("Say what should change."))
    with transaction.atomic():
        locked = SuccessStory.objects.select_for_update().get(pk=story.pk)
        STORY_WORKFLOW.take_step(
            locked,
            "send_back",
            actor=actor,
            note=reason.strip(),
            fields={"return_reason": reason.strip()},
        )
    return locked


# --- step 8: the donor survey (3.1.16, 3.1.18, 3.1.19) --------------------------------------------


def donor_invitation_text(survey_round: Round, stories: list[SuccessStory]) -> str:
    """The proposed invitation: the thanks, the link, and the approved success stories of
    the programme in their anonymised version (3.1.19: the donors receive them)."""
    text = _(
        "{الاسم}، شكرًا لدعمكم «%(subject)s». يسعدنا رأيكم في البرنامج ونتائجه (دقيقتان): {الرابط}"
    ) % {"subject": survey_round.subject}
    for story in stories:
        text += f"\n\n{story.title}\n{story.anonymised}"
    return text


def donor_survey_invite(
    *,
    survey_round: Round,
    customers: list[Customer],
    channel: str,
    body: str,
    subject: str,
    actor: User,
) -> Any:
    """Invite the programme's donors to the donor survey through the surveys' invitations
    (consent «surveys», one answer each). Only in step 8: the beneficiaries' results come
    first (3.1.18). The round's donor form is the current donor version, fixed at the first
    invitation so that every donor answers the same one."""
    from surveys import services as survey_services
    from surveys.errors import SurveyError
    from surveys.models import InstrumentKind
    from surveys.selectors import current_version

    require(actor, "surveys.survey_donors")
    if not customers:
        raise SurveyAnalysisError(_("Choose the donors to invite."))
    with transaction.atomic():
        locked = _locked_round(survey_round)
        _refuse_unless_at(
            locked,
            (RoundState.DONOR_SURVEY,),
            _(
                "The donors are surveyed in step 8, once the beneficiaries' results are in "
                "and management has decided."
            ),
        )
        if locked.donor_version_id is None:
            version = current_version(InstrumentKind.DONOR)
            if version is None:
                raise SurveyAnalysisError(_("There is no donor survey form."))
            Round.objects.filter(pk=locked.pk).update(donor_version=version)
            locked.refresh_from_db(fields=["donor_version"])
        try:
            return survey_services.invitations_send(
                survey_round=locked,
                actor=actor,
                customers=customers,
                channel=channel,
                body=body,
                subject=subject,
                kind=InstrumentKind.DONOR,
            )
        except SurveyError as error:
            raise SurveyAnalysisError(str(error)) from error
