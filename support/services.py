"""Every write of the support requests' steps 1–5: reception (staff, or the public page's
filing), household, documents, the «incomplete» list and its SMS, referral and research,
the declaration, the committee's meetings, agenda and decisions, and the log of who opened
the confidential parts. Steps 6–7, the decision notice and the appeal are written by part
B's modules (support.delivery, support.notices) through the same REQUEST_WORKFLOW."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from association.models import Centre
from core.choices import ContactChannel
from core.identity import normalize_national_id, validate_saudi_national_id
from core.permissions import require
from core.phones import normalize_saudi_mobile
from core.uploads import UploadError, check_uploaded_file
from core.workflow import Workflow
from customers.models import Customer
from messaging.services import direct_sms_queue, send_transactional_sms

from . import selectors
from .errors import CommitteeError, SupportRequestError
from .models import (
    AgendaItem,
    CommitteeMeeting,
    ConfidentialAccess,
    ContactMethod,
    DeclarationMethod,
    DocumentCheck,
    DocumentType,
    HouseholdMember,
    HousingType,
    MeetingState,
    Outcome,
    Recommendation,
    RejectionReason,
    Relation,
    RequestState,
    RequestTransition,
    ResearchReport,
    SupportRequest,
    SupportSettings,
    SupportType,
    SupportUnit,
    committee_dates,
    new_tracking_number,
)

REQUEST_WORKFLOW = Workflow(
    audit=RequestTransition,
    error=SupportRequestError,
    stale_message=gettext_lazy(
        "This support request is no longer at this step: someone took it already. "
        "The page shows where it is now."
    ),
)

HANDLE = "support.handle_request"
RESEARCH = "support.research_request"
MANAGE_COMMITTEE = "support.manage_committee"
DECIDE = "support.decide_request"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The states in which reception staff may still change the household and the documents.
EDITABLE_STATES = (
    RequestState.RECEIVED,
    RequestState.INCOMPLETE,
    RequestState.RESEARCH,
    RequestState.AWAITING_DECLARATION,
)
HOUSEHOLD_FIELDS = ("name", "relation", "national_id", "birth_date", "monthly_income", "notes")
RESEARCH_TEXT_FIELDS = (
    "questions_answered",
    "income_sources",
    "housing_condition",
    "health_condition",
    "debts_note",
    "other_support",
    "findings",
)
RESEARCH_FIELDS = (
    "contact_method",
    "contacted_on",
    "questions_answered",
    "household_size",
    "monthly_income",
    "income_sources",
    "housing_type",
    "monthly_rent",
    "housing_condition",
    "health_condition",
    "debts_amount",
    "debts_note",
    "other_support",
    "findings",
    "recommendation",
    "recommended_amount",
)


# --- helpers ----------------------------------------------------------------------------------


def _locked(support_request: SupportRequest) -> SupportRequest:
    """The request read again under a row lock (a second click waits, then sees the step
    taken)."""
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("support_type")
        .get(pk=support_request.pk)
    )


def _require_visible(actor: User, support_request: SupportRequest) -> None:
    if not selectors.may_see_request(actor, support_request):
        raise PermissionDenied


def _touch(record: Model) -> None:
    cast(SupportRequest, record).last_activity_at = timezone.now()


def _step(
    support_request: SupportRequest,
    transition: str,
    *,
    actor: User,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> SupportRequest:
    fields = dict(fields or {})
    if support_request.handler_id is None and actor.has_perm(HANDLE):
        # A request filed online is taken by the first member of reception who acts on it.
        fields["handler"] = actor
    REQUEST_WORKFLOW.take_step(
        support_request,
        transition,
        actor=actor,
        note=note,
        fields=fields,
        before_save=_touch,
    )
    return support_request


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def _check_national_id(value: str, *, message: str) -> str:
    value = normalize_national_id(_clean_text(value))
    try:
        validate_saudi_national_id(value)
    except ValidationError as error:
        raise SupportRequestError(message) from error
    if not value:
        raise SupportRequestError(message)
    return value


def _check_mobile(value: str) -> str:
    value = _clean_text(value)
    if not value:
        return ""
    try:
        return normalize_saudi_mobile(value)
    except ValidationError as error:
        raise SupportRequestError(_("The mobile number is not a valid Saudi mobile.")) from error


def _check_upload(upload: UploadedFile) -> None:
    try:
        check_uploaded_file(
            upload,
            max_bytes=MAX_UPLOAD_BYTES,
            wrong_content=_("%(name)s is not an image (JPEG, PNG) or a PDF file."),
        )
    except UploadError as error:
        raise SupportRequestError(str(error)) from error


def _save_new(support_request: SupportRequest) -> SupportRequest:
    """Give the new request its dates and a free tracking number, and save it."""
    earliest, deadline = committee_dates(
        timezone.localdate(support_request.received_at), SupportSettings.current()
    )
    support_request.earliest_answer_on = earliest
    support_request.committee_due_on = deadline
    support_request.last_activity_at = support_request.received_at
    for _attempt in range(5):
        support_request.tracking_number = new_tracking_number()
        try:
            with transaction.atomic():
                support_request.save()
        except IntegrityError:
            support_request.pk = None
            continue
        return support_request
    raise SupportRequestError(_("No free tracking number was found. Try again."))


def _household_rows(
    support_request: SupportRequest, household: Iterable[Mapping[str, Any]], actor: User | None
) -> list[HouseholdMember]:
    rows = []
    for member in household:
        name = _clean_text(member.get("name"))
        if not name:
            continue
        relation = member.get("relation") or Relation.OTHER
        if relation not in Relation.values:
            raise SupportRequestError(_("Choose the household member's relation."))
        national_id = _clean_text(member.get("national_id"))
        if national_id:
            _check_national_id(
                national_id,
                message=_("The national ID or Iqama of %(name)s is not valid.") % {"name": name},
            )
        rows.append(
            HouseholdMember(
                request=support_request,
                name=name,
                relation=relation,
                national_id=national_id,
                birth_date=member.get("birth_date"),
                monthly_income=member.get("monthly_income"),
                notes=_clean_text(member.get("notes"))[:300],
                added_by=actor,
            )
        )
    return rows


def _check_support_type(support_type: SupportType | None) -> SupportType:
    if support_type is None or not support_type.is_active:
        raise SupportRequestError(_("Choose an active support type."))
    return support_type


# --- step 1: reception ------------------------------------------------------------------------


def request_receive(
    *,
    actor: User,
    channel: str,
    support_type: SupportType,
    applicant_name: str = "",
    applicant_national_id: str = "",
    applicant_mobile: str = "",
    applicant_address: str = "",
    customer: Customer | None = None,
    centre: Centre | None = None,
    need: str,
    household: Iterable[Mapping[str, Any]] = (),
    received_at: datetime.datetime | None = None,
) -> SupportRequest:
    """Step 1: a member of staff registers a request received on a channel (an interview, a
    call, a letter…), for an existing customer or a new person, with the household. The
    applicant is told the earliest answer date and the committee's deadline."""
    require(actor, HANDLE)
    if channel not in ContactChannel.values:
        raise SupportRequestError(_("Choose the channel the request came through."))
    _check_support_type(support_type)
    if customer is not None:
        if not customer.is_active:
            raise SupportRequestError(_("This customer is archived."))
        applicant_name = applicant_name or customer.name
        applicant_national_id = applicant_national_id or customer.national_id
        applicant_mobile = applicant_mobile or customer.mobile
        applicant_address = applicant_address or customer.address
        centre = centre or customer.centre
    name = _clean_text(applicant_name)
    if not name:
        raise SupportRequestError(_("Write the applicant's name."))
    national_id = _check_national_id(
        applicant_national_id, message=_("Write the applicant's valid national ID or Iqama.")
    )
    mobile = _check_mobile(applicant_mobile)
    if not _clean_text(need):
        raise SupportRequestError(_("Write what the applicant needs."))
    if centre is not None and not selectors.may_work_in_centre(actor, centre):
        raise SupportRequestError(_("You can register requests only for your own centres."))
    if centre is None and not actor.has_perm("support.view_all_requests"):
        raise SupportRequestError(_("Choose the centre of the request."))
    support_request = SupportRequest(
        channel=channel,
        customer=customer,
        applicant_name=name,
        applicant_national_id=national_id,
        applicant_mobile=mobile,
        applicant_address=_clean_text(applicant_address)[:300],
        support_type=support_type,
        centre=centre,
        need=_clean_text(need),
        registered_by=actor,
        handler=actor,
    )
    if received_at is not None:
        support_request.received_at = received_at
    with transaction.atomic():
        _save_new(support_request)
        HouseholdMember.objects.bulk_create(_household_rows(support_request, household, actor))
        REQUEST_WORKFLOW.record_event(
            support_request,
            actor=actor,
            note=_("Received through: %(channel)s")
            % {"channel": support_request.get_channel_display()},
        )
    return support_request


