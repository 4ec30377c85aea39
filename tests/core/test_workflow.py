"""core.workflow: a step needs a transaction and writes its audit row; the actions a page
offers are exactly the steps the services accept, for every state and role."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from association import roles
from complaints import faq
from complaints import services as case_services
from complaints.errors import FaqError, RecommendationError, SolutionError
from complaints.models import CaseState, FaqState
from core.workflow import NoTransactionError, available_actions, record_field
from customers import services as customer_services
from customers.models import RequestKind, RequestState, RequestTransition, StewardDesignation
from tests.factories import CentreFactory, StaffProfileFactory, UserFactory

from ..customers.conftest import blank_values


def user_with(role, username):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role.group_name))
    return user


class _Rollback(Exception):
    pass


def accepted(call, *refusals):
    """Whether the service accepts the call; what it did is rolled back either way."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, *refusals):
        return False


def assert_actions_match_services(record_at, users, services_by_action, listed, *refusals):
    """For each user: an action is listed ⇔ the service accepts it (on a fresh copy)."""
    for name, user in users.items():
        offered = set(listed(record_at(), user))
        taken = {
            action
            for action, call in services_by_action.items()
            if accepted(lambda call=call, user=user: call(record_at(), user), *refusals)
        }
        assert offered == taken, f"{name}: offered {sorted(offered)}, accepted {sorted(taken)}"


# --- the step itself ----------------------------------------------------------------------


