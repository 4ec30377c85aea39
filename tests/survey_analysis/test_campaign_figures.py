"""Survey statement 9 (advertising) in the evaluation of a campaign that promoted the
programme: the rounds of its programmes ended from its launch to the attribution window."""

import datetime
from decimal import Decimal

import pytest

from campaigns.evaluation_figures import evaluation_figures
from campaigns.models import Campaign
from surveys.models import RoundState
from tests.survey_analysis.support import answer_many, make_programme, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def advertising(values):
    row = [5] * 11
    row[8] = values
    return row


def test_statement_9_feeds_the_campaign_that_promoted_the_programme(people):
    programme = make_programme()
    campaign = Campaign.objects.create(
        title="حملة رمضان",
        objectives="التعريف بالبرنامج",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        launched_on=datetime.date(2026, 3, 2),
        adhoc_reason="حملة عاجلة",
        budget=Decimal("5000"),
        created_by=people["crm_manager"],
    )
    assert evaluation_figures(campaign) == []
    campaign.programmes.add(programme)
    inside = make_round(programme=programme, ended_on=datetime.date(2026, 4, 15))
    answer_many(inside, [advertising(4), advertising(2)])
    before = make_round(
        programme=programme, ended_on=datetime.date(2026, 1, 1), state=RoundState.DONE
    )
    answer_many(before, [advertising(1)] * 5)
    other = make_round(programme=make_programme("آخر", "P-9"), ended_on=datetime.date(2026, 4, 1))
    answer_many(other, [advertising(1)] * 5)
    [figure] = evaluation_figures(campaign)
    assert figure.key == "survey-advertising"
    assert figure.value == "3.00 / 5 · 50.0%"
    assert figure.detail.startswith("2 answers in 1 survey round")
