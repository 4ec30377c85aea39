"""Every write to opportunities and donor contacts (manual 3.1.11–3.1.15, 3.1.21).

Views, the admin and tasks call these functions; each checks the actor's right to act, runs
the django-fsm transition or the change inside a transaction, records who did it and counts
as activity on the opportunity (an opportunity left alone for a week is stale).
"""

import secrets
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import ContactChannel
from core.workflow import take_step
from customers.models import CustomerKind

from .models import (
    OPEN_STATES,
    ContactApproval,
    DonorContact,
    DonorInterest,
    Opportunity,
    OpportunityTransition,
    PotentialDonor,
    ProbabilityChange,
)

# The transitions, in the order of the manual's procedure; the names are the model methods.
START_FOLLOW_UP = "start_follow_up"
CLOSE_WITH_PLEDGE = "close_with_pledge"
MARK_SUCCESSFUL = "mark_successful"
CANCEL = "cancel"
TRANSITIONS = (START_FOLLOW_UP, CLOSE_WITH_PLEDGE, MARK_SUCCESSFUL, CANCEL)

# The signed written pledge (تعهد خطي): a scan or photo, checked by content, not by name.
PLEDGE_MAX_BYTES = 10 * 1024 * 1024
PLEDGE_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class RequestError(Exception):
    """A refusal the user should read (already translated)."""


# --- permissions and small helpers ------------------------------------------------------


def _require(actor, permission):
    if not actor.has_perm(permission):
        raise PermissionDenied


def may_move(user):
    return user.has_perm("opportunities.move_opportunity")


def _require_open(opportunity):
    if opportunity.state not in OPEN_STATES:
        raise RequestError(
            _("This opportunity is closed (%(state)s): it can no longer change.")
            % {"state": opportunity.get_state_display()}
        )


def _touch(opportunity, now):
    """Record activity without saving the rest of the (possibly stale) in-memory object."""
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=now, updated_at=now)
    opportunity.last_activity_at = now


def _require_donor(customer):
    if customer.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": customer})
    if not customer.is_active:
        raise RequestError(_("%(customer)s is archived.") % {"customer": customer})


def _suggested_ids(programme):
    from .selectors import suggested_donors

    return set(suggested_donors(programme).values_list("pk", flat=True))


# --- opportunities ----------------------------------------------------------------------


def opportunity_create(
    *, actor, title, programme, expected_amount, probability, success_factors, donors
):
    """Identification (تحديد): document the opportunity, its programme and potential donors.

    Donors proposed by `suggested_donors(programme)` are recorded as suggested."""
    _require(actor, "opportunities.add_opportunity")
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
    return opportunity


def opportunity_add_donor(*, opportunity, actor, donor):
    _require(actor, "opportunities.change_opportunity")
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


def _check_probability(probability):
    if probability is None or not 0 <= probability <= 100:
        raise RequestError(_("The success probability must be between 0 and 100%."))


def opportunity_update_probability(*, opportunity, actor, probability, success_factors):
    """The weekly review (procedure step 5): the relationship grows or fades."""
    _require(actor, "opportunities.change_opportunity")
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
    opportunity.probability = probability
    opportunity.success_factors = success_factors
    opportunity.last_activity_at = now
    return change


# --- donor contacts (3.1.21: one point of contact per donor) ---------------------------


def donor_contact_log(
    *, actor, donor, opportunity=None, contact_date, channel, summary, is_planned=False
):
    """Record a contact with a donor, made or planned.

    A donor speaks to the association through one point of contact. Anyone else's contact
    is flagged: it waits for the CRM manager's approval and the point of contact is told."""
    _require(actor, "opportunities.add_donorcontact")
    if donor.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": donor})
    summary = (summary or "").strip()
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
    if opportunity is not None:
        _require_open(opportunity)
        if not PotentialDonor.objects.filter(opportunity=opportunity, donor=donor).exists():
            raise RequestError(
                _("%(donor)s is not a potential donor of this opportunity. Add the donor first.")
                % {"donor": donor}
            )
    flagged = donor.point_of_contact_id is not None and donor.point_of_contact_id != actor.pk
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
            _touch(opportunity, timezone.now())
        if flagged:
            from .tasks import notify_point_of_contact

            notify_point_of_contact.delay_on_commit(contact.pk)
    return contact


def donor_contact_decide(*, contact, actor, approve, note=""):
    """The CRM manager approves or refuses a contact with another's donor."""
    _require(actor, "opportunities.approve_donorcontact")
    note = (note or "").strip()
    if not approve and not note:
        raise RequestError(_("Write the reason for refusing the contact."))
    now = timezone.now()
    decision = ContactApproval.APPROVED if approve else ContactApproval.REFUSED
    with transaction.atomic():
        # Conditional on still pending: a second click or a second manager changes nothing.
        decided = DonorContact.objects.filter(
            pk=contact.pk, approval=ContactApproval.PENDING
        ).update(approval=decision, decided_by=actor, decided_at=now, decision_note=note)
        if not decided:
            raise RequestError(
                _("This contact is not awaiting a decision any more. Reload the page.")
            )
        if contact.opportunity_id:
            Opportunity.objects.filter(pk=contact.opportunity_id).update(
                last_activity_at=now, updated_at=now
            )
    contact.approval, contact.decided_by, contact.decided_at = decision, actor, now
    contact.decision_note = note
    return contact


# --- donor interests (3.1.12) -----------------------------------------------------------


