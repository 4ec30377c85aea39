"""Programme proposals to strategic planning (3.1.12): the CRM side proposes a programme
donors asked for, planning answers (accepted / refused / needs study), an accepted one is
linked to its programme; both sides see what awaits them on "عملي"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.mywork import work_sections_for
from customers.models import Customer
from programmes import proposals
from programmes.models import Programme, ProgrammeProposal, ProposalState

from .conftest import make_donor, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def donor(db):
    return make_donor("مؤسسة الخير")


def submit(people, donor, category=None, **values):
    arguments = {
        "actor": people["staff"],
        "title": "برنامج الحقيبة المدرسية",
        "category": category,
        "description": "حقائب مدرسية لأبناء الأسر المستفيدة",
        "reason": "طلبه مانحان هذا العام",
        "donors": [donor],
        **values,
    }
    return proposals.proposal_submit(**arguments)


def test_crm_staff_propose_a_programme_donors_asked_for(people, donor, category):
    proposal = submit(people, donor, category)
    assert proposal.state == ProposalState.SUBMITTED
    assert list(proposal.donors.all()) == [donor]
    assert proposal.proposed_by == people["staff"]
    assert proposal.answer_due_at > timezone.now()
    step = proposal.transitions.get()
    assert (step.source, step.target, step.note) == ("submitted", "submitted", proposal.reason)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": " "}, "Write the programme proposed."),
        ({"description": ""}, "Write what the donors asked for."),
        ({"reason": ""}, "Write why the programme is proposed."),
        ({"donors": []}, "Choose at least one donor who asked for it."),
    ],
)
def test_a_proposal_says_which_donors_what_and_why(people, donor, values, message):
    with pytest.raises(proposals.ProposalError, match=message):
        submit(people, donor, **values)
    assert not ProgrammeProposal.objects.exists()


def test_only_donors_ask_for_programmes(people):
    beneficiary = Customer.objects.create(code=799990, name="فاطمة", kind="beneficiary")
    with pytest.raises(proposals.ProposalError, match="is not a donor"):
        submit(people, beneficiary)


@pytest.mark.parametrize("who", ["planning", "quality", "management"])
def test_only_the_crm_side_proposes(people, donor, who):
    with pytest.raises(PermissionDenied):
        submit(people, donor, actor=people[who])


def test_planning_accepts_and_the_step_is_recorded(people, donor):
    proposal = submit(people, donor)
    proposals.proposal_answer(proposal=proposal, actor=people["planning"], answer="accept")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert proposal.answered_by == people["planning"]
    assert [(s.source, s.target) for s in proposal.transitions.all()] == [
        ("submitted", "submitted"),
        ("submitted", "accepted"),
    ]


def test_refusing_and_asking_for_a_study_need_a_note(people, donor):
    proposal = submit(people, donor)
    for answer, message in (("refuse", "refused"), ("study", "studied")):
        with pytest.raises(proposals.ProposalError, match=message):
            proposals.proposal_answer(proposal=proposal, actor=people["planning"], answer=answer)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


def test_a_study_gets_a_new_deadline_then_an_answer(people, donor):
    proposal = submit(people, donor)
    first_due = proposal.answer_due_at
    proposals.proposal_answer(
        proposal=proposal, actor=people["planning"], answer="study", note="دراسة الاحتياج"
    )
    assert proposal.answer_due_at > first_due
    with pytest.raises(proposals.ProposalError, match="already answered"):
        proposals.proposal_answer(
            proposal=proposal, actor=people["planning"], answer="study", note="مرة ثانية"
        )
    proposals.proposal_answer(
        proposal=proposal, actor=people["planning"], answer="refuse", note="لا يتوافق مع الخطة"
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REFUSED
    assert proposal.answer_note == "لا يتوافق مع الخطة"


@pytest.mark.parametrize("who", ["staff", "manager", "management"])
def test_only_planning_answers(people, donor, who):
    proposal = submit(people, donor)
    with pytest.raises(PermissionDenied):
        proposals.proposal_answer(proposal=proposal, actor=people[who], answer="accept")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


def test_an_accepted_proposal_is_linked_once_to_its_programme(people, donor, category):
    proposal = submit(people, donor)
    programme = make_programme("BAG-1", "الحقيبة المدرسية", category=category)
    with pytest.raises(proposals.ProposalError, match="Only an accepted proposal"):
        proposals.proposal_link_programme(
            proposal=proposal, actor=people["planning"], programme=programme
        )
    proposals.proposal_answer(proposal=proposal, actor=people["planning"], answer="accept")
    proposals.proposal_link_programme(
        proposal=proposal, actor=people["manager"], programme=programme
    )
    proposal.refresh_from_db()
    assert (proposal.programme, proposal.linked_by) == (programme, people["manager"])
    assert list(programme.proposals.all()) == [proposal]
    stale = ProgrammeProposal.objects.get(pk=proposal.pk)
    stale.programme = None  # a page drawn before the link
    with pytest.raises(proposals.ProposalError, match="not waiting for its programme"):
        proposals.proposal_link_programme(
            proposal=stale, actor=people["planning"], programme=programme
        )


def test_creating_the_programme_from_a_proposal_needs_the_right_to_add_programmes(
    people, donor, category
):
    proposal = submit(people, donor, category)
    proposals.proposal_answer(proposal=proposal, actor=people["planning"], answer="accept")
    with pytest.raises(PermissionDenied):
        proposals.proposal_create_programme(
            proposal=proposal,
            actor=people["staff"],
            code="BAG-1",
            name="الحقيبة",
            category=category,
            budget=Decimal("1"),
            portfolio_year=2027,
        )
    programme = proposals.proposal_create_programme(
        proposal=proposal,
        actor=people["planning"],
        code="BAG-1",
        name="الحقيبة المدرسية",
        category=category,
        budget=Decimal("25000"),
        portfolio_year=2027,
    )
    assert Programme.objects.get(code="BAG-1") == programme
    assert programme.portfolio_year == 2027
    proposal.refresh_from_db()
    assert proposal.programme == programme


# --- "عملي" -------------------------------------------------------------------------------


def section(user, title):
    return next((s for s in work_sections_for(user) if s.title == title), None)


TO_ANSWER = "Programme proposals awaiting your answer"
ANSWERS = "Planning's answers to programme proposals"
TO_ADD = "Accepted proposals to add to the portfolio"


def test_planning_sees_proposals_to_answer_with_their_deadline(people, donor):
    proposal = submit(people, donor)
    found = section(people["planning"], TO_ANSWER)
    assert [item.title for item in found.items] == [proposal.title]
    assert found.items[0].url == reverse("programmes:proposal_detail", args=[proposal.pk])
    assert not found.items[0].is_overdue
    ProgrammeProposal.objects.filter(pk=proposal.pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert section(people["planning"], TO_ANSWER).items[0].is_overdue
    assert section(people["manager"], TO_ANSWER) is None


def test_the_proposer_and_the_crm_manager_read_the_answer(people, donor, make_user):
    from association import roles

    colleague = make_user(roles.CRM_STAFF, username="colleague")
    proposal = submit(people, donor)
    assert section(people["staff"], ANSWERS) is None
    proposals.proposal_answer(
        proposal=proposal, actor=people["planning"], answer="refuse", note="خارج الخطة"
    )
    assert [i.title for i in section(people["staff"], ANSWERS).items] == [proposal.title]
    assert [i.title for i in section(people["manager"], ANSWERS).items] == [proposal.title]
    assert section(colleague, ANSWERS) is None
    assert section(people["planning"], ANSWERS) is None
    # Two weeks later the answer leaves the page.
    ProgrammeProposal.objects.filter(pk=proposal.pk).update(
        answered_at=timezone.now() - datetime.timedelta(days=15)
    )
    assert section(people["staff"], ANSWERS) is None


def test_accepted_proposals_wait_for_their_programme_on_my_work(people, donor, category):
    proposal = submit(people, donor)
    proposals.proposal_answer(proposal=proposal, actor=people["planning"], answer="accept")
    for who in ("planning", "manager"):
        assert [i.title for i in section(people[who], TO_ADD).items] == [proposal.title]
    assert section(people["staff"], TO_ADD) is None
    proposals.proposal_link_programme(
        proposal=proposal, actor=people["planning"], programme=make_programme(category=category)
    )
    assert section(people["planning"], TO_ADD) is None


def test_the_proposals_search_finds_a_donor_in_any_spelling(people, donor):
    proposal = submit(people, donor)
    other = submit(people, make_donor("شركة النور"), title="برنامج آخر")
    found = ProgrammeProposal.objects.filter
    assert list(found(proposals.search_donor_filter("مؤسسه الخير"))) == [proposal]
    assert list(found(proposals.search_donor_filter("الحقيبة"))) == [proposal]
    assert list(found(proposals.search_donor_filter("النور"))) == [other]
