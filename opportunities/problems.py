"""The register of problems that threaten a donor relationship (manual 3.1.17, 3.1.20): a
donor not honouring a pledge, a late payment, or an internal problem that affects the service.
The CRM manager handles them urgently: each problem has an owner (the CRM manager unless
assigned), a first-action and a resolution deadline in working days set by its severity, a
dated actions log, and a resolution. Workflow (django-fsm-2): open → in progress (the first
action) → resolved (needs the resolution).

Services (the only writes: `problem_<action>(*, ..., actor)`) and selectors. Kept apart
from opportunities/services.py so that the two registers evolve independently.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association import roles
from association.workdays import working_deadline
from core.permissions import require
from core.workflow import Workflow
from customers.models import Customer, CustomerKind
from programmes.models import Programme

from .models import (
    EXTERNAL_PROBLEM_KINDS,
    UNRESOLVED_PROBLEM_STATES,
    DonorProblem,
    Opportunity,
    OpportunityState,
    PotentialDonor,
    ProblemAction,
    ProblemKind,
    ProblemSeverity,
    ProblemState,
    ProblemTransition,
    handles_problem,
)

# Working days to the first action and to the resolution, by severity ("على وجه السرعة":
# a critical problem is acted on the same working day).
RESPONSE_WORKING_DAYS: dict[str, int] = {
    ProblemSeverity.CRITICAL: 0,
    ProblemSeverity.HIGH: 1,
    ProblemSeverity.MEDIUM: 2,
    ProblemSeverity.LOW: 5,
}
RESOLUTION_WORKING_DAYS: dict[str, int] = {
    ProblemSeverity.CRITICAL: 2,
    ProblemSeverity.HIGH: 5,
    ProblemSeverity.MEDIUM: 10,
    ProblemSeverity.LOW: 20,
}


class ProblemError(Exception):
    """A refusal the user should read (already translated)."""


def may_manage(user: User | AnonymousUser) -> bool:
    return user.has_perm("opportunities.manage_donorproblem")


def may_act(user: User, problem: DonorProblem) -> bool:
    return handles_problem(problem, user)


# --- selectors ----------------------------------------------------------------------------


def problems_visible_to(user: User | AnonymousUser) -> QuerySet[DonorProblem]:
    """Every problem for those who read the register; their own for an owner without that
    right (e.g. a centres manager assigned an internal problem); nothing for anyone else."""
    queryset = DonorProblem.objects.select_related(
        "donor", "opportunity", "programme", "owner", "raised_by", "resolved_by"
    )
    if not user.is_authenticated:
        return queryset.none()
    if user.has_perm("opportunities.view_donorproblem"):
        return queryset
    return queryset.filter(owner=user)


# What a row of the register shows (opportunities/problem_list.html): three of the six
# relations the problems are read with, and only the columns shown.
_REGISTER_ROW_FIELDS = (
    "title",
    "kind",
    "severity",
    "state",
    "respond_by",
    "resolve_by",
    "resolved_at",
    "donor__name",
    "donor__code",
    "opportunity__title",
    "opportunity__state",  # a django-fsm model reads its state when made
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def register_rows(queryset: QuerySet[DonorProblem]) -> QuerySet[DonorProblem]:
    """The register's rows of `queryset` (of problems_visible_to): joined to their donor,
    opportunity and owner only."""
    return (
        queryset.select_related(None)
        .select_related("donor", "opportunity", "owner")
        .only(*_REGISTER_ROW_FIELDS)
    )


def may_open_register(user: User | AnonymousUser) -> bool:
    return user.has_perm("opportunities.view_donorproblem") or (
        user.is_authenticated and DonorProblem.objects.filter(owner=user).exists()
    )


def unresolved_for(user: User) -> QuerySet[DonorProblem]:
    """What awaits this user: every unresolved problem for the CRM manager, their own for
    an owner; the most urgent deadline first."""
    queryset = DonorProblem.objects.filter(state__in=UNRESOLVED_PROBLEM_STATES).select_related(
        "donor", "owner"
    )
    if not may_manage(user):
        queryset = queryset.filter(owner=user)
    return queryset.order_by("resolve_by", "pk")


def problems_of_donor(donor: Customer) -> QuerySet[DonorProblem]:
    return (
        DonorProblem.objects.filter(donor=donor)
        .select_related("owner", "opportunity")
        .order_by(_unresolved_first(), "-raised_at")
    )


def unresolved_problems_of(user: User | AnonymousUser, donor: Customer) -> QuerySet[DonorProblem]:
    return problems_visible_to(user).filter(donor=donor, state__in=UNRESOLVED_PROBLEM_STATES)


def problem_steps_of_donor(
    user: User | AnonymousUser, donor: Customer
) -> QuerySet[ProblemTransition]:
    """The steps of this donor's problems the user reads, newest first."""
    problems = problems_visible_to(user).filter(donor=donor).values("pk")
    return (
        ProblemTransition.objects.filter(problem__in=problems)
        .select_related("actor", "problem")
        .order_by("-at", "-id")
    )


