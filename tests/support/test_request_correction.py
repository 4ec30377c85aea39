"""Correcting the applicant's data as received (a misspelt name, a wrong mobile) until the
applicant declares them correct: each change recorded with the reason, old and new; bad
values refused with a message; the page only for those who handle the request."""

import pytest
from django.urls import reverse
from django.utils import translation

from support.models import RequestTransition
from tests.support.fixtures_a import *  # noqa: F403  (fixtures)
from tests.support.fixtures_a import IDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_services", "in_english")]


@pytest.fixture
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def values(support_request, **changes):
    return {
        "applicant_name": support_request.applicant_name,
        "applicant_national_id": support_request.applicant_national_id,
        "applicant_mobile": support_request.applicant_mobile,
        "applicant_address": support_request.applicant_address,
        "need": support_request.need,
        "reason": "خطأ في الإدخال عند الاستلام",
        **changes,
    }


def correct(client, support_request, **changes):
    url = reverse("support:request_correct", args=[support_request.pk])
    return client.post(url, values(support_request, **changes), follow=True)


def test_the_handler_corrects_the_name_and_mobile_and_the_record_keeps_both(
    client, people, received
):
    client.force_login(people["centres"])
    page = client.get(reverse("support:request_detail", args=[received.pk])).content.decode()
    assert 'data-testid="correct-link"' in page
    response = correct(
        client, received, applicant_name="مريم سعيد الغامدى", applicant_mobile="٠٥٥١٢٣٤٥٦٧"
    )
    assert "Corrected:" in response.content.decode()
    received.refresh_from_db()
    assert received.applicant_name == "مريم سعيد الغامدى"
    assert received.applicant_mobile == "+966551234567"
    note = RequestTransition.objects.filter(request=received).latest("pk").note
    assert "خطأ في الإدخال عند الاستلام" in note
    assert "مريم سعيد الغامدي" in note and "مريم سعيد الغامدى" in note
    assert "+966501234567" in note and "+966551234567" in note


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"applicant_national_id": "1234567890"}, "national"),
        ({"applicant_mobile": "12345"}, "not a valid Saudi mobile"),
        ({"applicant_name": "  "}, "This field is required."),
        ({"reason": ""}, "This field is required."),
        ({}, "Nothing was changed."),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(client, people, received, changes, message):
    before = values(received)
    client.force_login(people["centres"])
    response = correct(client, received, **changes)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    received.refresh_from_db()
    assert values(received) == before


def test_after_the_declaration_the_data_no_longer_change(client, people, ready):
    client.force_login(people["centres"])
    page = client.get(reverse("support:request_detail", args=[ready.pk])).content.decode()
    assert 'data-testid="correct-link"' not in page
    response = correct(client, ready, applicant_name="اسم آخر")
    assert "can no longer change" in response.content.decode()
    ready.refresh_from_db()
    assert ready.applicant_name != "اسم آخر"


@pytest.mark.parametrize(("who", "status"), [("quality", 403), ("centres_other", 404)])
def test_only_those_who_handle_the_request_may_correct_it(client, people, received, who, status):
    client.force_login(people[who])
    url = reverse("support:request_correct", args=[received.pk])
    assert client.get(url).status_code == status
    assert client.post(url, values(received, applicant_name="اسم آخر")).status_code == status
    received.refresh_from_db()
    assert received.applicant_name != "اسم آخر"
    assert IDS[0] == received.applicant_national_id
