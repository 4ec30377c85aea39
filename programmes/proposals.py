"""Programme proposals to strategic planning (manual 3.1.12): from donors' recorded
interests, CRM staff or the CRM manager propose a programme the donors asked for (which
donors, what, why); the strategic planning director answers: accepted into the portfolio,
refused, or needs study (then accepted or refused). An accepted proposal is linked to the
programme created from it.

Services (the only writes: `proposal_<action>(*, ..., actor)`) and selectors.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core.permissions import require
from core.text import normalize_arabic
from core.workflow import Workflow
from customers.models import Customer, CustomerKind
from customers.profile_cache import renew_for_rows

from . import services as programme_services
from .models import (
    ANSWERABLE_PROPOSAL_STATES,
    Programme,
    ProgrammeCategory,
    ProgrammeProposal,
    ProposalState,
    ProposalTransition,
)

ANSWER_WORKING_DAYS = 10  # planning answers a proposal within two working weeks
STUDY_WORKING_DAYS = 20  # and decides on one that needed study within four more
# How long an answer stays on the proposer's "عملي".
ANSWERS_SHOWN_FOR = timedelta(days=14)

ACCEPT = "accept"
REFUSE = "refuse"
STUDY = "study"
ANSWERS = (ACCEPT, REFUSE, STUDY)
_TRANSITIONS = {ACCEPT: "accept", REFUSE: "refuse", STUDY: "ask_for_study"}


class ProposalError(Exception):
    """A refusal the user should read (already translated)."""


PROPOSAL_WORKFLOW = Workflow(
    audit=ProposalTransition,
    error=ProposalError,
    stale_message=gettext_lazy(
        "This proposal was already answered. Reload the page to see its status."
    ),
)


# --- selectors ----------------------------------------------------------------------------


def proposals_visible_to(user: User | AnonymousUser) -> QuerySet[ProgrammeProposal]:
    if not user.has_perm("programmes.view_programmeproposal"):
        return ProgrammeProposal.objects.none()
    return ProgrammeProposal.objects.select_related(
        "category", "proposed_by", "answered_by", "programme"
    )


def ordered_for(
    queryset: QuerySet[ProgrammeProposal], user: User | AnonymousUser
) -> QuerySet[ProgrammeProposal]:
    """Those awaiting the planning director's answer first, for the planning director."""
    if user.has_perm("programmes.answer_programmeproposal"):
        return queryset.order_by(
            Case(
                When(state__in=ANSWERABLE_PROPOSAL_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "answer_due_at",
            "-proposed_at",
            "-id",
        )
    return queryset.order_by("-proposed_at", "-id")


def proposals_awaiting_answer() -> QuerySet[ProgrammeProposal]:
    return ProgrammeProposal.objects.filter(state__in=ANSWERABLE_PROPOSAL_STATES).order_by(
        "answer_due_at", "pk"
    )


def recent_answers_for(user: User, now: datetime | None = None) -> QuerySet[ProgrammeProposal]:
    """Planning's answers of the last two weeks: the CRM manager (who reviews the portfolio)
    reads every one, a proposer their own."""
    since = (now or timezone.now()) - ANSWERS_SHOWN_FOR
    queryset = ProgrammeProposal.objects.filter(answered_at__gte=since).select_related(
        "answered_by"
    )
    if not user.has_perm("programmes.review_portfoliocycle"):
        queryset = queryset.filter(proposed_by=user)
    return queryset.order_by("-answered_at", "-pk")


def accepted_without_programme() -> QuerySet[ProgrammeProposal]:
    return ProgrammeProposal.objects.filter(
        state=ProposalState.ACCEPTED, programme__isnull=True
    ).order_by("answered_at", "pk")


def proposals_of_donor(donor: Customer) -> QuerySet[ProgrammeProposal]:
    return donor.programme_proposals.select_related("programme").order_by("-proposed_at")


def proposal_steps_of_donor(
    user: User | AnonymousUser, donor: Customer
) -> QuerySet[ProposalTransition]:
    """The steps of the proposals this donor asked for that the user reads, newest first (the
    proposal itself is its first step, submitted → submitted)."""
    proposals = proposals_visible_to(user).filter(donors=donor).values("pk")
    return (
        ProposalTransition.objects.filter(proposal__in=proposals)
        .select_related("actor", "proposal")
        .order_by("-at", "-id")
    )


def may_link(user: User | AnonymousUser) -> bool:
    return user.has_perm("programmes.add_programme") or user.has_perm("programmes.change_programme")


def available_actions(proposal: ProgrammeProposal, user: User) -> list[str]:
    steps = PROPOSAL_WORKFLOW.available_actions(proposal, user)
    actions = [answer for answer, step in _TRANSITIONS.items() if step in steps]
    if proposal.state == ProposalState.ACCEPTED and proposal.programme_id is None:
        if user.has_perm("programmes.add_programme"):
            actions.append("create_programme")
        if user.has_perm("programmes.change_programme"):
            actions.append("link_programme")
    return actions


def search_donor_filter(text: str | None) -> Q:
    text = (text or "").strip()
    if not text:
        return Q()
    if text.isdigit():
        return Q(donors__code=text)
    # The donors' stored normalised names (customers' trigram index), in any spelling.
    return Q(donors__name_normalized__contains=normalize_arabic(text)) | Q(title__icontains=text)


# --- services -----------------------------------------------------------------------------


def proposal_submit(
    *,
    actor: User,
    title: str,
    category: ProgrammeCategory | None,
    description: str,
    reason: str,
    donors: Iterable[Customer] | None,
) -> ProgrammeProposal:
    """A proposal of a programme donors asked for, sent to strategic planning."""
    require(actor, "programmes.add_programmeproposal")
    title = (title or "").strip()
    description = (description or "").strip()
    reason = (reason or "").strip()
    donors = list(dict.fromkeys(donors or []))
    if not title:
        raise ProposalError(_("Write the programme proposed."))
    if not description:
        raise ProposalError(_("Write what the donors asked for."))
    if not reason:
        raise ProposalError(_("Write why the programme is proposed."))
    if not donors:
        raise ProposalError(_("Choose at least one donor who asked for it."))
    for donor in donors:
        if donor.kind != CustomerKind.DONOR:
            raise ProposalError(_("%(customer)s is not a donor.") % {"customer": donor})
    now = timezone.now()
    with transaction.atomic():
        proposal = ProgrammeProposal.objects.create(
            title=title,
            category=category,
            description=description,
            reason=reason,
            proposed_by=actor,
            proposed_at=now,
            answer_due_at=working_deadline(now, ANSWER_WORKING_DAYS),
        )
        proposal.donors.set(donors)
        PROPOSAL_WORKFLOW.record_event(proposal, actor=actor, note=reason)
    return proposal


def proposal_answer(
    *, proposal: ProgrammeProposal, actor: User, answer: str, note: str = ""
) -> ProgrammeProposal:
    """The strategic planning director's answer. Refusing and asking for a study say why;
    a study is then decided within STUDY_WORKING_DAYS."""
    require(actor, "programmes.answer_programmeproposal")
    if answer not in ANSWERS:
        raise PermissionDenied
    note = (note or "").strip()
    if answer in (REFUSE, STUDY) and not note:
        raise ProposalError(
            _("Write why the proposal is refused.")
            if answer == REFUSE
            else _("Write what needs to be studied.")
        )
    now = timezone.now()
    fields: dict[str, Any] = {"answered_by": actor, "answered_at": now, "answer_note": note}
    if answer == STUDY:
        fields["answer_due_at"] = working_deadline(now, STUDY_WORKING_DAYS)
    with transaction.atomic():
        PROPOSAL_WORKFLOW.take_step(
            proposal, _TRANSITIONS[answer], actor=actor, note=note, fields=fields
        )
    return proposal


def _link(proposal: ProgrammeProposal, programme: Programme, actor: User) -> None:
    """Conditional on no programme linked yet: a second click links nothing."""
    now = timezone.now()
    linked = ProgrammeProposal.objects.filter(
        pk=proposal.pk, state=ProposalState.ACCEPTED, programme__isnull=True
    ).update(programme=programme, linked_by=actor, linked_at=now)
    if not linked:
        raise ProposalError(
            _("This proposal is not waiting for its programme any more. Reload the page.")
        )
    proposal.programme, proposal.linked_by, proposal.linked_at = programme, actor, now
    renew_for_rows([proposal])  # update() sends no signal


def _require_accepted(proposal: ProgrammeProposal) -> None:
    if proposal.state != ProposalState.ACCEPTED:
        raise ProposalError(_("Only an accepted proposal is linked to a programme."))
    if proposal.programme_id is not None:
        raise ProposalError(_("This proposal is already linked to a programme."))


def proposal_link_programme(
    *, proposal: ProgrammeProposal, actor: User, programme: Programme | None
) -> ProgrammeProposal:
    """Link an accepted proposal to the programme already created from it."""
    require(actor, "programmes.change_programme")
    _require_accepted(proposal)
    if programme is None:
        raise ProposalError(_("Choose the programme."))
    with transaction.atomic():
        _link(proposal, programme, actor)
    return proposal


def proposal_create_programme(
    *,
    proposal: ProgrammeProposal,
    actor: User,
    code: str,
    name: str,
    category: ProgrammeCategory | str,
    budget: Decimal,
    portfolio_year: int | None,
) -> Programme:
    """Add the accepted proposal's programme to the portfolio and link it, in one step."""
    require(actor, "programmes.add_programme")
    _require_accepted(proposal)
    with transaction.atomic():
        programme = programme_services.programme_create(
            actor=actor,
            code=code,
            name=name,
            category=category,
            budget=budget,
            description=proposal.description,
            portfolio_year=portfolio_year,
            change_reason=_("Created from the programme proposal “%(title)s”")
            % {"title": proposal.title},
        )
        _link(proposal, programme, actor)
    return programme