def problems_raised_for(user: User | AnonymousUser, donor: Customer) -> QuerySet[DonorProblem]:
    """The problems raised about this donor that the user reads, with who raised them
    (the timeline shows no other relation: each join costs planning time)."""
    return (
        problems_visible_to(user)
        .filter(donor=donor)
        .select_related(None)
        .select_related("raised_by")
        .order_by("-raised_at", "-id")
    )


# What the opportunity page's problems panel shows (read with the page's timeline,
# selectors.history): not the whole donor and owner rows; the two dates give its order.
OPPORTUNITY_PANEL_FIELDS = (
    "title",
    "kind",
    "severity",
    "state",
    "respond_by",
    "resolve_by",
    "raised_at",
    "resolved_at",
    "donor__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def in_panel_order(problems: list[DonorProblem]) -> list[DonorProblem]:
    """The unresolved first, then the latest resolved; each group newest raised first."""
    return sorted(
        problems,
        key=lambda problem: (
            problem.resolved_at is None,
            problem.resolved_at or problem.raised_at,
            problem.raised_at,
        ),
        reverse=True,
    )


def _unresolved_first() -> OrderBy:
    return F("resolved_at").desc(nulls_first=True)


def with_overdue(
    queryset: QuerySet[DonorProblem], now: datetime | None = None
) -> QuerySet[DonorProblem]:
    """Filter to the problems past a deadline (no first action, or not resolved in time)."""
    now = now or timezone.now()
    return queryset.filter(
        Q(state=ProblemState.OPEN, respond_by__lt=now)
        | Q(state__in=UNRESOLVED_PROBLEM_STATES, resolve_by__lt=now)
    )


def owner_choices() -> QuerySet[User]:
    """Active staff holding a role: the problem may concern any department."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.group_name for r in roles.ALL_ROLES])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def default_owner(actor: User) -> User:
    """The CRM manager handles the problems (3.1.20): the raiser when they are one, otherwise
    the first active CRM manager; the raiser when the association has none."""
    if may_manage(actor):
        return actor
    manager = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.CRM_MANAGER.group_name)
        .order_by("pk")
        .first()
    )
    return manager or actor


def available_actions(problem: DonorProblem, user: User) -> list[str]:
    """What this user may do on this problem now."""
    if problem.state == ProblemState.RESOLVED:
        return []
    actions = ["add_action"] if may_act(user, problem) else []
    actions += PROBLEM_WORKFLOW.available_actions(problem, user)
    if may_manage(user):
        actions.append("assign")
    return actions


def overdue_pledges(now: datetime | None = None) -> QuerySet[Opportunity]:
    """Closing opportunities whose donations do not cover the pledge PLEDGE_OVERDUE_DAYS after
    its date, and with no unresolved problem recorded yet: proposed to the CRM manager as a
    problem (a donor not honouring a pledge, 3.1.17)."""
    from .selectors import with_received_amount

    today = timezone.localdate(now) if now else timezone.localdate()
    cutoff = today - timedelta(days=getattr(settings, "PLEDGE_OVERDUE_DAYS", 30))
    open_problem = DonorProblem.objects.filter(
        opportunity=OuterRef("pk"), state__in=UNRESOLVED_PROBLEM_STATES
    )
    return (
        with_received_amount(
            Opportunity.objects.filter(
                state=OpportunityState.CLOSING,
                pledge_date__lte=cutoff,
                pledge_donor__isnull=False,
            )
        )
        # django-stubs does not see the annotation with_received_amount adds.
        .filter(received_amount__lt=F("pledged_amount"))  # type: ignore[misc]
        .exclude(Exists(open_problem))
        .select_related("pledge_donor", "programme")
        .order_by("pledge_date", "pk")
    )


# --- services -----------------------------------------------------------------------------


def deadlines(severity: str, raised_at: datetime) -> tuple[datetime, datetime]:
    return (
        working_deadline(raised_at, RESPONSE_WORKING_DAYS[severity]),
        working_deadline(raised_at, RESOLUTION_WORKING_DAYS[severity]),
    )


def _check_owner(owner: User | None) -> User:
    """The owner, if the problem may be given to them; ProblemError otherwise."""
    if owner is None or not owner.is_active or not owner_choices().filter(pk=owner.pk).exists():
        raise ProblemError(_("Choose an active staff member as the owner."))
    return owner


def problem_raise(
    *,
    actor: User,
    donor: Customer | None,
    kind: str,
    severity: str,
    title: str,
    description: str,
    opportunity: Opportunity | None = None,
    programme: Programme | None = None,
    owner: User | None = None,
) -> DonorProblem:
    """Record a problem that threatens the relationship with a donor. Its owner is the CRM
    manager unless the CRM manager raising it assigns someone else; the owner is told by
    email after commit."""
    require(actor, "opportunities.add_donorproblem")
    title = (title or "").strip()
    description = (description or "").strip()
    if donor is None or donor.kind != CustomerKind.DONOR:
        raise ProblemError(_("Choose the donor concerned."))
    if kind not in ProblemKind.values:
        raise ProblemError(_("Choose the kind of problem."))
    if severity not in ProblemSeverity.values:
        raise ProblemError(_("Choose the severity."))
    if not title:
        raise ProblemError(_("Write the problem in a few words."))
    if not description:
        raise ProblemError(_("Describe the problem and how it affects the relationship."))
    if opportunity is not None:
        involved = opportunity.pledge_donor_id == donor.pk or (
            PotentialDonor.objects.filter(opportunity=opportunity, donor=donor).exists()
        )
        if not involved:
            raise ProblemError(
                _("%(donor)s is not a donor of the opportunity “%(opportunity)s”.")
                % {"donor": donor.name, "opportunity": opportunity.title}
            )
        if programme is None:
            programme = opportunity.programme
        elif programme.pk != opportunity.programme_id:
            raise ProblemError(_("The programme must be the opportunity's programme."))
    if owner is None or not may_manage(actor):
        owner = default_owner(actor)
    owner = _check_owner(owner)
    now = timezone.now()
    respond_by, resolve_by = deadlines(severity, now)
    with transaction.atomic():
        problem = DonorProblem.objects.create(
            donor=donor,
            opportunity=opportunity,
            programme=programme,
            kind=kind,
            severity=severity,
            title=title,
            description=description,
            owner=owner,
            raised_by=actor,
            raised_at=now,
            respond_by=respond_by,
            resolve_by=resolve_by,
        )
        PROBLEM_WORKFLOW.record_event(problem, actor=actor, note=title)
        _notify_owner(problem, actor)
    return problem


def _notify_owner(problem: DonorProblem, actor: User) -> None:
    if problem.owner_id != actor.pk:
        from .problem_tasks import notify_problem_owner

        notify_problem_owner.delay_on_commit(problem.pk)


def _require_unresolved(problem: DonorProblem) -> None:
    if problem.state == ProblemState.RESOLVED:
        raise ProblemError(_("This problem is resolved: it can no longer change."))


def _locked(problem: DonorProblem) -> DonorProblem:
    """The problem read again and locked until the transaction ends, so that actions and the
    resolution of one problem happen one after the other, never interleaved: two first actions
    at once start the handling once, and no action is added to a problem just resolved."""
    current = DonorProblem.objects.select_for_update().get(pk=problem.pk)
    _require_unresolved(current)
    return current


PROBLEM_WORKFLOW = Workflow(
    audit=ProblemTransition,
    error=ProblemError,
    stale_message=gettext_lazy(
        "This problem is no longer at this step. Reload the page to see its status."
    ),
)


def _step(
    problem: DonorProblem, transition_name: str, *, actor: User, note: str, **fields: Any
) -> Any:
    return PROBLEM_WORKFLOW.take_step(
        problem, transition_name, actor=actor, note=note, fields=fields
    )


def problem_add_action(
    *, problem: DonorProblem, actor: User, action_date: date | None, text: str
) -> ProblemAction:
    """A dated entry of the actions log. The first action starts the handling (open → in
    progress), which answers the first-action deadline."""
    if not may_act(actor, problem):
        raise PermissionDenied
    _require_unresolved(problem)
    text = (text or "").strip()
    if not text:
        raise ProblemError(_("Write the action taken."))
    if action_date is None:
        raise ProblemError(_("Enter the date of the action."))
    if action_date > timezone.localdate():
        raise ProblemError(_("An action taken cannot be dated in the future."))
    with transaction.atomic():
        current = _locked(problem)
        if current.state == ProblemState.OPEN:
            _step(current, "start_handling", actor=actor, note=text)
        action = ProblemAction.objects.create(
            problem=current, action_date=action_date, text=text, actor=actor
        )
    return action


def problem_resolve(*, problem: DonorProblem, actor: User, resolution: str) -> DonorProblem:
    """Close the problem with its resolution (what was agreed, how the relationship stands).
    Returns the problem as saved (the caller's copy is left as it was read)."""
    if not may_act(actor, problem):
        raise PermissionDenied
    _require_unresolved(problem)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ProblemError(_("Write the resolution before closing the problem."))
    with transaction.atomic():
        current = _locked(problem)
        if current.state == ProblemState.OPEN:
            raise ProblemError(_("Record the actions taken before resolving the problem."))
        _step(
            current,
            "resolve",
            actor=actor,
            note=resolution,
            resolution=resolution,
            resolved_by=actor,
            # Read after the lock: an action recorded meanwhile is always dated before.
            resolved_at=timezone.now(),
        )
    return current


def problem_assign(
    *, problem: DonorProblem, actor: User, owner: User | None, severity: str
) -> DonorProblem:
    """The CRM manager assigns the problem to someone else or changes its severity (the
    deadlines follow, counted from when it was raised). Recorded in the actions log."""
    require(actor, "opportunities.manage_donorproblem")
    _require_unresolved(problem)
    if severity not in ProblemSeverity.values:
        raise ProblemError(_("Choose the severity."))
    owner = _check_owner(owner)
    changes = []
    if owner.pk != problem.owner_id:
        changes.append(
            _("Assigned to %(owner)s.") % {"owner": owner.get_full_name() or owner.get_username()}
        )
    if severity != problem.severity:
        changes.append(
            _("Severity changed from %(old)s to %(new)s.")
            % {
                "old": problem.get_severity_display(),
                "new": ProblemSeverity(severity).label,
            }
        )
    if not changes:
        raise ProblemError(_("Nothing changed: the owner and the severity are the same."))
    respond_by, resolve_by = deadlines(severity, problem.raised_at)
    with transaction.atomic():
        updated = DonorProblem.objects.filter(
            pk=problem.pk, state__in=UNRESOLVED_PROBLEM_STATES
        ).update(owner=owner, severity=severity, respond_by=respond_by, resolve_by=resolve_by)
        if not updated:
            raise ProblemError(_("This problem is resolved: it can no longer change."))
        ProblemAction.objects.create(
            problem=problem,
            action_date=timezone.localdate(),
            text=" ".join(changes),
            actor=actor,
        )
        problem.owner, problem.severity = owner, severity
        problem.respond_by, problem.resolve_by = respond_by, resolve_by
        _notify_owner(problem, actor)
    return problem


def is_external(kind: str) -> bool:
    return kind in EXTERNAL_PROBLEM_KINDS
