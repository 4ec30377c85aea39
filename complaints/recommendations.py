"""Recommendations from the weekly review of the register (procedure step 8), decided by the
sub-council secretary (step 9) and followed up: one not implemented gets an investigation
of the reasons within 2 working days (performance-reports procedure, steps 3-4).

Services (the only writes), selectors (who sees what) and the "my work" providers."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association import roles
from association.workdays import working_deadline
from core import mywork
from core.permissions import require
from core.workflow import Workflow

from .errors import RecommendationError
from .models import (
    CaseRoute,
    Implementation,
    Recommendation,
    RecommendationDecision,
    RecommendationTransition,
    RegisterReview,
    follows_up_recommendation,
)
from .recurring import parse_group_key

INVESTIGATION_WORKING_DAYS = 2
DUE_SOON_DAYS = 7
MY_WORK_LIMIT = 20


def may_follow_up(user: User, recommendation: Recommendation) -> bool:
    return follows_up_recommendation(recommendation, user)


# The page's names of the implementation steps.
_ACTION_OF_STEP = {"mark_implemented": "implemented", "mark_not_implemented": "not_implemented"}


def may_investigate(user: User, recommendation: Recommendation) -> bool:
    """A recommendation not implemented is investigated once (step 4), by who follows it up."""
    return (
        recommendation.decision == RecommendationDecision.APPROVED
        and recommendation.implementation == Implementation.NOT_IMPLEMENTED
        and recommendation.investigated_at is None
        and may_follow_up(user, recommendation)
    )


def available_actions(recommendation: Recommendation, user: User) -> list[str]:
    """What this user may do on this recommendation now: decide, investigate, record the
    implementation."""
    actions = DECISION_WORKFLOW.available_actions(recommendation, user)
    if may_investigate(user, recommendation):
        actions.append("investigation")
    steps = IMPLEMENTATION_WORKFLOW.available_actions(recommendation, user)
    return actions + [_ACTION_OF_STEP[step] for step in steps]


_MANAGER_DEPARTMENTS = {
    roles.CRM_MANAGER: CaseRoute.CRM,
    roles.CENTRES_MANAGER: CaseRoute.CENTRES,
}


def managed_departments(user: User) -> list[str]:
    """The departments whose recommendations this manager follows up."""
    if not user.has_perm("complaints.change_recommendation"):
        return []
    return [
        _MANAGER_DEPARTMENTS[role]
        for role in roles.user_roles(user)
        if role in _MANAGER_DEPARTMENTS
    ]


# --- services -----------------------------------------------------------------------------


def recommendation_raise(
    *,
    actor: User,
    text: str,
    department: str,
    owner: User | None,
    due_date: datetime.date | None,
    group_key: str = "",
    register_review: RegisterReview | None = None,
) -> Recommendation:
    """A department manager raises a recommendation from the weekly review (step 8); when
    raised from a recorded review (register_reviews), it is linked to it and belongs to the
    review's department."""
    require(actor, "complaints.add_recommendation")
    if register_review is not None:
        from .register_reviews import departments_reviewed_by

        if register_review.department not in departments_reviewed_by(actor):
            raise PermissionDenied
        if department != register_review.department:
            raise RecommendationError(
                _(
                    "A recommendation raised from a weekly review belongs to the "
                    "department of the review."
                )
            )
    text = (text or "").strip()
    group_key = (group_key or "").strip()
    if not text:
        raise RecommendationError(_("Write the recommendation."))
    if department not in CaseRoute.values:
        raise RecommendationError(_("Choose the department."))
    if owner is None or not owner.is_active:
        raise RecommendationError(_("Choose an active user as the owner."))
    if due_date is None:
        raise RecommendationError(_("Choose the due date."))
    if due_date < timezone.localdate():
        raise RecommendationError(_("The due date cannot be in the past."))
    if group_key and parse_group_key(group_key) is None:
        raise RecommendationError(_("This recurring group does not exist."))
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            text=text,
            department=department,
            owner=owner,
            due_date=due_date,
            group_key=group_key,
            raised_by=actor,
            register_review=register_review,
        )
        DECISION_WORKFLOW.record_event(recommendation, actor=actor, note=text)
    return recommendation


_STALE = gettext_lazy(
    "This recommendation is no longer at this step. Reload the page to see its status."
)
# A recommendation has two state machines: the secretary's decision, then its implementation.
DECISION_WORKFLOW = Workflow(
    audit=RecommendationTransition,
    error=RecommendationError,
    stale_message=_STALE,
    field="decision",
)
IMPLEMENTATION_WORKFLOW = Workflow(
    audit=RecommendationTransition,
    error=RecommendationError,
    stale_message=_STALE,
    field="implementation",
)


def _run(
    recommendation: Recommendation,
    transition_name: str,
    *,
    actor: User,
    note: str = "",
    **fields: Any,
) -> Recommendation:
    """Take one step of the decision or of the implementation, in a transaction."""
    decision = transition_name in ("approve", "reject")
    workflow = DECISION_WORKFLOW if decision else IMPLEMENTATION_WORKFLOW
    with transaction.atomic():
        workflow.take_step(recommendation, transition_name, actor=actor, note=note, fields=fields)
    return recommendation


