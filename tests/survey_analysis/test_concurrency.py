"""Two people acting at the same instant on PostgreSQL, each in their own connection: a
treatment step marked done twice, a story approved twice, findings written twice. One
wins or both are written one after the other; never two rows or a lost step."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from survey_analysis import services
from survey_analysis.errors import SurveyAnalysisError
from survey_analysis.models import (
    RoundFindings,
    SuccessStory,
    SuccessStoryTransition,
    TreatmentAction,
)
from surveys.models import Round, RoundState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.survey_analysis.support import answer_many, make_round

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def one_wins(outcomes):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, SurveyAnalysisError)


def test_a_treatment_step_is_marked_done_once(people):
    action = services.action_create(
        survey_round=make_round(state=RoundState.TREATMENT),
        item=None,
        text="صيانة",
        owner=people["crm_staff"],
        due_on=timezone.localdate() + datetime.timedelta(days=1),
        actor=people["crm_manager"],
    )
    outcomes = run_together(
        lambda: services.action_complete(
            action=TreatmentAction.objects.get(pk=action.pk), note="أنا", actor=people["crm_staff"]
        ),
        lambda: services.action_complete(
            action=TreatmentAction.objects.get(pk=action.pk),
            note="بل أنا",
            actor=people["crm_manager"],
        ),
    )
    one_wins(outcomes)


def test_a_double_click_approves_a_story_once(people):
    story = services.story_create(
        title="قصة",
        story="كاملة",
        anonymised="مجهلة",
        consent_to_publish=True,
        consent_note="",
        survey_round=None,
        response=None,
        programme=None,
        donors=[],
        actor=people["crm_staff"],
    )
    services.story_submit(story=story, actor=people["crm_staff"])
    outcomes = run_together(
        *[
            lambda: services.story_approve(
                story=SuccessStory.objects.get(pk=story.pk), actor=people["crm_manager"]
            )
        ]
        * 2
    )
    one_wins(outcomes)
    assert SuccessStoryTransition.objects.filter(story=story, target="approved").count() == 1


def test_findings_written_twice_at_once_stay_one_row(people):
    survey_round = make_round(state=RoundState.ANALYSING)
    answer_many(survey_round, [[5] * 11] * 2)

    def write(words):
        return lambda: services.findings_write(
            survey_round=Round.objects.get(pk=survey_round.pk),
            level="high",
            conclusions=words,
            recommendations="",
            actor=people["quality"],
        )

    outcomes = run_together(write("الأولى"), write("الثانية"))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert RoundFindings.objects.filter(round=survey_round).count() == 1
