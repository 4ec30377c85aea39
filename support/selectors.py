"""Every read of the support requests: who sees which request (centres-affairs staff their
own centres; the confidential parts only the research officer, the committee, the
centres-affairs manager and the request's handler), the queue and its filters, the request
page, the duplicate flags, the committee's meetings, and what waits for whom («عملي»)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from association.models import Centre
from association.roles import COMMITTEE_MEMBER, RESEARCH_OFFICER
from association.selectors import staff_profile_for
from core.text import normalize_arabic
from customers.models import Customer

from .models import (
    ACTIVE_STATES,
    OPEN_STATES,
    AgendaItem,
    CommitteeMeeting,
    ConfidentialAccess,
    DocumentCheck,
    HouseholdMember,
    MeetingState,
    Outcome,
    RequestState,
    RequestTransition,
    ResearchReport,
    SupportRequest,
    SupportType,
)

VIEW = "support.view_supportrequest"
VIEW_ALL = "support.view_all_requests"
CONFIDENTIAL = "support.view_confidential"

# The queue's columns: the request and its support type (centres come from the cache).
QUEUE_FIELDS = (
    "id",
    "tracking_number",
    "channel",
    "received_at",
    "earliest_answer_on",
    "committee_due_on",
    "applicant_name",
    "applicant_national_id",
    "customer_id",
    "support_type__name",
    "centre_id",
    "state",
)


def staff_centre_ids(user: User | AnonymousUser) -> list[int]:
    """The centres the user works in, kept on the user object for the request (the steps'
    permission rules ask for each transition)."""
    kept: list[int] | None = getattr(user, "_support_centre_ids", None)
    if kept is None:
        profile = staff_profile_for(user)
        kept = [centre.pk for centre in profile.centres.all()] if profile else []
        user._support_centre_ids = kept  # type: ignore[union-attr]  # a per-request memo
    return kept


def may_work_in_centre(user: User, centre: Centre) -> bool:
    return user.has_perm(VIEW_ALL) or centre.pk in staff_centre_ids(user)


def requests_visible_to(user: User | AnonymousUser) -> QuerySet[SupportRequest]:
    """The requests this user may read: every one with `view_all_requests`, else those of
    their centres and those they registered or handle."""
    if not user.is_authenticated or not user.has_perm(VIEW):
        return SupportRequest.objects.none()
    requests = SupportRequest.objects.all()
    if user.has_perm(VIEW_ALL):
        return requests
    return requests.filter(
        Q(centre_id__in=staff_centre_ids(user)) | Q(handler=user) | Q(registered_by=user)
    )


def may_see_request(user: User | AnonymousUser, support_request: SupportRequest) -> bool:
    if not user.is_authenticated or not user.has_perm(VIEW):
        return False
    if user.has_perm(VIEW_ALL):
        return True
    return (
        support_request.handler_id == user.pk
        or support_request.registered_by_id == user.pk
        or support_request.centre_id in staff_centre_ids(user)
    )


def may_read_confidential(user: User | AnonymousUser, support_request: SupportRequest) -> bool:
    """The research report and the household: the social research officer, the committee,
    the centres-affairs manager (`view_confidential`) and the request's handler."""
    if not may_see_request(user, support_request):
        return False
    return user.has_perm(CONFIDENTIAL) or support_request.handler_id == user.pk


# --- the queue --------------------------------------------------------------------------------


