"""The analysis page and the follow-up's forms through the views: what each reader sees,
forms sent back with their errors and nothing written, the query budget of the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from survey_analysis.models import ManagementDecision, RoundFindings, SuccessStory, TreatmentAction
from surveys.models import AgeBand, Item, RoundState
from tests.survey_analysis.support import answer_many, make_programme, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FIVES = [5] * 11
VENUE_LOW = [5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 5]


def analysis_url(survey_round):
    return reverse("survey_analysis:round_analysis", args=[survey_round.pk])


def test_the_analysis_page_shows_each_statement_and_flags_the_weak_one(client, people):
    survey_round = make_round()
    answer_many(survey_round, [VENUE_LOW] * 5, suggestions="زيادة الورش")
    client.force_login(people["crm_manager"])
    page = client.get(analysis_url(survey_round)).content.decode()
    assert 'data-testid="item-venue" class="table-warning"' in page
    assert page.count('class="stack-bar"') == 11
    assert 'data-testid="satisfaction-index">92.0%' in page
    assert 'data-testid="hidden"' not in page  # five answers, a manager: item 6 shown
    assert "style=" not in page.split("<main", 1)[-1]


def test_the_quality_officer_sees_no_figure_about_the_presenter(client, people):
    survey_round = make_round()
    answer_many(survey_round, [FIVES] * 6)
    client.force_login(people["quality"])
    page = client.get(analysis_url(survey_round)).content.decode()
    assert 'data-testid="hidden"' in page and 'data-testid="presenter-note"' in page


def test_findings_sent_empty_come_back_with_their_errors_and_write_nothing(client, people):
    survey_round = make_round(state=RoundState.ANALYSING)
    client.force_login(people["quality"])
    url = reverse("survey_analysis:findings_save", args=[survey_round.pk])
    response = client.post(url, {"level": "", "conclusions": ""})
    assert response.status_code == 200 and b"findings-form" in response.content
    assert not RoundFindings.objects.exists()
    response = client.post(url, {"level": "high", "conclusions": "جيد", "recommendations": ""})
    assert response.status_code == 302 and RoundFindings.objects.filter(round=survey_round).exists()


def test_a_treatment_step_and_the_decision_through_the_page(client, people):
    survey_round = make_round(state=RoundState.TREATMENT)
    client.force_login(people["centres_manager"])
    venue = Item.objects.get(version=survey_round.version, code="venue")
    due = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("survey_analysis:action_add", args=[survey_round.pk]),
        {"item": venue.pk, "text": "صيانة", "owner": people["crm_staff"].pk, "due_on": due},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    action = TreatmentAction.objects.get(round=survey_round)
    client.force_login(people["crm_staff"])
    page = client.get(reverse("survey_analysis:action_detail", args=[action.pk]))
    assert b'data-testid="complete"' in page.content
    client.post(reverse("survey_analysis:action_detail", args=[action.pk]), {"note": "تم"})
    action.refresh_from_db()
    assert action.is_done
    decision_round = make_round(state=RoundState.DECISION, title="قرار")
    client.force_login(people["management"])
    response = client.post(
        reverse("survey_analysis:decision_save", args=[decision_round.pk]),
        {"outcome": "approved", "text": "اعتماد"},
    )
    assert response.status_code == 302
    assert ManagementDecision.objects.get(round=decision_round).outcome == "approved"


def test_a_story_is_written_then_approved_through_the_pages(client, people):
    client.force_login(people["crm_staff"])
    response = client.post(
        reverse("survey_analysis:story_create"),
        {"title": "قصة", "story": "كاملة", "anonymised": "مجهلة", "consent_to_publish": "on"},
    )
    story = SuccessStory.objects.get()
    assert response.status_code == 302
    client.post(reverse("survey_analysis:story_step", args=[story.pk, "submit"]))
    client.force_login(people["crm_manager"])
    page = client.get(reverse("survey_analysis:story_detail", args=[story.pk])).content.decode()
    assert "approve" in page
    client.post(reverse("survey_analysis:story_step", args=[story.pk, "approve"]))
    story.refresh_from_db()
    assert story.state == "approved"


def test_the_analysis_page_reads_a_fixed_number_of_queries(client, people):
    programme = make_programme()
    before = make_round(
        programme=programme, ended_on=datetime.date(2026, 5, 1), state=RoundState.DONE
    )
    answer_many(before, [FIVES])
    survey_round = make_round(programme=programme)
    answer_many(survey_round, [FIVES] * 2)
    client.force_login(people["crm_manager"])
    client.get(analysis_url(survey_round))
    with CaptureQueriesContext(connection) as few:
        assert client.get(analysis_url(survey_round)).status_code == 200
    answer_many(survey_round, [[3] * 11] * 40, age_band=AgeBand.OVER_50, suggestions="ورش")
    with CaptureQueriesContext(connection) as many:
        assert client.get(analysis_url(survey_round)).status_code == 200
    assert len(many) == len(few), [q["sql"][:90] for q in many.captured_queries]
    assert len(many) <= 25
