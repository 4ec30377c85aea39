"""Every write to opportunities and donor contacts (manual 3.1.11–3.1.15, 3.1.21).

Views, the admin and tasks call these functions; each checks the actor's right to act, runs
the django-fsm transition or the change inside a transaction, records who did it and counts
as activity on the opportunity (an opportunity left alone for a week is stale).
"""

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core import cache
from core.choices import ContactChannel
from core.numbers import format_amount
from core.permissions import require
from core.text import normalize_arabic
from core.uploads import UploadError, check_uploaded_file
from core.workflow import Workflow
from customers.models import Customer, CustomerKind
from customers.profile_cache import renew_customers, renew_for_rows
from programmes import funding
from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus

from .models import (
    MOVE_OPPORTUNITY,
    OPEN_STATES,
    PARTY_PERMISSIONS,
    ApprovalParty,
    ContactApproval,
    ContactApprovalStep,
    CorrectedField,
    DesignationState,
    DesignationTransition,
    DonorContact,
    DonorInterest,
    Opportunity,
    OpportunityCorrection,
    OpportunityTransition,
    PointOfContactDesignation,
    PotentialDonor,
    ProbabilityChange,
    StepDecision,
)
from .selectors import BOARD_TOPIC, FILTER_OPTIONS_TOPIC

# The transitions, in the order of the manual's procedure; the names are the model methods.
START_FOLLOW_UP = "start_follow_up"
CLOSE_WITH_PLEDGE = "close_with_pledge"
MARK_SUCCESSFUL = "mark_successful"
CANCEL = "cancel"
TRANSITIONS = (START_FOLLOW_UP, CLOSE_WITH_PLEDGE, MARK_SUCCESSFUL, CANCEL)

# The signed written pledge (تعهد خطي): a scan or photo, checked by content, not by name.
PLEDGE_MAX_BYTES = 10 * 1024 * 1024


# Working days each approver has to decide on a contact with another's donor, and the
# sub-council secretary on a point-of-contact designation: the same two working days the
# manual gives the review and approval of the customer form (6.2).
CONTACT_APPROVAL_WORKING_DAYS = 2
DESIGNATION_WORKING_DAYS = 2
# Programmes an opportunity may be for (created or corrected).
OPEN_PROGRAMME_STATUSES = (ProgrammeStatus.PLANNED, ProgrammeStatus.ACTIVE)


class RequestError(Exception):
    """A refusal the user should read (already translated)."""


# --- permissions and small helpers ------------------------------------------------------


def may_move(user: User | AnonymousUser) -> bool:
    return user.has_perm(MOVE_OPPORTUNITY)


def _require_open(opportunity: Opportunity) -> None:
    if opportunity.state not in OPEN_STATES:
        raise RequestError(
            _("This opportunity is closed (%(state)s): it can no longer change.")
            % {"state": opportunity.get_state_display()}
        )


def _board_changed() -> None:
    """An update() of opportunities sends no signal: the board's cached columns (the cards'
    order, amounts and titles, the stale counts) are renewed by hand."""
    cache.bump(BOARD_TOPIC, once_per_transaction=True)


def _touch(opportunity: Opportunity, now: datetime.datetime) -> None:
    """Record activity without saving the rest of the (possibly stale) in-memory object."""
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=now, updated_at=now)
    _board_changed()
    opportunity.last_activity_at = now


def _require_donor(customer: Customer) -> None:
    if customer.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": customer})
    if not customer.is_active:
        raise RequestError(_("%(customer)s is archived.") % {"customer": customer})


def _suggested_ids(programme: Programme | None) -> set[int]:
    from .selectors import suggested_donors

    return set(suggested_donors(programme).values_list("pk", flat=True))


# --- opportunities ----------------------------------------------------------------------


def opportunity_create(
    *,
    actor: User,
    title: str,
    programme: Programme,
    expected_amount: Decimal | None,
    probability: int | None,
    success_factors: str | None,
    donors: Iterable[Customer] | None,
) -> Opportunity:
    """Identification (تحديد): document the opportunity, its programme and potential donors.

    Donors proposed by `suggested_donors(programme)` are recorded as suggested."""
    require(actor, "opportunities.add_opportunity")
    title = (title or "").strip()
    if not title:
        raise RequestError(_("Write a title for the opportunity."))
    _check_probability(probability)
    if expected_amount is None or expected_amount < 0:
        raise RequestError(_("The expected amount cannot be negative."))
    donors = list(dict.fromkeys(donors or []))
    for donor in donors:
        _require_donor(donor)
    suggested = _suggested_ids(programme)
    now = timezone.now()
    with transaction.atomic():
        opportunity = Opportunity.objects.create(
            title=title,
            programme=programme,
            owner=actor,
            expected_amount=expected_amount,
            probability=probability,
            success_factors=(success_factors or "").strip(),
            last_activity_at=now,
        )
        PotentialDonor.objects.bulk_create(
            PotentialDonor(
                opportunity=opportunity,
                donor=donor,
                suggested=donor.pk in suggested,
                added_by=actor,
            )
            for donor in donors
        )
        renew_customers(donor.pk for donor in donors)  # bulk_create sends no signal
    return opportunity


