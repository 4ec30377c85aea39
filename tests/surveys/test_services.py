"""The surveys' services: the instruments as the manual writes them, the eight steps with
their roles, deadlines and records, the form's new versions, the answers and every rule that
refuses them, the follow-up case, the invitations and their consent."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from association.workdays import working_deadline
from complaints.models import Case
from core.mywork import work_sections_for
from messaging.models import Message
from messaging.services import consents_record
from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus
from programmes.services import programme_update
from surveys import plugins, selectors, services
from surveys.errors import ResponseError, SurveyError
from surveys.models import (
    Answer,
    InstrumentKind,
    Invitation,
    Response,
    Round,
    RoundState,
    RoundTransition,
    SurveySettings,
)
from tests.factories import CentreFactory

from .helpers import collecting_round, customer, full_answers, invitation_for, prepared_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SEED_STATEMENTS = [
    "بشكل عام أشعر بالرضا عن الخدمة التي قدمت لي",
    "أشعر بأنه تم تحقيق الفائدة المرجوة من حصولي على الخدمة",
    "أعتقد بأن مكان تقديم الخدمة ذو جودة عالية",
    "تم تنفيذ وتنظيم الخدمة بكفاءة عالية",
    "أعتقد بأنه تم الالتزام والتقيد المواعيد المحددة",
    "يتميز مقدم البرنامج بالكفاءة العالية",
    "أتطلع الى الحصول على مزيد من الخدمات في المستقبل",
    "سأقوم بتوصية معارفي من سكان الحي على الاستفادة من خدمات الجمعية",
    "أعتقد بأن طريقة الاعلان عن الخدمة كانت فعالة",
    "أشعر بأن الخدمة المقدمة تتوافق مع توقعاتي وتطلعاتي",
    "أعتقد بأن رسوم الاشتراك (ان وجدت) رمزية وفي متناول الجميع",
]


# --- instruments ---------------------------------------------------------------------------


def test_the_beneficiary_form_is_the_manuals_word_for_word():
    version = selectors.beneficiary_version()
    items = selectors.version_items(version)
    assert [item.text for item in items] == SEED_STATEMENTS
    assert [item.kind for item in items] == ["scale"] * 11
    assert version.scale_labels == [
        "اعارض بشدة",
        "لا أوافق",
        "اوافق نوعا ما",
        "أوافق",
        "أوافق بشدة",
    ]
    assert version.suggestions_label == "الاقتراحات للبرامج/ الفعاليات القادمة"
    assert [item.position for item in items if item.about_presenter] == [6]


def test_a_donor_survey_is_proposed_with_a_score_and_comments():
    items = selectors.version_items(selectors.current_version(InstrumentKind.DONOR))
    assert [item.code for item in items] == [
        "reporting",
        "transparency",
        "impact",
        "contact",
        "fund_again",
        "recommend",
        "comments",
    ]
    assert {item.kind for item in items} == {"scale", "yes_no", "score", "text"}


def test_revising_the_form_makes_a_new_version_and_keeps_the_old(people):
    survey_round = prepared_round()
    old = survey_round.version
    revised = services.version_revise(
        version=old,
        actor=people["quality"],
        texts={"venue": "أعتقد بأن مكان تقديم الخدمة مريح ومناسب"},
        change_note="توصية المراجعة",
        survey_round=survey_round,
    )
    survey_round.refresh_from_db()
    assert revised.number == old.number + 1 and survey_round.version == revised
    assert old.items.get(code="venue").text == SEED_STATEMENTS[2]
    assert revised.items.get(code="venue").text == "أعتقد بأن مكان تقديم الخدمة مريح ومناسب"
    assert revised.items.count() == 11
    assert "2" in survey_round.transitions.last().note


def test_a_revision_must_change_something_and_say_what(people):
    survey_round = prepared_round()
    with pytest.raises(SurveyError, match="Nothing changed"):
        services.version_revise(
            version=survey_round.version, actor=people["quality"], texts={}, change_note="x"
        )
    with pytest.raises(SurveyError, match="what changed"):
        services.version_revise(
            version=survey_round.version,
            actor=people["quality"],
            texts={"venue": "نص"},
            change_note=" ",
        )
    with pytest.raises(PermissionDenied):
        services.version_revise(
            version=survey_round.version,
            actor=people["crm_staff"],
            texts={"venue": "نص"},
            change_note="x",
        )


# --- rounds and their steps ----------------------------------------------------------------


def test_step_one_is_due_one_working_day_after_the_end(people):
    thursday = datetime.date(2026, 12, 3)  # the next working day is Sunday the 6th
    survey_round = prepared_round(ended_on=thursday)
    assert timezone.localtime(survey_round.due_at).date() == datetime.date(2026, 12, 6)
    assert survey_round.state == RoundState.PREPARING
    assert survey_round.transitions.get().actor.username == "survey_quality"


def test_a_completed_programme_prepares_its_round_once(people):
    centre = CentreFactory()
    category = ProgrammeCategory.objects.create(name="برامج اجتماعية")
    programme = Programme.objects.create(
        code="P-100",
        name="برنامج الأسرة",
        category=category,
        end_date=datetime.date(2026, 12, 3),
        status=ProgrammeStatus.ACTIVE,
    )
    programme.centres.set([centre])
    manager = people["planning"]
    programme_update(programme=programme, actor=manager, status=ProgrammeStatus.COMPLETED)
    survey_round = Round.objects.get(programme=programme)
    assert survey_round.title == "برنامج الأسرة"
    assert list(survey_round.centres.values_list("centre", flat=True)) == [centre.pk]
    assert timezone.localtime(survey_round.due_at).date() == datetime.date(2026, 12, 6)
    programme_update(programme=programme, actor=manager, description="وصف")
    assert Round.objects.filter(programme=programme).count() == 1


@pytest.mark.usefixtures("without_part_two")
def test_each_step_is_taken_by_its_role_with_its_deadline_and_recorded(people):
    survey_round = prepared_round()
    before = timezone.now()
    with pytest.raises(PermissionDenied):
        services.round_submit_for_review(survey_round=survey_round, actor=people["crm_manager"])
    services.round_submit_for_review(survey_round=survey_round, actor=people["quality"])
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.IN_REVIEW
    assert survey_round.due_at == working_deadline(survey_round.step_started_at, 2)
    with pytest.raises(PermissionDenied):
        services.round_approve_content(survey_round=survey_round, actor=people["quality"])
    services.round_approve_content(survey_round=survey_round, actor=people["crm_manager"])
    steps = [
        ("close_collection", "quality", RoundState.ANALYSING, 3),
        ("submit_report", "quality", RoundState.REPORT_REVIEW, 3),
        ("discuss_report", "centres_manager", RoundState.TREATMENT, 5),
        ("agree_treatment", "crm_manager", RoundState.DECISION, 5),
        ("decide", "management", RoundState.DONOR_SURVEY, 5),
        ("finish", "crm_manager", RoundState.DONE, None),
    ]
    for step, who, state, days in steps:
        services.STEP_SERVICES[step](survey_round=survey_round, actor=people[who], note=step)
        survey_round.refresh_from_db()
        assert survey_round.state == state
        if days is None:
            assert survey_round.due_at is None
        else:
            assert survey_round.due_at == working_deadline(survey_round.step_started_at, days)
    trail = list(RoundTransition.objects.filter(round=survey_round).order_by("id"))
    assert [t.target for t in trail][-6:] == [s for _n, _w, s, _d in steps]
    assert all(t.at >= before for t in trail[1:])
    assert trail[-1].actor == people["crm_manager"] and trail[-1].note == "finish"


def test_a_step_the_round_is_not_at_is_refused_with_a_message(people):
    survey_round = prepared_round()
    with pytest.raises(SurveyError, match="no longer at this step"):
        services.round_decide(survey_round=survey_round, actor=people["management"])


def test_a_round_without_centres_cannot_go_to_review(people):
    survey_round = prepared_round(centres=[])
    with pytest.raises(SurveyError, match="at least one centre"):
        services.round_submit_for_review(survey_round=survey_round, actor=people["quality"])


def test_recommending_changes_needs_them_written_and_returns_the_round(people):
    survey_round = prepared_round()
    services.round_submit_for_review(survey_round=survey_round, actor=people["quality"])
    with pytest.raises(SurveyError, match="changes you recommend"):
        services.round_recommend_changes(
            survey_round=survey_round, actor=people["crm_manager"], note=" "
        )
    services.round_recommend_changes(
        survey_round=survey_round, actor=people["crm_manager"], note="صياغة البند 3"
    )
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.PREPARING
    assert survey_round.review_recommendations == "صياغة البند 3"


def test_cancelling_needs_a_reason(people):
    survey_round = prepared_round()
    with pytest.raises(SurveyError, match="why"):
        services.round_cancel(survey_round=survey_round, actor=people["quality"], note="")
    services.round_cancel(survey_round=survey_round, actor=people["quality"], note="أُلغي النشاط")
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.CANCELLED and survey_round.due_at is None


@pytest.mark.usefixtures("without_part_two")
def test_part_two_plugs_a_gate_into_a_step(people):
    survey_round = collecting_round()
    services.round_close_collection(survey_round=survey_round, actor=people["quality"])

    def report_written(record):
        return "Write the results report first."

    plugins.register_gate("submit_report", report_written)
    try:
        survey_round.refresh_from_db()
        assert "submit_report" not in services.ROUND_WORKFLOW.available_actions(
            survey_round, people["quality"]
        )
        with pytest.raises(SurveyError, match="results report first"):
            services.round_submit_report(survey_round=survey_round, actor=people["quality"])
    finally:
        plugins._gates["submit_report"].remove(report_written)
    services.round_submit_report(survey_round=survey_round, actor=people["quality"])


def test_only_one_open_round_per_programme(people):
    category = ProgrammeCategory.objects.create(name="فئة")
    programme = Programme.objects.create(code="P-1", name="برنامج", category=category)
    prepared_round(programme=programme, activity_name="")
    with pytest.raises(SurveyError, match="already has a survey round"):
        prepared_round(programme=programme, activity_name="")


def test_my_work_shows_the_waiting_step_to_its_role_with_the_deadline(people):
    survey_round = prepared_round(ended_on=timezone.localdate() - datetime.timedelta(days=10))
    sections = {s.title: s for s in work_sections_for(people["quality"])}
    item = sections["Satisfaction surveys"].items[0]
    assert survey_round.title in item.title and item.due == survey_round.due_at
    assert item.is_overdue
    assert "Satisfaction surveys" not in {s.title for s in work_sections_for(people["management"])}


# --- answers -------------------------------------------------------------------------------


def test_an_answer_is_written_with_its_version_and_every_item():
    survey_round = collecting_round()
    centre = survey_round.centres.get().centre
    response = services.response_submit(
        survey_round=survey_round,
        channel="link",
        values=full_answers(survey_round, 5, overall=3),
        personal={"age_band": "26-35", "first_time": True, "suggestions": "المزيد"},
        centre=centre,
    )
    assert response.version == survey_round.version and response.centre == centre
    assert Answer.objects.filter(response=response).count() == 11
    assert Answer.objects.get(response=response, item__code="overall").value == 3
    assert response.age_band == "26-35" and response.first_time is True
    assert not response.is_identified


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overall": 6}, "between 1 and 5"),
        ({"overall": 0}, "between 1 and 5"),
        ({"overall": "4"}, "between 1 and 5"),
        ({"overall": None}, "still without an answer"),
    ],
)
def test_out_of_range_or_missing_answers_write_nothing(change, message):
    survey_round = collecting_round()
    values = full_answers(survey_round)
    item = survey_round.version.items.get(code="overall")
    values[item.pk] = change["overall"]
    with pytest.raises(ResponseError, match=message):
        services.response_submit(survey_round=survey_round, channel="link", values=values)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_item_of_another_form_is_refused():
    survey_round = collecting_round()
    values = full_answers(survey_round)
    values[999999] = 3
    with pytest.raises(ResponseError, match="does not match"):
        services.response_submit(survey_round=survey_round, channel="link", values=values)


def test_a_closed_round_takes_no_answer(people):
    survey_round = collecting_round()
    services.round_close_collection(survey_round=survey_round, actor=people["quality"])
    with pytest.raises(ResponseError, match="closed"):
        services.response_submit(
            survey_round=survey_round, channel="link", values=full_answers(survey_round)
        )
    assert not Response.objects.exists()


def test_a_round_being_prepared_takes_no_answer():
    survey_round = prepared_round()
    with pytest.raises(ResponseError, match="closed"):
        services.response_submit(
            survey_round=survey_round, channel="link", values=full_answers(survey_round)
        )


def test_an_invitation_is_answered_once():
    survey_round = collecting_round()
    invitation = invitation_for(survey_round)
    services.response_submit(
        survey_round=survey_round,
        channel="invitation",
        invitation=invitation,
        values=full_answers(survey_round),
    )
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Response.objects.get().customer == invitation.customer
    with pytest.raises(ResponseError, match="already been answered"):
        services.response_submit(
            survey_round=survey_round,
            channel="invitation",
            invitation=Invitation.objects.get(pk=invitation.pk),
            values=full_answers(survey_round),
        )
    assert Response.objects.count() == 1


def test_a_paper_form_needs_the_permission_and_is_saved_once(people):
    survey_round = collecting_round()
    values = full_answers(survey_round)
    with pytest.raises(PermissionDenied):
        services.response_submit(
            survey_round=survey_round, channel="paper", values=values, entered_by=people["planning"]
        )
    services.response_submit(
        survey_round=survey_round,
        channel="paper",
        values=values,
        entered_by=people["centres_staff"],
        submission_key="a" * 32,
    )
    with pytest.raises(ResponseError, match="already saved"):
        services.response_submit(
            survey_round=survey_round,
            channel="paper",
            values=values,
            entered_by=people["centres_staff"],
            submission_key="a" * 32,
        )
    assert Response.objects.get().entered_by == people["centres_staff"]


def test_a_bad_mobile_or_age_band_writes_nothing():
    survey_round = collecting_round()
    for personal, message in (
        ({"mobile": "12345"}, "valid Saudi mobile"),
        ({"age_band": "99"}, "age bands"),
    ):
        with pytest.raises(ResponseError, match=message):
            services.response_submit(
                survey_round=survey_round,
                channel="link",
                values=full_answers(survey_round),
                personal=personal,
            )
    assert not Response.objects.exists()


def test_the_database_holds_answers_in_their_range():
    survey_round = collecting_round()
    response = services.response_submit(
        survey_round=survey_round, channel="link", values=full_answers(survey_round)
    )
    answer = response.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(answer).objects.filter(pk=answer.pk).update(value=9)


# --- the follow-up case --------------------------------------------------------------------


def identified(mobile="+966502223344", may_contact=True):
    return {"name": "سلمان الحارثي", "mobile": mobile, "may_contact": may_contact}


def test_a_low_score_from_an_identified_respondent_opens_a_case_linked_both_ways():
    survey_round = collecting_round()
    response = services.response_submit(
        survey_round=survey_round,
        channel="link",
        values=full_answers(survey_round, 4, overall=2),
        personal=identified(),
        centre=survey_round.centres.get().centre,
    )
    case = response.follow_up_case
    assert case is not None and case.channel == "survey" and case.kind == "complaint"
    assert case.contact_mobile == "+966502223344" and case.survey_response == response
    assert f"/surveys/{survey_round.pk}/" in case.description
    assert case.get_channel_display() == "Satisfaction survey"


@pytest.mark.parametrize(
    ("score", "personal"),
    [
        (3, identified()),
        (1, identified(may_contact=False)),
        (1, {"may_contact": True, "name": "بلا جوال"}),
        (1, {}),
    ],
)
def test_no_case_without_a_low_score_consent_and_a_way_to_call(score, personal):
    survey_round = collecting_round()
    services.response_submit(
        survey_round=survey_round,
        channel="link",
        values=full_answers(survey_round, 4, overall=score),
        personal=personal,
    )
    assert not Case.objects.exists()


def test_the_admin_chooses_the_item_and_the_threshold():
    SurveySettings.objects.filter(pk=1).update(follow_up_item_code="benefit", follow_up_max_value=3)
    survey_round = collecting_round()
    services.response_submit(
        survey_round=survey_round,
        channel="link",
        values=full_answers(survey_round, 5, benefit=3),
        personal=identified(),
    )
    assert Case.objects.count() == 1


# --- invitations ---------------------------------------------------------------------------


def consent(person, given=True, channel="sms"):
    consents_record(
        customer_id=person.pk,
        changes={f"{channel}.surveys": given},
        at=timezone.now(),
        source="form",
    )


def test_invitations_go_only_to_those_who_consented_and_never_twice(people):
    survey_round = collecting_round()
    agreed = customer("موافق", "+966501000001")
    refused = customer("رافض", "+966501000002")
    silent = customer("لم يُسأل", "+966501000003")
    consent(agreed)
    consent(refused, given=False)
    body = "{الاسم}، شاركنا رأيك: {الرابط}"
    tally = services.invitations_send(
        survey_round=survey_round,
        actor=people["quality"],
        customers=[agreed, refused, silent],
        channel="sms",
        body=body,
    )
    assert (tally.sent, tally.without_consent, tally.already_invited) == (1, 2, 0)
    invitation = Invitation.objects.get()
    assert invitation.customer == agreed and invitation.message is not None
    message = Message.objects.get(pk=invitation.message_id)
    assert message.purpose == "surveys" and message.customer == agreed
    assert message.values["link"].endswith(f"/public/surveys/i/{invitation.token}/")
    again = services.invitations_send(
        survey_round=survey_round,
        actor=people["quality"],
        customers=[agreed],
        channel="sms",
        body=body,
    )
    assert again.already_invited == 1 and Invitation.objects.count() == 1


def test_an_invitation_needs_the_link_the_role_and_a_collecting_round(people):
    survey_round = collecting_round()
    person = customer()
    consent(person)
    with pytest.raises(SurveyError, match="must contain the link"):
        services.invitations_send(
            survey_round=survey_round,
            actor=people["quality"],
            customers=[person],
            channel="sms",
            body="شاركنا رأيك",
        )
    with pytest.raises(PermissionDenied):
        services.invitations_send(
            survey_round=survey_round,
            actor=people["crm_staff"],
            customers=[person],
            channel="sms",
            body="{الرابط}",
        )
    services.round_close_collection(survey_round=survey_round, actor=people["quality"])
    with pytest.raises(SurveyError, match="collects answers"):
        services.invitations_send(
            survey_round=survey_round,
            actor=people["quality"],
            customers=[person],
            channel="sms",
            body="{الرابط}",
        )
    assert not Invitation.objects.exists()