# What a correction of the request may change before the applicant declares it: the applicant's
# data as received, and the need (the customer's own record changes through the customers'
# modification form).
CORRECTABLE_FIELDS = (
    "applicant_name",
    "applicant_national_id",
    "applicant_mobile",
    "applicant_address",
    "need",
)


def request_correct(
    *, support_request: SupportRequest, actor: User, values: Mapping[str, Any], reason: str
) -> list[str]:
    """Correct what was received (a name misspelt, a wrong mobile) until the applicant
    declares the data correct: each change is written to the request's record with the
    reason, old and new. Returns the labels of the fields changed."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    reason = _clean_text(reason)
    if not reason:
        raise SupportRequestError(_("Write why the data are corrected."))
    cleaned = _corrected_values(values)
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state not in EDITABLE_STATES:
            raise SupportRequestError(
                _("The applicant declared these data correct: they can no longer change.")
            )
        changed = [name for name in CORRECTABLE_FIELDS if getattr(locked, name) != cleaned[name]]
        if not changed:
            raise SupportRequestError(_("Nothing was changed."))
        labels = [str(SupportRequest._meta.get_field(name).verbose_name) for name in changed]
        lines = [
            _("%(field)s: «%(old)s» → «%(new)s»")
            % {"field": label, "old": getattr(locked, name) or "—", "new": cleaned[name] or "—"}
            for name, label in zip(changed, labels, strict=True)
        ]
        for name in changed:
            setattr(locked, name, cleaned[name])
        _touch(locked)
        locked.save(update_fields=[*changed, "last_activity_at"])
        REQUEST_WORKFLOW.record_event(
            locked,
            actor=actor,
            note=_("Data corrected (%(reason)s):") % {"reason": reason} + "\n" + "\n".join(lines),
        )
    for name in changed:
        setattr(support_request, name, cleaned[name])
    return labels


def _corrected_values(values: Mapping[str, Any]) -> dict[str, str]:
    name = _clean_text(values.get("applicant_name"))
    if not name:
        raise SupportRequestError(_("Write the applicant's name."))
    need = _clean_text(values.get("need"))
    if not need:
        raise SupportRequestError(_("Write what the applicant needs."))
    return {
        "applicant_name": name[:200],
        "applicant_national_id": _check_national_id(
            values.get("applicant_national_id") or "",
            message=_("Write the applicant's valid national ID or Iqama."),
        ),
        "applicant_mobile": _check_mobile(values.get("applicant_mobile") or ""),
        "applicant_address": _clean_text(values.get("applicant_address"))[:300],
        "need": need,
    }


def request_file_public(
    *,
    support_type: SupportType,
    applicant_name: str,
    applicant_national_id: str,
    applicant_mobile: str,
    centre: Centre | None,
    need: str,
    declared: bool,
    household: Iterable[Mapping[str, Any]] = (),
    source_link_id: int | None = None,
    submission_key: str = "",
    documents: Mapping[DocumentType, UploadedFile] | None = None,
) -> SupportRequest:
    """Step 1 on the public page: the applicant files the request online (channel: website)
    and declares that the data are correct and that they are responsible for them; the
    declaration's time is recorded. Nobody is logged in: the request is never linked to a
    customer here (staff match it). The same submission key files once."""
    if submission_key:
        existing = SupportRequest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    _check_support_type(support_type)
    name = _clean_text(applicant_name)
    if not name:
        raise SupportRequestError(_("Write your name."))
    national_id = _check_national_id(
        applicant_national_id, message=_("Write your valid national ID or Iqama number.")
    )
    mobile = _check_mobile(applicant_mobile)
    if not mobile:
        raise SupportRequestError(_("Write your mobile number: the answer is sent to it."))
    if not _clean_text(need):
        raise SupportRequestError(_("Write what you need."))
    if not declared:
        raise SupportRequestError(
            _("Declare that the data are correct and that you are responsible for them.")
        )
    attached = dict(documents or {})
    if attached:
        required = {document.pk for document in support_type.required_documents.all()}
        for document_type, upload in attached.items():
            if document_type.pk not in required:
                raise SupportRequestError(
                    _("%(document)s is not required for this support type.")
                    % {"document": document_type}
                )
            _check_upload(upload)
    now = timezone.now()
    support_request = SupportRequest(
        channel=ContactChannel.WEBSITE,
        applicant_name=name,
        applicant_national_id=national_id,
        applicant_mobile=mobile,
        support_type=support_type,
        centre=centre,
        need=_clean_text(need),
        registered_by=None,
        declaration_method=DeclarationMethod.ONLINE,
        declared_at=now,
        received_at=now,
        source_link_id=source_link_id,
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            _save_new(support_request)
            HouseholdMember.objects.bulk_create(_household_rows(support_request, household, None))
            for document_type, upload in attached.items():
                DocumentCheck.objects.create(
                    request=support_request,
                    document_type=document_type,
                    present=True,
                    legible=False,
                    file=upload,
                    note=_("Attached online by the applicant: staff check it."),
                    checked_by=None,
                )
    except IntegrityError:
        existing = SupportRequest.objects.filter(submission_key=submission_key).first()
        if submission_key and existing is not None:
            return existing
        raise
    _send_tracking_number(support_request)
    return support_request


def _send_tracking_number(support_request: SupportRequest) -> None:
    """The applicant gets the tracking number and the earliest answer date by SMS."""
    direct_sms_queue(
        to=support_request.applicant_mobile,
        body=_(
            "We received your support request. Its tracking number is %(number)s. The "
            "research committee studies it and answers from %(date)s. %(url)s"
        )
        % {
            "number": support_request.tracking_number,
            "date": support_request.earliest_answer_on,
            "url": settings.SITE_URL.rstrip("/"),
        },
        about=_("Tracking number of support request %(number)s")
        % {"number": support_request.tracking_number},
    )


def declaration_record_online(
    *, support_request: SupportRequest, at: datetime.datetime | None = None
) -> SupportRequest:
    """The applicant declares online (the public status page) that the data are correct:
    the time is recorded; the handler then takes the declaration step."""
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.declared_at is not None:
            return locked
        if locked.state not in EDITABLE_STATES:
            raise SupportRequestError(_("This request no longer takes a declaration."))
        locked.declaration_method = DeclarationMethod.ONLINE
        locked.declared_at = at or timezone.now()
        locked.save(update_fields=["declaration_method", "declared_at"])
    return locked


# --- household --------------------------------------------------------------------------------


def household_add(
    *, support_request: SupportRequest, actor: User, member: Mapping[str, Any]
) -> HouseholdMember:
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    if not selectors.may_read_confidential(actor, support_request):
        raise PermissionDenied
    rows = _household_rows(support_request, [member], actor)
    if not rows:
        raise SupportRequestError(_("Write the household member's name."))
    with transaction.atomic():
        if _locked(support_request).state not in EDITABLE_STATES:
            raise SupportRequestError(_("The household can no longer change at this step."))
        row = rows[0]
        row.save()
        REQUEST_WORKFLOW.record_event(
            support_request,
            actor=actor,
            note=_("Household member added: %(name)s") % {"name": row.name},
        )
    return row


def household_remove(*, member: HouseholdMember, actor: User) -> None:
    support_request = member.request
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    if not selectors.may_read_confidential(actor, support_request):
        raise PermissionDenied
    with transaction.atomic():
        if _locked(support_request).state not in EDITABLE_STATES:
            raise SupportRequestError(_("The household can no longer change at this step."))
        name = member.name
        member.delete()
        REQUEST_WORKFLOW.record_event(
            support_request,
            actor=actor,
            note=_("Household member removed: %(name)s") % {"name": name},
        )


# --- step 2: documents and completeness -------------------------------------------------------


def documents_check(
    *,
    support_request: SupportRequest,
    actor: User,
    checks: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Step 2: the staff member records, for each required document, whether it is present,
    legible and valid (its expiry date), with its scan when uploaded. Returns what is still
    missing."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    required = {
        document.pk: document for document in support_request.support_type.required_documents.all()
    }
    rows = list(checks)
    for row in rows:
        upload = row.get("file")
        if upload:
            _check_upload(upload)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state not in EDITABLE_STATES:
            raise SupportRequestError(_("The documents can no longer change at this step."))
        for row in rows:
            document_type = cast(DocumentType, row["document_type"])
            if document_type.pk not in required:
                raise SupportRequestError(
                    _("%(document)s is not required for this support type.")
                    % {"document": document_type}
                )
            present = bool(row.get("present"))
            values: dict[str, Any] = {
                "present": present,
                "legible": present and bool(row.get("legible")),
                "expires_on": row.get("expires_on") if present else None,
                "note": _clean_text(row.get("note"))[:300],
                "checked_by": actor,
                "checked_at": now,
            }
            if row.get("file"):
                values["file"] = row["file"]
            DocumentCheck.objects.update_or_create(
                request=locked, document_type=document_type, defaults=values
            )
        locked.documents_checked_at = now
        locked.documents_checked_by = actor
        locked.last_activity_at = now
        locked.save(
            update_fields=["documents_checked_at", "documents_checked_by", "last_activity_at"]
        )
        missing = locked.missing_documents()
        REQUEST_WORKFLOW.record_event(
            locked,
            actor=actor,
            note=_("Documents checked: %(missing)s")
            % {"missing": "، ".join(missing) if missing else _("all present and valid")},
        )
    return missing


def request_mark_incomplete(
    *, support_request: SupportRequest, actor: User, note: str = ""
) -> SupportRequest:
    """Step 2: something is missing, illegible or expired: the request waits in «incomplete»
    with the list, which is sent to the applicant by SMS (a service notice)."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    with transaction.atomic():
        locked = _locked(support_request)
        missing = locked.missing_documents()
        if not missing and not _clean_text(note):
            raise SupportRequestError(
                _("Nothing is missing: write what to bring, or confirm the request complete.")
            )
        listed = "\n".join([*missing, *([_clean_text(note)] if _clean_text(note) else [])])
        _step(
            locked,
            "mark_incomplete",
            actor=actor,
            note=listed,
            fields={"incomplete_list": listed},
        )
        if _notify_incomplete(locked, listed, actor):
            locked.incomplete_notified_at = timezone.now()
            locked.save(update_fields=["incomplete_notified_at"])
    return locked


