"""The demo loader: a round collecting answers now, with answers from its links and paper
forms and one low score that opened a case; loading again adds nothing."""

import pytest

from association.demo import load_demo_data
from surveys.demo import load_demo_surveys
from surveys.models import Response, Round

pytestmark = pytest.mark.django_db


def test_the_demo_round_collects_answers_and_loads_once():
    load_demo_data()
    assert load_demo_surveys() == 1
    survey_round = Round.objects.get()
    assert survey_round.state == "collecting" and survey_round.centres.count() == 2
    responses = Response.objects.filter(round=survey_round)
    assert responses.filter(channel="paper").exists() and responses.filter(channel="link").exists()
    assert responses.exclude(follow_up_case=None).count() == 1
    assert survey_round.transitions.first().note == "أُعدت الجولة."
    assert load_demo_surveys() == 0 and Round.objects.count() == 1
