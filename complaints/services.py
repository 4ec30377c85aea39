"""Every write to the complaints register (manual 5), in one place.

Views, the admin and commands call these functions; each checks the actor's right to act,
runs the django-fsm transition, saves in a transaction and records who did it."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core.choices import ContactChannel
from core.permissions import require
from core.workflow import CONFLICT_MESSAGE, Workflow
from customers.models import Customer, CustomerKind
from customers.profile_cache import renew_for_rows
from messaging.services import direct_sms_queue

from . import complaint_tallies
from .errors import CaseError
from .models import (
    Case,
    CaseEntry,
    CaseEvent,
    CaseEventKind,
    CaseRoute,
    CaseState,
    CaseTransition,
    ContactKind,
    handles_case,
    new_tracking_number,
)

if TYPE_CHECKING:
    from association.models import Centre
    from customers.models import CustomerRequest
    from programmes.models import Programme

    from .models import CaseCategory, FaqEntry

# Working days each state may last (manual 5.2): a received case is answered, or a callback
# promised, the same working day; a study takes one working day from receipt; a reply is
# closed within one working day.
STATE_WORKING_DAYS: dict[str, int] = {
    CaseState.RECEIVED: 0,
    CaseState.CALLBACK_PROMISED: 0,
    CaseState.UNDER_STUDY: 1,
    CaseState.REPLIED: 1,
}


def route_for(customer: Customer | None, contact_kind: str = "") -> CaseRoute:
    """Beneficiaries' cases go to the centres-affairs department (the queue of the case's
    centre); donors' and everyone else's to the CRM department (manual 5.1.2-5.1.3). A
    linked customer's kind wins over what the person said they are (`contact_kind`)."""
    if customer is not None:
        beneficiary = customer.kind == CustomerKind.BENEFICIARY
    else:
        beneficiary = contact_kind == ContactKind.BENEFICIARY
    return CaseRoute.CENTRES if beneficiary else CaseRoute.CRM


def _check_contact_kind(contact_kind: str, centre: "Centre | None") -> None:
    """A person not in the customer database: a known kind, and a beneficiary's centre."""
    if contact_kind and contact_kind not in ContactKind.values:
        raise CaseError(
            _("Choose whether the person is a beneficiary of a centre, a donor or other.")
        )
    if contact_kind == ContactKind.BENEFICIARY and centre is None:
        raise CaseError(_("Choose the centre whose services the beneficiary receives."))


def deadline_for(case: Case) -> datetime.datetime | None:
    """When the case's current state must be left; None once closed."""
    days = STATE_WORKING_DAYS.get(case.state)
    if days is None:
        return None
    if case.state in (CaseState.RECEIVED, CaseState.CALLBACK_PROMISED, CaseState.UNDER_STUDY):
        start = case.received_at
    else:
        start = case.replied_at or timezone.now()
    return working_deadline(start, days)


def case_register(
    *,
    actor: User,
    kind: str,
    channel: str,
    subject: str,
    description: str,
    customer: Customer | None = None,
    contact_name: str = "",
    contact_mobile: str = "",
    contact_kind: str = "",
    centre: "Centre | None" = None,
    programme: "Programme | None" = None,
    category: "CaseCategory | None" = None,
    received_at: datetime.datetime | None = None,
) -> Case:
    """Register a case received on any channel and route it to its department: by the
    customer's kind, or, for a person not in the customer database, by the kind they say
    they are (`contact_kind`; the staff form always asks it, an empty one routes to the
    CRM department) and the centre."""
    require(actor, "complaints.add_case")
    if customer is None and not contact_name.strip():
        raise CaseError(_("Choose the customer or write the name of the person who contacted us."))
    if not subject.strip() or not description.strip():
        raise CaseError(_("Write the subject and the description of the case."))
    if customer is not None:
        contact_kind = ""
        if centre is None:
            centre = customer.centre
    _check_contact_kind(contact_kind, centre)
    case = Case(
        kind=kind,
        channel=channel,
        subject=subject.strip(),
        description=description.strip(),
        customer=customer,
        contact_name="" if customer else contact_name.strip(),
        contact_mobile="" if customer else contact_mobile,
        contact_kind=contact_kind,
        centre=centre,
        programme=programme,
        category=category,
        routed_to=route_for(customer, contact_kind),
        registered_by=actor,
    )
    if received_at is not None:
        case.received_at = received_at
    return _save_new_case(case)