def opportunity_add_donor(
    *, opportunity: Opportunity, actor: User, donor: Customer
) -> PotentialDonor:
    require(actor, "opportunities.change_opportunity")
    _require_open(opportunity)
    _require_donor(donor)
    with transaction.atomic():
        if PotentialDonor.objects.filter(opportunity=opportunity, donor=donor).exists():
            raise RequestError(
                _("%(donor)s is already a potential donor of this opportunity.") % {"donor": donor}
            )
        added = PotentialDonor.objects.create(
            opportunity=opportunity,
            donor=donor,
            suggested=donor.pk in _suggested_ids(opportunity.programme),
            added_by=actor,
        )
        _touch(opportunity, timezone.now())
    return added


def _check_probability(probability: int | None) -> None:
    if probability is None or not 0 <= probability <= 100:
        raise RequestError(_("The success probability must be between 0 and 100%."))


def opportunity_update_probability(
    *, opportunity: Opportunity, actor: User, probability: int, success_factors: str | None
) -> ProbabilityChange:
    """The weekly review (procedure step 5): the relationship grows or fades."""
    require(actor, "opportunities.change_opportunity")
    _check_probability(probability)
    success_factors = (success_factors or "").strip()
    now = timezone.now()
    with transaction.atomic():
        # Lock the row so two reviews in the same instant record a consistent "from" value.
        current = (
            Opportunity.objects.select_for_update()
            .only("state", "probability", "success_factors")
            .get(pk=opportunity.pk)
        )
        _require_open(current)
        if current.probability == probability and current.success_factors == success_factors:
            raise RequestError(_("Nothing changed: the probability and factors are the same."))
        change = ProbabilityChange.objects.create(
            opportunity=opportunity,
            old_probability=current.probability,
            new_probability=probability,
            success_factors=success_factors,
            actor=actor,
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(
            probability=probability,
            success_factors=success_factors,
            last_activity_at=now,
            updated_at=now,
        )
        _board_changed()
    opportunity.probability = probability
    opportunity.success_factors = success_factors
    opportunity.last_activity_at = now
    return change


# --- corrections (title, expected amount, programme) -----------------------------------


def may_correct(user: User, opportunity: Opportunity) -> bool:
    """The owner, and the CRM manager, correct an open opportunity."""
    if not user.has_perm("opportunities.change_opportunity"):
        return False
    return opportunity.owner_id == user.pk or may_move(user)


def _programme_text(programme: Programme) -> str:
    return f"{programme.code} · {programme.name}"


def opportunity_correct(
    *,
    opportunity: Opportunity,
    actor: User,
    title: str,
    expected_amount: Decimal,
    programme: Programme,
    note: str = "",
) -> list[str]:
    """Correct what was recorded at identification. Each changed field is kept with its old
    and new value, who changed it and when (shown on the opportunity's timeline)."""
    if not may_correct(actor, opportunity):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise RequestError(_("Write a title for the opportunity."))
    if expected_amount is None or expected_amount < 0:
        raise RequestError(_("The expected amount cannot be negative."))
    if programme is None:
        raise RequestError(_("Choose the programme or activity."))
    note = (note or "").strip()
    now = timezone.now()
    with transaction.atomic():
        current = (
            Opportunity.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=opportunity.pk)
        )
        _require_open(current)
        changes = []
        if current.title != title:
            changes.append((CorrectedField.TITLE, current.title, title))
        if current.expected_amount != expected_amount:
            changes.append(
                (
                    CorrectedField.EXPECTED_AMOUNT,
                    _money(current.expected_amount),
                    _money(expected_amount),
                )
            )
        if current.programme_id != programme.pk:
            if programme.status not in OPEN_PROGRAMME_STATUSES:
                raise RequestError(
                    _("%(programme)s is %(status)s: choose a planned or running programme.")
                    % {"programme": programme, "status": programme.get_status_display()}
                )
            changes.append(
                (
                    CorrectedField.PROGRAMME,
                    _programme_text(current.programme),
                    _programme_text(programme),
                )
            )
        if not changes:
            raise RequestError(_("Nothing changed: the title, amount and programme are the same."))
        OpportunityCorrection.objects.bulk_create(
            OpportunityCorrection(
                opportunity=opportunity,
                field=field,
                old_value=old[:300],
                new_value=new[:300],
                note=note,
                actor=actor,
            )
            for field, old, new in changes
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(
            title=title,
            title_normalized=normalize_arabic(title),
            expected_amount=expected_amount,
            programme=programme,
            last_activity_at=now,
            updated_at=now,
        )
        funding.renew(funding.PLEDGED)  # the programme may change; update() sends no signal
        renew_for_rows([opportunity])
        _board_changed()
        if any(field == CorrectedField.PROGRAMME for field, _old, _new in changes):
            # The filters offer the programmes some opportunity has: this one may be new.
            cache.bump(FILTER_OPTIONS_TOPIC, once_per_transaction=True)
    opportunity.title, opportunity.expected_amount = title, expected_amount
    opportunity.title_normalized = normalize_arabic(title)
    opportunity.programme = programme
    opportunity.last_activity_at = now
    return [field for field, _old, _new in changes]


# --- donor contacts (3.1.21: one point of contact per donor) ---------------------------


def is_point_of_contact(user: User, donor: Customer) -> bool:
    return donor.point_of_contact_id is not None and donor.point_of_contact_id == user.pk


def _needs_approval(actor: User, donor: Customer) -> bool:
    """3.1.21: a donor is contacted through their approved point of contact; anyone else
    needs the approval of the CRM manager, resource development and the secretary."""
    return donor.point_of_contact_id is not None and donor.point_of_contact_id != actor.pk


# The approval of a contact: its audit trail is its ContactApprovalStep rows.
CONTACT_APPROVAL_WORKFLOW = Workflow(
    error=RequestError,
    stale_message=gettext_lazy(
        "This contact is not awaiting your decision any more. Reload the page."
    ),
    field="approval",
)


def _open_approval_steps(contact: DonorContact, now: datetime.datetime) -> None:
    """One decision per party, due within CONTACT_APPROVAL_WORKING_DAYS working days.

    When the person who contacts (or asks to) is themselves one of the approving parties (the
    CRM manager, a resource development officer), their party knows and approves by asking:
    that step is recorded as approved by them, so a department with a single holder does not
    wait for a colleague it does not have. The other parties still decide."""
    due = working_deadline(now, CONTACT_APPROVAL_WORKING_DAYS)
    staff = contact.staff
    steps = []
    for party in ApprovalParty:
        step = ContactApprovalStep(contact=contact, party=party, due_at=due)
        if staff.has_perm(PARTY_PERMISSIONS[party]):
            step.decision, step.decided_by, step.decided_at = StepDecision.APPROVED, staff, now
            step.note = _("Approved by asking: the person who asked decides for this party.")
        steps.append(step)
    ContactApprovalStep.objects.bulk_create(steps)
    renew_for_rows([contact])  # bulk_create sends no signal
    if all(step.decision == StepDecision.APPROVED for step in steps):
        # Only someone who holds every party's permission (a superuser) gets here.
        CONTACT_APPROVAL_WORKFLOW.take_step(
            contact,
            "approve",
            fields={"decided_by": staff, "decided_at": now},
            update_fields=["approval", "decided_by", "decided_at"],
        )


def _check_contact(
    donor: Customer,
    opportunity: Opportunity | None,
    contact_date: datetime.date | None,
    channel: str,
    summary: str,
    is_planned: bool,
) -> None:
    if donor.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": donor})
    if not summary:
        raise RequestError(_("Write a summary of the contact."))
    if not contact_date:
        raise RequestError(_("Enter the date of the contact."))
    if channel not in ContactChannel.values:
        raise RequestError(_("Choose the channel of the contact."))
    if not is_planned and contact_date > timezone.localdate():
        raise RequestError(
            _("A contact already made cannot be dated in the future. Tick “planned” instead.")
        )
    if is_planned and contact_date < timezone.localdate():
        raise RequestError(_("A planned contact cannot be dated in the past."))
    if opportunity is not None:
        _require_open(opportunity)
        if not PotentialDonor.objects.filter(opportunity=opportunity, donor=donor).exists():
            raise RequestError(
                _("%(donor)s is not a potential donor of this opportunity. Add the donor first.")
                % {"donor": donor}
            )


def donor_contact_log(
    *,
    actor: User,
    donor: Customer,
    opportunity: Opportunity | None = None,
    contact_date: datetime.date | None,
    channel: str,
    summary: str,
    is_planned: bool = False,
) -> DonorContact:
    """Record a contact with a donor, made or planned.

    A donor speaks to the association through one point of contact. Anyone else's contact
    is flagged: it needs the approval of the CRM manager, resource development and the
    sub-council secretary, each on their "My work" page, and the point of contact is told.
    A planned contact by anyone else is a request to contact, asked before contacting."""
    require(actor, "opportunities.add_donorcontact")
    summary = (summary or "").strip()
    _check_contact(donor, opportunity, contact_date, channel, summary, is_planned)
    flagged = _needs_approval(actor, donor)
    now = timezone.now()
    with transaction.atomic():
        contact = DonorContact.objects.create(
            donor=donor,
            opportunity=opportunity,
            staff=actor,
            contact_date=contact_date,
            channel=channel,
            summary=summary,
            is_planned=is_planned,
            approval=ContactApproval.PENDING if flagged else ContactApproval.NOT_NEEDED,
        )
        if opportunity is not None:
            _touch(opportunity, now)
        if flagged:
            _open_approval_steps(contact, now)
            from .tasks import notify_point_of_contact

            notify_point_of_contact.delay_on_commit(contact.pk)
    return contact


def donor_contact_request(
    *,
    actor: User,
    donor: Customer,
    opportunity: Opportunity | None = None,
    proposed_date: datetime.date | None,
    channel: str,
    purpose: str,
) -> DonorContact:
    """Ask for approval before contacting a donor (a request to contact): the purpose, the
    proposed date and channel. Once approved, the contact is recorded as made against it."""
    return donor_contact_log(
        actor=actor,
        donor=donor,
        opportunity=opportunity,
        contact_date=proposed_date,
        channel=channel,
        summary=purpose,
        is_planned=True,
    )


def approval_parties_of(user: User) -> list[ApprovalParty]:
    """The parties this user decides for (a superuser decides for any of them)."""
    return [party for party in ApprovalParty if user.has_perm(PARTY_PERMISSIONS[party])]


def pending_parties_for(contact: DonorContact, user: User) -> list[ApprovalParty]:
    """The parties whose decision on this contact this user may give now."""
    if contact.staff_id == user.pk or contact.approval != ContactApproval.PENDING:
        return []
    mine = approval_parties_of(user)
    pending = set(
        contact.approval_steps.filter(decision=StepDecision.PENDING).values_list("party", flat=True)
    )
    return [party for party in mine if party in pending]


def donor_contact_decide(
    *,
    contact: DonorContact,
    actor: User,
    approve: bool,
    note: str = "",
    party: str | None = None,
) -> DonorContact:
    """One party's decision on a flagged contact. The contact is approved once the three
    parties approved it, refused as soon as one refuses (the others' decisions are then no
    longer needed). The person who made or asked for the contact learns the outcome."""
    mine = approval_parties_of(actor)
    if not mine or (party is not None and party not in mine):
        raise PermissionDenied
    if contact.staff_id == actor.pk:
        raise RequestError(_("You cannot decide on your own contact with a donor."))
    note = (note or "").strip()
    if not approve and not note:
        raise RequestError(_("Write the reason for refusing the contact."))
    now = timezone.now()
    not_pending = _("This contact is not awaiting your decision any more. Reload the page.")
    with transaction.atomic():
        # The contact's row is locked first: decisions on one contact are taken one at a
        # time, so the last approval (or a refusal) always sees the others.
        current = DonorContact.objects.select_for_update().get(pk=contact.pk)
        if current.approval != ContactApproval.PENDING:
            raise RequestError(not_pending)
        pending = ContactApprovalStep.objects.filter(
            contact=current, decision=StepDecision.PENDING, party__in=[party] if party else mine
        ).order_by("id")
        step = pending.first()
        if step is None:
            raise RequestError(not_pending)
        step.decision = StepDecision.APPROVED if approve else StepDecision.REFUSED
        step.decided_by, step.decided_at, step.note = actor, now, note
        step.save(update_fields=["decision", "decided_by", "decided_at", "note"])
        if not approve:
            ContactApprovalStep.objects.filter(
                contact=current, decision=StepDecision.PENDING
            ).update(decision=StepDecision.CLOSED)
            settled = "refuse"
        elif not current.approval_steps.exclude(decision=StepDecision.APPROVED).exists():
            settled = "approve"
        else:
            settled = None
        if settled:
            CONTACT_APPROVAL_WORKFLOW.take_step(
                current,
                settled,
                fields={"decided_by": actor, "decided_at": now, "decision_note": note},
                update_fields=["approval", "decided_by", "decided_at", "decision_note"],
            )
            from .tasks import notify_contact_decision

            notify_contact_decision.delay_on_commit(current.pk)
        if current.opportunity_id:
            Opportunity.objects.filter(pk=current.opportunity_id).update(
                last_activity_at=now, updated_at=now
            )
            _board_changed()
    return current


def may_record_made(contact: DonorContact, user: User) -> bool:
    """The person who planned (or asked for) a contact records it as made once it may be:
    approved, or needing no approval."""
    return (
        contact.staff_id == user.pk
        and contact.is_planned
        and contact.approval in (ContactApproval.APPROVED, ContactApproval.NOT_NEEDED)
        and not DonorContact.objects.filter(made_under=contact).exists()
        and user.has_perm("opportunities.add_donorcontact")
    )


def donor_contact_record_made(
    *, request: DonorContact, actor: User, contact_date: datetime.date | None, summary: str
) -> DonorContact:
    """Record the contact made under an approved request to contact (or a planned contact
    of the point of contact). It counts as a contact made for the opportunity's follow-up."""
    require(actor, "opportunities.add_donorcontact")
    if request.staff_id != actor.pk:
        raise PermissionDenied
    summary = (summary or "").strip()
    if not summary:
        raise RequestError(_("Write a summary of the contact."))
    if not contact_date:
        raise RequestError(_("Enter the date of the contact."))
    if contact_date > timezone.localdate():
        raise RequestError(_("A contact already made cannot be dated in the future."))
    now = timezone.now()
    recorded = _("The contact made under this request is already recorded.")
    try:
        with transaction.atomic():
            # Read under lock: the approvals may have been given since the page was drawn.
            request = (
                DonorContact.objects.select_for_update(of=("self",))
                .select_related("donor", "opportunity")
                .get(pk=request.pk)
            )
            if not request.is_planned:
                raise RequestError(_("This contact was already made."))
            if request.approval == ContactApproval.PENDING:
                raise RequestError(_("This request to contact still awaits its approvals."))
            if request.approval == ContactApproval.REFUSED:
                raise RequestError(
                    _("This request to contact was refused: do not contact the donor.")
                )
            if DonorContact.objects.filter(made_under=request).exists():
                raise RequestError(recorded)
            made = DonorContact.objects.create(
                donor=request.donor,
                opportunity=request.opportunity,
                staff=actor,
                contact_date=contact_date,
                channel=request.channel,
                summary=summary,
                approval=_made_approval(request, actor),
                made_under=request,
            )
            if made.approval == ContactApproval.PENDING:
                _open_approval_steps(made, now)
            if request.opportunity is not None and request.opportunity.is_open:
                _touch(request.opportunity, now)
    except IntegrityError as error:  # the same contact recorded twice at the same instant
        raise RequestError(recorded) from error
    return made


def _made_approval(request: DonorContact, actor: User) -> ContactApproval:
    if not _needs_approval(actor, request.donor):
        return ContactApproval.NOT_NEEDED
    if request.approval == ContactApproval.APPROVED:
        return ContactApproval.APPROVED
    # Planned as the point of contact, made after someone else was designated.
    return ContactApproval.PENDING


# --- point of contact designations (3.1.21) --------------------------------------------


DESIGNATION_WORKFLOW = Workflow(
    audit=DesignationTransition,
    error=RequestError,
    stale_message=gettext_lazy(
        "This designation is no longer awaiting a decision. Reload the page."
    ),
)


def _designation_step(
    designation: PointOfContactDesignation,
    name: str,
    *,
    actor: User,
    note: str = "",
    fields: dict[str, Any] | None = None,
    update_fields: Iterable[str] = (),
) -> None:
    DESIGNATION_WORKFLOW.take_step(
        designation,
        name,
        actor=actor,
        note=note,
        fields=fields,
        update_fields=["state", *update_fields],
    )


def designation_propose(
    *, donor: Customer, staff: User | None, reason: str, actor: User
) -> PointOfContactDesignation:
    """The CRM department or resource development proposes who speaks for a donor; the
    sub-council secretary approves it (on her "My work" page, within two working days)."""
    from .selectors import point_of_contact_candidates

    require(actor, "opportunities.add_pointofcontactdesignation")
    _require_donor(donor)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Write the reason for the proposal."))
    if staff is None or not point_of_contact_candidates().filter(pk=staff.pk).exists():
        raise RequestError(
            _(
                "%(person)s cannot be a donor's point of contact: only CRM staff, the CRM "
                "manager and resource development speak for donors."
            )
            % {"person": staff.get_full_name() or staff.get_username() if staff else "—"}
        )
    if donor.point_of_contact_id == staff.pk:
        raise RequestError(
            _("%(person)s is already the point of contact of %(donor)s.")
            % {"person": staff.get_full_name() or staff.get_username(), "donor": donor.name}
        )
    now = timezone.now()
    already = _("This proposal already awaits the sub-council secretary's decision.")
    try:
        with transaction.atomic():
            if PointOfContactDesignation.objects.filter(
                donor=donor, staff=staff, state=DesignationState.PROPOSED
            ).exists():
                raise RequestError(already)
            return PointOfContactDesignation.objects.create(
                donor=donor,
                staff=staff,
                proposed_by=actor,
                reason=reason,
                due_at=working_deadline(now, DESIGNATION_WORKING_DAYS),
                created_at=now,
            )
    except IntegrityError as error:  # the same proposal, sent twice at the same instant
        raise RequestError(already) from error


def designation_decide(
    *, designation: PointOfContactDesignation, actor: User, approve: bool, note: str = ""
) -> PointOfContactDesignation:
    """The sub-council secretary approves or refuses a proposed point of contact. Approval
    sets the donor's point of contact (recorded in the customer's history) and ends the
    donor's earlier designation."""
    require(actor, "opportunities.approve_pointofcontactdesignation")
    note = (note or "").strip()
    if not approve and not note:
        raise RequestError(_("Write the reason for refusing the designation."))
    now = timezone.now()
    decided = {"decided_by": actor, "decided_at": now, "decision_note": note}
    decided_fields = list(decided)
    with transaction.atomic():
        if not approve:
            _designation_step(
                designation,
                "refuse",
                actor=actor,
                note=note,
                fields=decided,
                update_fields=decided_fields,
            )
        else:
            # Lock the donor: two approvals for one donor at once are taken one at a time.
            donor = Customer.objects.select_for_update().get(pk=designation.donor_id)
            staff = designation.staff
            earlier = PointOfContactDesignation.objects.filter(
                donor=donor, state=DesignationState.APPROVED
            ).exclude(pk=designation.pk)
            for previous in earlier:
                _designation_step(
                    previous,
                    "end",
                    actor=actor,
                    note=_("Replaced by %(person)s.")
                    % {"person": staff.get_full_name() or staff.get_username()},
                    fields={"ended_at": now},
                    update_fields=["ended_at"],
                )
            _designation_step(
                designation,
                "approve",
                actor=actor,
                note=note,
                fields=decided,
                update_fields=decided_fields,
            )
            donor.point_of_contact = staff
            # Read by django-simple-history when the donor is saved.
            donor._history_user = actor  # type: ignore[attr-defined]
            donor._change_reason = _(  # type: ignore[attr-defined]
                "Point of contact approved by the sub-council secretary (designation %(number)s)"
            ) % {"number": designation.pk}
            donor.save(update_fields=["point_of_contact", "updated_at"])
        from .tasks import notify_designation_decision

        notify_designation_decision.delay_on_commit(designation.pk)
    return designation


# --- donor interests (3.1.12) -----------------------------------------------------------


def donor_interests_set(
    *, donor: Customer, actor: User, categories: Iterable[ProgrammeCategory]
) -> tuple[int, int]:
    """Record the programme categories a donor wants to fund: adds and removes."""
    if donor.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": donor})
    wanted = {category.pk for category in categories}
    with transaction.atomic():
        current = set(DonorInterest.objects.filter(donor=donor).values_list("category", flat=True))
        to_add, to_remove = wanted - current, current - wanted
        if to_add:
            require(actor, "opportunities.add_donorinterest")
        if to_remove:
            require(actor, "opportunities.delete_donorinterest")
        DonorInterest.objects.filter(donor=donor, category__in=to_remove).delete()
        # A colleague ticking the same box at the same moment is not an error.
        DonorInterest.objects.bulk_create(
            (DonorInterest(donor=donor, category_id=pk, recorded_by=actor) for pk in to_add),
            ignore_conflicts=True,
        )
        renew_customers([donor.pk])  # bulk_create sends no signal
    return len(to_add), len(to_remove)


# --- transitions ------------------------------------------------------------------------


OPPORTUNITY_WORKFLOW = Workflow(
    audit=OpportunityTransition,
    error=RequestError,
    stale_message=gettext_lazy(
        "This opportunity is no longer at this stage. Reload the page to see its status."
    ),
)


def _move(
    opportunity: Opportunity, transition_name: str, *, actor: User, note: str = "", **fields: Any
) -> Model | None:
    """One move of the opportunity, which counts as activity on it."""
    return OPPORTUNITY_WORKFLOW.take_step(
        opportunity,
        transition_name,
        actor=actor,
        note=note,
        fields={**fields, "last_activity_at": timezone.now()},
        # Only the fields this step owns: a probability saved meanwhile must not be undone.
        update_fields=["state", "last_activity_at", "updated_at", *fields],
    )


def _guarded(opportunity: Opportunity, actor: User, transition_name: str) -> None:
    require(actor, MOVE_OPPORTUNITY)
    if transition_name not in OPPORTUNITY_WORKFLOW.available_actions(opportunity, actor):
        raise RequestError(
            _("This opportunity is no longer at this stage. Reload the page to see its status.")
        )


def follow_up_blockers(opportunity: Opportunity) -> list[str]:
    """Why the opportunity cannot start follow-up yet (empty when it can)."""
    blockers = []
    if not PotentialDonor.objects.filter(opportunity=opportunity).exists():
        blockers.append(_("Add at least one potential donor before starting follow-up."))
    # 3.1.21: a request to contact, or a contact still awaiting (or refused) its
    # approvals, is not a contact made.
    contacted = DonorContact.objects.filter(
        opportunity=opportunity,
        is_planned=False,
        approval__in=[ContactApproval.NOT_NEEDED, ContactApproval.APPROVED],
    ).exists()
    if not contacted:
        blockers.append(
            _(
                "Record at least one contact made with a donor about this opportunity before "
                "starting follow-up (planned contacts, and contacts awaiting or refused "
                "approval, do not count)."
            )
        )
    return blockers


def opportunity_start_follow_up(
    *, opportunity: Opportunity, actor: User, note: str = ""
) -> Opportunity:
    """Follow-up (متابعة): the donors have been contacted."""
    _guarded(opportunity, actor, START_FOLLOW_UP)
    blockers = follow_up_blockers(opportunity)
    if blockers:
        raise RequestError(" ".join(blockers))
    with transaction.atomic():
        _move(opportunity, START_FOLLOW_UP, actor=actor, note=note)
    return opportunity


def validate_pledge_file(upload: UploadedFile | None) -> str:
    """The signed pledge must really be a PDF, JPEG or PNG of at most 10 MB, its content
    matching its name; returns the name's extension."""
    if upload is None:
        raise RequestError(_("Upload the signed written pledge (PDF, JPEG or PNG)."))
    try:
        check_uploaded_file(
            upload,
            max_bytes=PLEDGE_MAX_BYTES,
            match_name=True,
            wrong_name=_("The signed pledge must be a PDF, JPEG or PNG file; “%(name)s” is not."),
            too_large=_("The signed pledge is larger than 10 MB. Scan it at a lower size."),
            wrong_content=_(
                "“%(name)s” is not a real PDF, JPEG or PNG file (its content does not match "
                "its name). Upload the scanned pledge itself."
            ),
        )
    except UploadError as error:
        raise RequestError(str(error)) from error
    return Path(upload.name or "").suffix.lower()


def opportunity_close_with_pledge(
    *,
    opportunity: Opportunity,
    actor: User,
    pledge_donor: Customer | None,
    pledged_amount: Decimal | None,
    pledge_date: datetime.date | None,
    pledge_file: UploadedFile | None,
    note: str = "",
) -> Opportunity:
    """Closing (إغلاق): a donor accepted and signed a written pledge (تعهد خطي)."""
    _guarded(opportunity, actor, CLOSE_WITH_PLEDGE)
    if (
        pledge_donor is None
        or not PotentialDonor.objects.filter(opportunity=opportunity, donor=pledge_donor).exists()
    ):
        raise RequestError(_("The pledging donor must be one of the potential donors."))
    if pledged_amount is None or pledged_amount <= 0:
        raise RequestError(_("Enter the pledged amount: more than zero."))
    if pledge_date is None:
        raise RequestError(_("Enter the date of the pledge."))
    if pledge_date > timezone.localdate():
        raise RequestError(_("The pledge date cannot be in the future."))
    extension = validate_pledge_file(pledge_file)
    # Our own name: the uploaded name is neither trusted nor needed to find the file.
    stored_name = f"pledge-{opportunity.pk}-{secrets.token_hex(8)}{extension}"
    opportunity.pledge_file.save(stored_name, pledge_file, save=False)
    try:
        with transaction.atomic():
            _move(
                opportunity,
                CLOSE_WITH_PLEDGE,
                actor=actor,
                note=note,
                pledge_donor=pledge_donor,
                pledged_amount=pledged_amount,
                pledge_date=pledge_date,
                pledge_file=opportunity.pledge_file.name,
            )
    except Exception:
        opportunity.pledge_file.delete(save=False)
        raise
    return opportunity


def pledge_received(opportunity: Opportunity) -> Decimal:
    """How much of the pledge the finance system has recorded (Decimal)."""
    from .selectors import pledge_received_amount

    return pledge_received_amount(opportunity) or Decimal("0")


def _money(amount: Decimal) -> str:
    return format_amount(amount)  # 1,500,000.00 (core.numbers)


def opportunity_mark_successful(
    *, opportunity: Opportunity, actor: User, note: str = "", override_reason: str = ""
) -> Opportunity:
    """Successful (ناجحة): the funding arrived. Short of the full amount, the CRM manager
    may still decide it succeeded, with a recorded reason."""
    _guarded(opportunity, actor, MARK_SUCCESSFUL)
    override_reason = (override_reason or "").strip()
    received = pledge_received(opportunity)
    pledged = opportunity.pledged_amount or Decimal("0")
    if received >= pledged:
        override_reason = ""
    elif not override_reason:
        raise RequestError(
            _(
                "Only %(received)s of the %(pledged)s SAR pledged has been received. Wait for "
                "the finance import, or write a reason to mark it successful anyway."
            )
            % {"received": _money(received), "pledged": _money(pledged)}
        )
    with transaction.atomic():
        _move(
            opportunity,
            MARK_SUCCESSFUL,
            actor=actor,
            note=note or override_reason,
            success_override_reason=override_reason,
            closed_at=timezone.now(),
        )
    return opportunity


def opportunity_cancel(*, opportunity: Opportunity, actor: User, reason: str) -> Opportunity:
    """Cancelled (ملغاة): it is certain the opportunity cannot succeed."""
    _guarded(opportunity, actor, CANCEL)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Write the reason for cancelling the opportunity."))
    with transaction.atomic():
        _move(
            opportunity,
            CANCEL,
            actor=actor,
            note=reason,
            cancel_reason=reason,
            closed_at=timezone.now(),
        )
    return opportunity


def opportunity_move(
    *, opportunity: Opportunity, actor: User, transition: str, note: str = "", **data: Any
) -> Opportunity:
    """One entry point for the transition forms: `data` holds the step's own fields."""
    if transition == START_FOLLOW_UP:
        return opportunity_start_follow_up(opportunity=opportunity, actor=actor, note=note)
    if transition == CLOSE_WITH_PLEDGE:
        return opportunity_close_with_pledge(
            opportunity=opportunity,
            actor=actor,
            note=note,
            pledge_donor=data.get("pledge_donor"),
            pledged_amount=data.get("pledged_amount"),
            pledge_date=data.get("pledge_date"),
            pledge_file=data.get("pledge_file"),
        )
    if transition == MARK_SUCCESSFUL:
        return opportunity_mark_successful(
            opportunity=opportunity,
            actor=actor,
            note=note,
            override_reason=data.get("override_reason", ""),
        )
    if transition == CANCEL:
        return opportunity_cancel(
            opportunity=opportunity, actor=actor, reason=data.get("reason") or note
        )
    raise PermissionDenied


# --- what the user may do now -----------------------------------------------------------


def available_actions(opportunity: Opportunity, user: User) -> list[str]:
    """The forms and buttons this user may use on this opportunity now."""
    actions: list[str] = []
    if opportunity.state not in OPEN_STATES:
        return actions
    if user.has_perm("opportunities.add_donorcontact"):
        actions.append("log_contact")
    if user.has_perm("opportunities.change_opportunity"):
        actions += ["update_probability", "add_donor"]
    if may_correct(user, opportunity):
        actions.append("correct")
    return actions + OPPORTUNITY_WORKFLOW.available_actions(opportunity, user)