def _notify_incomplete(support_request: SupportRequest, listed: str, actor: User) -> bool:
    text = _("Your support request %(number)s is incomplete. Please bring: %(missing)s") % {
        "number": support_request.tracking_number,
        "missing": listed.replace("\n", "، "),
    }
    if support_request.customer_id is not None:
        # A service notice sent by the system (the staff member's step is the audit row).
        send_transactional_sms(customer=cast(Customer, support_request.customer), text=text)
        return True
    if support_request.applicant_mobile:
        direct_sms_queue(
            to=support_request.applicant_mobile,
            body=text,
            about=_("Missing documents of support request %(number)s")
            % {"number": support_request.tracking_number},
        )
        return True
    return False


def request_confirm_complete(
    *, support_request: SupportRequest, actor: User, note: str = ""
) -> SupportRequest:
    """Step 2 done: every required document is present, legible and valid at submission
    (and the research is done when the support type requires it). An online declaration
    already given takes step 4 at once."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    with transaction.atomic():
        locked = _locked(support_request)
        missing = locked.missing_documents()
        if missing:
            raise SupportRequestError(
                _("The request is not complete: %(missing)s") % {"missing": "، ".join(missing)}
            )
        if locked.support_type.requires_research and not locked.has_research_report():
            raise SupportRequestError(
                _("This support type requires social research: refer the request first.")
            )
        _step(locked, "confirm_complete", actor=actor, note=note, fields={"incomplete_list": ""})
        _declare_if_online(locked, actor)
    return locked


def _declare_if_online(support_request: SupportRequest, actor: User) -> None:
    if (
        support_request.state == RequestState.AWAITING_DECLARATION
        and support_request.declared_at is not None
    ):
        _step(
            support_request,
            "declare",
            actor=actor,
            note=_("Declared online at %(time)s")
            % {"time": timezone.localtime(support_request.declared_at).strftime("%Y-%m-%d %H:%M")},
        )


# --- step 3: referral and research ------------------------------------------------------------


def request_refer(
    *,
    support_request: SupportRequest,
    actor: User,
    reason: str,
    researcher: User | None = None,
) -> SupportRequest:
    """Step 3: the request goes to the social research officer (the procedures are unclear
    to the applicant, or the support type requires research)."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    if not _clean_text(reason):
        raise SupportRequestError(_("Write why the request is referred."))
    if researcher is not None and not researcher.has_perm(RESEARCH):
        raise SupportRequestError(_("Choose a social research officer."))
    with transaction.atomic():
        locked = _locked(support_request)
        _step(
            locked,
            "refer",
            actor=actor,
            note=_clean_text(reason),
            fields={
                "referral_reason": _clean_text(reason),
                "referred_at": timezone.now(),
                "researcher": researcher,
            },
        )
    return locked