def case_file_public(
    *,
    kind: str,
    subject: str,
    description: str,
    contact_name: str,
    contact_mobile: str,
    centre: "Centre | None" = None,
    contact_kind: str = "",
    source_link_id: int | None = None,
    channel: str = ContactChannel.WEBSITE,
) -> Case:
    """A member of the public files a case on the public page (channel: website), or a
    low score in a satisfaction survey opens one (channel: survey, surveys.services). Nobody
    is logged in, and anyone can type anyone's mobile: the case is routed by the kind the
    person says they are and the centre they chose, and a customer with this mobile is only
    kept as a possible match, never linked, until a staff handler confirms it
    (case_confirm_match). `source_link_id` is the tracked link the person came through
    first (core.attribution.first_touch_id), kept for the campaign's figures."""
    if not contact_name.strip() or not contact_mobile:
        raise CaseError(_("Write your name and mobile number."))
    if not subject.strip() or not description.strip():
        raise CaseError(_("Write the subject and the description of the case."))
    _check_contact_kind(contact_kind, centre)
    possible = (
        Customer.objects.filter(mobile=contact_mobile, is_active=True).order_by("code").first()
    )
    case = Case(
        kind=kind,
        channel=channel,
        subject=subject.strip(),
        description=description.strip(),
        contact_name=contact_name.strip(),
        contact_mobile=contact_mobile,
        contact_kind=contact_kind,
        possible_customer=possible,
        centre=centre,
        routed_to=route_for(None, contact_kind),
        registered_by=None,
        source_link_id=source_link_id,
    )
    _save_new_case(case)
    _send_tracking_number(case)
    return case


def _send_tracking_number(case: Case) -> None:
    """The filer gets the tracking number by SMS (a service notice) once the filing has
    committed. The filer is not a customer's record (a match waits for staff), so it is an
    SMS to the number typed, recorded by messaging (DirectSms); a gateway that fails never
    breaks the filing, and an invalid or suppressed number is recorded as not sent."""
    if not case.contact_mobile:
        return
    track_url = settings.SITE_URL.rstrip("/") + reverse("public:track")
    direct_sms_queue(
        to=case.contact_mobile,
        body=_(
            "We received your request. Its tracking number is %(number)s. Follow it up at %(url)s"
        )
        % {"number": case.tracking_number, "url": track_url},
        about=_("Tracking number of request %(number)s") % {"number": case.tracking_number},
    )


def answer_deadline(received_at: datetime.datetime) -> datetime.datetime:
    """Manual 5.2: answered at once, or studied within one working day and then answered;
    the answer is due by the end of the working day after receipt."""
    return working_deadline(received_at, 1)


def _save_new_case(case: Case) -> Case:
    """Give the new case its deadlines and a free tracking number, and save it."""
    case.due_at = deadline_for(case)
    case.answer_due_at = answer_deadline(case.received_at)
    case.last_activity_at = case.received_at
    for _attempt in range(5):
        case.tracking_number = new_tracking_number()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            case.pk = None
            continue
        return case
    raise CaseError(_("No free tracking number was found. Try again."))


CASE_WORKFLOW = Workflow(
    audit=CaseTransition,
    error=CaseError,
    stale_message=gettext_lazy(
        "This case is no longer at this step. Reload the page to see its status."
    ),
)


def _refresh_deadlines(record: Model) -> None:
    """The deadline of the state the case reaches, set by the workflow before it saves."""
    case = cast(Case, record)
    case.due_at = deadline_for(case)
    case.last_activity_at = timezone.now()


