"""Frequently asked questions (الأسئلة الشائعة, manual 5.1.10): staff propose a question
with its answer, a manager approves it, and only approved answers are published.

Services (writes) and selectors (reads) of the FAQ, in one place. Every write checks the
actor's right to act, runs the django-fsm transition, saves in a transaction and records a
FaqTransition."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case as Conditional
from django.db.models import IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from core.text import normalize_arabic
from core.workflow import take_step

from .models import FaqEntry, FaqState, FaqTransition
from .services import CaseError

PUBLISH_PERMISSION = "complaints.publish_faqentry"
# Search words shorter than this are ignored (single letters match almost everything).
_MIN_SEARCH_WORD = 2


def _require(actor, permission):
    if not actor.has_perm(permission):
        raise PermissionDenied


def _clean_texts(question, answer):
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question or not answer:
        raise CaseError(_("Write the question and its answer."))
    return question, answer


# --- services ---------------------------------------------------------------------------


def faq_propose(*, actor, question, answer, category=None):
    """A staff member proposes a question with its answer; it waits for a manager."""
    _require(actor, "complaints.add_faqentry")
    question, answer = _clean_texts(question, answer)
    return FaqEntry.objects.create(
        question=question, answer=answer, category=category, proposed_by=actor
    )


def may_edit(entry, user):
    """A proposal is edited by its proposer or by a manager who publishes, until decided."""
    if entry.state != FaqState.PROPOSED:
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return entry.proposed_by_id == user.pk and user.has_perm("complaints.add_faqentry")


def faq_update(*, entry, actor, question, answer, category=None):
    if not may_edit(entry, actor):
        if entry.state != FaqState.PROPOSED and (
            actor.has_perm(PUBLISH_PERMISSION) or entry.proposed_by_id == actor.pk
        ):
            raise CaseError(_("Only a proposal awaiting approval can be edited."))
        raise PermissionDenied
    question, answer = _clean_texts(question, answer)
    entry.question, entry.answer, entry.category = question, answer, category
    try:
        with transaction.atomic():
            # The state is part of the UPDATE's condition: an entry published or rejected
            # meanwhile is not changed behind the manager's back.
            entry.save()
    except ConcurrentTransition as error:
        raise CaseError(_concurrent_message()) from error
    return entry


def _concurrent_message():
    return _(
        "Someone else acted on this FAQ entry at the same moment. "
        "Reload the page to see its status."
    )


def _run_transition(entry, transition_name, *, actor, note=""):
    """Run one transition, fill in the decision, save and record the step, atomically."""
    with transaction.atomic():
        source = take_step(
            entry,
            transition_name,
            error=CaseError,
            stale_message=_(
                "This FAQ entry is no longer at this step. Reload the page to see its status."
            ),
            conflict_message=_concurrent_message(),
            fields={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note},
        )
        FaqTransition.objects.create(
            entry=entry, source=source, target=entry.state, actor=actor, note=note
        )
    return entry


def faq_publish(*, entry, actor, note=""):
    """A manager approves a proposal: it goes on the public FAQ page. Nobody approves their
    own proposal (staff propose, a manager approves)."""
    _require(actor, PUBLISH_PERMISSION)
    if entry.proposed_by_id == actor.pk:
        raise CaseError(
            _("You cannot approve an FAQ entry you proposed yourself: another manager approves it.")
        )
    return _run_transition(entry, "publish", actor=actor, note=(note or "").strip())


def faq_reject(*, entry, actor, note):
    _require(actor, PUBLISH_PERMISSION)
    note = (note or "").strip()
    if not note:
        raise CaseError(_("Write the reason for rejecting the proposal."))
    return _run_transition(entry, "reject", actor=actor, note=note)


def faq_withdraw(*, entry, actor, note):
    """Take a published answer off the public page (it is out of date, say)."""
    _require(actor, PUBLISH_PERMISSION)
    note = (note or "").strip()
    if not note:
        raise CaseError(_("Write the reason for withdrawing the entry."))
    return _run_transition(entry, "withdraw", actor=actor, note=note)


def available_actions(entry, user):
    """The buttons this user may press on this entry now."""
    actions = []
    if may_edit(entry, user):
        actions.append("edit")
    if user.has_perm(PUBLISH_PERMISSION):
        if entry.state == FaqState.PROPOSED:
            if entry.proposed_by_id != user.pk:
                actions.append("publish")
            actions.append("reject")
        elif entry.state == FaqState.PUBLISHED:
            actions.append("withdraw")
    return actions


# --- selectors --------------------------------------------------------------------------


def faq_entries_visible_to(user):
    """Every entry, whatever its state, for staff who read the FAQ; nothing otherwise."""
    queryset = FaqEntry.objects.select_related("category", "proposed_by", "decided_by")
    if not user.has_perm("complaints.view_faqentry"):
        return queryset.none()
    return queryset


def published_entries():
    return FaqEntry.objects.filter(state=FaqState.PUBLISHED).select_related("category")


def search_entries(queryset, text):
    """Every word of the query, Arabic-normalised, must appear in the question or answer:
    "الأسئلة" finds "الاسئله", and Arabic-Indic digits find ASCII ones."""
    words = [word for word in normalize_arabic(text or "").split() if len(word) >= _MIN_SEARCH_WORD]
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition) if words else queryset


def ordered_for(queryset, user):
    """For a manager who publishes, the proposals awaiting approval come first (oldest
    first); everyone else sees the most used answers first."""
    if user.has_perm(PUBLISH_PERMISSION):
        waiting = Conditional(
            When(state=FaqState.PROPOSED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return queryset.annotate(waiting_first=waiting).order_by(
            "waiting_first", "-times_used", "proposed_at", "pk"
        )
    return queryset.order_by("-times_used", "question", "pk")


def proposals_awaiting(user):
    """Proposals a manager may approve: waiting, and not their own."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return FaqEntry.objects.none()
    return (
        FaqEntry.objects.filter(state=FaqState.PROPOSED)
        .exclude(proposed_by=user)
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )


# --- my work (registered by complaints.registrations) ------------------------------------


def faq_proposals_to_approve(user):
    """The my-work section of a manager: FAQ proposals waiting for their approval."""
    from core import mywork

    proposals = list(proposals_awaiting(user)[:20])
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
