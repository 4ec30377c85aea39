"""Part A's services, step 5: the research committee's meetings, agenda, decisions and
minutes; the second click on a decision (sequential and truly concurrent on PostgreSQL)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from support import selectors, services
from support.errors import CommitteeError, SupportRequestError
from support.models import (
    AgendaItem,
    MeetingState,
    Outcome,
    RequestState,
    RequestTransition,
)
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.support.fixtures_a import *  # noqa: F403  (fixtures)
from tests.support.fixtures_a import IDS, decide_accept, make_ready, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_services")]


def test_meetings_are_numbered_and_kept_by_the_research_officer_or_the_manager(people):
    from django.utils import timezone  # noqa: PLC0415

    first = services.meeting_create(actor=people["researcher"], meets_at=timezone.now())
    second = services.meeting_create(actor=people["centres_manager"], meets_at=timezone.now())
    assert (first.number, second.number) == (1, 2)
    for name in ("committee", "crm", "centres", "management"):
        with pytest.raises(PermissionDenied):
            services.meeting_create(actor=people[name], meets_at=timezone.now())


def test_only_a_ready_request_with_its_declaration_goes_on_the_agenda(
    received, ready, meeting, people
):
    with pytest.raises(CommitteeError):
        services.meeting_add_request(
            meeting=meeting, support_request=received, actor=people["researcher"]
        )
    item = services.meeting_add_request(
        meeting=meeting, support_request=ready, actor=people["researcher"]
    )
    ready.refresh_from_db()
    assert ready.state == RequestState.ON_AGENDA
    assert (item.position, item.is_appeal, item.outcome) == (1, False, Outcome.PENDING)
    with pytest.raises(CommitteeError):  # already on it
        services.meeting_add_request(
            meeting=meeting, support_request=ready, actor=people["researcher"]
        )


def test_a_pending_request_can_be_taken_off_the_agenda(on_agenda, people):
    services.meeting_remove_request(item=on_agenda, actor=people["researcher"])
    assert not AgendaItem.objects.exists()
    on_agenda.request.refresh_from_db()
    assert on_agenda.request.state == RequestState.READY


def test_acceptance_records_the_support_granted(on_agenda, people, catalogue):
    with pytest.raises(CommitteeError):  # a basket is counted in items
        services.agenda_decide(item=on_agenda, actor=people["committee"], outcome="accepted")
    for name in ("researcher", "centres_manager", "crm"):
        with pytest.raises(PermissionDenied):
            decide_accept(on_agenda, {**people, "committee": people[name]})
    item = services.agenda_decide(
        item=on_agenda,
        actor=people["committee"],
        outcome="accepted",
        granted_quantity=2,
        note="سلتان",
    )
    support_request = item.request
    support_request.refresh_from_db()
    assert support_request.state == RequestState.ACCEPTED
    assert support_request.granted_support_type == catalogue["basket"]
    assert support_request.granted_quantity == 2
    assert support_request.decided_at is not None
    assert (item.outcome, item.decided_by) == (Outcome.ACCEPTED, people["committee"])
    step = RequestTransition.objects.filter(request=support_request).latest("id")
    assert (step.source, step.target, step.actor) == ("on_agenda", "accepted", people["committee"])


def test_a_rejection_needs_a_reason_from_the_list_and_a_note(on_agenda, people, catalogue):
    with pytest.raises(CommitteeError):
        services.agenda_decide(
            item=on_agenda, actor=people["committee"], outcome="rejected", note="لا"
        )
    with pytest.raises(CommitteeError):
        services.agenda_decide(
            item=on_agenda,
            actor=people["committee"],
            outcome="rejected",
            rejection_reason=catalogue["reason"],
        )
    services.agenda_decide(
        item=on_agenda,
        actor=people["committee"],
        outcome="rejected",
        rejection_reason=catalogue["reason"],
        note="الدخل كافٍ",
    )
    on_agenda.request.refresh_from_db()
    assert on_agenda.request.state == RequestState.REJECTED
    assert on_agenda.request.rejection_reason == catalogue["reason"]
    assert on_agenda.request.decision_note == "الدخل كافٍ"


def test_a_second_click_on_a_decision_is_refused(on_agenda, people, catalogue):
    decide_accept(on_agenda, people)
    with pytest.raises(CommitteeError):
        services.agenda_decide(
            item=on_agenda,
            actor=people["committee2"],
            outcome="rejected",
            rejection_reason=catalogue["reason"],
            note="x",
        )
    on_agenda.request.refresh_from_db()
    assert on_agenda.request.state == RequestState.ACCEPTED
    assert (
        RequestTransition.objects.filter(request=on_agenda.request, target="accepted").count() == 1
    )


def test_closing_the_minutes_needs_every_decision_and_the_members_present(
    on_agenda, meeting, people
):
    with pytest.raises(CommitteeError):  # a decision is missing
        services.meeting_close(
            meeting=meeting, actor=people["researcher"], members_present=[people["committee"]]
        )
    decide_accept(on_agenda, people)
    with pytest.raises(CommitteeError):  # nobody present
        services.meeting_close(meeting=meeting, actor=people["researcher"], members_present=[])
    with pytest.raises(CommitteeError):  # not a committee member
        services.meeting_close(
            meeting=meeting, actor=people["researcher"], members_present=[people["crm"]]
        )
    with pytest.raises(PermissionDenied):
        services.meeting_close(
            meeting=meeting, actor=people["committee"], members_present=[people["committee"]]
        )
    closed = services.meeting_close(
        meeting=meeting,
        actor=people["researcher"],
        members_present=[people["committee"], people["committee2"]],
        minutes_note="لا شيء",
    )
    assert closed.state == MeetingState.HELD
    assert set(closed.members_present.all()) == {people["committee"], people["committee2"]}
    with pytest.raises(CommitteeError):  # closed minutes take no decision, no new request
        services.meeting_close(
            meeting=meeting, actor=people["researcher"], members_present=[people["committee"]]
        )


def test_the_committee_is_the_members_of_its_group(people):
    assert set(selectors.committee_members()) == {people["committee"], people["committee2"]}


def test_the_minutes_and_the_declaration_render_as_pdfs(on_agenda, meeting, people):
    from support import documents  # noqa: PLC0415

    decide_accept(on_agenda, people)
    services.meeting_close(
        meeting=meeting, actor=people["researcher"], members_present=[people["committee"]]
    )
    minutes = documents.minutes_pdf(meeting)
    declaration = documents.declaration_pdf(on_agenda.request)
    assert minutes.content.startswith(b"%PDF")
    assert declaration.content.startswith(b"%PDF")


def test_an_appealed_request_goes_back_to_the_committee_as_an_appeal(
    on_agenda, meeting, people, catalogue
):
    """The appeal's step itself is part B's service (support.notices); here, the state it
    leaves, so that the agenda marks the item as an appeal and taking it off keeps it."""
    from django.utils import timezone  # noqa: PLC0415

    services.agenda_decide(
        item=on_agenda,
        actor=people["committee"],
        outcome="rejected",
        rejection_reason=catalogue["reason"],
        note="x",
    )
    support_request = on_agenda.request
    support_request.refresh_from_db()
    from django.db import transaction  # noqa: PLC0415

    with transaction.atomic():
        services.REQUEST_WORKFLOW.take_step(
            support_request,
            "appeal",
            actor=people["centres"],
            fields={"appealed_at": timezone.now(), "appeal_text": "معلومات جديدة"},
        )
    later = services.meeting_create(actor=people["researcher"], meets_at=timezone.now())
    item = services.meeting_add_request(
        meeting=later, support_request=support_request, actor=people["researcher"]
    )
    assert item.is_appeal
    services.meeting_remove_request(item=item, actor=people["researcher"])
    support_request.refresh_from_db()
    assert support_request.state == RequestState.APPEALED
    assert "appeal" not in services.REQUEST_WORKFLOW.available_actions(
        support_request, people["centres"]
    )


# --- real concurrency -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_members_deciding_at_the_same_instant_record_one_decision(people, places, catalogue):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    from django.utils import timezone  # noqa: PLC0415

    support_request = make_ready(receive(people, places, catalogue, national_id=IDS[3]), people)
    meeting = services.meeting_create(actor=people["researcher"], meets_at=timezone.now())
    item = services.meeting_add_request(
        meeting=meeting, support_request=support_request, actor=people["researcher"]
    )
    outcomes = run_together(
        lambda: services.agenda_decide(
            item=item, actor=people["committee"], outcome="accepted", granted_quantity=1
        ),
        lambda: services.agenda_decide(
            item=item,
            actor=people["committee2"],
            outcome="rejected",
            rejection_reason=catalogue["reason"],
            note="x",
        ),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, (CommitteeError, SupportRequestError))
    decided = RequestTransition.objects.filter(
        request=support_request, target__in=["accepted", "rejected"]
    )
    assert decided.count() == 1
    item.refresh_from_db()
    assert item.outcome in (Outcome.ACCEPTED, Outcome.REJECTED)
