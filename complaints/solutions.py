"""Proposed solutions of a recurring group and the monitoring of their implementation
(procedure "تقديم ومعالجة الشكاوي", step 7: the quality officer proposes solutions and how
to implement them, and monitors their implementation).

Services (the only writes), selectors (who sees which solution, the plan's history) and the
"my work" providers. The status moves by django-fsm transitions, each with a dated
monitoring note (SolutionMonitoring); the owner reports progress, the quality officer also
judges the effect, sends a solution back to work or cancels it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork
from core.workflow import CONFLICT_MESSAGE, Workflow

from .errors import SolutionError
from .models import (
    MONITOR_SOLUTION,
    SOLUTION_OPEN_STATUSES,
    ProposedSolution,
    RecurringGroupReview,
    SolutionMonitoring,
    reports_on_solution,
)
from .recurring import parse_group_key

ADD_PERMISSION = "complaints.add_proposedsolution"
MONITOR_PERMISSION = MONITOR_SOLUTION
READ_PERMISSION = "complaints.view_recurringgroupreview"
DUE_SOON_DAYS = 7
MY_WORK_LIMIT = 20

# step -> (transition, who may take it, the note is required). A "note" alone keeps the
# status. The owner reports progress; the quality officer does everything.
STEPS: dict[str, tuple[str | None, str, bool]] = {
    "start": ("start", "owner", False),
    "complete": ("complete", "owner", False),
    "effective": ("confirm_effective", "quality", False),
    "not_effective": ("mark_not_effective", "quality", True),
    "resume": ("resume", "quality", True),
    "cancel": ("cancel", "quality", True),
    "note": (None, "owner", True),
}


# --- selectors ----------------------------------------------------------------------------


def solutions_visible_to(user: User | AnonymousUser) -> QuerySet[ProposedSolution]:
    """Readers of the recurring-complaints analysis see every solution; anyone else the
    solutions they own."""
    queryset = ProposedSolution.objects.select_related("review", "owner", "created_by")
    if not user.is_authenticated:
        return queryset.none()
    if user.has_perm(READ_PERMISSION):
        return queryset
    return queryset.filter(owner=user)


def _monitoring_newest_first() -> Prefetch:
    return Prefetch(
        "monitoring",
        queryset=SolutionMonitoring.objects.select_related("actor").order_by("-at", "-pk"),
        to_attr="monitoring_newest_first",
    )


def solutions_of_reviews(
    reviews: Iterable[RecurringGroupReview] | QuerySet[RecurringGroupReview],
) -> QuerySet[ProposedSolution]:
    """The solutions of these groups' reviews, in order, each with its monitoring notes
    newest first (`monitoring_newest_first`): two queries."""
    return (
        ProposedSolution.objects.filter(review__in=reviews)
        .select_related("owner", "review")
        .prefetch_related(_monitoring_newest_first())
        .order_by("review_id", "created_at", "pk")
    )


def is_monitor(user: User | AnonymousUser) -> bool:
    return user.has_perm(MONITOR_PERMISSION)


def available_actions(solution: ProposedSolution, user: User) -> list[str]:
    """The monitoring steps this user may take on this solution now, in the page's order:
    those of the state machine, and a "note" alone."""
    transitions = SOLUTION_WORKFLOW.available_actions(solution, user)
    actions = [step for step, (name, _who, _note) in STEPS.items() if name in transitions]
    if may_add_note(solution, user):
        actions.append("note")
    order = ["start", "complete", "effective", "not_effective", "resume", "note", "cancel"]
    return sorted(actions, key=order.index)


def may_add_note(solution: ProposedSolution, user: User) -> bool:
    """The owner notes the progress of an open solution; the quality officer notes any."""
    if is_monitor(user):
        return True
    return reports_on_solution(solution, user) and solution.status in SOLUTION_OPEN_STATUSES


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanChange:
    user: Any  # the history's user: a User, or None
    at: Any  # datetime
    fields: list[FieldChange] = field(default_factory=list)


_PLAN_FIELDS = ("text", "implementation_plan", "owner", "due_date")


def _raw(version: Any, name: str) -> Any:
    return getattr(version, f"{name}_id" if name == "owner" else name)


def _shown(version: Any, name: str, users: dict[Any, User]) -> str:
    value = _raw(version, name)
    if name == "owner":
        user = users.get(value)
        return (user.get_full_name() or user.get_username()) if user else ""
    if name == "due_date":
        return formats.date_format(value, "j F Y") if value else ""
    return value or ""


def plan_changes(solution: ProposedSolution) -> list[PlanChange]:
    """The edits of the solution (its text, plan, owner, due date), the latest first, each
    with who made it and what changed (simple-history)."""
    versions = list(solution.history.select_related("history_user").order_by("history_date", "pk"))
    owner_ids = {version.owner_id for version in versions if version.owner_id}
    users = get_user_model().objects.in_bulk(owner_ids)
    labels = {
        name: str(ProposedSolution._meta.get_field(name).verbose_name) for name in _PLAN_FIELDS
    }
    changes = []
    for previous, version in zip(versions, versions[1:], strict=False):
        fields = [
            FieldChange(
                name, labels[name], _shown(previous, name, users), _shown(version, name, users)
            )
            for name in _PLAN_FIELDS
            if _raw(previous, name) != _raw(version, name)
        ]
        if fields:
            changes.append(PlanChange(version.history_user, version.history_date, fields))
    changes.reverse()
    return changes


# --- services -----------------------------------------------------------------------------


def _clean(
    text: str | None,
    plan: str | None,
    owner: User | None,
    due_date: datetime.date | None,
    *,
    creating: bool,
) -> tuple[str, str]:
    text, plan = (text or "").strip(), (plan or "").strip()
    if not text:
        raise SolutionError(_("Write the proposed solution."))
    if not plan:
        raise SolutionError(_("Write how to implement the solution: its implementation plan."))
    if owner is None or not owner.is_active:
        raise SolutionError(_("Choose an active user as the owner."))
    if due_date is None:
        raise SolutionError(_("Choose the due date."))
    if creating and due_date < timezone.localdate():
        raise SolutionError(_("The due date cannot be in the past."))
    return text, plan


def solution_add(
    *,
    actor: User,
    group_key: str,
    label: str | None,
    text: str,
    plan: str,
    owner: User | None,
    due_date: datetime.date | None,
) -> ProposedSolution:
    """The quality officer proposes a solution for a recurring group, with its
    implementation plan, owner and due date. The group's analysis is created if the root
    causes were not written yet."""
    if not actor.has_perm(ADD_PERMISSION):
        raise PermissionDenied
    parsed = parse_group_key(group_key)
    if parsed is None:
        raise SolutionError(_("This recurring group does not exist."))
    text, plan = _clean(text, plan, owner, due_date, creating=True)
    try:
        with transaction.atomic():
            review = (
                RecurringGroupReview.objects.select_for_update()
                .filter(group_key=parsed.key)
                .first()
            )
            if review is None:
                review = RecurringGroupReview(
                    group_key=parsed.key,
                    label=(label or "").strip()[:300] or parsed.key,
                    updated_by=actor,
                )
                review._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
                review.save()
            solution = ProposedSolution(
                review=review,
                text=text,
                implementation_plan=plan,
                owner=owner,
                due_date=due_date,
                created_by=actor,
                created_at=timezone.now(),
            )
            solution._history_user = actor
            solution.save()
    except IntegrityError as error:
        raise SolutionError(str(CONFLICT_MESSAGE)) from error
    return solution


def solution_update(
    *,
    actor: User,
    solution: ProposedSolution,
    text: str,
    plan: str,
    owner: User | None,
    due_date: datetime.date | None,
) -> ProposedSolution:
    """The quality officer revises a solution: its text, plan, owner or due date (a
    solution migrated from free text gets its plan, owner and due date this way). Every
    version is kept."""
    if not actor.has_perm(MONITOR_PERMISSION):
        raise PermissionDenied
    text, plan = _clean(text, plan, owner, due_date, creating=False)
    with transaction.atomic():
        current = ProposedSolution.objects.select_for_update().get(pk=solution.pk)
        current.text, current.implementation_plan = text, plan
        current.owner, current.due_date = owner, due_date
        current._history_user = actor
        # Only these fields: the status moves by monitoring steps, never by an edit.
        current.save(update_fields=["text", "implementation_plan", "owner", "due_date"])
    for name in ("text", "implementation_plan", "owner", "due_date"):
        setattr(solution, name, getattr(current, name))
    return solution


SOLUTION_WORKFLOW = Workflow(
    audit=SolutionMonitoring,
    error=SolutionError,
    stale_message=gettext_lazy(
        "This solution is no longer at this step. Reload the page to see its status."
    ),
    field="status",
)


def solution_monitor(
    *, actor: User, solution: ProposedSolution, step: str, note: str = ""
) -> ProposedSolution:
    """A dated monitoring note on the solution, moving its status when the step says so:
    the owner starts it, reports it implemented or adds a note; the quality officer also
    judges whether it was effective, sends it back to work or cancels it."""
    if step not in STEPS:
        raise SolutionError(_("Choose a monitoring step."))
    transition_name, who, needs_note = STEPS[step]
    quality = is_monitor(actor)
    owner = solution.owner_id is not None and solution.owner_id == actor.pk
    if not (quality or (who == "owner" and owner)):
        raise PermissionDenied
    note = (note or "").strip()
    if needs_note and not note:
        raise SolutionError(_("Write the monitoring note."))
    if transition_name is None and not quality and solution.status not in SOLUTION_OPEN_STATUSES:
        raise PermissionDenied
    with transaction.atomic():
        if transition_name is None:
            current = ProposedSolution.objects.select_for_update().get(pk=solution.pk)
            if current.status != solution.status:
                raise SolutionError(str(CONFLICT_MESSAGE))
            SOLUTION_WORKFLOW.record_event(current, actor=actor, note=note)
        else:
            SOLUTION_WORKFLOW.take_step(
                solution,
                transition_name,
                actor=actor,
                note=note,
                fields={"_history_user": actor},
                update_fields=["status"],
            )
    return solution


# --- my work ------------------------------------------------------------------------------


def _item(solution: ProposedSolution) -> mywork.WorkItem:
    label = solution.review.label
    return mywork.WorkItem(
        title=str(solution),
        url=reverse("complaints:solution_detail", args=[solution.pk]),
        due=_end_of_day(solution.due_date) if solution.due_date else None,
        detail=f"{label} · {solution.get_status_display()}",
    )


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.max), timezone.get_default_timezone()
    )


def solutions_to_implement(user: User) -> mywork.WorkSection | None:
    """For an owner: their solutions still to implement, overdue or due within 7 days."""
    if not user.is_authenticated:
        return None
    horizon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
    owned = (
        ProposedSolution.objects.filter(
            owner=user, status__in=SOLUTION_OPEN_STATUSES, due_date__lte=horizon
        )
        .select_related("review")
        .order_by("due_date", "pk")
    )
    items = [_item(solution) for solution in owned[:MY_WORK_LIMIT]]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Solutions of recurring complaints to implement"), items=items
    )


def solutions_overdue(user: User) -> mywork.WorkSection | None:
    """For the quality officer, who monitors the implementation: every solution past its
    due date and not implemented."""
    if not is_monitor(user):
        return None
    late = (
        ProposedSolution.objects.filter(
            Q(status__in=SOLUTION_OPEN_STATUSES), due_date__lt=timezone.localdate()
        )
        .select_related("review")
        .order_by("due_date", "pk")
    )
    items = [_item(solution) for solution in late[:MY_WORK_LIMIT]]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Proposed solutions overdue"),
        items=items,
        list_url=reverse("complaints:recurring"),
    )