def research_save(
    *, support_request: SupportRequest, actor: User, values: Mapping[str, Any]
) -> ResearchReport:
    """Step 3: the social research officer writes (or corrects) the research report: the
    checklist's fields and a recommendation. A draft until submitted."""
    require(actor, RESEARCH)
    _require_visible(actor, support_request)
    data = {name: values.get(name) for name in RESEARCH_FIELDS}
    if data["contact_method"] not in ContactMethod.values:
        raise SupportRequestError(_("Choose how the applicant was met."))
    if data["housing_type"] not in HousingType.values:
        raise SupportRequestError(_("Choose the housing."))
    if data["recommendation"] not in Recommendation.values:
        raise SupportRequestError(_("Choose the recommendation."))
    if (
        not data["contacted_on"]
        or data["household_size"] in (None, "")
        or data["monthly_income"] is None
    ):
        raise SupportRequestError(
            _("Write the date of the visit or interview, the household size and the income.")
        )
    if not _clean_text(data["findings"]):
        raise SupportRequestError(_("Write the findings of the research."))
    for name in (
        "questions_answered",
        "income_sources",
        "housing_condition",
        "health_condition",
        "debts_note",
        "other_support",
        "findings",
    ):
        data[name] = _clean_text(data[name])
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state != RequestState.RESEARCH:
            raise SupportRequestError(
                _("The research report is written while the request is with the research officer.")
            )
        report, created = ResearchReport.objects.update_or_create(
            request=locked,
            defaults={
                **data,
                "written_by": actor,
                "written_at": timezone.now(),
                "submitted_at": None,
            },
        )
        REQUEST_WORKFLOW.record_event(
            locked,
            actor=actor,
            note=_("Research report written") if created else _("Research report corrected"),
        )
    return report


