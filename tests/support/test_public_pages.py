"""The public online support request and its status page: filed once, declared with its
time, scans checked by content and size, Arabic-Indic digits read, rate-limited."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from support.models import DeclarationMethod, DocumentCheck, DocumentType, SupportRequest
from tests.support.test_service_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def identity_card(b_types):
    document = DocumentType.objects.create(name="صورة الهوية", has_expiry=True)
    b_types["basket"].required_documents.add(document)
    return document


def _data(b_types, b_places, **extra):
    data = {
        "support_type": b_types["basket"].pk,
        "name": "منيرة الدوسري",
        "national_id": "١٠٠٠٠٠٠٠٠٨",  # Arabic-Indic digits
        "mobile": "٠٥٥١٢٣٤٥٦٧",
        "centre": b_places["mine"].pk,
        "need": "نحتاج سلة غذائية",
        "declared": "on",
        "submission_token": "a" * 32,
    }
    data.update(extra)
    return data


def test_the_public_files_a_request_with_the_online_declaration(client, b_types, b_places):
    page = client.get(reverse("support_public:request_new"))
    assert page.status_code == 200 and 'data-testid="public-support-form"' in page.content.decode()
    response = client.post(reverse("support_public:request_new"), _data(b_types, b_places))
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.channel == "website" and support_request.registered_by is None
    assert support_request.applicant_national_id == "1000000008"
    assert support_request.applicant_mobile == "+966551234567"
    assert support_request.declaration_method == DeclarationMethod.ONLINE
    assert support_request.declared_at is not None
    thanks = client.get(response["Location"])
    assert support_request.tracking_number in thanks.content.decode()


def test_a_double_submission_files_once(client, b_types, b_places):
    url = reverse("support_public:request_new")
    client.post(url, _data(b_types, b_places))
    client.post(url, _data(b_types, b_places))
    assert SupportRequest.objects.count() == 1


def test_no_request_without_the_declaration(client, b_types, b_places):
    data = _data(b_types, b_places)
    del data["declared"]
    response = client.post(reverse("support_public:request_new"), data)
    assert response.status_code == 400 and not SupportRequest.objects.exists()


def test_a_bad_national_id_is_refused(client, b_types, b_places):
    response = client.post(
        reverse("support_public:request_new"), _data(b_types, b_places, national_id="1234567890")
    )
    assert response.status_code == 400 and not SupportRequest.objects.exists()


def test_a_scan_is_kept_for_the_staff_to_check(client, b_types, b_places, identity_card):
    scan = SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")
    data = _data(b_types, b_places, **{f"document_{identity_card.pk}": scan})
    response = client.post(reverse("support_public:request_new"), data)
    assert response.status_code == 302
    check = DocumentCheck.objects.get()
    assert check.document_type == identity_card and check.file


def test_a_scan_that_is_not_an_image_or_pdf_is_refused(client, b_types, b_places, identity_card):
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data = _data(b_types, b_places, **{f"document_{identity_card.pk}": fake})
    response = client.post(reverse("support_public:request_new"), data)
    assert response.status_code == 400
    assert not SupportRequest.objects.exists() and not DocumentCheck.objects.exists()


def test_a_scan_too_large_is_refused(client, b_types, b_places, identity_card):
    big = SimpleUploadedFile(
        "id.pdf", PDF + b"0" * (6 * 1024 * 1024), content_type="application/pdf"
    )
    data = _data(b_types, b_places, **{f"document_{identity_card.pk}": big})
    response = client.post(reverse("support_public:request_new"), data)
    assert response.status_code == 400 and not SupportRequest.objects.exists()


def test_a_scan_of_a_document_the_type_does_not_need_is_refused(client, b_types, b_places):
    other = DocumentType.objects.create(name="عقد الإيجار")
    scan = SimpleUploadedFile("lease.pdf", PDF, content_type="application/pdf")
    data = _data(b_types, b_places, **{f"document_{other.pk}": scan})
    response = client.post(reverse("support_public:request_new"), data)
    assert response.status_code == 400 and not SupportRequest.objects.exists()


def test_the_honeypot_files_nothing(client, b_types, b_places):
    response = client.post(
        reverse("support_public:request_new"), _data(b_types, b_places, website="spam")
    )
    assert response.status_code == 302 and not SupportRequest.objects.exists()


@override_settings(RATELIMIT_ENABLE=True)
def test_filing_is_rate_limited(client, b_types, b_places):
    url = reverse("support_public:request_new")
    for number in range(5):
        client.post(url, _data(b_types, b_places, submission_token=f"{number:032d}"))
    response = client.post(url, _data(b_types, b_places, submission_token="f" * 32))
    assert response.status_code == 429
    # Five filed (the duplicate national ID is flagged to the staff, not refused); no sixth.
    assert SupportRequest.objects.count() == 5


def test_the_status_page_by_tracking_number_and_national_id(client, b_types, b_places):
    client.post(reverse("support_public:request_new"), _data(b_types, b_places))
    support_request = SupportRequest.objects.get()
    url = reverse("support_public:status")
    found = client.post(
        url,
        {"tracking_number": support_request.tracking_number.lower(), "national_id": "١٠٠٠٠٠٠٠٠٨"},
    )
    html = found.content.decode()
    assert 'data-testid="status-result"' in html and 'data-testid="declared-at"' in html
    wrong = client.post(
        url, {"tracking_number": support_request.tracking_number, "national_id": "1000000016"}
    )
    assert 'data-testid="not-found"' in wrong.content.decode()


def test_a_request_taken_by_staff_is_declared_on_the_status_page(
    client, b_people, b_places, b_types
):
    from support import services

    support_request = services.request_receive(
        actor=b_people["crm"],
        channel="phone",
        support_type=b_types["basket"],
        applicant_name="سعاد",
        applicant_national_id="1000000016",
        centre=b_places["mine"],
        need="حاجة",
    )
    url = reverse("support_public:status")
    lookup = {"tracking_number": support_request.tracking_number, "national_id": "1000000016"}
    assert 'data-testid="declare-form"' in client.post(url, lookup).content.decode()
    client.post(url, {**lookup, "declare": "1", "declared": "1"})
    support_request.refresh_from_db()
    assert support_request.declaration_method == DeclarationMethod.ONLINE
    assert support_request.declared_at is not None