@pytest.fixture
def form_people(db):
    crew = {
        "staff": user_with(roles.CRM_STAFF, "staff"),
        "staff2": user_with(roles.CRM_STAFF, "staff2"),
        "manager": user_with(roles.CRM_MANAGER, "manager"),
        "steward": user_with(roles.DATA_STEWARD, "steward"),
        "deputy": user_with(roles.DEPUTY_STEWARD, "deputy"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
    }
    StewardDesignation.objects.create(steward=crew["steward"], deputy=crew["deputy"])
    return crew


def draft_form(preparer):
    return customer_services.customer_request_create(
        actor=preparer,
        kind=RequestKind.CREATE,
        reason="عميل جديد",
        lines=[(None, blank_values(), None)],
        submit=False,
    )


@pytest.mark.django_db(transaction=True)
def test_a_step_outside_a_transaction_is_a_programming_error(form_people):
    form = draft_form(form_people["staff"])
    with pytest.raises(NoTransactionError):
        customer_services.REQUEST_WORKFLOW.take_step(form, "submit", actor=form_people["staff"])
    form.refresh_from_db()
    assert form.state == RequestState.DRAFT
    assert not RequestTransition.objects.exists()


@pytest.mark.django_db
def test_a_step_saves_the_record_and_its_audit_row_together(form_people):
    form = draft_form(form_people["staff"])
    with transaction.atomic():
        row = customer_services.REQUEST_WORKFLOW.take_step(
            form, "submit", actor=form_people["staff"], note="جاهز"
        )
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED
    assert form.due_at is None  # no before_save given: the service's own deadline is not set
    assert RequestTransition.objects.get() == row
    assert (row.request, row.source, row.target) == (form, "draft", "submitted")
    assert (row.actor, row.note) == (form_people["staff"], "جاهز")


@pytest.mark.django_db
def test_a_refused_step_writes_nothing(form_people):
    form = draft_form(form_people["staff"])
    with pytest.raises(customer_services.RequestError), transaction.atomic():
        customer_services.REQUEST_WORKFLOW.take_step(form, "approve", actor=form_people["manager"])
    form.refresh_from_db()
    assert form.state == RequestState.DRAFT
    assert not RequestTransition.objects.exists()


def test_the_audit_model_names_its_record():
    from customers.models import CustomerRequest

    assert record_field(RequestTransition, CustomerRequest()) == "request"


# --- customer forms -----------------------------------------------------------------------


def _form_at(state, preparer, crew):
    form = draft_form(preparer)
    if state == RequestState.DRAFT:
        return form
    customer_services.customer_request_submit(request=form, actor=preparer)
    if state == RequestState.SUBMITTED:
        return form
    if state == RequestState.REJECTED:
        return customer_services.customer_request_reject(
            request=form, actor=_approver(preparer, crew), note="لا"
        )
    customer_services.customer_request_approve(request=form, actor=_approver(preparer, crew))
    if state == RequestState.APPROVED:
        return form
    customer_services.customer_request_enter(request=form, actor=crew["steward"])
    if state == RequestState.ENTERED:
        return form
    return customer_services.customer_request_file(request=form, actor=crew["manager"])


def _approver(preparer, crew):
    return crew["manager"] if preparer != crew["manager"] else UserFactory(is_superuser=True)


FORM_SERVICES = {
    "submit": lambda form, user: customer_services.customer_request_submit(
        request=form, actor=user
    ),
    "approve": lambda form, user: customer_services.customer_request_approve(
        request=form, actor=user, note="موافق"
    ),
    "reject": lambda form, user: customer_services.customer_request_reject(
        request=form, actor=user, note="ناقص"
    ),
    "enter": lambda form, user: customer_services.customer_request_enter(request=form, actor=user),
    "file": lambda form, user: customer_services.customer_request_file(request=form, actor=user),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [
        RequestState.DRAFT,
        RequestState.SUBMITTED,
        RequestState.REJECTED,
        RequestState.APPROVED,
        RequestState.ENTERED,
        RequestState.FILED,
    ],
)
@pytest.mark.parametrize("preparer", ["staff", "manager"])
def test_form_actions_are_what_the_services_accept(form_people, state, preparer):
    from customers.models import CustomerRequest

    pk = _form_at(state, form_people[preparer], form_people).pk
    assert_actions_match_services(
        lambda: CustomerRequest.objects.get(pk=pk),
        form_people,
        FORM_SERVICES,
        customer_services.available_actions,
        customer_services.RequestError,
    )


@pytest.mark.django_db
def test_the_deputy_is_offered_the_entry_only_while_the_steward_is_absent(form_people):
    form = _form_at(RequestState.APPROVED, form_people["staff"], form_people)
    assert customer_services.available_actions(form, form_people["steward"]) == ["enter"]
    assert customer_services.available_actions(form, form_people["deputy"]) == []
    StewardDesignation.objects.update(steward_absent=True)
    assert customer_services.available_actions(form, form_people["deputy"]) == ["enter"]
    assert available_actions(form, form_people["steward"]) == []


# --- complaint cases ----------------------------------------------------------------------


@pytest.fixture
def case_people(db):
    mine = CentreFactory()
    crew = {
        "crm": user_with(roles.CRM_STAFF, "crm"),
        "crm_manager": user_with(roles.CRM_MANAGER, "crm_manager"),
        "centres": user_with(roles.CENTRES_STAFF, "centres"),
        "centres_other": user_with(roles.CENTRES_STAFF, "centres_other"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "centres_manager"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "steward": user_with(roles.DATA_STEWARD, "steward"),
    }
    StaffProfileFactory(user=crew["centres"]).centres.add(mine)
    StaffProfileFactory(user=crew["centres_other"]).centres.add(CentreFactory())
    crew["centre"] = mine
    return crew


def _case_at(state, crew, beneficiary):
    handler = crew["centres"] if beneficiary else crew["crm"]
    case = case_services.case_register(
        actor=handler,
        kind="complaint",
        channel="phone",
        subject="تأخر الخدمة",
        description="لم تصل السلة الغذائية",
        contact_name="زائر",
        contact_kind="beneficiary" if beneficiary else "donor",
        centre=crew["centre"] if beneficiary else None,
    )
    if state == CaseState.CALLBACK_PROMISED:
        case_services.case_promise_callback(case=case, actor=handler)
    if state in (CaseState.UNDER_STUDY, CaseState.REPLIED, CaseState.CLOSED):
        case_services.case_start_study(case=case, actor=handler, causes="سبب", assignee=handler)
    if state in (CaseState.REPLIED, CaseState.CLOSED):
        case_services.case_record_reply(case=case, actor=handler, reply="تم")
    if state == CaseState.CLOSED:
        case_services.case_close(case=case, actor=handler)
    return case


CASE_SERVICES = {
    "answer_immediately": lambda case, user: case_services.case_answer_immediately(
        case=case, actor=user, answer="الجواب"
    ),
    "promise_callback": lambda case, user: case_services.case_promise_callback(
        case=case, actor=user
    ),
    "start_study": lambda case, user: case_services.case_start_study(
        case=case, actor=user, causes="السبب", assignee=user
    ),
    "record_reply": lambda case, user: case_services.case_record_reply(
        case=case, actor=user, reply="الرد"
    ),
    "close": lambda case, user: case_services.case_close(case=case, actor=user),
    "entry": lambda case, user: case_services.case_add_entry(case=case, actor=user, text="متابعة"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", CaseState.values)
@pytest.mark.parametrize("beneficiary", [True, False])
def test_case_actions_are_what_the_services_accept(case_people, state, beneficiary):
    from complaints.models import Case

    pk = _case_at(state, case_people, beneficiary).pk
    users = {name: user for name, user in case_people.items() if name != "centre"}
    assert_actions_match_services(
        lambda: Case.objects.get(pk=pk),
        users,
        CASE_SERVICES,
        case_services.available_actions,
        case_services.CaseError,
    )


# --- FAQ ----------------------------------------------------------------------------------


def _entry_at(state, crew, proposer):
    entry = faq.faq_propose(actor=crew[proposer], question="متى؟", answer="الأحد")
    publisher = crew["centres_manager"] if proposer != "centres_manager" else crew["crm_manager"]
    if state == FaqState.PUBLISHED:
        faq.faq_publish(entry=entry, actor=publisher)
    elif state == FaqState.REJECTED:
        faq.faq_reject(entry=entry, actor=publisher, note="مكرر")
    elif state == FaqState.WITHDRAWN:
        faq.faq_publish(entry=entry, actor=publisher)
        faq.faq_withdraw(entry=entry, actor=publisher, note="قديم")
    return entry


FAQ_SERVICES = {
    "edit": lambda entry, user: faq.faq_update(
        entry=entry, actor=user, question="متى بالضبط؟", answer="الأحد"
    ),
    "publish": lambda entry, user: faq.faq_publish(entry=entry, actor=user),
    "reject": lambda entry, user: faq.faq_reject(entry=entry, actor=user, note="لا"),
    "withdraw": lambda entry, user: faq.faq_withdraw(entry=entry, actor=user, note="قديم"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", FaqState.values)
@pytest.mark.parametrize("proposer", ["crm", "crm_manager"])
def test_faq_actions_are_what_the_services_accept(case_people, state, proposer):
    from complaints.models import FaqEntry

    pk = _entry_at(state, case_people, proposer).pk
    users = {name: user for name, user in case_people.items() if name != "centre"}
    assert_actions_match_services(
        lambda: FaqEntry.objects.get(pk=pk),
        users,
        FAQ_SERVICES,
        faq.available_actions,
        FaqError,
    )


# --- donor problems -----------------------------------------------------------------------


@pytest.fixture
def donor_people(db):
    return {
        "staff": user_with(roles.CRM_STAFF, "staff"),
        "manager": user_with(roles.CRM_MANAGER, "manager"),
        "resources": user_with(roles.RESOURCE_DEVELOPMENT, "resources"),
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "planning": user_with(roles.PLANNING_DIRECTOR, "planning"),
        "management": user_with(roles.MANAGEMENT, "management"),
    }


def _problem_at(state, crew):
    from django.utils import timezone

    from customers.models import Customer
    from opportunities import problems

    donor = Customer.objects.create(code=200001, name="مؤسسة الخير", kind="donor")
    problem = problems.problem_raise(
        actor=crew["staff"],
        donor=donor,
        kind="late_payment",
        severity="high",
        title="تأخر سداد الدفعة",
        description="لم تصل الدفعة في موعدها",
    )
    if state != "open":
        problems.problem_add_action(
            problem=problem, actor=crew["manager"], action_date=timezone.localdate(), text="اتصال"
        )
    if state == "resolved":
        problems.problem_resolve(problem=problem, actor=crew["manager"], resolution="تمت الجدولة")
    return problem


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "in_progress", "resolved"])
def test_problem_resolution_is_offered_to_who_the_service_accepts(donor_people, state):
    from opportunities import problems
    from opportunities.models import DonorProblem

    pk = _problem_at(state, donor_people).pk
    assert_actions_match_services(
        lambda: DonorProblem.objects.get(pk=pk),
        donor_people,
        {
            "resolve": lambda problem, user: problems.problem_resolve(
                problem=problem, actor=user, resolution="تم"
            )
        },
        lambda problem, user: [
            action for action in problems.available_actions(problem, user) if action == "resolve"
        ],
        problems.ProblemError,
    )


# --- programme proposals ------------------------------------------------------------------


def _proposal_at(state, crew):
    from customers.models import Customer
    from programmes import proposals
    from programmes.models import ProgrammeCategory

    proposal = proposals.proposal_submit(
        actor=crew["staff"],
        title="برنامج",
        category=ProgrammeCategory.objects.create(name="تعليم"),
        description="وصف",
        reason="سبب",
        donors=[Customer.objects.create(code=700501, name="مؤسسة الخير", kind="donor")],
    )
    answers = {"needs_study": ["study"], "accepted": ["accept"], "refused": ["study", "refuse"]}
    for answer in answers.get(state, []):
        proposals.proposal_answer(
            proposal=proposal, actor=crew["planning"], answer=answer, note="سبب"
        )
    return proposal


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["submitted", "needs_study", "accepted", "refused"])
def test_proposal_answers_are_offered_to_who_the_service_accepts(donor_people, state):
    from programmes import proposals
    from programmes.models import ProgrammeProposal

    pk = _proposal_at(state, donor_people).pk
    assert_actions_match_services(
        lambda: ProgrammeProposal.objects.get(pk=pk),
        donor_people,
        {
            answer: lambda proposal, user, answer=answer: proposals.proposal_answer(
                proposal=proposal, actor=user, answer=answer, note="سبب"
            )
            for answer in proposals.ANSWERS
        },
        lambda proposal, user: [
            action
            for action in proposals.available_actions(proposal, user)
            if action in proposals.ANSWERS
        ],
        proposals.ProposalError,
    )


# --- recommendations ----------------------------------------------------------------------


def _recommendation_at(state, crew):
    import datetime

    from django.utils import timezone

    from complaints import recommendations

    secretary = crew["secretary"]
    recommendation = recommendations.recommendation_raise(
        actor=crew["crm_manager"],
        text="تدريب موظفي الاستقبال",
        department="crm",
        owner=crew["crm"],
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    if state == "rejected":
        recommendations.recommendation_decide(
            actor=secretary, recommendation=recommendation, approve=False, note="لا"
        )
    if state in ("approved", "not_implemented", "investigated", "implemented"):
        recommendations.recommendation_decide(
            actor=secretary, recommendation=recommendation, approve=True
        )
    if state in ("not_implemented", "investigated"):
        recommendations.recommendation_record_implementation(
            actor=crew["crm"], recommendation=recommendation, implemented=False, note="لم يتم"
        )
    if state == "investigated":
        recommendations.recommendation_record_investigation(
            actor=crew["crm"], recommendation=recommendation, reasons="ضيق الوقت"
        )
    if state == "implemented":
        recommendations.recommendation_record_implementation(
            actor=crew["crm"], recommendation=recommendation, implemented=True
        )
    return recommendation


def _recommendation_services():
    from complaints import recommendations as recs

    return {
        "approve": lambda rec, user: recs.recommendation_decide(
            actor=user, recommendation=rec, approve=True
        ),
        "reject": lambda rec, user: recs.recommendation_decide(
            actor=user, recommendation=rec, approve=False, note="لا"
        ),
        "implemented": lambda rec, user: recs.recommendation_record_implementation(
            actor=user, recommendation=rec, implemented=True
        ),
        "not_implemented": lambda rec, user: recs.recommendation_record_implementation(
            actor=user, recommendation=rec, implemented=False, note="لم يتم"
        ),
        "investigation": lambda rec, user: recs.recommendation_record_investigation(
            actor=user, recommendation=rec, reasons="السبب"
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", ["raised", "rejected", "approved", "not_implemented", "investigated", "implemented"]
)
def test_recommendation_actions_are_what_the_services_accept(case_people, state):
    from complaints import recommendations
    from complaints.models import Recommendation

    case_people["secretary"] = user_with(roles.COUNCIL_SECRETARY, "secretary")
    pk = _recommendation_at(state, case_people).pk
    users = {name: user for name, user in case_people.items() if name != "centre"}
    assert_actions_match_services(
        lambda: Recommendation.objects.get(pk=pk),
        users,
        _recommendation_services(),
        recommendations.available_actions,
        RecommendationError,
    )


# --- proposed solutions -------------------------------------------------------------------


SOLUTION_PATHS = {
    "not_started": [],
    "in_progress": ["start"],
    "implemented": ["start", "complete"],
    "effective": ["start", "complete", "effective"],
    "not_effective": ["start", "complete", "not_effective"],
    "cancelled": ["cancel"],
}


def _solution_at(state, crew):
    import datetime

    from django.utils import timezone

    from complaints import solutions

    solution = solutions.solution_add(
        actor=crew["quality"],
        group_key="tx:تاخر توزيع سل",
        label="تأخر توزيع السلال",
        text="التعاقد مع مورد بديل",
        plan="مراجعة جدول التسليم أسبوعياً",
        owner=crew["centres_manager"],
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    for step in SOLUTION_PATHS[state]:
        solutions.solution_monitor(actor=crew["quality"], solution=solution, step=step, note="م")
    return solution


@pytest.mark.django_db
@pytest.mark.parametrize("state", SOLUTION_PATHS)
def test_solution_steps_are_what_the_services_accept(case_people, state):
    from complaints import solutions
    from complaints.models import ProposedSolution

    pk = _solution_at(state, case_people).pk
    users = {name: user for name, user in case_people.items() if name != "centre"}
    assert_actions_match_services(
        lambda: ProposedSolution.objects.get(pk=pk),
        users,
        {
            step: lambda solution, user, step=step: solutions.solution_monitor(
                actor=user, solution=solution, step=step, note="ملاحظة"
            )
            for step in solutions.STEPS
        },
        solutions.available_actions,
        SolutionError,
    )


# --- portfolio cycles ---------------------------------------------------------------------


def _cycle_at(state, crew):
    from django.utils import timezone

    from customers.models import Customer
    from opportunities.models import DonorInterest
    from programmes import cycles
    from programmes.models import CycleHalf, CycleProgramme, Programme, ProgrammeCategory

    category = ProgrammeCategory.objects.create(name="تعليم")
    programme = Programme.objects.create(
        code="EDU-1", name="برنامج محو الأمية", category=category, portfolio_year=2027
    )
    donor = Customer.objects.create(code=700001, name="مؤسسة الخير", kind="donor")
    DonorInterest.objects.create(donor=donor, category=category, recorded_by=crew["staff"])
    cycle = cycles.cycle_hand_over(
        actor=crew["planning"],
        year=2027,
        half=CycleHalf.FIRST_HALF,
        programmes=[programme],
        received_on=timezone.localdate(),
        note="محفظة النصف الأول",
    )
    if state != "handed_over":
        cycles.cycle_review(cycle=cycle, actor=crew["manager"], notes="راجعنا المحفظة")
        entry = CycleProgramme.objects.get(cycle=cycle, programme=programme)
        cycles.cycle_set_donors(cycle=cycle, entry=entry, actor=crew["manager"], donors=[donor])
    if state == "donors_identified":
        cycles.cycle_identify_donors(cycle=cycle, actor=crew["manager"])
    return cycle


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["handed_over", "reviewed", "donors_identified"])
def test_cycle_steps_are_offered_to_who_the_service_accepts(donor_people, state):
    from programmes import cycles
    from programmes.models import PortfolioCycle

    pk = _cycle_at(state, donor_people).pk
    assert_actions_match_services(
        lambda: PortfolioCycle.objects.get(pk=pk),
        donor_people,
        {
            "review": lambda cycle, user: cycles.cycle_review(cycle=cycle, actor=user, notes="تم"),
            "identify_donors": lambda cycle, user: cycles.cycle_identify_donors(
                cycle=cycle, actor=user
            ),
        },
        lambda cycle, user: [
            action
            for action in cycles.available_actions(cycle, user)
            if action in ("review", "identify_donors")
        ],
        cycles.CycleError,
    )


# --- survey rounds ------------------------------------------------------------------------

_SURVEY_PATH = (
    ("submit_for_review", "quality"),
    ("approve_content", "centres_manager"),
    ("close_collection", "quality"),
    ("submit_report", "quality"),
    ("discuss_report", "crm_manager"),
    ("agree_treatment", "crm_manager"),
    ("decide", "management"),
    ("finish", "crm_manager"),
)


@pytest.fixture
def survey_people(db):
    return {
        "quality": user_with(roles.QUALITY_OFFICER, "quality"),
        "crm_manager": user_with(roles.CRM_MANAGER, "crm_manager"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "centres_manager"),
        "management": user_with(roles.MANAGEMENT, "management"),
        "crm_staff": user_with(roles.CRM_STAFF, "crm_staff"),
        "planning": user_with(roles.PLANNING_DIRECTOR, "planning"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("steps_taken", range(len(_SURVEY_PATH) + 1))
def test_survey_round_steps_are_offered_to_who_the_service_accepts(
    survey_people, steps_taken, monkeypatch
):
    from surveys import plugins
    from surveys import services as survey_services
    from surveys.errors import SurveyError
    from surveys.models import Round
    from tests.surveys.helpers import prepared_round

    # The steps alone: survey_analysis's gates (findings, treatment steps, decision, donor
    # report) would stop the path; they are conditions too, listed ⇔ accepted all the same.
    monkeypatch.setattr(plugins, "_gates", {})

    survey_round = prepared_round()
    for action, who in _SURVEY_PATH[:steps_taken]:
        survey_services.STEP_SERVICES[action](survey_round=survey_round, actor=survey_people[who])
    pk = survey_round.pk
    assert_actions_match_services(
        lambda: Round.objects.get(pk=pk),
        survey_people,
        {
            action: lambda record, user, call=call: call(
                survey_round=record, actor=user, note="ملاحظة"
            )
            for action, call in survey_services.STEP_SERVICES.items()
        },
        survey_services.ROUND_WORKFLOW.available_actions,
        SurveyError,
    )


# --- support requests (issue 17, steps 1-5) ---------------------------------------------------


def _support_services():
    from support import services as support_services
    from support.errors import CommitteeError
    from support.models import AgendaItem, CommitteeMeeting, RejectionReason
    from tests.support.fixtures_a import scan

    def decide(outcome):
        def call(record, user):
            item = AgendaItem.objects.filter(request=record, outcome="pending").first()
            if item is None:
                raise CommitteeError("not on an agenda")
            return support_services.agenda_decide(
                item=item,
                actor=user,
                outcome=outcome,
                granted_quantity=1,
                rejection_reason=RejectionReason.objects.first(),
                note="ملاحظة",
            )

        return call

    def put_on_agenda(record, user):
        meeting = CommitteeMeeting.objects.filter(state="planned").first()
        return support_services.meeting_add_request(
            meeting=meeting, support_request=record, actor=user
        )

    return {
        "confirm_complete": lambda record, user: support_services.request_confirm_complete(
            support_request=record, actor=user, note="ملاحظة"
        ),
        "mark_incomplete": lambda record, user: support_services.request_mark_incomplete(
            support_request=record, actor=user, note="ملاحظة"
        ),
        "refer": lambda record, user: support_services.request_refer(
            support_request=record, actor=user, reason="سبب"
        ),
        "finish_research": lambda record, user: support_services.research_submit(
            support_request=record, actor=user
        ),
        "declare": lambda record, user: support_services.request_declare(
            support_request=record, actor=user, scan=scan()
        ),
        "withdraw": lambda record, user: support_services.request_withdraw(
            support_request=record, actor=user, note="سحب"
        ),
        "put_on_agenda": put_on_agenda,
        "accept": decide("accepted"),
        "reject": decide("rejected"),
    }


def _support_listed(record, user):
    from support import services as support_services

    listed = set(support_services.REQUEST_WORKFLOW.available_actions(record, user))
    if "finish_research_incomplete" in listed:  # the research's submission, either way
        listed.add("finish_research")
    return sorted(listed & set(_support_services()))


# Where the request stands before the check: the steps taken from reception, in order.
_SUPPORT_PATHS = {
    "received": (),
    "documents_checked": ("check",),
    "awaiting_declaration": ("check", "confirm"),
    "ready": ("check", "confirm", "declare"),
    "on_agenda": ("check", "confirm", "declare", "agenda"),
    "rejected": ("check", "confirm", "declare", "agenda", "reject"),
    "research": ("refer",),
    "research_written": ("refer", "write"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("where", list(_SUPPORT_PATHS))
def test_support_request_steps_are_offered_to_who_the_service_accepts(where):
    import datetime

    from django.utils import timezone

    from support import services as support_services
    from support.errors import CommitteeError, SupportRequestError
    from support.models import SupportRequest
    from tests.support.fixtures_a import (
        check_all,
        make_catalogue,
        make_people,
        make_places,
        receive,
        scan,
    )

    places = make_places()
    people = make_people(places)
    catalogue = make_catalogue()

    support_request = receive(people, places, catalogue)
    meeting = support_services.meeting_create(
        actor=people["researcher"], meets_at=timezone.now() + datetime.timedelta(days=1)
    )
    steps = {
        "check": lambda: check_all(support_request, people["centres"]),
        "confirm": lambda: support_services.request_confirm_complete(
            support_request=support_request, actor=people["centres"]
        ),
        "declare": lambda: support_services.request_declare(
            support_request=support_request, actor=people["centres"], scan=scan()
        ),
        "agenda": lambda: support_services.meeting_add_request(
            meeting=meeting, support_request=support_request, actor=people["researcher"]
        ),
        "reject": lambda: _support_services()["reject"](support_request, people["committee"]),
        "refer": lambda: support_services.request_refer(
            support_request=support_request, actor=people["centres"], reason="سبب"
        ),
        "write": lambda: support_services.research_save(
            support_request=support_request,
            actor=people["researcher"],
            values={
                "contact_method": "visit",
                "contacted_on": timezone.localdate(),
                "household_size": 4,
                "monthly_income": 1000,
                "housing_type": "rented",
                "findings": "مستحقة",
                "recommendation": "accept",
            },
        ),
    }
    for step in _SUPPORT_PATHS[where]:
        steps[step]()
        support_request.refresh_from_db()
    pk = support_request.pk
    assert_actions_match_services(
        lambda: SupportRequest.objects.get(pk=pk),
        people,
        _support_services(),
        _support_listed,
        SupportRequestError,
        CommitteeError,
    )