def _require_handler(actor: User, case: Case) -> None:
    """Only staff who handle cases, and only on cases of their own queue (whoever
    registered a case of another queue reads it, and no more)."""
    if not handles_case(case, actor):
        raise PermissionDenied


def _transition(
    case: Case, transition_name: str, *, actor: User, note: str = "", **fields: Any
) -> Case:
    _require_handler(actor, case)
    with transaction.atomic():
        CASE_WORKFLOW.take_step(
            case,
            transition_name,
            actor=actor,
            note=note,
            fields=fields,
            before_save=_refresh_deadlines,
            # Only what the step changes is written: a referral committed at the same
            # moment (its queue, centre) is not overwritten with the values this copy was
            # loaded with.
            update_fields=["state", "due_at", "last_activity_at", *fields],
        )
    return case


def case_answer_immediately(*, case: Case, actor: User, answer: str) -> Case:
    """Manual 5.2: the employee answers at once (فوري) when the answer is known."""
    if not (answer or "").strip():
        raise CaseError(_("Write the answer given to the customer."))
    answer = answer.strip()
    return _transition(
        case,
        "answer_immediately",
        actor=actor,
        note=answer,
        immediate_answer=answer,
        replied_at=timezone.now(),
    )


def case_promise_callback(*, case: Case, actor: User, note: str = "") -> Case:
    """The answer is not known yet: promise the customer to call back."""
    return _transition(case, "promise_callback", actor=actor, note=(note or "").strip())


def case_start_study(
    *,
    case: Case,
    actor: User,
    causes: str,
    assignee: User | None,
    helping_party: str | None = None,
) -> Case:
    """Analyse the causes and give the case to the employee who studies it (procedure step
    3), with the party that can help solve it: another department, a centre or an outside
    party. The staff page always asks that party (a blank one is refused); callers that
    pass None record none."""
    if not (causes or "").strip():
        raise CaseError(_("Write the analysis of the causes."))
    if helping_party is not None and not helping_party.strip():
        raise CaseError(
            _("Write the party that can help solve it: a department, a centre or an outside party.")
        )
    if assignee is None:
        raise CaseError(_("Choose the employee who studies the case."))
    from .selectors import user_handles_case

    may_handle = assignee.has_perm("complaints.change_case")
    if not may_handle or not user_handles_case(assignee, case):
        raise CaseError(_("This employee cannot handle cases of this queue."))
    fields: dict[str, Any] = {"causes": causes.strip(), "assigned_to": assignee}
    if helping_party is not None:
        fields["helping_party"] = helping_party.strip()[:200]
    return _transition(case, "start_study", actor=actor, note=causes.strip(), **fields)


def case_record_reply(*, case: Case, actor: User, reply: str) -> Case:
    if not (reply or "").strip():
        raise CaseError(_("Write the reply given to the customer."))
    reply = reply.strip()
    return _transition(
        case, "record_reply", actor=actor, note=reply, reply=reply, replied_at=timezone.now()
    )


def case_close(*, case: Case, actor: User, note: str = "") -> Case:
    _require_handler(actor, case)
    if not case.has_reply():
        raise CaseError(_("A case is closed only after a reply is recorded."))
    return _transition(
        case, "close", actor=actor, note=(note or "").strip(), closed_at=timezone.now()
    )


def _require_follower(actor: User, case: Case) -> None:
    """Handlers of the case's queue, and the quality officer who follows every case up
    with the departments concerned (manual 5.1.7)."""
    from .selectors import cases_visible_to

    if not actor.has_perm("complaints.add_caseentry"):
        _require_handler(actor, case)
    elif not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied


