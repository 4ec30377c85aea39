"""Every write to the customer database and its forms (manual 6.2), in one place.

Views, the admin, imports and commands call these functions; each checks the actor's right
to act, runs the django-fsm transition, saves in a transaction and records who did it.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core.consent import grid_from_fields, no_consents
from core.jobs import NO_PROGRESS, Progress
from core.permissions import require
from core.workflow import Workflow

from .consents import consent_grid, consent_grids
from .models import (
    Customer,
    CustomerCodeCounter,
    CustomerRequest,
    CustomerRequestLine,
    LineAction,
    RequestState,
    RequestTransition,
    StewardDesignation,
    acting_steward,  # noqa: F401 - read through the services by commands and tests
    may_enter,
)
from .signals import request_entered

# The fields a form may propose, in the order of the paper form.
CUSTOMER_FIELDS = (
    "name",
    "entity_type",
    "kind",
    "national_id",
    "city",
    "centre",
    "address",
    "phone",
    "mobile",
    "email",
    "contact_channel",
    "notes",
    "is_active",
)
# What a form proposes beside the customer's own fields: the consents to messages per
# channel and purpose (a grid, customers.consents; kept as records by the messaging app),
# with the date and source of the consents it gives.
CONSENT_FIELDS = ("consents", "consent_date", "consent_source")
# Every proposed value, in the order of the paper form.
PROPOSED_FIELDS = (
    *CUSTOMER_FIELDS[: CUSTOMER_FIELDS.index("contact_channel") + 1],
    *CONSENT_FIELDS,
    *CUSTOMER_FIELDS[CUSTOMER_FIELDS.index("contact_channel") + 1 :],
)
FOREIGN_KEY_FIELDS = ("city", "centre")
# A donor's point of contact is not a form field: it is designated with the sub-council
# secretary's approval (opportunities.services.designation_decide, manual 3.1.21).
DATE_FIELDS = ("consent_date",)

# Working days each step may take (manual 6.2): review and approval one day each, entry one
# day, filing one day.
STEP_WORKING_DAYS: dict[str, int] = {
    RequestState.SUBMITTED: 2,
    RequestState.APPROVED: 1,
    RequestState.ENTERED: 1,
}


class RequestError(Exception):
    """A refusal the user should read (already translated)."""


@dataclass
class EntryResult:
    entered: bool
    conflicts: list[Customer] = field(default_factory=list)  # customers changed since the form


# --- values -----------------------------------------------------------------------------


def values_from_cleaned_data(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """Form data to JSON-safe proposed values: objects become primary keys, dates ISO, the
    consent boxes one grid {pair key: given}."""
    values: dict[str, Any] = {}
    grid = grid_from_fields(cleaned_data)
    for name in PROPOSED_FIELDS:
        if name == "consents":
            if grid is not None:
                values[name] = grid
            continue
        if name not in cleaned_data:
            continue
        value = cleaned_data[name]
        if name in FOREIGN_KEY_FIELDS:
            value = value.pk if value is not None else None
        elif name in DATE_FIELDS:
            value = value.isoformat() if value else None
        values[name] = value
    return values


def customer_values(customer: Customer) -> dict[str, Any]:
    """The current values of a customer, in the same JSON-safe shape as proposed values."""
    values = {}
    for name in CUSTOMER_FIELDS:
        if name in FOREIGN_KEY_FIELDS:
            values[name] = getattr(customer, f"{name}_id")
        elif name in DATE_FIELDS:
            value = getattr(customer, name)
            values[name] = value.isoformat() if value else None
        else:
            values[name] = getattr(customer, name)
    return values


def form_values(customer: Customer) -> dict[str, Any]:
    """What a form is prepared against: the customer's values and current consents."""
    return {**customer_values(customer), "consents": consent_grid(customer.pk)}


def consents_changed(base_values: Mapping[str, Any], proposed: Mapping[str, Any]) -> bool:
    """Does the proposed grid change any pair of the base's (no answer is "not given")?"""
    base = {**no_consents(), **(base_values.get("consents") or {})}
    return any(
        bool(given) != bool(base.get(key))
        for key, given in (proposed.get("consents") or {}).items()
    )