def research_submit(
    *, support_request: SupportRequest, actor: User, note: str = ""
) -> SupportRequest:
    """Step 3 done: the report is handed on. The request returns to the completeness check's
    outcome: on to the declaration when every document is valid, else «incomplete» with the
    list (and its SMS). An online declaration already given takes step 4 at once."""
    require(actor, RESEARCH)
    _require_visible(actor, support_request)
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state != RequestState.RESEARCH:
            raise SupportRequestError(str(REQUEST_WORKFLOW.stale_message))
        updated = ResearchReport.objects.filter(request=locked).update(submitted_at=timezone.now())
        if not updated:
            raise SupportRequestError(_("Write the research report first."))
        missing = locked.missing_documents()
        if missing:
            listed = "\n".join(missing)
            _step(
                locked,
                "finish_research_incomplete",
                actor=actor,
                note=note or listed,
                fields={"incomplete_list": listed},
            )
            if _notify_incomplete(locked, listed, actor):
                locked.incomplete_notified_at = timezone.now()
                locked.save(update_fields=["incomplete_notified_at"])
        else:
            _step(locked, "finish_research", actor=actor, note=note, fields={"incomplete_list": ""})
            _declare_if_online(locked, actor)
    return locked


# --- step 4: declaration ----------------------------------------------------------------------


