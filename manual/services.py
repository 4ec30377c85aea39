"""Every write of the manual: loading the shipped documents, reading access (1.4) and its log,
the controller's delegations (1.6.2), and a version's way from draft to in force (1.5, 1.12)."""

from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import require
from core.workflow import Workflow

from . import selectors
from .errors import ManualError
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
    VersionTransition,
)
from .parser import ParsedDocument, read_texts

VERSION_WORKFLOW = Workflow(
    audit=VersionTransition,
    error=ManualError,
    stale_message=gettext_lazy(
        "This version is no longer at this step: someone acted on it already. "
        "The page shows where it stands now."
    ),
)


# --- loading ---------------------------------------------------------------------------------


def _create_sections(version: ManualVersion, parsed: ParsedDocument) -> None:
    for position, section in enumerate(parsed.sections, start=1):
        row = ManualSection.objects.create(
            version=version,
            number=section.number,
            title=section.title,
            text=section.text,
            position=position,
            depth=section.depth,
            parent_number=section.parent_number,
            is_procedure=section.is_procedure,
        )
        ProcedureStep.objects.bulk_create(
            ProcedureStep(
                section=row,
                number=step.number,
                responsible=step.responsible,
                process=step.process,
                duration_text=step.duration_text,
                duration_value=step.duration_value,
                duration_unit=step.duration_unit,
                output=step.output,
                position=index,
            )
            for index, step in enumerate(section.steps, start=1)
        )


def load_document(parsed: ParsedDocument, position: int = 0) -> bool:
    """The document and its version in force, with its header and approval table, from the
    shipped text. Idempotent: a document that already has versions is left as it is (its
    later versions are the system's). Returns whether it loaded something."""
    with transaction.atomic():
        document, _created = ManualDocument.objects.get_or_create(
            key=parsed.key,
            defaults={"number": parsed.number, "title": parsed.title, "position": position},
        )
        if document.versions.exists():
            return False
        version = ManualVersion.objects.create(
            document=document,
            serial=parsed.serial,
            state=VersionState.IN_FORCE,
            issued_on=parsed.issued_on,
            updated_on=parsed.updated_on,
            issue_label=parsed.issue_label,
            prepared_by=parsed.prepared_by,
            reviewed_by=parsed.reviewed_by,
            approved_by=parsed.approved_by,
            approval_note=parsed.approval_note,
        )
        _create_sections(version, parsed)
    return True


def load_manual() -> int:
    """Both shipped documents (manage.py load_manual, the demo). Returns how many were
    loaded (0 when already there)."""
    return sum(
        load_document(parsed, position) for position, parsed in enumerate(read_texts(), start=1)
    )


# --- reading ---------------------------------------------------------------------------------


def reading_record(*, version: ManualVersion, actor: User, section_number: str = "") -> Reading:
    """1.4: every reading of a document is logged (who, when, which version)."""
    return Reading.objects.create(version=version, user=actor, section_number=section_number)


def access_request(*, document: ManualDocument, actor: User, reason: str = "") -> ReadingAccess:
    """A staff member who may not read the manual asks the controller (1.4)."""
    if selectors.may_read(actor, document):
        raise ManualError(_("You may already read this document."))
    with transaction.atomic():
        if ReadingAccess.objects.filter(
            document=document, user=actor, state=AccessState.REQUESTED
        ).exists():
            raise ManualError(
                _("Your request to read this document is already with the controller.")
            )
        try:
            with transaction.atomic():
                return ReadingAccess.objects.create(
                    document=document, user=actor, reason=reason.strip()
                )
        except IntegrityError as exc:
            raise ManualError(
                _("Your request to read this document is already with the controller.")
            ) from exc


def access_decide(
    *, access: ReadingAccess, actor: User, grant: bool, refusal_reason: str = ""
) -> ReadingAccess:
    """The controller (or the delegate within the dates) grants or refuses; a refusal says
    why."""
    if not selectors.is_controller(actor):
        raise ManualError(_("Only the manual's controller decides on reading access."))
    refusal_reason = refusal_reason.strip()
    if not grant and not refusal_reason:
        raise ManualError(_("Say why the request is refused."))
    with transaction.atomic():
        locked = ReadingAccess.objects.select_for_update().get(pk=access.pk)
        if locked.state != AccessState.REQUESTED:
            raise ManualError(_("This request was decided already."))
        locked.state = AccessState.GRANTED if grant else AccessState.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.refusal_reason = "" if grant else refusal_reason
        locked.save()
    return locked


# --- the controller's delegations --------------------------------------------------------------


def delegation_create(
    *, delegate: User, starts_on: date, ends_on: date, actor: User, note: str = ""
) -> ControllerDelegation:
    """1.6.2: the controller delegates applying the manual to a CRM staff member for dates;
    a delegate does not delegate in turn."""
    require(actor, selectors.CONTROL, error=ManualError)
    if not selectors.may_be_delegate(delegate):
        raise ManualError(_("The delegate must be an active member of the CRM staff."))
    if delegate.pk == actor.pk:
        raise ManualError(_("The controller does not delegate to themselves."))
    if ends_on < starts_on:
        raise ManualError(_("The delegation ends before it starts."))
    if ends_on < timezone.localdate():
        raise ManualError(_("The delegation's dates are all in the past."))
    return ControllerDelegation.objects.create(
        delegate=delegate, starts_on=starts_on, ends_on=ends_on, granted_by=actor, note=note
    )