def recommendation_decide(
    *, actor: User, recommendation: Recommendation, approve: bool, note: str = ""
) -> Recommendation:
    """The sub-council secretary approves or rejects (step 9); a rejection says why."""
    require(actor, "complaints.decide_recommendation")
    note = (note or "").strip()
    if not approve and not note:
        raise RecommendationError(_("Write why the recommendation is rejected."))
    return _run(
        recommendation,
        "approve" if approve else "reject",
        actor=actor,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note,
    )


def _require_follower(actor: User, recommendation: Recommendation) -> None:
    if not may_follow_up(actor, recommendation):
        raise PermissionDenied


def recommendation_record_implementation(
    *, actor: User, recommendation: Recommendation, implemented: bool, note: str = ""
) -> Recommendation:
    """The owner says whether the approved recommendation was implemented (step 3). One not
    implemented is investigated within 2 working days (step 4)."""
    _require_follower(actor, recommendation)
    note = (note or "").strip()
    if recommendation.decision != RecommendationDecision.APPROVED:
        raise RecommendationError(_("Only an approved recommendation is implemented."))
    now = timezone.now()
    fields = {"implementation_note": note, "implementation_recorded_at": now}
    if implemented:
        return _run(recommendation, "mark_implemented", actor=actor, note=note, **fields)
    if not note:
        raise RecommendationError(_("Write what was not done."))
    return _run(
        recommendation,
        "mark_not_implemented",
        actor=actor,
        note=note,
        investigation_due_at=working_deadline(now, INVESTIGATION_WORKING_DAYS),
        **fields,
    )


def recommendation_record_investigation(
    *, actor: User, recommendation: Recommendation, reasons: str
) -> Recommendation:
    """The reasons a recommendation was not implemented, found by the investigation."""
    _require_follower(actor, recommendation)
    reasons = (reasons or "").strip()
    if recommendation.implementation != Implementation.NOT_IMPLEMENTED:
        raise RecommendationError(_("Only a recommendation not implemented is investigated."))
    if not reasons:
        raise RecommendationError(_("Write the reasons found."))
    now = timezone.now()
    with transaction.atomic():
        # A plain conditional UPDATE: the investigation is recorded once, whoever is first.
        updated = Recommendation.objects.filter(
            pk=recommendation.pk,
            implementation=Implementation.NOT_IMPLEMENTED,
            investigated_at__isnull=True,
        ).update(investigation_reasons=reasons, investigated_at=now, investigated_by=actor)
        if not updated:
            raise RecommendationError(
                _(
                    "The investigation of this recommendation was already recorded. "
                    "Reload the page to see it."
                )
            )
        IMPLEMENTATION_WORKFLOW.record_event(recommendation, actor=actor, note=reasons)
    recommendation.investigation_reasons = reasons
    recommendation.investigated_at = now
    recommendation.investigated_by = actor
    return recommendation


# --- my work ------------------------------------------------------------------------------


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.max), timezone.get_default_timezone()
    )


def _item(
    recommendation: Recommendation, due: datetime.datetime | None, detail: str
) -> mywork.WorkItem:
    return mywork.WorkItem(
        title=str(recommendation),
        url=reverse("complaints:recommendation_detail", args=[recommendation.pk]),
        due=due,
        detail=detail,
    )


def _list_url(**params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("complaints:recommendations")
    return f"{url}?{urlencode(params)}" if params else url


def recommendations_awaiting_decision(user: User) -> mywork.WorkSection | None:
    """For the sub-council secretary: recommendations awaiting her decision (step 9)."""
    if not user.has_perm("complaints.decide_recommendation"):
        return None
    pending = Recommendation.objects.filter(decision=RecommendationDecision.RAISED).order_by(
        "raised_at", "pk"
    )
    items = [
        _item(
            rec,
            None,
            f"{rec.get_department_display()} · {timezone.localdate(rec.raised_at):%Y-%m-%d}",
        )
        for rec in pending[:MY_WORK_LIMIT]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Recommendations awaiting your decision"),
        items=items,
        list_url=_list_url(decision=RecommendationDecision.RAISED),
    )


def recommendations_due(user: User) -> mywork.WorkSection | None:
    """For the owner: approved recommendations not yet recorded, past due or due within
    7 days."""
    if not user.is_authenticated:
        return None
    horizon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
    due = Recommendation.objects.filter(
        owner=user,
        decision=RecommendationDecision.APPROVED,
        implementation=Implementation.PENDING,
        due_date__lte=horizon,
    ).order_by("due_date", "pk")
    items = [
        _item(rec, _end_of_day(rec.due_date), rec.get_department_display())
        for rec in due[:MY_WORK_LIMIT]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Recommendations to implement"),
        items=items,
        list_url=_list_url(implementation=Implementation.PENDING),
    )


def recommendations_awaiting_investigation(user: User) -> mywork.WorkSection | None:
    """For the owner and the managers: recommendations not implemented whose reasons are
    still to be investigated (2 working days)."""
    if not user.is_authenticated:
        return None
    waiting = Recommendation.objects.filter(
        implementation=Implementation.NOT_IMPLEMENTED, investigated_at__isnull=True
    )
    if not user.is_superuser:
        waiting = waiting.filter(Q(owner=user) | Q(department__in=managed_departments(user)))
    items = [
        _item(rec, rec.investigation_due_at, rec.get_department_display())
        for rec in waiting.order_by("investigation_due_at", "pk")[:MY_WORK_LIMIT]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Recommendations not implemented: investigate the reasons"),
        items=items,
        list_url=_list_url(implementation=Implementation.NOT_IMPLEMENTED),
    )