def case_add_entry(*, case: Case, actor: User, text: str) -> CaseEntry:
    """A dated entry in the register (what was done on the case today)."""
    _require_follower(actor, case)
    if not (text or "").strip():
        raise CaseError(_("Write the entry."))
    if case.state == CaseState.CLOSED:
        raise CaseError(_("This case is closed."))
    with transaction.atomic():
        entry = CaseEntry.objects.create(case=case, author=actor, text=text.strip())
        # A plain UPDATE: the daily entry must not collide with a concurrent transition.
        Case.objects.filter(pk=case.pk).update(last_activity_at=entry.at)
    return entry


def may_add_entry(case: Case, user: User) -> bool:
    """Handlers of the case's queue, and staff who follow cases up (the quality officer),
    write the register's daily entries until the case is closed."""
    if case.state == CaseState.CLOSED:
        return False
    if user.has_perm("complaints.change_case"):
        return handles_case(case, user)
    return user.has_perm("complaints.add_caseentry")


def available_actions(case: Case, user: User) -> list[str]:
    """The actions this user may take on this case now: its steps, from the state machine,
    and the daily "entry"."""
    actions = CASE_WORKFLOW.available_actions(case, user)
    if may_add_entry(case, user):
        actions.append("entry")
    return actions


# --- referral to another department or centre (procedure step 3) -----------------------

# A case is referred while its answer is still being sought.
REFERRABLE_STATES = (CaseState.RECEIVED, CaseState.CALLBACK_PROMISED, CaseState.UNDER_STUDY)


def routing_key(case: Case) -> str:
    """The queue a page showed the case in, sent back with a referral: a referral from a
    page shown before another move is refused."""
    return f"{case.routed_to}:{case.centre_id or ''}"


def may_refer(case: Case, user: User) -> bool:
    from .selectors import user_handles_case

    return (
        case.state in REFERRABLE_STATES
        and user.has_perm("complaints.change_case")
        and user_handles_case(user, case)
    )


def case_refer(
    *,
    case: Case,
    actor: User,
    department: str,
    centre: "Centre | None" = None,
    note: str,
    seen_route: str | None = None,
) -> Case:
    """Refer a case to the party that can help solve it inside the association: the CRM
    department, or the centres-affairs department of a centre (procedure step 3). Those
    who handle the case now refer it, with a note; it moves to that queue with its
    deadlines unchanged (they count from its receipt), shows there as newly referred, and
    the referral (who, when, from, to, note) is in its audit trail. A referral to the CRM
    department keeps the centre the case is about."""
    from .selectors import user_handles_case

    _require_handler(actor, case)
    note = (note or "").strip()
    if department not in CaseRoute.values:
        raise CaseError(_("Choose the department the case is referred to."))
    if department == CaseRoute.CENTRES:
        if centre is None:
            raise CaseError(_("Choose the centre whose centres-affairs staff receive the case."))
        if not centre.is_active:
            raise CaseError(_("This centre is no longer active."))
        target_centre: Centre | None = centre
    else:
        target_centre = case.centre
    if department == case.routed_to and getattr(target_centre, "pk", None) == case.centre_id:
        raise CaseError(_("The case is already handled there."))
    if not note:
        raise CaseError(_("Write a note for those who receive the case."))
    if case.state not in REFERRABLE_STATES:
        raise CaseError(_("Only a case that is not answered yet can be referred."))
    if seen_route is not None and seen_route != routing_key(case):
        raise CaseError(str(CONFLICT_MESSAGE))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        seen = (case.routed_to, case.centre_id, case.state, case.customer_id)
        if (locked.routed_to, locked.centre_id, locked.state, locked.customer_id) != seen:
            raise CaseError(str(CONFLICT_MESSAGE))
        now = timezone.now()
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.REFERRED,
            actor=actor,
            from_route=case.routed_to,
            from_centre_id=case.centre_id,
            to_route=department,
            to_centre=target_centre if department == CaseRoute.CENTRES else None,
            note=note,
        )
        fields: dict[str, Any] = {
            "routed_to": department,
            "centre": target_centre,
            "referred_at": now,
            "last_activity_at": now,
        }
        left = complaint_tallies.buckets_of(case)
        Case.objects.filter(pk=case.pk).update(**fields)
        renew_for_rows([case])  # update() sends no signal
        for name, value in fields.items():
            setattr(case, name, value)
        complaint_tallies.refresh(left | complaint_tallies.buckets_of(case))
        # The employee studying it stays only if they handle the new queue too.
        if case.assigned_to is not None and not user_handles_case(case.assigned_to, case):
            Case.objects.filter(pk=case.pk).update(assigned_to=None)
            case.assigned_to = None
    return case


