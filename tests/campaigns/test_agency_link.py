"""The agency's private upload link: signed, expiring, closed with its step; a refused link
stores nothing."""

from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from campaigns import services
from campaigns.models import Proposal

from .conftest import WINDOWS_EXE, advance, make_campaign, make_plan, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(people, agency, media_root):
    return advance(make_campaign(people, make_plan(people)), people, agency, "request_proposals")


def _url(token):
    return reverse("agency:upload") + "?" + urlencode({"t": token})


def test_the_agency_uploads_versions_without_an_account(client, requested, english):
    url = _url(services.agency_token(requested))
    page = client.get(url)
    assert page.status_code == 200 and requested.title in page.content.decode()
    for _round in range(2):
        response = client.post(url, {"file": pdf(), "title": "مقترحاتنا"})
        assert response.status_code == 302
    versions = list(requested.proposals.values_list("version", "by_agency"))
    assert versions == [(1, True), (2, True)]
    assert "version 2" in client.get(response["Location"]).content.decode()


def test_a_file_that_is_not_a_document_is_refused(client, requested, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = _url(services.agency_token(requested))
    fake = SimpleUploadedFile("proposal.pdf", WINDOWS_EXE)
    response = client.post(url, {"file": fake})
    assert response.status_code == 200
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_tampered_link_says_so_and_stores_nothing(client, requested, english):
    token = services.agency_token(requested)
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert "not valid" in client.get(_url(tampered)).content.decode()
    response = client.post(_url(tampered), {"file": pdf()})
    assert response.status_code == 403 and "not valid" in response.content.decode()
    other = signing.TimestampSigner(salt=services.AGENCY_LINK_SALT).sign(
        f"{requested.pk + 1}:{requested.agency_link_nonce}"
    )
    assert "closed" in client.post(_url(other), {"file": pdf()}).content.decode()
    assert not Proposal.objects.exists()


def test_an_expired_link_says_so_and_stores_nothing(client, requested, english):
    url = _url(services.agency_token(requested))
    later = signing.time.time() + services.AGENCY_LINK_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url, {"file": pdf()})
    assert response.status_code == 403 and "expired" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_link_reused_after_the_step_closed_stores_nothing(client, people, requested, english):
    url = _url(services.agency_token(requested))
    assert client.post(url, {"file": pdf()}).status_code == 302
    services.campaign_choose_proposal(
        campaign=requested,
        actor=people["manager"],
        proposal=requested.proposals.get(),
        evaluation="مناسب",
    )
    response = client.post(url, {"file": pdf()})
    assert response.status_code == 403 and "closed" in response.content.decode()
    assert requested.proposals.count() == 1
