"""Real concurrency on PostgreSQL: two people take the same step of a round at the same
instant, or one invitation is answered twice at once. One wins; the other reads a clear
message and the step (or the answer) is recorded once."""

import pytest
from django.db import connection
from django.utils import translation

from association import roles
from surveys import services
from surveys.errors import ResponseError, SurveyError
from surveys.models import Response, RoundTransition
from tests.concurrency import run_together
from tests.conftest import skip_or_fail
from tests.helpers import user_with

from .helpers import collecting_round, full_answers, invitation_for, prepared_round

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def one_wins(outcomes, error_class):
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, error_class)
    return error


def test_two_reviewers_approve_the_same_round_once():
    survey_round = prepared_round()
    quality = user_with(roles.QUALITY_OFFICER, "q2")
    services.round_submit_for_review(survey_round=survey_round, actor=quality)
    crm = user_with(roles.CRM_MANAGER, "crm2")
    centres = user_with(roles.CENTRES_MANAGER, "centres2")
    outcomes = run_together(
        lambda: services.round_approve_content(survey_round=survey_round, actor=crm),
        lambda: services.round_approve_content(survey_round=survey_round, actor=centres),
    )
    error = one_wins(outcomes, SurveyError)
    # The threads speak the site's language: the stale step's message, in Arabic.
    with translation.override("ar"):
        assert str(error) == str(services.ROUND_WORKFLOW.stale_message)
    assert RoundTransition.objects.filter(round=survey_round, target="collecting").count() == 1


def test_an_invitation_answered_twice_at_once_is_written_once():
    survey_round = collecting_round()
    invitation = invitation_for(survey_round)
    values = full_answers(survey_round)

    def answer():
        return services.response_submit(
            survey_round=survey_round, channel="invitation", invitation=invitation, values=values
        )

    one_wins(run_together(answer, answer), ResponseError)
    assert Response.objects.filter(invitation=invitation).count() == 1