# --- a public filing's possible customer match (issue 10 item 18) ------------------------


def may_see_possible_match(case: Case, user: User) -> bool:
    """The matched customer's name and code, only for staff who may see that customer."""
    from customers.selectors import customers_visible_to

    return (
        case.possible_customer_id is not None
        and customers_visible_to(user).filter(pk=case.possible_customer_id).exists()
    )


def may_decide_match(case: Case, user: User) -> bool:
    from .selectors import user_handles_case

    return (
        case.customer_id is None
        and may_see_possible_match(case, user)
        and user.has_perm("complaints.change_case")
        and user_handles_case(user, case)
    )


def _locked_pending_match(case: Case, actor: User) -> Case:
    """Handlers of the case who may see the matched customer decide, once: the case
    locked, its match still the one the caller saw."""
    from customers.selectors import customers_visible_to

    _require_handler(actor, case)
    if case.possible_customer_id is None or case.customer_id is not None:
        raise CaseError(_("This case has no customer match to confirm or dismiss."))
    if not customers_visible_to(actor).filter(pk=case.possible_customer_id).exists():
        raise PermissionDenied
    # Only the case row is locked: PostgreSQL does not lock the nullable side of a join.
    locked = Case.objects.select_for_update(of=("self",)).select_related("centre").get(pk=case.pk)
    if locked.possible_customer_id != case.possible_customer_id or locked.customer_id:
        raise CaseError(
            _("The match was already confirmed or dismissed. Reload the page to see the case.")
        )
    return locked


def case_confirm_match(*, case: Case, actor: User, note: str = "") -> Case:
    """A staff handler confirms that the person who filed on the public page is the
    customer with this mobile: the case is linked to the customer (and shows on their
    profile), and re-routed when the customer's kind says so."""
    with transaction.atomic():
        locked = _locked_pending_match(case, actor)
        customer = cast(Customer, locked.possible_customer)  # checked by _locked_pending_match
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEventKind.MATCH_CONFIRMED,
            actor=actor,
            customer=customer,
            note=(note or "").strip(),
        )
        _link_customer(locked, customer, actor=actor)
    for name in ("customer", "possible_customer", "centre", "routed_to", "referred_at"):
        setattr(case, name, getattr(locked, name))
    return case


def case_dismiss_match(*, case: Case, actor: User, note: str) -> Case:
    """A staff handler records that the person is not the customer with this mobile (a
    shared or mistyped number): the match is gone, and the case stays unlinked."""
    _require_handler(actor, case)
    if not (note or "").strip():
        raise CaseError(_("Write why the person is not this customer."))
    with transaction.atomic():
        locked = _locked_pending_match(case, actor)
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEventKind.MATCH_DISMISSED,
            actor=actor,
            customer=locked.possible_customer,
            note=note.strip(),
        )
        Case.objects.filter(pk=case.pk).update(possible_customer=None)
    case.possible_customer = None
    return case


# --- answering from the FAQ, registration requests, attachments at intake ---------------


