"""Reads of the manual: who may read and who controls it today, the documents with their
version in force, a version's sections and procedure tables, the search, the controller's
lists."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from association.roles import CRM_STAFF, user_has_role
from core.permissions import holds
from core.text import normalize_arabic

from .models import (
    AccessState,
    ChangeLogEntry,
    ControllerDelegation,
    ManualDocument,
    ManualSection,
    ManualVersion,
    ProcedureStep,
    Reading,
    ReadingAccess,
    VersionState,
)

READ = "manual.view_manualdocument"
CONTROL = "manual.control_manual"
APPROVE = "manual.approve_manual_version"


def delegation_today(user: User | AnonymousUser, day: date | None = None) -> bool:
    """Whether the controller delegated applying the manual to this user for today (1.6.2)."""
    if not user.is_authenticated:
        return False
    day = day or timezone.localdate()
    return ControllerDelegation.objects.filter(
        delegate=user, starts_on__lte=day, ends_on__gte=day
    ).exists()


def is_controller(user: User | AnonymousUser, day: date | None = None) -> bool:
    """The controller (مراقب الدليل) is the CRM manager (1.3); a delegate acts as controller
    within the delegation's dates."""
    return holds(user, CONTROL) or delegation_today(user, day)


def may_read(user: User | AnonymousUser, document: ManualDocument) -> bool:
    """1.4: managers and CRM staff read the manual; any other staff member once the
    controller granted their request."""
    if holds(user, READ) or is_controller(user):
        return True
    if not user.is_authenticated:
        return False
    return ReadingAccess.objects.filter(
        document=document, user=user, state=AccessState.GRANTED
    ).exists()


def readable_documents(user: User | AnonymousUser) -> set[int]:
    """The ids of the documents this user may read."""
    if holds(user, READ) or is_controller(user):
        return set(ManualDocument.objects.values_list("pk", flat=True))
    if not user.is_authenticated:
        return set()
    return set(
        ReadingAccess.objects.filter(user=user, state=AccessState.GRANTED).values_list(
            "document_id", flat=True
        )
    )


def may_approve(user: User | AnonymousUser) -> bool:
    return holds(user, APPROVE)


def may_be_delegate(user: User) -> bool:
    return user.is_active and user_has_role(user, CRM_STAFF)


@dataclass
class DocumentRow:
    document: ManualDocument
    in_force: ManualVersion | None
    readable: bool
    pending: ReadingAccess | None
    refused: ReadingAccess | None


def document_rows(user: User) -> list[DocumentRow]:
    """Every document with its version in force and where this user stands."""
    readable = readable_documents(user)
    documents = ManualDocument.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=ManualVersion.objects.filter(state=VersionState.IN_FORCE),
            to_attr="in_force_versions",
        )
    )
    requests = {}
    for access in ReadingAccess.objects.filter(user=user).order_by("requested_at", "id"):
        requests[access.document_id] = access
    rows = []
    for document in documents:
        versions = getattr(document, "in_force_versions", [])
        last = requests.get(document.pk)
        rows.append(
            DocumentRow(
                document=document,
                in_force=versions[0] if versions else None,
                readable=document.pk in readable,
                pending=last if last and last.state == AccessState.REQUESTED else None,
                refused=last if last and last.state == AccessState.REFUSED else None,
            )
        )
    return rows


def version_in_force(document: ManualDocument) -> ManualVersion | None:
    return document.versions.filter(state=VersionState.IN_FORCE).first()


def versions_of(document: ManualDocument) -> QuerySet[ManualVersion]:
    return document.versions.order_by("-serial")


def sections_of(version: ManualVersion) -> QuerySet[ManualSection]:
    return version.sections.prefetch_related(
        Prefetch("steps", queryset=ProcedureStep.objects.order_by("position"))
    ).order_by("position")


def changes_of(version: ManualVersion) -> QuerySet[ChangeLogEntry]:
    return version.changes.order_by("changed_on", "id")


def search_sections(user: User, query: str, limit: int = 50) -> QuerySet[ManualSection]:
    """Sections of the versions in force the user may read whose number, title or text hold
    every word of the query (Arabic-normalised: hamzas, taa marbuta, diacritics)."""
    words = normalize_arabic(query).split()
    sections = ManualSection.objects.filter(
        version__state=VersionState.IN_FORCE,
        version__document_id__in=readable_documents(user),
    )
    if not words:
        return sections.none()
    for word in words:
        sections = sections.filter(search_text__contains=word)
    return sections.select_related("version__document").order_by(
        "version__document__position", "position"
    )[:limit]


def pending_requests() -> QuerySet[ReadingAccess]:
    return (
        ReadingAccess.objects.filter(state=AccessState.REQUESTED)
        .select_related("user", "document")
        .order_by("requested_at", "id")
    )


def decided_requests(limit: int = 50) -> QuerySet[ReadingAccess]:
    return (
        ReadingAccess.objects.exclude(state=AccessState.REQUESTED)
        .select_related("user", "document", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def reading_log(limit: int = 100) -> QuerySet[Reading]:
    return Reading.objects.select_related("user", "version__document").order_by("-at", "-id")[
        :limit
    ]


def delegations() -> QuerySet[ControllerDelegation]:
    return ControllerDelegation.objects.select_related("delegate", "granted_by").order_by(
        "-starts_on", "-id"
    )


def delegate_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=CRM_STAFF.group_name).order_by(
        "first_name", "last_name", "username"
    )