def request_declare(
    *,
    support_request: SupportRequest,
    actor: User,
    scan: UploadedFile | None = None,
    note: str = "",
) -> SupportRequest:
    """Step 4: the applicant's declaration that the data are correct and that they are
    directly responsible for them: the printed declaration, signed and uploaded, or the
    online declaration already recorded. No request reaches the committee without it."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    if scan is not None:
        _check_upload(scan)
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state != RequestState.AWAITING_DECLARATION:
            raise SupportRequestError(str(REQUEST_WORKFLOW.stale_message))
        if locked.declared_at is None:
            if scan is None:
                raise SupportRequestError(_("Upload the signed declaration."))
            locked.declaration_method = DeclarationMethod.PAPER
            locked.declared_at = timezone.now()
            locked.declaration_scan = scan
            locked.declaration_recorded_by = actor
        missing = locked.missing_documents()
        if missing:
            raise SupportRequestError(
                _("The request is not complete: %(missing)s") % {"missing": "، ".join(missing)}
            )
        _step(locked, "declare", actor=actor, note=note)
    return locked


def request_withdraw(*, support_request: SupportRequest, actor: User, note: str) -> SupportRequest:
    """The applicant withdraws the request before the committee (or it is abandoned)."""
    if not (actor.has_perm(HANDLE) or actor.has_perm(RESEARCH)):
        raise PermissionDenied
    _require_visible(actor, support_request)
    if not _clean_text(note):
        raise SupportRequestError(_("Write why the request is withdrawn."))
    with transaction.atomic():
        locked = _locked(support_request)
        _step(
            locked,
            "withdraw",
            actor=actor,
            note=_clean_text(note),
            fields={"closed_at": timezone.now()},
        )
    return locked


# --- confidentiality ----------------------------------------------------------------------------


def confidential_opened(
    *, support_request: SupportRequest, actor: User, parts: Iterable[str]
) -> None:
    """Log who opened the research report or the household, and when (one row per part)."""
    if not selectors.may_read_confidential(actor, support_request):
        raise PermissionDenied
    now = timezone.now()
    ConfidentialAccess.objects.bulk_create(
        [
            ConfidentialAccess(request=support_request, part=part, user=actor, at=now)
            for part in parts
        ]
    )


# --- step 5: the research committee -----------------------------------------------------------


def meeting_create(
    *, actor: User, meets_at: datetime.datetime, place: str = ""
) -> CommitteeMeeting:
    require(actor, MANAGE_COMMITTEE)
    if meets_at is None:
        raise CommitteeError(_("Choose the date and time of the meeting."))
    for _attempt in range(5):
        number = (CommitteeMeeting.objects.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return CommitteeMeeting.objects.create(
                    number=number,
                    meets_at=meets_at,
                    place=_clean_text(place)[:200],
                    created_by=actor,
                )
        except IntegrityError:
            continue
    raise CommitteeError(_("No free meeting number was found. Try again."))


def meeting_add_request(
    *, meeting: CommitteeMeeting, support_request: SupportRequest, actor: User
) -> AgendaItem:
    """Put a ready (or appealed) request on a planned meeting's agenda."""
    require(actor, MANAGE_COMMITTEE)
    with transaction.atomic():
        locked_meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked_meeting.state != MeetingState.PLANNED:
            raise CommitteeError(_("This meeting's minutes are closed."))
        locked = _locked(support_request)
        if locked.state not in (RequestState.READY, RequestState.APPEALED):
            raise CommitteeError(
                _("Only a request ready for the committee can be put on the agenda.")
            )
        if locked.declared_at is None:
            raise CommitteeError(_("No request reaches the committee without the declaration."))
        is_appeal = locked.state == RequestState.APPEALED
        position = locked_meeting.items.count() + 1
        item = AgendaItem.objects.create(
            meeting=locked_meeting, request=locked, position=position, is_appeal=is_appeal
        )
        _step(
            locked,
            "put_on_agenda",
            actor=actor,
            note=str(locked_meeting),
        )
    return item