def changed_fields(base_values: Mapping[str, Any], proposed: Mapping[str, Any]) -> list[str]:
    """The proposed values that change the base; the date and source of a consent only go
    with a change of the consents."""
    gives_consents = "consents" in proposed and consents_changed(base_values, proposed)
    changed = []
    for name in PROPOSED_FIELDS:
        if name not in proposed:
            continue
        if name == "consents":
            if gives_consents:
                changed.append(name)
        elif name in ("consent_date", "consent_source"):
            if gives_consents and proposed[name]:
                changed.append(name)
        elif proposed[name] != base_values.get(name):
            changed.append(name)
    return changed


def _assign_values(customer: Customer, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name not in CUSTOMER_FIELDS:
            continue  # e.g. a point of contact proposed by a form prepared before 3.1.21
        if name in FOREIGN_KEY_FIELDS:
            setattr(customer, f"{name}_id", value)
        elif name in DATE_FIELDS:
            setattr(customer, name, datetime.date.fromisoformat(value) if value else None)
        else:
            setattr(customer, name, value)


# --- codes ------------------------------------------------------------------------------


FIRST_CUSTOMER_CODE = 100001


def allocate_customer_code() -> int:
    """The next customer code. The counter row is incremented by an UPDATE, which locks it
    until the transaction ends, so two entries at the same instant never share a code; a
    rolled-back entry gives its number back, a committed one never does."""
    return allocate_customer_codes(1)


def allocate_customer_codes(count: int) -> int:
    """The first of `count` consecutive new customer codes, taken with one UPDATE (a large
    form's entry takes its block at once)."""
    if not _increment_counter(count):
        # The row is made by migration 0002; if it was lost (e.g. a flushed test database),
        # restart above every code ever given so none is reused.
        highest = Customer.objects.aggregate(highest=Max("code"))["highest"]
        CustomerCodeCounter.objects.get_or_create(
            pk=1, defaults={"last_code": max(highest or 0, FIRST_CUSTOMER_CODE - 1)}
        )
        _increment_counter(count)
    last = CustomerCodeCounter.objects.values_list("last_code", flat=True).get(pk=1)
    return last - count + 1


def _increment_counter(count: int = 1) -> int:
    return CustomerCodeCounter.objects.filter(pk=1).update(last_code=F("last_code") + count)


# --- permissions ------------------------------------------------------------------------


def steward_candidates() -> tuple[QuerySet[User], QuerySet[User]]:
    """Who may be designated: active holders of the steward role, and of the deputy role."""
    from django.contrib.auth import get_user_model

    from association import roles

    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
    return (
        users.filter(groups__name=roles.DATA_STEWARD.group_name),
        users.filter(groups__name=roles.DEPUTY_STEWARD.group_name),
    )


REASON_MAX_LENGTH = 100  # django-simple-history's change reason


def steward_designation_change(
    *, actor: User, steward: User, deputy: User, steward_absent: bool, reason: str
) -> StewardDesignation:
    """The CRM department (the CRM manager) designates the steward and the deputy and marks
    the steward absent or back (6.1.4). Recorded in the designation's history with who,
    when, the old and new values and the reason. Returns the designation."""
    require(actor, "customers.change_stewarddesignation")
    stewards, deputies = steward_candidates()
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not stewards.filter(pk=steward.pk).exists():
        errors["steward"] = _("Choose a holder of the customer-data steward role.")
    if not deputies.filter(pk=deputy.pk).exists():
        errors["deputy"] = _("Choose a holder of the deputy steward role.")
    if steward.pk == deputy.pk:
        errors["deputy"] = _("The deputy must be another person than the steward.")
    if not reason:
        errors["reason"] = _("Write the reason for the change.")
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = _("Keep the reason to %(count)d characters.") % {
            "count": REASON_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        designation = StewardDesignation.objects.select_for_update().order_by("pk").first()
        if designation is not None and (
            designation.steward_id,
            designation.deputy_id,
            designation.steward_absent,
        ) == (steward.pk, deputy.pk, bool(steward_absent)):
            raise ValidationError(_("Nothing changed: the designation is already this one."))
        designation = designation or StewardDesignation()
        designation.steward = steward
        designation.deputy = deputy
        designation.steward_absent = bool(steward_absent)
        # Read by django-simple-history when the designation is saved.
        designation._change_reason = reason  # type: ignore[attr-defined]
        designation._history_user = actor  # type: ignore[attr-defined]
        designation.save()
    return designation


# --- transitions ------------------------------------------------------------------------


def _deadline_for(state: str, start: datetime.datetime) -> datetime.datetime | None:
    days = STEP_WORKING_DAYS.get(state)
    return working_deadline(start, days) if days else None


REQUEST_WORKFLOW = Workflow(
    audit=RequestTransition,
    error=RequestError,
    stale_message=gettext_lazy(
        "This form is no longer at this step. Reload the page to see its status."
    ),
)


def _take_step(
    request: CustomerRequest,
    transition_name: str,
    *,
    actor: User,
    note: str = "",
    **fields: Any,
) -> None:
    """One step of the form, with the deadline of the state it reaches (manual 6.2)."""
    REQUEST_WORKFLOW.take_step(
        request,
        transition_name,
        actor=actor,
        note=note,
        fields=fields,
        before_save=_set_deadline,
    )


def _set_deadline(record: Model) -> None:
    """The deadline of the state the form reaches, set by the workflow before it saves."""
    request = cast(CustomerRequest, record)
    request.due_at = _deadline_for(request.state, timezone.now())


def _transition(
    request: CustomerRequest,
    transition_name: str,
    *,
    actor: User,
    note: str = "",
    **fields: Any,
) -> CustomerRequest:
    with transaction.atomic():
        _take_step(request, transition_name, actor=actor, note=note, **fields)
    return request


def customer_request_create(
    *,
    actor: User,
    kind: str,
    reason: str,
    lines: Iterable[tuple[Customer | None, dict[str, Any], int | None]],
    submit: bool = True,
    source_file_digest: str = "",
) -> CustomerRequest:
    """Prepare a form. `lines` is a list of (customer or None, proposed values, source row).

    A modification records the customer's current values and version beside the proposal so
    the reviewer sees the diff and entry can detect a later change."""
    require(actor, "customers.add_customerrequest")
    if not reason.strip():
        raise RequestError(_("Write the reason for the request."))
    if not lines:
        raise RequestError(_("The form has no customer in it."))
    with transaction.atomic():
        request = CustomerRequest.objects.create(
            kind=kind, reason=reason, prepared_by=actor, source_file_digest=source_file_digest
        )
        lines = list(lines)
        grids = _consent_grids_of([customer for customer, _values, _row in lines])
        for customer, proposed, source_row in lines:
            _add_line(request, customer, proposed, source_row, grids=grids)
        if submit:
            _take_step(request, "submit", actor=actor, submitted_at=timezone.now())
    return request


def _consent_grids_of(customers: Iterable[Customer | None]) -> dict[int, dict[str, bool]]:
    """The current consents of the form's customers: one query per 1,000."""
    pks = [customer.pk for customer in customers if customer is not None]
    grids: dict[int, dict[str, bool]] = {}
    for start in range(0, len(pks), 1000):
        grids.update(consent_grids(pks[start : start + 1000]))
    return grids


def _add_line(
    request: CustomerRequest,
    customer: Customer | None,
    proposed: dict[str, Any],
    source_row: int | None = None,
    *,
    grids: Mapping[int, dict[str, bool]] | None = None,
) -> CustomerRequestLine:
    if customer is None:
        return CustomerRequestLine.objects.create(
            request=request, action=LineAction.CREATE, proposed=proposed, source_row=source_row
        )
    if grids is not None and customer.pk in grids:
        base = {**customer_values(customer), "consents": grids[customer.pk]}
    else:
        base = form_values(customer)
    changes = {name: proposed[name] for name in changed_fields(base, proposed)}
    if not changes:
        raise RequestError(
            _("The proposed values of %(customer)s are the same as the current ones.")
            % {"customer": customer}
        )
    return CustomerRequestLine.objects.create(
        request=request,
        action=LineAction.MODIFY,
        customer=customer,
        proposed=changes,
        base_values=base,
        base_version=customer.version,
        source_row=source_row,
    )


def customer_request_submit(*, request: CustomerRequest, actor: User) -> CustomerRequest:
    if request.prepared_by_id != actor.pk:
        raise PermissionDenied
    return _transition(request, "submit", actor=actor, submitted_at=timezone.now())


def customer_request_approve(
    *, request: CustomerRequest, actor: User, note: str = "", override_reason: str = ""
) -> CustomerRequest:
    require(actor, "customers.approve_customerrequest")
    if request.prepared_by_id == actor.pk:
        raise RequestError(_("You cannot approve a form you prepared yourself."))
    from .selectors import blocking_duplicates

    if blocking_duplicates(request) and not override_reason.strip():
        raise RequestError(
            _(
                "A customer with the same national ID or mobile already exists. Write a reason "
                "to override, or reject the form."
            )
        )
    return _transition(
        request,
        "approve",
        actor=actor,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note,
        duplicate_override_reason=override_reason.strip(),
    )


def customer_request_reject(*, request: CustomerRequest, actor: User, note: str) -> CustomerRequest:
    require(actor, "customers.approve_customerrequest")
    if request.prepared_by_id == actor.pk:
        raise RequestError(_("You cannot reject a form you prepared yourself."))
    if not note.strip():
        raise RequestError(_("Write the reason for rejecting the form."))
    return _transition(
        request,
        "reject",
        actor=actor,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note,
    )


def customer_request_enter(
    *, request: CustomerRequest, actor: User, progress: Progress = NO_PROGRESS
) -> EntryResult:
    """The steward's signature: apply every line to the database and allocate codes.

    If a customer changed after the form was prepared, nothing is applied: the form goes
    back to the manager with the customer's new values as its base, and the conflicts are
    returned for the steward to see. `progress` (core.jobs.Progress) follows the lines of a
    large form entered in the background."""
    if not may_enter(actor):
        raise PermissionDenied
    with transaction.atomic():
        lines = list(request.lines.select_related("customer"))
        locked: dict[int | None, Customer] = {
            customer.pk: customer
            for customer in Customer.objects.select_for_update().filter(
                pk__in=[line.customer_id for line in lines if line.customer_id]
            )
        }
        conflicts = [
            line
            for line in lines
            if line.customer_id and locked[line.customer_id].version != line.base_version
        ]
        if conflicts:
            for line in conflicts:
                _rebase_line(line, locked[line.customer_id])
            names = ", ".join(str(locked[line.customer_id]) for line in conflicts)
            _take_step(
                request,
                "return_for_review",
                actor=actor,
                note=_("Returned for review: changed since the form was prepared: %(names)s")
                % {"names": names},
                submitted_at=timezone.now(),
            )
            return EntryResult(
                entered=False, conflicts=[locked[line.customer_id] for line in conflicts]
            )
        _take_step(request, "enter", actor=actor, entered_by=actor, entered_at=timezone.now())
        progress.phase("enter", start=5, end=100)
        # The new customers' codes, in the order of the lines, taken in one UPDATE.
        new_lines = sum(1 for line in lines if line.action == LineAction.CREATE)
        first_code = allocate_customer_codes(new_lines) if new_lines else 0
        codes = iter(range(first_code, first_code + new_lines))
        for done, line in enumerate(lines, start=1):
            _apply_line(line, locked.get(line.customer_id), actor=actor, codes=codes)
            progress.advance(done, len(lines))
        request_entered.send(sender=CustomerRequest, request=request)
    return EntryResult(entered=True)


def _rebase_line(line: CustomerRequestLine, customer: Customer) -> None:
    line.base_values = form_values(customer)
    line.base_version = customer.version
    line.save(update_fields=["base_values", "base_version"])


def _apply_line(
    line: CustomerRequestLine, customer: Customer | None, *, actor: User, codes: Iterator[int]
) -> Customer:
    if line.action == LineAction.CREATE:
        customer = Customer(code=next(codes))
    else:
        # A modification's customer, locked by customer_request_enter.
        customer = cast(Customer, customer)
        customer.version += 1
    _assign_values(customer, line.proposed)
    try:
        customer.full_clean(validate_unique=False)
    except ValidationError as error:
        raise RequestError(
            _("Form line %(line)s cannot be entered: %(errors)s")
            % {"line": line.pk, "errors": "; ".join(error.messages)}
        ) from error
    # Read by django-simple-history when the customer is saved.
    customer._history_user = actor  # type: ignore[attr-defined]
    customer._change_reason = _("Form %(number)s") % {"number": line.request_id}  # type: ignore[attr-defined]
    customer.save()
    if line.customer_id != customer.pk:
        line.customer = customer
        line.save(update_fields=["customer"])
    return customer


def customer_request_file(*, request: CustomerRequest, actor: User) -> CustomerRequest:
    require(actor, "customers.file_customerrequest")
    return _transition(request, "file", actor=actor, filed_by=actor, filed_at=timezone.now())


def available_actions(request: CustomerRequest, user: User) -> list[str]:
    """The buttons this user may press on this form now (from its state machine)."""
    return REQUEST_WORKFLOW.available_actions(request, user)