def queue(
    user: User,
    *,
    search: str = "",
    state: str = "",
    support_type: SupportType | None = None,
    centre: Centre | None = None,
    channel: str = "",
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[SupportRequest]:
    """The queue: the visible requests, newest first, narrowed by the filters. The default
    («open») is every request not yet closed."""
    requests = requests_visible_to(user)
    if state == "active" or not state:
        requests = requests.filter(state__in=ACTIVE_STATES)
    elif state != "all":
        requests = requests.filter(state=state)
    text = normalize_arabic(search)
    if text:
        requests = requests.filter(search_text__contains=text)
    if support_type is not None:
        requests = requests.filter(support_type=support_type)
    if centre is not None:
        requests = requests.filter(centre=centre)
    if channel:
        requests = requests.filter(channel=channel)
    if overdue:
        requests = requests.filter(state__in=OPEN_STATES, committee_due_on__lt=timezone.localdate())
    if mine:
        requests = requests.filter(Q(handler=user) | Q(researcher=user))
    return (
        requests.select_related("support_type").only(*QUEUE_FIELDS).order_by("-received_at", "-id")
    )


# --- the request page -------------------------------------------------------------------------


def request_for_page(user: User, pk: int) -> SupportRequest | None:
    return (
        requests_visible_to(user)
        .select_related("support_type", "centre", "customer", "handler", "researcher")
        .filter(pk=pk)
        .first()
    )


def document_rows(support_request: SupportRequest) -> list[tuple[object, DocumentCheck | None]]:
    """Each required document of the request's type with its check (None when not checked)."""
    checks = {
        check.document_type_id: check
        for check in DocumentCheck.objects.filter(request=support_request).select_related(
            "checked_by"
        )
    }
    return [
        (document_type, checks.get(document_type.pk))
        for document_type in support_request.support_type.required_documents.all()
    ]


def household_of(support_request: SupportRequest) -> list[HouseholdMember]:
    return list(HouseholdMember.objects.filter(request=support_request).order_by("id"))


def research_report_of(support_request: SupportRequest) -> ResearchReport | None:
    return (
        ResearchReport.objects.filter(request=support_request).select_related("written_by").first()
    )


def history_of(support_request: SupportRequest) -> QuerySet[RequestTransition]:
    return RequestTransition.objects.filter(request=support_request).select_related("actor")


def agenda_items_of(support_request: SupportRequest) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(request=support_request)
        .select_related("meeting", "rejection_reason", "granted_support_type")
        .order_by("meeting__meets_at", "id")
    )


def confidential_accesses(
    support_request: SupportRequest, limit: int = 20
) -> list[ConfidentialAccess]:
    return list(
        ConfidentialAccess.objects.filter(request=support_request)
        .select_related("user")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class DuplicateFlag:
    """Another open request sharing a person with this one."""

    kind: str  # "applicant", "member_is_applicant", "applicant_is_member", "member"
    national_id: str
    other: SupportRequest


def duplicate_flags(support_request: SupportRequest) -> list[DuplicateFlag]:
    """Before the committee: another open request of the same national ID, or a household
    member already in another open request (as its applicant or a member). Two queries."""
    own_ids = {support_request.applicant_national_id}
    member_ids = set(
        HouseholdMember.objects.filter(request=support_request)
        .exclude(national_id="")
        .values_list("national_id", flat=True)
    )
    everyone = own_ids | member_ids
    others = SupportRequest.objects.filter(state__in=OPEN_STATES).exclude(pk=support_request.pk)
    flags: list[DuplicateFlag] = []
    for other in others.filter(applicant_national_id__in=everyone).only(
        "id", "tracking_number", "applicant_name", "applicant_national_id", "state"
    ):
        kind = "applicant" if other.applicant_national_id in own_ids else "member_is_applicant"
        flags.append(DuplicateFlag(kind, other.applicant_national_id, other))
    for member in (
        HouseholdMember.objects.filter(
            national_id__in=everyone,
            request__state__in=OPEN_STATES,
        )
        .exclude(request=support_request)
        .select_related("request")
        .only(
            "national_id",
            "request__id",
            "request__tracking_number",
            "request__applicant_name",
            "request__applicant_national_id",
            "request__state",
        )
    ):
        kind = "applicant_is_member" if member.national_id in own_ids else "member"
        flags.append(DuplicateFlag(kind, member.national_id, member.request))
    return flags


def has_duplicates(requests: Iterable[SupportRequest]) -> set[int]:
    """The ids among `requests` whose applicant has another open request (one query): the
    queue's and the agenda's flag."""
    requests = list(requests)
    ids = {request.applicant_national_id for request in requests}
    if not ids:
        return set()
    counts: dict[str, int] = {}
    for national_id in SupportRequest.objects.filter(
        state__in=OPEN_STATES, applicant_national_id__in=ids
    ).values_list("applicant_national_id", flat=True):
        counts[national_id] = counts.get(national_id, 0) + 1
    return {
        request.pk
        for request in requests
        if counts.get(request.applicant_national_id, 0) > (1 if request.state in OPEN_STATES else 0)
    }


def requests_of_customer(user: User, customer: Customer) -> QuerySet[SupportRequest]:
    return (
        requests_visible_to(user)
        .filter(customer=customer)
        .select_related("support_type")
        .order_by("-received_at", "-id")
    )


def request_by_tracking(tracking_number: str, national_id: str) -> SupportRequest | None:
    """The public status page: a request found only by its tracking number and the
    applicant's national ID together."""
    tracking_number = (tracking_number or "").strip().upper()
    national_id = (national_id or "").strip()
    if not tracking_number or not national_id:
        return None
    return (
        SupportRequest.objects.select_related("support_type")
        .filter(tracking_number=tracking_number, applicant_national_id=national_id)
        .first()
    )


# --- the committee ----------------------------------------------------------------------------


def committee_members() -> QuerySet[User]:
    """The research committee: the active members of its group (set in the admin)."""
    return User.objects.filter(is_active=True, groups__name=COMMITTEE_MEMBER.group_name).order_by(
        "first_name", "last_name", "username"
    )


def research_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=RESEARCH_OFFICER.group_name).order_by(
        "first_name", "last_name", "username"
    )