def meeting_remove_request(*, item: AgendaItem, actor: User) -> None:
    require(actor, MANAGE_COMMITTEE)
    with transaction.atomic():
        locked_item = (
            AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        )
        if locked_item.outcome != Outcome.PENDING:
            raise CommitteeError(_("A decided request stays on the agenda."))
        if locked_item.meeting.state != MeetingState.PLANNED:
            raise CommitteeError(_("This meeting's minutes are closed."))
        locked = _locked(locked_item.request)
        meeting = locked_item.meeting
        locked_item.delete()
        # An appealed request keeps its appeal: back to "appealed", not "ready".
        _step(
            locked,
            "remove_appeal_from_agenda" if locked.appealed_at else "remove_from_agenda",
            actor=actor,
            note=_("Removed from the agenda of %(meeting)s") % {"meeting": meeting},
        )


def agenda_decide(
    *,
    item: AgendaItem,
    actor: User,
    outcome: str,
    granted_support_type: SupportType | None = None,
    granted_amount: Decimal | None = None,
    granted_quantity: int | None = None,
    rejection_reason: RejectionReason | None = None,
    note: str = "",
) -> AgendaItem:
    """Step 5: the committee's decision on one request of the agenda: accepted, with the
    support granted (its type and amount or quantity), or rejected, with a reason from the
    list and a note. A second click (or a second member at the same moment) is refused."""
    require(actor, DECIDE)
    if outcome not in (Outcome.ACCEPTED, Outcome.REJECTED):
        raise CommitteeError(_("Choose the decision."))
    note = _clean_text(note)
    with transaction.atomic():
        locked_item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(pk=item.pk)
        )
        if locked_item.outcome != Outcome.PENDING:
            raise CommitteeError(
                _("The committee's decision on this request was already recorded.")
            )
        if locked_item.meeting.state != MeetingState.PLANNED:
            raise CommitteeError(_("This meeting's minutes are closed."))
        locked = _locked(locked_item.request)
        now = timezone.now()
        if outcome == Outcome.ACCEPTED:
            support_type = granted_support_type or locked.support_type
            if support_type.unit == SupportUnit.RIYALS and not granted_amount:
                raise CommitteeError(_("Write the amount granted."))
            if support_type.unit == SupportUnit.ITEMS and not granted_quantity:
                raise CommitteeError(_("Write the quantity granted."))
            if (granted_amount is not None and granted_amount < 0) or (
                granted_quantity is not None and granted_quantity < 0
            ):
                raise CommitteeError(_("The amount and the quantity cannot be negative."))
            fields: dict[str, Any] = {
                "granted_support_type": support_type,
                "granted_amount": granted_amount,
                "granted_quantity": granted_quantity,
                "rejection_reason": None,
            }
            transition = "accept"
        else:
            if rejection_reason is None:
                raise CommitteeError(_("Choose the reason for the rejection."))
            if not note:
                raise CommitteeError(_("Write the committee's note on the rejection."))
            fields = {
                "granted_support_type": None,
                "granted_amount": None,
                "granted_quantity": None,
                "rejection_reason": rejection_reason,
            }
            transition = "reject"
        try:
            _step(
                locked,
                transition,
                actor=actor,
                note=note,
                fields={**fields, "decided_at": now, "decision_note": note},
            )
        except SupportRequestError as error:
            raise CommitteeError(str(error)) from error
        for name, value in fields.items():
            setattr(locked_item, name, value)
        locked_item.outcome = outcome
        locked_item.note = note
        locked_item.decided_by = actor
        locked_item.decided_at = now
        locked_item.save()
    return locked_item