def case_answer_from_faq(*, case: Case, actor: User, entry: "FaqEntry | None") -> Case:
    """Manual 5.1.10: an inquiry is answered with a published FAQ answer. The answer goes
    through the ordinary steps (an immediate answer, or the reply after a callback promise
    or a study) so the audit trail stays one path; the entry counts one more use."""
    from django.db.models import F

    from .models import CaseKind, FaqEntry, FaqState

    _require_handler(actor, case)
    if case.kind != CaseKind.INQUIRY:
        raise CaseError(_("Only an inquiry is answered from the FAQ."))
    if entry is None:
        raise CaseError(_("Choose the FAQ entry that answers the inquiry."))
    if entry.state != FaqState.PUBLISHED:
        raise CaseError(_("Only a published FAQ answer can be given to a customer."))
    if case.state == CaseState.RECEIVED:
        answer_with: Callable[..., Case] = case_answer_immediately
        keyword = "answer"
    elif case.state in (CaseState.CALLBACK_PROMISED, CaseState.UNDER_STUDY):
        answer_with = case_record_reply
        keyword = "reply"
    else:
        raise CaseError(_("This case already has its answer."))
    with transaction.atomic():
        answer_with(case=case, actor=actor, **{keyword: entry.answer})
        # The entry must still be published when the answer is saved; F() keeps two
        # handlers answering at the same moment from losing a count.
        counted = FaqEntry.objects.filter(pk=entry.pk, state=FaqState.PUBLISHED).update(
            times_used=F("times_used") + 1
        )
        if not counted:
            raise CaseError(_("This FAQ entry was withdrawn meanwhile. Choose another answer."))
        Case.objects.filter(pk=case.pk).update(faq_entry=entry)
    case.faq_entry = entry
    entry.refresh_from_db(fields=["times_used"])
    return case


REGISTRATION_CUSTOMER_KINDS = (CustomerKind.BENEFICIARY, CustomerKind.DONOR)


def may_request_registration(case: Case, user: User) -> bool:
    from .selectors import user_handles_case

    return (
        case.customer_id is None
        and case.possible_customer_id is None
        and bool(case.contact_mobile)
        and user.has_perm("customers.add_customerrequest")
        and user_handles_case(user, case)
    )


def case_request_registration(
    *, case: Case, actor: User, customer_kind: str, centre: "Centre | None" = None
) -> tuple["CustomerRequest", bool]:
    """One click for someone not yet in the customer database: prepare a draft customer
    "create" form with the contact's name, mobile and centre (the case's, unless another is
    given), for staff to check and submit (manual 6.2). Returns (request, created); a case
    has at most one such form."""
    from customers import services as customer_services
    from customers.forms import CustomerDataForm
    from customers.models import CustomerRequest, RequestKind

    from .selectors import user_handles_case

    require(actor, "customers.add_customerrequest")
    if not user_handles_case(actor, case):
        raise PermissionDenied
    if case.customer_id is not None:
        raise CaseError(_("This case is already linked to a customer."))
    if case.possible_customer_id is not None:
        raise CaseError(
            _("The mobile number matches a customer: confirm or dismiss the match first.")
        )
    if customer_kind not in REGISTRATION_CUSTOMER_KINDS:
        raise CaseError(_("Choose whether the person is a beneficiary or a donor."))
    if not case.contact_mobile:
        raise CaseError(
            _("The case has no mobile number: prepare the customer form from the customers page.")
        )
    data_form = CustomerDataForm(
        data={
            "name": case.contact_name,
            "entity_type": "individual",
            "kind": customer_kind,
            "centre": (centre.pk if centre else case.centre_id) or "",
            "mobile": case.contact_mobile,
            "contact_channel": case.channel,
            "is_active": "on",
        }
    )
    if not data_form.is_valid():
        problems = [str(message) for errors in data_form.errors.values() for message in errors]
        raise CaseError(
            _("The customer form cannot be prepared: %(errors)s") % {"errors": " ".join(problems)}
        )
    proposed = customer_services.values_from_cleaned_data(data_form.cleaned_data)
    with transaction.atomic():
        # Locked: two clicks at the same moment prepare one form, not two.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.customer_request_id:
            case.customer_request_id = locked.customer_request_id
            return CustomerRequest.objects.get(pk=locked.customer_request_id), False
        try:
            request = customer_services.customer_request_create(
                actor=actor,
                kind=RequestKind.CREATE,
                reason=_("Registration requested from case %(number)s")
                % {"number": case.tracking_number},
                lines=[(None, proposed, None)],
                submit=False,
            )
        except customer_services.RequestError as error:
            raise CaseError(str(error)) from error
        entry = CaseEntry.objects.create(
            case=case,
            author=actor,
            text=_("Customer information form %(number)s prepared to register the person.")
            % {"number": request.pk},
        )
        Case.objects.filter(pk=case.pk).update(customer_request=request, last_activity_at=entry.at)
    case.customer_request = request
    return request, True


