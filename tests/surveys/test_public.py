"""The public answer page: the form as the respondent sees it, and every bad input (closed
round, tampered token, out-of-range or missing answers, a second answer from the same
device, a used invitation, a bot, too many answers) gets a clear message and writes nothing."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys.models import Answer, Invitation, Response
from surveys.public_views import ANSWERED_COOKIE

from .helpers import collecting_round, form_data, invitation_for, prepared_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def link_of(survey_round):
    return reverse("surveys_public:answer", args=[survey_round.centres.get().token])


def test_the_page_shows_the_eleven_statements_as_radio_groups_without_a_login(client):
    survey_round = collecting_round()
    response = client.get(link_of(survey_round))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") >= 11 and html.count("<legend") >= 11
    assert html.count('type="radio"') >= 55
    assert "بشكل عام أشعر بالرضا عن الخدمة التي قدمت لي" in html
    assert "اعارض بشدة" in html and "أوافق بشدة" in html
    assert "not for punishment" in html
    assert "<script>" not in html and "style=" not in html


def test_an_answer_is_saved_then_thanks_and_the_device_cannot_answer_again(client):
    survey_round = collecting_round()
    url = link_of(survey_round)
    response = client.post(url, form_data(survey_round, 5, suggestions="شكرا"))
    assert response.status_code == 302 and response["Location"] == reverse("surveys_public:thanks")
    saved = Response.objects.get()
    assert saved.channel == "link" and saved.centre == survey_round.centres.get().centre
    assert saved.suggestions == "شكرا" and saved.answers.count() == 11
    assert ANSWERED_COOKIE in response.cookies
    # Only the round's number, signed: nothing about who answered.
    assert response.cookies[ANSWERED_COOKIE].value.split(":")[0] == str(survey_round.pk)
    again = client.get(url)
    assert "already answered this survey from this device" in again.content.decode()
    client.post(url, form_data(survey_round, 1))
    assert Response.objects.count() == 1
    assert client.get(reverse("surveys_public:thanks")).status_code == 200


def test_a_forged_cookie_is_ignored(client):
    survey_round = collecting_round()
    client.cookies[ANSWERED_COOKIE] = str(survey_round.pk)
    response = client.get(link_of(survey_round))
    assert b'data-testid="survey-form"' in response.content


def test_missing_answers_come_back_with_what_was_typed_and_nothing_written(client):
    survey_round = collecting_round()
    data = form_data(survey_round, 4, name="ريم")
    del data["item_3"]
    response = client.post(link_of(survey_round), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose an answer to this statement." in html
    assert 'value="ريم"' in html and html.count("checked") >= 10
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", ["6", "0", "abc", "٣٣"])
def test_out_of_range_answers_are_refused(client, bad):
    survey_round = collecting_round()
    response = client.post(link_of(survey_round), form_data(survey_round, 4, item_1=bad))
    assert response.status_code == 400
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_bad_mobile_or_contact_without_a_mobile_is_refused(client):
    survey_round = collecting_round()
    url = link_of(survey_round)
    assert client.post(url, form_data(survey_round, mobile="12")).status_code == 400
    response = client.post(url, form_data(survey_round, may_contact="on"))
    assert "Write your mobile number" in response.content.decode()
    assert not Response.objects.exists()


def test_arabic_indic_digits_in_the_mobile_are_read(client):
    survey_round = collecting_round()
    client.post(link_of(survey_round), form_data(survey_round, mobile="٠٥٠١٢٣٤٥٦٧"))
    assert Response.objects.get().mobile == "+966501234567"


def test_a_tampered_token_says_the_link_is_not_valid(client):
    survey_round = collecting_round()
    token = survey_round.centres.get().token
    for url in (
        reverse("surveys_public:answer", args=[token[:-1] + "x"]),
        reverse("surveys_public:invitation", args=["forged-token"]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "This survey link is not valid" in response.content.decode()
        assert client.post(url, form_data(survey_round)).status_code == 404
    assert not Response.objects.exists()


def test_a_closed_or_unopened_round_says_so_and_takes_nothing(client, people):
    from surveys import services

    waiting = prepared_round()
    response = client.get(link_of(waiting))
    assert response.status_code == 410 and "survey is closed" in response.content.decode()
    survey_round = collecting_round()
    services.round_close_collection(survey_round=survey_round, actor=people["quality"])
    response = client.post(link_of(survey_round), form_data(survey_round))
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_an_invitation_is_answered_once_and_the_device_is_not_remembered(client):
    survey_round = collecting_round()
    invitation = invitation_for(survey_round)
    url = reverse("surveys_public:invitation", args=[invitation.token])
    response = client.post(url, form_data(survey_round, 3))
    assert response.status_code == 302 and ANSWERED_COOKIE not in response.cookies
    saved = Response.objects.get()
    assert saved.channel == "invitation" and saved.customer == invitation.customer
    assert Invitation.objects.get().answered_at is not None
    again = client.get(url)
    assert "already been answered" in again.content.decode()
    client.post(url, form_data(survey_round, 1))
    assert Response.objects.count() == 1


def test_the_honeypot_pretends_and_writes_nothing(client):
    survey_round = collecting_round()
    response = client.post(link_of(survey_round), form_data(survey_round, website="http://spam"))
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_a_double_submission_is_saved_once(client):
    survey_round = collecting_round()
    data = form_data(survey_round, submission_token="b" * 32)
    client.post(link_of(survey_round), data)
    client.cookies.pop(ANSWERED_COOKIE)
    response = client.post(link_of(survey_round), data)
    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_too_many_answers_from_one_address_are_refused(client, settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    survey_round = collecting_round()
    url = link_of(survey_round)
    with mock.patch("surveys.public_views.ANSWER_RATE", "2/h"):
        for _ in range(2):
            client.post(url, form_data(survey_round))
            client.cookies.pop(ANSWERED_COOKIE)
        response = client.post(url, form_data(survey_round))
    assert response.status_code == 429
    assert "many answers from your connection" in response.content.decode()
    assert Response.objects.count() == 2
