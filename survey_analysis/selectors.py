"""Reads of the survey follow-up: what a round's panel shows, a person's open treatment
steps, the success stories a reader may see."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from surveys.models import Round

from .models import (
    DocumentKind,
    ManagementDecision,
    RoundDocument,
    RoundFindings,
    StoryState,
    SuccessStory,
    TreatmentAction,
)


def may_read_analysis(user: User | AnonymousUser) -> bool:
    return user.has_perm("survey_analysis.view_roundfindings")


def round_actions(survey_round: Round) -> QuerySet[TreatmentAction]:
    return (
        TreatmentAction.objects.filter(round=survey_round)
        .select_related("owner", "item")
        .order_by("due_on", "pk")
    )


def open_actions_of(user: User) -> QuerySet[TreatmentAction]:
    """The person's treatment steps not done yet, the most urgent first (partial index
    survey_action_open_owner)."""
    return (
        TreatmentAction.objects.filter(owner=user, done_at__isnull=True)
        .select_related("round")
        .order_by("due_on", "pk")
    )


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A due date as the moment it is overdue after: the end of that day in Riyadh."""
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=zone)


@dataclass
class FollowUp:
    """What the round page's panel shows of steps 4–8."""

    findings: RoundFindings | None
    actions: list[TreatmentAction]
    decision: ManagementDecision | None
    documents: dict[str, RoundDocument] = field(default_factory=dict)
    stories: list[SuccessStory] = field(default_factory=list)


def follow_up(survey_round: Round, *, stories: bool) -> FollowUp:
    documents = {
        document.kind: document
        for document in RoundDocument.objects.filter(round=survey_round).select_related(
            "produced_by"
        )
    }
    return FollowUp(
        findings=RoundFindings.objects.filter(round=survey_round)
        .select_related("written_by")
        .first(),
        actions=list(round_actions(survey_round)),
        decision=ManagementDecision.objects.filter(round=survey_round)
        .select_related("decided_by")
        .first(),
        documents=documents,
        stories=list(approved_stories_of_round(survey_round)) if stories else [],
    )


def stories_visible_to(user: User | AnonymousUser) -> QuerySet[SuccessStory]:
    if not user.has_perm("survey_analysis.view_successstory"):
        return SuccessStory.objects.none()
    return SuccessStory.objects.select_related("programme", "round", "written_by")


def approved_stories_of_round(survey_round: Round) -> QuerySet[SuccessStory]:
    """The stories donors may read with this round: approved, with consent, of the round
    or of its programme."""
    stories = SuccessStory.objects.filter(state=StoryState.APPROVED, consent_to_publish=True)
    if survey_round.programme_id:
        stories = stories.filter(programme_id=survey_round.programme_id)
    else:
        stories = stories.filter(round=survey_round)
    return stories.order_by("-approved_at", "-pk")


def has_document(survey_round: Round, kind: str) -> bool:
    return RoundDocument.objects.filter(round=survey_round, kind=kind).exists()


DONOR_REPORT = DocumentKind.DONORS