# --- versions (1.5, 1.12) -----------------------------------------------------------------------


def _require_controller(actor: User) -> None:
    if not selectors.is_controller(actor):
        raise ManualError(_("Only the manual's controller prepares its versions."))


def version_start_draft(*, document: ManualDocument, actor: User) -> ManualVersion:
    """A new draft, a copy of the version in force (its header, sections and tables)."""
    _require_controller(actor)
    with transaction.atomic():
        ManualDocument.objects.select_for_update().get(pk=document.pk)
        if document.versions.filter(
            state__in=(VersionState.DRAFT, VersionState.SUBMITTED)
        ).exists():
            raise ManualError(_("This document already has a version being prepared."))
        current = selectors.version_in_force(document)
        if current is None:
            raise ManualError(_("This document has no version in force to start from."))
        last = document.versions.order_by("-serial").values_list("serial", flat=True).first()
        draft = ManualVersion.objects.create(
            document=document,
            serial=(last or 0) + 1,
            issue_label="",
            prepared_by=current.prepared_by,
            reviewed_by=current.reviewed_by,
            approved_by=current.approved_by,
            created_by=actor,
        )
        for section in selectors.sections_of(current):
            steps = list(section.steps.all())
            section.pk = None
            section.id = None
            section.version = draft
            section._state.adding = True
            section.save()
            ProcedureStep.objects.bulk_create(
                ProcedureStep(
                    section=section,
                    number=step.number,
                    responsible=step.responsible,
                    process=step.process,
                    duration_text=step.duration_text,
                    duration_value=step.duration_value,
                    duration_unit=step.duration_unit,
                    output=step.output,
                    position=step.position,
                )
                for step in steps
            )
    return draft


def section_edit(*, section: ManualSection, actor: User, title: str, text: str) -> ManualSection:
    """A section's title and text change only in a draft."""
    _require_controller(actor)
    with transaction.atomic():
        version = ManualVersion.objects.select_for_update().get(pk=section.version_id)
        if not version.is_editable:
            raise ManualError(_("Only a draft version is edited; this one is read-only."))
        if not text.strip() and not title.strip():
            raise ManualError(_("A section keeps a title or a text."))
        section.title = title.strip()
        section.text = text.strip()
        section._history_user = actor  # type: ignore[attr-defined]  # simple-history's who
        section.save()
    return section


def change_add(
    *, version: ManualVersion, actor: User, changed_on: date, where: str, summary: str
) -> ChangeLogEntry:
    """A line of the change log (1.12): date, the version's serial, section or page, what
    changed."""
    _require_controller(actor)
    if not version.is_editable:
        raise ManualError(_("The change log is written while the version is a draft."))
    if not where.strip() or not summary.strip():
        raise ManualError(_("Name the section or page and summarise the change."))
    return ChangeLogEntry.objects.create(
        version=version,
        changed_on=changed_on,
        serial=version.serial,
        where=where.strip(),
        summary=summary.strip(),
        recorded_by=actor,
    )


def version_submit(*, version: ManualVersion, actor: User, note: str = "") -> ManualVersion:
    """The controller sends the draft to the sub-council secretary (1.5)."""
    _require_controller(actor)
    if not version.changes.exists():
        raise ManualError(_("Write the change log (1.12) before submitting the version."))
    with transaction.atomic():
        locked = ManualVersion.objects.select_for_update().get(pk=version.pk)
        VERSION_WORKFLOW.take_step(locked, "submit", actor=actor, note=note)
    return locked


def version_approve(*, version: ManualVersion, actor: User, note: str = "") -> ManualVersion:
    """1.5: the sub-council secretary approves; the version is in force from today and the
    previous one is superseded, kept read-only. Two approvals at once: the first wins, the
    second is refused (the rows are locked)."""
    if not selectors.may_approve(actor):
        raise ManualError(_("Only the sub-council secretary approves a version of the manual."))
    with transaction.atomic():
        locked = ManualVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != VersionState.SUBMITTED:
            raise ManualError(str(VERSION_WORKFLOW.stale_message))
        previous = (
            ManualVersion.objects.select_for_update()
            .filter(document_id=locked.document_id, state=VersionState.IN_FORCE)
            .first()
        )
        today = timezone.localdate()
        if previous is not None:
            VERSION_WORKFLOW.take_step(
                previous,
                "supersede",
                actor=actor,
                note=_("Replaced by version %(serial)s") % {"serial": locked.serial},
            )
        VERSION_WORKFLOW.take_step(
            locked,
            "approve",
            actor=actor,
            note=note,
            fields={
                "approved_in_system_by": actor,
                "approved_at": timezone.now(),
                "issued_on": today,
                "updated_on": today,
            },
        )
    return locked
