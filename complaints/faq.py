"""Frequently asked questions (الأسئلة المتكررة, manual 5.1.10): staff propose a question
with its answer, a manager approves it, and only approved answers are published.

The services (writes) of the FAQ, its edit history and credit; its queries are in
selectors.py. Every write checks the actor's right to act, runs the django-fsm transition,
saves in a transaction and records a FaqTransition."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from core.permissions import require
from core.workflow import Workflow

from .errors import FaqError
from .models import PUBLISH_FAQ_PERMISSION, CaseCategory, FaqEntry, FaqState, FaqTransition
from .selectors import category_names

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from core.mywork import WorkSection

PUBLISH_PERMISSION = PUBLISH_FAQ_PERMISSION


def _clean_texts(question: str | None, answer: str | None) -> tuple[str, str]:
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question or not answer:
        raise FaqError(_("Write the question and its answer."))
    return question, answer


# --- services ---------------------------------------------------------------------------


def faq_propose(
    *, actor: User, question: str, answer: str, category: CaseCategory | None = None
) -> FaqEntry:
    """A staff member proposes a question with its answer; it waits for a manager."""
    require(actor, "complaints.add_faqentry")
    question, answer = _clean_texts(question, answer)
    with transaction.atomic():
        entry = FaqEntry(question=question, answer=answer, category=category, proposed_by=actor)
        entry._history_user = actor  # read by simple-history
        entry.save()
        entry.text_authors.add(actor)
    return entry


def may_edit(entry: FaqEntry, user: User) -> bool:
    """A proposal is edited by its proposer or by a manager who publishes, until decided."""
    if entry.state != FaqState.PROPOSED:
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return entry.proposed_by_id == user.pk and user.has_perm("complaints.add_faqentry")


def _lock(entry: FaqEntry) -> FaqEntry:
    """The entry's row, locked until the transaction ends: an edit and a publication of the
    same entry take turns (PostgreSQL; SQLite serialises writers anyway)."""
    return FaqEntry.objects.select_for_update().get(pk=entry.pk)


def faq_update(
    *,
    entry: FaqEntry,
    actor: User,
    question: str,
    answer: str,
    category: CaseCategory | None = None,
) -> FaqEntry:
    """Edit a proposal. Whoever changes its question or answer becomes one of its authors,
    who cannot publish it; every change is kept in the entry's history."""
    if not may_edit(entry, actor):
        if entry.state != FaqState.PROPOSED and (
            actor.has_perm(PUBLISH_PERMISSION) or entry.proposed_by_id == actor.pk
        ):
            raise FaqError(_("Only a proposal awaiting approval can be edited."))
        raise PermissionDenied
    question, answer = _clean_texts(question, answer)
    try:
        with transaction.atomic():
            current = _lock(entry)
            # A proposal published or rejected meanwhile is not changed behind the
            # publisher's back.
            if current.state != FaqState.PROPOSED:
                raise FaqError(_concurrent_message())
            text_changed = (current.question, current.answer) != (question, answer)
            category_id = category.pk if category is not None else None
            if not text_changed and current.category_id == category_id:
                return current
            current.question, current.answer, current.category = question, answer, category
            current.revision += 1
            current._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
            current.save()
            if text_changed:
                current.text_authors.add(actor)
    except ConcurrentTransition as error:
        raise FaqError(_concurrent_message()) from error
    for name in ("question", "answer", "category", "revision", "search_text"):
        setattr(entry, name, getattr(current, name))
    return entry


def _concurrent_message() -> str:
    return str(FAQ_WORKFLOW.conflict_message)


FAQ_WORKFLOW = Workflow(
    audit=FaqTransition,
    error=FaqError,
    stale_message=gettext_lazy(
        "This FAQ entry is no longer at this step. Reload the page to see its status."
    ),
)


def _decide(
    entry: FaqEntry,
    transition_name: str,
    *,
    actor: User,
    note: str = "",
    check: Callable[[FaqEntry], None] | None = None,
) -> FaqEntry:
    """Take a step that decides on the entry, atomically. `check(current)` looks at the
    locked row first and raises FaqError to refuse."""
    with transaction.atomic():
        current = _lock(entry)
        if check is not None:
            check(current)
        entry._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        FAQ_WORKFLOW.take_step(
            entry,
            transition_name,
            actor=actor,
            note=note,
            fields={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note},
        )
    return entry


def faq_publish(
    *, entry: FaqEntry, actor: User, note: str = "", revision: object = None
) -> FaqEntry:
    """A manager approves a proposal: it goes on the public FAQ page. Four eyes: nobody
    publishes a text they wrote, as its proposer or by editing its question or answer.
    `revision` is the one the manager read; a text edited since is not published."""
    require(actor, PUBLISH_PERMISSION)

    def check(current: FaqEntry) -> None:
        if current.proposed_by_id == actor.pk:
            raise FaqError(
                _(
                    "You cannot approve an FAQ entry you proposed yourself: "
                    "another manager approves it."
                )
            )
        if current.text_authors.filter(pk=actor.pk).exists():
            raise FaqError(
                _(
                    "You cannot publish an FAQ entry whose text you wrote or edited: "
                    "another manager publishes it."
                )
            )
        if revision is not None and str(revision).strip() != str(current.revision):
            raise FaqError(
                _(
                    "The question or answer changed since you opened the page. "
                    "Read the new text before publishing it."
                )
            )

    return _decide(entry, "publish", actor=actor, note=(note or "").strip(), check=check)


