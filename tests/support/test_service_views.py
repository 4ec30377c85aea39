"""Part B's staff pages: the request page's panel, the registration through the customers'
form, the notice, the letter, the appeal, deliveries, the distribution day's entry page
(JSON and without JavaScript), the statistics and their export."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import CustomerRequest
from support import delivery
from support.models import Delivery, DistributionDay, RequestState
from tests.support.test_service_fixtures import *  # noqa: F403
from tests.support.test_service_fixtures import NATIONAL_IDS, rejected

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_the_request_page_shows_the_panel_after_the_decision(client, accepted_request, b_people):
    page = _client(client, b_people["crm"]).get(
        reverse("support:request_detail", args=[accepted_request.pk])
    )
    html = page.content.decode()
    assert 'data-testid="service-panel"' in html
    assert 'data-testid="register-applicant"' in html and 'data-testid="notice-sms"' in html


def test_the_register_page_is_the_customers_form_prefilled(client, accepted_request, b_people):
    url = reverse("support:register_applicant", args=[accepted_request.pk])
    page = _client(client, b_people["crm"]).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert accepted_request.applicant_national_id in html
    assert 'value="beneficiary" selected' in html
    data = {
        "name": accepted_request.applicant_name,
        "entity_type": "individual",
        "kind": "beneficiary",
        "national_id": accepted_request.applicant_national_id,
        "mobile": "0551234567",
        "centre": accepted_request.centre_id,
        "city": accepted_request.centre.city_id,
        "reason": "تسجيل مستفيد",
        "is_active": "on",
        "submit_form": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    accepted_request.refresh_from_db()
    assert accepted_request.customer_request == CustomerRequest.objects.get()


def test_the_register_page_is_refused_to_centres_staff(client, accepted_request, b_people):
    url = reverse("support:register_applicant", args=[accepted_request.pk])
    assert _client(client, b_people["centres"]).get(url).status_code == 403


def test_the_notice_by_sms_and_the_letter(client, accepted_request, b_people):
    _client(client, b_people["crm"])
    response = client.post(
        reverse("support:notice_send", args=[accepted_request.pk]), {"notice-channel": "sms"}
    )
    assert response.status_code == 302
    accepted_request.refresh_from_db()
    assert accepted_request.notice_sent_at is not None
    letter = client.get(reverse("support:letter_pdf", args=[accepted_request.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


def test_the_appeal_from_the_page(client, b_people, b_places, b_types):
    refused = rejected(
        b_people, b_places, b_types["basket"], b_types["reason"], national_id=NATIONAL_IDS[2]
    )
    _client(client, b_people["crm"])
    page = client.get(reverse("support:request_detail", args=[refused.pk]))
    assert 'data-testid="appeal"' in page.content.decode()
    client.post(reverse("support:appeal", args=[refused.pk]), {"appeal-text": "معلومة جديدة"})
    refused.refresh_from_db()
    assert refused.state == RequestState.APPEALED


def test_a_delivery_from_the_page(client, accepted_request, b_people, b_customers):
    delivery.request_link_customer(
        support_request=accepted_request,
        actor=b_people["crm"],
        customer=b_customers["beneficiary"],
    )
    _client(client, b_people["centres"])
    response = client.post(
        reverse("support:delivery_add", args=[accepted_request.pk]),
        {
            "delivery-quantity": "٢",
            "delivery-delivered_on": timezone.localdate().strftime("%d/%m/%Y"),
            "delivery-centre": accepted_request.centre_id,
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().quantity == 2


@pytest.fixture
def day(b_people, b_places, b_types, b_customers):
    return DistributionDay.objects.create(
        title="توزيع",
        day=timezone.localdate(),
        centre=b_places["mine"],
        support_type=b_types["basket"],
        quantity=1,
        created_by=b_people["centres"],
    )


def test_the_entry_answers_json_to_the_page_script(client, day, b_people):
    _client(client, b_people["centres"])
    url = reverse("support:distribution_detail", args=[day.pk])
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"}
    first = client.post(url, {"key": "910001"}, **headers).json()
    assert first["status"] == "recorded" and first["count"] == 1
    assert first["row"]["code"] == 910001
    again = client.post(url, {"key": "٩١٠٠٠١"}, **headers).json()
    assert again["status"] == "duplicate" and again["count"] == 1
    unknown = client.post(url, {"key": "123"}, **headers).json()
    assert unknown["status"] == "error"


def test_the_entry_works_without_javascript(client, day, b_people):
    _client(client, b_people["centres"])
    url = reverse("support:distribution_detail", args=[day.pk])
    response = client.post(url, {"key": "910001"}, follow=True)
    html = response.content.decode()
    assert 'data-testid="entry-row"' in html and "910001" in html
    assert 'name="key"' in html and "autofocus" in html


def test_the_distribution_pages(client, day, b_people, b_types):
    _client(client, b_people["centres"])
    assert client.get(reverse("support:distribution_list")).status_code == 200
    response = client.post(
        reverse("support:distribution_create"),
        {
            "title": "توزيع ثانٍ",
            "day": "07/12/2026",
            "support_type": b_types["basket"].pk,
            "quantity": "1",
        },
    )
    assert response.status_code == 200  # no centre: refused with the reason on the form
    assert DistributionDay.objects.count() == 1
    client.post(reverse("support:distribution_close", args=[day.pk]))
    day.refresh_from_db()
    assert day.state == "closed"


def test_a_day_of_another_centre_is_hidden(client, day, b_people):
    _client(client, b_people["centres_other"])
    url = reverse("support:distribution_detail", args=[day.pk])
    assert client.get(url).status_code == 404


def test_the_statistics_and_their_export(client, accepted_request, b_people):
    _client(client, b_people["crm_manager"])
    page = client.get(reverse("support:statistics"))
    assert page.status_code == 200
    assert page.context["data"].total == 1 and page.context["data"].accepted == 1
    export = client.get(reverse("support:statistics_export"))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert book.worksheets[0].sheet_view.rightToLeft
    assert len(book.worksheets) == 6
    bad = client.get(reverse("support:statistics"), {"start": "2026-12-01", "end": "2026-01-01"})
    assert bad.status_code == 200


def test_my_work_lists_registration_service_and_reassessment(
    b_people, b_places, b_types, b_customers
):
    import datetime
    from decimal import Decimal

    from support.registrations_service import support_service_work
    from tests.support.test_service_fixtures import accepted

    support_request = accepted(
        b_people,
        b_places,
        b_types["rent"],
        national_id=NATIONAL_IDS[3],
        customer=b_customers["beneficiary"],
    )
    section = support_service_work(b_people["crm"])
    assert section is not None
    assert any(support_request.tracking_number in item.title for item in section.items)
    delivery.request_link_customer(support_request=support_request, actor=b_people["crm"])
    entry = delivery.delivery_record(
        support_request=support_request, actor=b_people["crm"], amount=Decimal("900")
    )
    assert support_service_work(b_people["researcher"]) is None  # six months away
    entry.schedule.reassess_on = timezone.localdate() + datetime.timedelta(days=10)
    entry.schedule.save()
    section = support_service_work(b_people["researcher"])
    assert section is not None and len(section.items) == 1
    assert support_request.tracking_number in section.items[0].title
    # Reception staff see the recurring delivery only when it is due within a week.
    staff_section = support_service_work(b_people["crm"])
    assert staff_section is None or all(
        "re-assess" not in item.title for item in staff_section.items
    )
