"""After service, the beneficiaries served are invited to the satisfaction survey: the quality
officer's invitations page offers those who received support in a period (and at a centre),
registered by support/ in surveys.invitation_sources; consent and «never twice» still hold."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from messaging.services import consents_record
from support import delivery
from surveys.models import Invitation
from tests.support.test_service_fixtures import *  # noqa: F403
from tests.surveys.helpers import collecting_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

TODAY = timezone.localdate()
LAST_WEEK = TODAY - datetime.timedelta(days=7)


@pytest.fixture
def english_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def served(accepted_request, b_people, b_customers):
    """A beneficiary who received a food basket today at the centre «mine», agreeing to
    surveys by SMS."""
    beneficiary = b_customers["beneficiary"]
    beneficiary.mobile = "+966501112233"
    beneficiary.save(update_fields=["mobile"])
    registered = delivery.request_link_customer(
        support_request=accepted_request, actor=b_people["crm"], customer=beneficiary
    )
    delivery.delivery_record(support_request=registered, actor=b_people["centres"], quantity=1)
    consents_record(
        customer_id=beneficiary.pk, changes={"sms.surveys": True}, at=timezone.now(), source="form"
    )
    return beneficiary


@pytest.fixture
def survey_round(b_places):
    return collecting_round(centres=[b_places["mine"], b_places["other"]])


def invite(client, survey_round, **fields):
    data = {
        "channel": "sms",
        "body": "رأيك في الدعم الذي تلقيته يهمنا {الرابط}",
        "source": "support_deliveries",
        "served_from": LAST_WEEK.isoformat(),
        "served_to": TODAY.isoformat(),
        **fields,
    }
    url = reverse("surveys:invitations", args=[survey_round.pk])
    return client.post(url, data, follow=True).content.decode()


def test_the_page_offers_the_beneficiaries_served(client, b_people, survey_round):
    client.force_login(b_people["quality"])
    page = client.get(reverse("surveys:invitations", args=[survey_round.pk])).content.decode()
    assert "Beneficiaries who received support" in page
    assert 'name="served_from"' in page and 'name="served_to"' in page


def test_those_served_in_the_period_are_invited_once(client, b_people, served, survey_round):
    client.force_login(b_people["quality"])
    assert "1 invitation sent." in invite(client, survey_round)
    invitation = Invitation.objects.get(round=survey_round)
    assert invitation.customer == served and invitation.message is not None
    # Chosen by hand as well, and sent again: nobody is invited twice.
    page = invite(client, survey_round, customers=str(served.code))
    assert "1 customer was already invited." in page
    assert Invitation.objects.filter(round=survey_round).count() == 1


def test_the_period_and_the_centre_choose_who_was_served(
    client, b_people, b_places, served, survey_round
):
    client.force_login(b_people["quality"])
    earlier = {
        "served_from": (TODAY - datetime.timedelta(days=60)).isoformat(),
        "served_to": (TODAY - datetime.timedelta(days=30)).isoformat(),
    }
    assert "Nobody was served in this period." in invite(client, survey_round, **earlier)
    other = invite(client, survey_round, centre=str(b_places["other"].pk))
    assert "Nobody was served in this period." in other
    mine = invite(client, survey_round, centre=str(b_places["mine"].pk))
    assert "1 invitation sent." in mine
    assert Invitation.objects.get(round=survey_round).centre == b_places["mine"]


def test_without_consent_nobody_is_messaged(client, b_people, served, survey_round):
    consents_record(
        customer_id=served.pk, changes={"sms.surveys": False}, at=timezone.now(), source="form"
    )
    client.force_login(b_people["quality"])
    page = invite(client, survey_round)
    assert "1 customer has not agreed to surveys on this channel" in page
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"served_from": ""}, "Give the period of service: from and to."),
        (
            {"served_from": TODAY.isoformat(), "served_to": LAST_WEEK.isoformat()},
            "The end of the period comes before its start.",
        ),
        ({"source": ""}, "Choose the customers to invite, or a group served."),
    ],
)
def test_a_wrong_period_or_nobody_is_refused_with_a_message(
    client, b_people, served, survey_round, fields, message
):
    client.force_login(b_people["quality"])
    assert message in invite(client, survey_round, **fields)
    assert not Invitation.objects.exists()


def test_a_group_too_large_for_one_request_is_refused(
    client, b_people, served, survey_round, monkeypatch
):
    monkeypatch.setattr("surveys.forms.MAX_SERVED_INVITED", 0)
    client.force_login(b_people["quality"])
    assert "choose a shorter period or one centre" in invite(client, survey_round)
    assert not Invitation.objects.exists()


def test_staff_without_the_right_to_prepare_rounds_cannot_invite(
    client, b_people, served, survey_round
):
    client.force_login(b_people["centres"])
    url = reverse("surveys:invitations", args=[survey_round.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"channel": "sms", "source": "support_deliveries"}).status_code == 403
    assert not Invitation.objects.exists()