def donor_interests_set(*, donor, actor, categories):
    """Record the programme categories a donor wants to fund: adds and removes."""
    if donor.kind != CustomerKind.DONOR:
        raise RequestError(_("%(customer)s is not a donor.") % {"customer": donor})
    wanted = {category.pk for category in categories}
    with transaction.atomic():
        current = set(DonorInterest.objects.filter(donor=donor).values_list("category", flat=True))
        to_add, to_remove = wanted - current, current - wanted
        if to_add:
            _require(actor, "opportunities.add_donorinterest")
        if to_remove:
            _require(actor, "opportunities.delete_donorinterest")
        DonorInterest.objects.filter(donor=donor, category__in=to_remove).delete()
        # A colleague ticking the same box at the same moment is not an error.
        DonorInterest.objects.bulk_create(
            (DonorInterest(donor=donor, category_id=pk, recorded_by=actor) for pk in to_add),
            ignore_conflicts=True,
        )
    return len(to_add), len(to_remove)


# --- transitions ------------------------------------------------------------------------


def _run_transition(opportunity, transition_name, *, actor, note="", **fields):
    """Run one transition on the in-memory opportunity, save it and record the step. Must
    run inside a transaction; a concurrent move of the same opportunity raises RequestError
    and changes nothing."""
    source = take_step(
        opportunity,
        transition_name,
        error=RequestError,
        stale_message=_(
            "This opportunity is no longer at this stage. Reload the page to see its status."
        ),
        conflict_message=_(
            "Someone else moved this opportunity at the same moment. "
            "Reload the page to see its status."
        ),
        fields={**fields, "last_activity_at": timezone.now()},
        # Only the fields this step owns: a probability saved meanwhile must not be undone.
        update_fields=["state", "last_activity_at", "updated_at", *fields],
    )
    return OpportunityTransition.objects.create(
        opportunity=opportunity, source=source, target=opportunity.state, actor=actor, note=note
    )


def _guarded(opportunity, actor, transition_name):
    _require(actor, "opportunities.move_opportunity")
    if transition_name not in (t.name for t in opportunity.get_available_state_transitions()):
        raise RequestError(
            _("This opportunity is no longer at this stage. Reload the page to see its status.")
        )


def follow_up_blockers(opportunity):
    """Why the opportunity cannot start follow-up yet (empty when it can)."""
    blockers = []
    if not PotentialDonor.objects.filter(opportunity=opportunity).exists():
        blockers.append(_("Add at least one potential donor before starting follow-up."))
    contacted = (
        DonorContact.objects.filter(opportunity=opportunity, is_planned=False)
        .exclude(approval=ContactApproval.REFUSED)
        .exists()
    )
    if not contacted:
        blockers.append(
            _(
                "Record at least one contact made with a donor about this opportunity before "
                "starting follow-up (planned or refused contacts do not count)."
            )
        )
    return blockers


def opportunity_start_follow_up(*, opportunity, actor, note=""):
    """Follow-up (متابعة): the donors have been contacted."""
    _guarded(opportunity, actor, START_FOLLOW_UP)
    blockers = follow_up_blockers(opportunity)
    if blockers:
        raise RequestError(" ".join(blockers))
    with transaction.atomic():
        _run_transition(opportunity, START_FOLLOW_UP, actor=actor, note=note)
    return opportunity


def validate_pledge_file(upload):
    """The signed pledge must really be a PDF, JPEG or PNG of at most 10 MB."""
    if upload is None:
        raise RequestError(_("Upload the signed written pledge (PDF, JPEG or PNG)."))
    extension = Path(upload.name or "").suffix.lower()
    if extension not in PLEDGE_SIGNATURES:
        raise RequestError(
            _("The signed pledge must be a PDF, JPEG or PNG file; “%(name)s” is not.")
            % {"name": upload.name}
        )
    if upload.size > PLEDGE_MAX_BYTES:
        raise RequestError(_("The signed pledge is larger than 10 MB. Scan it at a lower size."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in PLEDGE_SIGNATURES[extension]):
        raise RequestError(
            _(
                "“%(name)s” is not a real PDF, JPEG or PNG file (its content does not match "
                "its name). Upload the scanned pledge itself."
            )
            % {"name": upload.name}
        )
    return extension


def opportunity_close_with_pledge(
    *, opportunity, actor, pledge_donor, pledged_amount, pledge_date, pledge_file, note=""
):
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
            _run_transition(
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


def pledge_received(opportunity):
    """How much of the pledge the finance system has recorded (Decimal)."""
    from .donations import pledge_received_amount

    return pledge_received_amount(opportunity) or Decimal("0")


def _money(amount):
    # Western digits and grouping, as amounts are shown everywhere (1,500,000.00).
    return f"{amount:,.2f}"


def opportunity_mark_successful(*, opportunity, actor, note="", override_reason=""):
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
        _run_transition(
            opportunity,
            MARK_SUCCESSFUL,
            actor=actor,
            note=note or override_reason,
            success_override_reason=override_reason,
            closed_at=timezone.now(),
        )
    return opportunity


def opportunity_cancel(*, opportunity, actor, reason):
    """Cancelled (ملغاة): it is certain the opportunity cannot succeed."""
    _guarded(opportunity, actor, CANCEL)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Write the reason for cancelling the opportunity."))
    with transaction.atomic():
        _run_transition(
            opportunity,
            CANCEL,
            actor=actor,
            note=reason,
            cancel_reason=reason,
            closed_at=timezone.now(),
        )
    return opportunity


def opportunity_move(*, opportunity, actor, transition, note="", **data):
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


def available_actions(opportunity, user):
    """The forms and buttons this user may use on this opportunity now."""
    actions = []
    if opportunity.state not in OPEN_STATES:
        return actions
    if user.has_perm("opportunities.add_donorcontact"):
        actions.append("log_contact")
    if user.has_perm("opportunities.change_opportunity"):
        actions += ["update_probability", "add_donor"]
    if may_move(user):
        available = {t.name for t in opportunity.get_available_state_transitions()}
        actions += [name for name in TRANSITIONS if name in available]
    return actions