def faq_reject(*, entry: FaqEntry, actor: User, note: str) -> FaqEntry:
    require(actor, PUBLISH_PERMISSION)
    note = (note or "").strip()
    if not note:
        raise FaqError(_("Write the reason for rejecting the proposal."))
    return _decide(entry, "reject", actor=actor, note=note)


def faq_withdraw(*, entry: FaqEntry, actor: User, note: str) -> FaqEntry:
    """Take a published answer off the public page (it is out of date, say)."""
    require(actor, PUBLISH_PERMISSION)
    note = (note or "").strip()
    if not note:
        raise FaqError(_("Write the reason for withdrawing the entry."))
    return _decide(entry, "withdraw", actor=actor, note=note)


def available_actions(entry: FaqEntry, user: User) -> list[str]:
    """The buttons this user may press on this entry now: "edit", and its steps."""
    actions = ["edit"] if may_edit(entry, user) else []
    return actions + FAQ_WORKFLOW.available_actions(entry, user)


# --- who wrote what: the edit history and the credit --------------------------------------

# The fields of an entry whose changes the edit history shows, in this order.
_EDITED_FIELDS = ("question", "answer", "category")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryChange:
    """One version of an entry: who saved it, when, and what it changed. `kind` is
    "proposed", "edited" or the state it moved to ("published", "rejected", "withdrawn")."""

    user: Any  # the history's user: a User, or None
    at: Any  # datetime
    kind: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def label(self) -> "str | _StrPromise":
        if self.kind == "edited":
            return _("Edited")
        if self.kind == "proposed":
            return FaqState.PROPOSED.label
        return FaqState(self.kind).label


def _field_label(name: str) -> str:
    return str(FaqEntry._meta.get_field(name).verbose_name)


def _field_text(version: Any, name: str, categories: dict[int, str]) -> str:
    if name == "category":
        return categories.get(version.category_id, "")
    return getattr(version, name) or ""


def edit_history(entry: FaqEntry) -> list[EntryChange]:
    """Every saved version of the entry, the latest first, with what each changed
    (simple-history keeps the versions; one query, the category names from the cache)."""
    versions = list(entry.history.select_related("history_user").order_by("history_date", "pk"))
    categories = category_names() if any(version.category_id for version in versions) else {}
    labels = {name: _field_label(name) for name in _EDITED_FIELDS}
    changes = []
    previous = None
    for version in versions:
        if previous is None or version.history_type == "+":
            changes.append(EntryChange(version.history_user, version.history_date, "proposed"))
        elif version.state != previous.state:
            changes.append(EntryChange(version.history_user, version.history_date, version.state))
        else:
            fields = [
                FieldChange(
                    name,
                    labels[name],
                    _field_text(previous, name, categories),
                    _field_text(version, name, categories),
                )
                for name in _EDITED_FIELDS
                if _field_text(previous, name, categories) != _field_text(version, name, categories)
            ]
            if fields:
                changes.append(
                    EntryChange(version.history_user, version.history_date, "edited", fields)
                )
        previous = version
    changes.reverse()
    return changes


@dataclass(frozen=True)
class Credit:
    proposed_by: Any
    proposed_at: Any
    edited_by: list[Any]
    decided_by: Any  # who published, rejected or withdrew it last
    published_by: Any
    published_at: Any


def credit(
    entry: FaqEntry,
    changes: list[EntryChange] | None = None,
    steps: list[FaqTransition] | None = None,
) -> Credit:
    """Who wrote the entry and who published it, as the entry page shows: the proposer,
    the other authors of its text in the order of their first edit, and the manager who
    published it (kept when it is later withdrawn). `changes` and `steps` (the entry's
    transitions in their order, with their actors) when the page read them already."""
    changes = edit_history(entry) if changes is None else changes
    authors = {user.pk: user for user in entry.text_authors.all()}
    edited_by = []
    for change in reversed(changes):
        user = change.user
        if (
            change.kind == "edited"
            and user is not None
            and user.pk in authors
            and user.pk != entry.proposed_by_id
            and user not in edited_by
            and any(item.name in ("question", "answer") for item in change.fields)
        ):
            edited_by.append(user)
    # Authors whose edits predate the history (entries created before it was kept).
    edited_by += [
        user
        for pk, user in sorted(authors.items())
        if pk != entry.proposed_by_id and user not in edited_by
    ]
    if steps is None:
        steps = list(entry.transitions.select_related("actor"))
    publication = next(
        (step for step in reversed(steps) if step.target == FaqState.PUBLISHED), None
    )
    return Credit(
        proposed_by=entry.proposed_by,
        proposed_at=entry.proposed_at,
        edited_by=edited_by,
        decided_by=entry.decided_by,
        published_by=publication.actor if publication else None,
        published_at=publication.at if publication else None,
    )


# --- my work (registered by complaints.registrations) ------------------------------------


def faq_proposals_to_approve(user: User) -> "WorkSection | None":
    """The my-work section of a manager: FAQ proposals waiting for their approval."""
    from core import mywork

    from .selectors import faq_proposals_awaiting

    proposals = list(faq_proposals_awaiting(user)[:20])
    if not proposals:
        return None
    return mywork.WorkSection(
        title=_("FAQ proposals awaiting approval"),
        items=[
            mywork.WorkItem(
                title=entry.question,
                url=reverse("complaints:faq_detail", args=[entry.pk]),
                detail=entry.proposed_by.get_full_name() or entry.proposed_by.get_username(),
            )
            for entry in proposals
        ],
        list_url=f"{reverse('complaints:faq_list')}?state={FaqState.PROPOSED}",
    )
