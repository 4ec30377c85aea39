"""The follow-up's rules: each write only at its step and by its role, the gates of part 1's
steps, the treatment steps on their owner's «عملي», the success stories' workflow, the donor
survey only in step 8."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.mywork import work_sections_for
from survey_analysis import registrations, services
from survey_analysis.errors import SurveyAnalysisError
from survey_analysis.models import (
    DocumentKind,
    RoundDocument,
    RoundFindings,
    StoryState,
    SuccessStoryTransition,
)
from surveys import services as survey_services
from surveys.errors import SurveyError
from surveys.models import Item, RoundState
from tests.survey_analysis.support import answer_many, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

VENUE_LOW = [5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 5]


def venue(survey_round):
    return Item.objects.get(version=survey_round.version, code="venue")


def write_findings(survey_round, people):
    return services.findings_write(
        survey_round=survey_round,
        level="high",
        conclusions="رضا مرتفع",
        recommendations="قاعة أوسع",
        actor=people["quality"],
    )


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_findings_keep_the_index_and_the_weak_items_as_flagged(people):
    survey_round = make_round(state=RoundState.ANALYSING)
    answer_many(survey_round, [VENUE_LOW] * 3)
    findings = write_findings(survey_round, people)
    assert findings.weak_items == ["venue"]
    assert float(findings.satisfaction_index) == pytest.approx(92.0)  # item 6 left out
    assert findings.written_by == people["quality"]
    # Written again: the same row.
    write_findings(survey_round, people)
    assert RoundFindings.objects.filter(round=survey_round).count() == 1


@pytest.mark.parametrize("name", ["crm_manager", "management", "crm_staff"])
def test_only_the_quality_officer_writes_findings(people, name):
    survey_round = make_round(state=RoundState.ANALYSING)
    with pytest.raises(PermissionDenied):
        services.findings_write(
            survey_round=survey_round,
            level="high",
            conclusions="x",
            recommendations="",
            actor=people[name],
        )


def test_findings_are_refused_outside_step_4_and_without_words(people):
    with pytest.raises(SurveyAnalysisError, match="step 4"):
        write_findings(make_round(state=RoundState.COLLECTING), people)
    with pytest.raises(SurveyAnalysisError):
        services.findings_write(
            survey_round=make_round(),
            level="high",
            conclusions="  ",
            recommendations="",
            actor=people["quality"],
        )
    with pytest.raises(SurveyAnalysisError):
        services.findings_write(
            survey_round=make_round(),
            level="excellent",
            conclusions="x",
            recommendations="",
            actor=people["quality"],
        )
    assert not RoundFindings.objects.exists()


def test_the_report_waits_for_the_findings(people):
    survey_round = make_round(state=RoundState.ANALYSING)
    assert registrations.findings_written(survey_round)
    with pytest.raises(SurveyError, match="findings"):
        survey_services.round_submit_report(survey_round=survey_round, actor=people["quality"])
    write_findings(survey_round, people)
    survey_services.round_submit_report(survey_round=survey_round, actor=people["quality"])
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.REPORT_REVIEW


def test_each_weak_item_needs_a_treatment_step_with_an_owner(people):
    survey_round = make_round(state=RoundState.ANALYSING)
    answer_many(survey_round, [VENUE_LOW] * 3)
    write_findings(survey_round, people)
    survey_services.round_submit_report(survey_round=survey_round, actor=people["quality"])
    survey_services.round_discuss_report(survey_round=survey_round, actor=people["crm_manager"])
    with pytest.raises(SurveyError, match="treatment step"):
        survey_services.round_agree_treatment(
            survey_round=survey_round, actor=people["crm_manager"]
        )
    action = services.action_create(
        survey_round=survey_round,
        item=venue(survey_round),
        text="صيانة التكييف",
        owner=people["centres_manager"],
        due_on=tomorrow(),
        actor=people["crm_manager"],
    )
    assert action.created_by == people["crm_manager"]
    survey_services.round_agree_treatment(survey_round=survey_round, actor=people["crm_manager"])
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.DECISION


def test_treatment_steps_are_checked(people):
    survey_round = make_round(state=RoundState.TREATMENT)
    base = {
        "survey_round": survey_round,
        "item": None,
        "text": "خطوة",
        "owner": people["crm_staff"],
        "due_on": tomorrow(),
        "actor": people["crm_manager"],
    }
    with pytest.raises(PermissionDenied):
        services.action_create(**{**base, "actor": people["quality"]})
    with pytest.raises(SurveyAnalysisError, match="past"):
        services.action_create(**{**base, "due_on": timezone.localdate() - datetime.timedelta(1)})
    with pytest.raises(SurveyAnalysisError):
        services.action_create(**{**base, "text": " "})
    people["steward"].is_active = False
    people["steward"].save()
    with pytest.raises(SurveyAnalysisError, match="not active"):
        services.action_create(**{**base, "owner": people["steward"]})
    with pytest.raises(SurveyAnalysisError, match="step 6"):
        services.action_create(**{**base, "survey_round": make_round(state=RoundState.ANALYSING)})
    services.action_create(**base)


def test_a_treatment_step_is_on_its_owners_my_work_until_done_overdue_in_red(people):
    survey_round = make_round(state=RoundState.TREATMENT)
    action = services.action_create(
        survey_round=survey_round,
        item=None,
        text="حجز قاعة أوسع",
        owner=people["crm_staff"],
        due_on=timezone.localdate(),
        actor=people["crm_manager"],
    )
    section = registrations.treatment_work(people["crm_staff"])
    assert section is not None and section.items[0].title == "حجز قاعة أوسع"
    assert not section.items[0].is_overdue
    assert registrations.treatment_work(people["crm_manager"]) is None
    action.due_on = timezone.localdate() - datetime.timedelta(days=2)
    action.save()
    assert registrations.treatment_work(people["crm_staff"]).items[0].is_overdue
    assert action.is_overdue
    with pytest.raises(PermissionDenied):
        services.action_complete(action=action, note="", actor=people["quality"])
    services.action_complete(action=action, note="تم", actor=people["crm_staff"])
    assert registrations.treatment_work(people["crm_staff"]) is None
    with pytest.raises(SurveyAnalysisError, match="already"):
        services.action_complete(action=action, note="", actor=people["crm_manager"])
    assert any(s.title for s in work_sections_for(people["crm_staff"])) is not None


def test_management_records_its_decision_in_step_7_only(people):
    survey_round = make_round(state=RoundState.DECISION)
    with pytest.raises(SurveyError, match="decision"):
        survey_services.round_decide(survey_round=survey_round, actor=people["management"])
    with pytest.raises(PermissionDenied):
        services.decision_record(
            survey_round=survey_round, outcome="approved", text="x", actor=people["crm_manager"]
        )
    with pytest.raises(SurveyAnalysisError, match="step 7"):
        services.decision_record(
            survey_round=make_round(state=RoundState.TREATMENT),
            outcome="approved",
            text="x",
            actor=people["management"],
        )
    decision = services.decision_record(
        survey_round=survey_round,
        outcome="amended",
        text="اعتماد مع تعديل",
        actor=people["management"],
    )
    assert decision.decided_by == people["management"]
    survey_services.round_decide(survey_round=survey_round, actor=people["management"])
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.DONOR_SURVEY


def test_the_round_finishes_with_the_donor_report_only(people):
    survey_round = make_round(state=RoundState.DONOR_SURVEY)
    with pytest.raises(SurveyError, match="donor"):
        survey_services.round_finish(survey_round=survey_round, actor=people["crm_manager"])
    services.document_store(
        survey_round=survey_round,
        kind=DocumentKind.DONORS,
        content=b"%PDF-1.4",
        extension="pdf",
        actor=people["crm_manager"],
    )
    survey_services.round_finish(survey_round=survey_round, actor=people["crm_manager"])


def test_documents_follow_the_steps(people):
    collecting = make_round(state=RoundState.COLLECTING)
    assert services.document_refusal(collecting, DocumentKind.ANSWERS) is None
    assert services.document_refusal(collecting, DocumentKind.RESULTS)
    analysing = make_round(state=RoundState.ANALYSING)
    assert "findings" in services.document_refusal(analysing, DocumentKind.RESULTS)
    write_findings(analysing, people)
    assert services.document_refusal(analysing, DocumentKind.RESULTS) is None
    # 3.1.18: the donors' report only once the beneficiaries' results are in (step 8).
    assert "step 8" in services.document_refusal(analysing, DocumentKind.DONORS)
    with pytest.raises(PermissionDenied):
        services.document_check(
            survey_round=analysing, kind=DocumentKind.RESULTS, actor=people["crm_staff"]
        )


def test_a_new_document_replaces_the_previous_file(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    survey_round = make_round(state=RoundState.COLLECTING)
    first = services.document_store(
        survey_round=survey_round,
        kind="answers",
        content=b"one",
        extension="xlsx",
        actor=people["quality"],
    )
    old = first.file.name
    second = services.document_store(
        survey_round=survey_round,
        kind="answers",
        content=b"two",
        extension="xlsx",
        actor=people["quality"],
    )
    assert RoundDocument.objects.filter(round=survey_round).count() == 1
    assert second.file.read() == b"two"
    assert second.file.name != old


def test_the_donor_survey_only_in_step_8_and_by_the_crm_manager(people):
    from customers.models import Customer

    donor = Customer.objects.create(code=770001, name="مانح", kind="donor", email="d@example.org")
    for state in (RoundState.ANALYSING, RoundState.DECISION):
        with pytest.raises(SurveyAnalysisError, match="step 8"):
            services.donor_survey_invite(
                survey_round=make_round(state=state),
                customers=[donor],
                channel="email",
                body="{الرابط}",
                subject="",
                actor=people["crm_manager"],
            )
    with pytest.raises(PermissionDenied):
        services.donor_survey_invite(
            survey_round=make_round(state=RoundState.DONOR_SURVEY),
            customers=[donor],
            channel="email",
            body="{الرابط}",
            subject="",
            actor=people["quality"],
        )
    survey_round = make_round(state=RoundState.DONOR_SURVEY)
    survey_round.donor_version = None
    type(survey_round).objects.filter(pk=survey_round.pk).update(donor_version=None)
    tally = services.donor_survey_invite(
        survey_round=survey_round,
        customers=[donor],
        channel="email",
        body="{الرابط}",
        subject="رأيكم",
        actor=people["crm_manager"],
    )
    survey_round.refresh_from_db()
    assert survey_round.donor_version is not None  # fixed at the first invitation
    assert tally.sent + tally.without_consent == 1


def test_the_donor_invitation_carries_the_approved_stories(people):
    survey_round = make_round(state=RoundState.DONOR_SURVEY)
    story = services.story_create(
        title="قصة نجاح",
        story="الاسم الكامل",
        anonymised="إحدى المستفيدات",
        consent_to_publish=True,
        consent_note="",
        survey_round=survey_round,
        response=None,
        programme=None,
        donors=[],
        actor=people["crm_staff"],
    )
    services.story_submit(story=story, actor=people["crm_staff"])
    services.story_approve(story=story, actor=people["crm_manager"])
    from survey_analysis.selectors import approved_stories_of_round

    stories = list(approved_stories_of_round(survey_round))
    text = services.donor_invitation_text(survey_round, stories)
    assert "إحدى المستفيدات" in text and "الاسم الكامل" not in text and "{الرابط}" in text


def test_a_story_needs_consent_and_the_crm_managers_approval(people):
    story = services.story_create(
        title="قصة",
        story="كاملة",
        anonymised="مجهولة",
        consent_to_publish=False,
        consent_note="",
        survey_round=None,
        response=None,
        programme=None,
        donors=[],
        actor=people["quality"],
    )
    assert story.state == StoryState.DRAFT
    with pytest.raises(SurveyAnalysisError, match="consent"):
        services.story_submit(story=story, actor=people["quality"])
    story.consent_to_publish = True
    story.save()
    services.story_submit(story=story, actor=people["quality"])
    with pytest.raises(PermissionDenied):
        services.story_approve(story=story, actor=people["quality"])
    services.story_send_back(story=story, reason="أوضح", actor=people["crm_manager"])
    story.refresh_from_db()
    assert story.state == StoryState.RETURNED and story.return_reason == "أوضح"
    services.story_submit(story=story, actor=people["quality"])
    approved = services.story_approve(story=story, actor=people["crm_manager"])
    assert approved.is_published and approved.approved_by == people["crm_manager"]
    with pytest.raises(SurveyAnalysisError):
        services.story_approve(story=story, actor=people["crm_manager"])
    assert SuccessStoryTransition.objects.filter(story=story).count() == 5
    with pytest.raises(PermissionDenied):
        services.story_create(
            title="x",
            story="x",
            anonymised="x",
            consent_to_publish=True,
            consent_note="",
            survey_round=None,
            response=None,
            programme=None,
            donors=[],
            actor=people["centres_manager"],
        )


@pytest.mark.parametrize("state", [StoryState.DRAFT, StoryState.SUBMITTED, StoryState.RETURNED])
def test_the_story_buttons_listed_are_the_steps_the_services_accept(people, state):
    from core.workflow import available_actions
    from survey_analysis.models import SuccessStory
    from tests.core.test_workflow import assert_actions_match_services

    story = SuccessStory.objects.create(
        title="قصة", story="كاملة", anonymised="مجهلة", consent_to_publish=True, state=state
    )

    def fresh():
        return SuccessStory.objects.get(pk=story.pk)

    assert_actions_match_services(
        fresh,
        {name: people[name] for name in ("crm_staff", "crm_manager", "quality", "management")},
        {
            "submit": lambda record, user: services.story_submit(story=record, actor=user),
            "approve": lambda record, user: services.story_approve(story=record, actor=user),
            "send_back": lambda record, user: services.story_send_back(
                story=record, reason="أوضح", actor=user
            ),
        },
        available_actions,
        SurveyAnalysisError,
        PermissionDenied,
    )