def case_register_with_attachments(
    *, actor: User, uploads: Iterable[UploadedFile] = (), **fields: Any
) -> Case:
    """Register a case with the files received with it: every file is checked before
    anything is written, and the case and its files are saved together or not at all."""
    from .attachments import check_uploads, store_attachments

    if uploads:
        require(actor, "complaints.add_caseattachment")
    checked = check_uploads(list(uploads))
    with transaction.atomic():
        case = case_register(actor=actor, **fields)
        store_attachments(case, checked, uploaded_by=actor)
    return case


def case_file_public_with_attachments(
    *, checked_uploads: Sequence[tuple[UploadedFile, str]] = (), **fields: Any
) -> Case:
    """A public filing with the files sent with it, already checked by the form before any
    case exists: the case and its files are saved together or not at all."""
    from .attachments import store_attachments

    with transaction.atomic():
        case = case_file_public(**fields)
        store_attachments(case, checked_uploads, uploaded_by=None)
    return case


def link_registered_customer(*, request: "CustomerRequest") -> int:
    """Once the steward enters a registration form prepared from a case, the case belongs
    to the new customer: it then shows on the customer's profile and its status is found by
    the customer's mobile. A customer of another kind than the case's route re-routes it
    (recorded, by the steward who entered the form). Connected to
    customers.signals.request_entered, inside the entry's transaction."""
    line = request.lines.filter(customer__isnull=False).select_related("customer").first()
    if line is None:
        return 0
    cases = Case.objects.select_for_update(of=("self",)).filter(
        customer_request=request, customer__isnull=True
    )
    linked = 0
    for case in cases.select_related("centre"):
        # The line's customer, and its entry's steward: set by the entry this runs in.
        customer, steward = cast(Customer, line.customer), cast(User, request.entered_by)
        _link_customer(case, customer, actor=steward)
        linked += 1
    return linked


def _link_customer(case: Case, customer: Customer, *, actor: User) -> bool:
    """Give the (locked) case its customer. The customer's kind routes it (manual
    5.1.2-5.1.3): when that changes the department, or the centre of a centres case, the
    case moves to the new queue, keeps its deadlines (counted from its receipt) and shows
    as newly referred there; the move is recorded with who, when, from, to and why."""
    centre = case.centre or customer.centre
    route = route_for(customer)
    fields: dict[str, Any] = {"customer": customer, "possible_customer": None, "centre": centre}
    moved = route != case.routed_to or (
        route == CaseRoute.CENTRES and getattr(centre, "pk", None) != case.centre_id
    )
    if moved:
        now = timezone.now()
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.REROUTED,
            actor=actor,
            from_route=case.routed_to,
            from_centre=case.centre,
            to_route=route,
            to_centre=centre if route == CaseRoute.CENTRES else None,
            customer=customer,
            note=_("Linked to customer %(customer)s (%(kind)s): the case goes to %(route)s.")
            % {
                "customer": customer,
                "kind": customer.get_kind_display(),
                "route": CaseRoute(route).label,
            },
        )
        fields.update(routed_to=route, referred_at=now, last_activity_at=now)
    left = complaint_tallies.buckets_of(case)
    Case.objects.filter(pk=case.pk).update(**fields)
    renew_for_rows([case])  # update() sends no signal
    for name, value in fields.items():
        setattr(case, name, value)
    complaint_tallies.refresh(left | complaint_tallies.buckets_of(case))
    return moved