def meetings(user: User) -> QuerySet[CommitteeMeeting]:
    if not user.has_perm("support.view_committeemeeting"):
        return CommitteeMeeting.objects.none()
    return CommitteeMeeting.objects.all().order_by("-meets_at", "-id")


def meeting_items(meeting: CommitteeMeeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related(
            "request__support_type", "rejection_reason", "granted_support_type", "decided_by"
        ).order_by("position", "id")
    )


def ready_for_agenda() -> QuerySet[SupportRequest]:
    return (
        SupportRequest.objects.filter(state__in=(RequestState.READY, RequestState.APPEALED))
        .select_related("support_type")
        .order_by("committee_due_on", "received_at", "id")
    )


def planned_meetings() -> QuerySet[CommitteeMeeting]:
    return CommitteeMeeting.objects.filter(state=MeetingState.PLANNED).order_by("meets_at", "id")


# --- «عملي» -----------------------------------------------------------------------------------


def waiting_for_handler(user: User, limit: int) -> list[SupportRequest]:
    """Reception's waiting work: received, incomplete and awaiting the declaration, the
    user's own first (those they handle), by the committee's deadline."""
    requests = (
        requests_visible_to(user)
        .filter(
            state__in=(
                RequestState.RECEIVED,
                RequestState.INCOMPLETE,
                RequestState.AWAITING_DECLARATION,
            )
        )
        .filter(Q(handler=user) | Q(handler__isnull=True))
    )
    return list(
        requests.only(
            "id", "tracking_number", "applicant_name", "state", "committee_due_on"
        ).order_by("committee_due_on", "id")[:limit]
    )


def waiting_for_research(user: User, limit: int) -> list[SupportRequest]:
    return list(
        SupportRequest.objects.filter(state=RequestState.RESEARCH)
        .filter(Q(researcher=user) | Q(researcher__isnull=True))
        .only("id", "tracking_number", "applicant_name", "state", "committee_due_on")
        .order_by("committee_due_on", "id")[:limit]
    )


def waiting_for_agenda(limit: int) -> list[SupportRequest]:
    return list(
        ready_for_agenda()
        .select_related(None)
        .only("id", "tracking_number", "applicant_name", "state", "committee_due_on")[:limit]
    )


def waiting_for_decision(limit: int) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(outcome=Outcome.PENDING, meeting__state=MeetingState.PLANNED)
        .select_related("meeting", "request")
        .only(
            "id",
            "meeting__id",
            "meeting__number",
            "meeting__meets_at",
            "request__id",
            "request__tracking_number",
            "request__applicant_name",
            "request__state",
            "request__committee_due_on",
        )
        .order_by("meeting__meets_at", "position", "id")[:limit]
    )


def due_datetime(day: date | None) -> datetime | None:
    """A deadline date as the end of that day, Riyadh time («عملي» compares datetimes)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def committee_group() -> Group | None:
    return Group.objects.filter(name=COMMITTEE_MEMBER.group_name).first()