def meeting_close(
    *,
    meeting: CommitteeMeeting,
    actor: User,
    members_present: Iterable[User],
    minutes_note: str = "",
) -> CommitteeMeeting:
    """The meeting is held: every request on its agenda has its decision, the members
    present are recorded and the minutes are closed (their PDF is printed from the page)."""
    require(actor, MANAGE_COMMITTEE)
    members = list(members_present)
    if not members:
        raise CommitteeError(_("Choose the members present."))
    committee = set(selectors.committee_members().values_list("pk", flat=True))
    if any(member.pk not in committee for member in members):
        raise CommitteeError(_("Only members of the research committee can be recorded present."))
    with transaction.atomic():
        locked = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.state != MeetingState.PLANNED:
            raise CommitteeError(_("This meeting's minutes are closed already."))
        pending = locked.items.filter(outcome=Outcome.PENDING).count()
        if pending:
            raise CommitteeError(
                ngettext(
                    "%(count)s request on the agenda has no decision yet.",
                    "%(count)s requests on the agenda have no decision yet.",
                    pending,
                )
                % {"count": pending}
            )
        if not locked.items.exists():
            raise CommitteeError(_("The agenda is empty."))
        locked.state = MeetingState.HELD
        locked.minutes_note = _clean_text(minutes_note)
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save()
        locked.members_present.set(members)
    return locked


def meeting_url(meeting: CommitteeMeeting) -> str:
    return reverse("support:meeting_detail", args=[meeting.pk])
