"""Part A's pages: the queue with its search and filters, reception with the household, the
request page and its steps, the documents, the research report, the declaration PDF, the
committee's meeting with its agenda, decisions and minutes; the confidential parts only for
their readers, each opening logged; query budgets of the queue and the request page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from support import services
from support.models import (
    AgendaItem,
    ConfidentialAccess,
    DocumentCheck,
    MeetingState,
    Outcome,
    RequestState,
    SupportRequest,
)
from tests.support.fixtures_a import *  # noqa: F403  (fixtures)
from tests.support.fixtures_a import IDS, PDF, check_all, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_services")]


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_queue_searches_by_name_national_id_mobile_and_tracking_number(
    client, people, places, catalogue, english
):
    first = receive(people, places, catalogue, applicant_name="هدى الشمري")
    second = receive(
        people,
        places,
        catalogue,
        national_id=IDS[1],
        applicant_name="أحمد",
        applicant_mobile="0559876543",
    )
    client.force_login(people["crm"])
    url = reverse("support:request_list")
    for query, expected in (
        ("هدي الشمري", first),  # ى/ي folded
        (IDS[1], second),
        ("0559876543", second),
        (first.tracking_number.lower(), first),
    ):
        page = client.get(url, {"q": query}).content.decode()
        assert expected.tracking_number in page, query
        other = second if expected == first else first
        assert other.tracking_number not in page, query


def test_the_queue_filters_overdue_requests_and_shows_them_in_red(
    client, people, places, catalogue, english
):
    late = receive(
        people,
        places,
        catalogue,
        received_at=timezone.now() - datetime.timedelta(days=40),
    )
    fresh = receive(people, places, catalogue, national_id=IDS[1])
    client.force_login(people["centres"])
    page = client.get(reverse("support:request_list"), {"overdue": "on"}).content.decode()
    assert late.tracking_number in page and fresh.tracking_number not in page
    assert "table-danger" in page


def test_centres_staff_see_only_their_centres_in_the_queue(
    client, people, places, catalogue, english
):
    mine = receive(people, places, catalogue)
    theirs = receive(
        people,
        places,
        catalogue,
        actor=people["centres_other"],
        centre=places["other"],
        national_id=IDS[1],
    )
    client.force_login(people["centres"])
    page = client.get(reverse("support:request_list")).content.decode()
    assert mine.tracking_number in page and theirs.tracking_number not in page
    assert client.get(reverse("support:request_detail", args=[theirs.pk])).status_code == 404


def test_reception_by_staff_with_the_household(client, people, places, catalogue, english):
    client.force_login(people["centres"])
    response = client.post(
        reverse("support:request_create"),
        {
            "applicant_name": "مريم",
            "applicant_national_id": "١٠٠٠٠٠٠٠٠٨",
            "applicant_mobile": "٠٥٠١٢٣٤٥٦٧",
            "channel": "phone",
            "support_type": catalogue["basket"].pk,
            "centre": places["mine"].pk,
            "need": "سلة",
            "household-TOTAL_FORMS": "3",
            "household-INITIAL_FORMS": "0",
            "household-0-name": "سارة",
            "household-0-relation": "daughter",
            "household-0-monthly_income": "١٬٢٠٠",
        },
    )
    support_request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:request_detail", args=[support_request.pk])
    assert support_request.applicant_national_id == "1000000008"
    assert support_request.applicant_mobile == "+966501234567"
    member = support_request.household.get()
    assert (member.name, str(member.monthly_income)) == ("سارة", "1200.00")


def test_reception_form_sent_back_with_clear_errors(client, people, catalogue, english):
    client.force_login(people["crm"])
    response = client.post(
        reverse("support:request_create"),
        {
            "applicant_national_id": "1234567890",
            "channel": "phone",
            "support_type": catalogue["basket"].pk,
            "need": "سلة",
            "household-TOTAL_FORMS": "3",
            "household-INITIAL_FORMS": "0",
            "household-0-national_id": IDS[2],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "applicant_name" in form.errors and "applicant_national_id" in form.errors
    assert "name" in response.context["household"].forms[0].errors
    assert not SupportRequest.objects.exists()


def test_the_request_page_logs_each_opening_of_the_confidential_parts(
    client, received, people, english
):
    client.force_login(people["researcher"])
    page = client.get(reverse("support:request_detail", args=[received.pk])).content.decode()
    assert 'data-testid="household"' in page
    assert ConfidentialAccess.objects.filter(
        request=received, user=people["researcher"], part="household"
    ).exists()
    client.force_login(people["crm"])  # sees the request, not its confidential parts
    page = client.get(reverse("support:request_detail", args=[received.pk])).content.decode()
    assert 'data-testid="household"' not in page
    assert not ConfidentialAccess.objects.filter(user=people["crm"]).exists()


def test_steps_from_the_request_page(client, received, people, catalogue, english):
    client.force_login(people["centres"])
    url = reverse("support:documents", args=[received.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            f"present_{catalogue['identity'].pk}": "on",
            f"legible_{catalogue['identity'].pk}": "on",
            f"expires_{catalogue['identity'].pk}": (today + datetime.timedelta(days=90)).strftime(
                "%d/%m/%Y"
            ),
        },
    )
    assert response.status_code == 302
    assert DocumentCheck.objects.filter(request=received).count() == 2
    step = reverse("support:request_step", args=[received.pk, "mark_incomplete"])
    assert client.post(step, {"note": ""}).status_code == 302
    received.refresh_from_db()
    assert received.state == RequestState.INCOMPLETE
    check_all(received, people["centres"])
    step = reverse("support:request_step", args=[received.pk, "confirm_complete"])
    assert client.post(step, {"note": ""}).status_code == 302
    # The declaration: refused without the scan (the form comes back with the reason) ...
    step = reverse("support:request_step", args=[received.pk, "declare"])
    response = client.post(step, {"note": ""})
    assert response.status_code == 200
    assert "Upload the signed declaration" in response.content.decode()
    # ... a file that is no PDF nor image is refused by its content ...
    fake = {"scan": _upload("declaration.pdf", b"MZ not a pdf")}
    assert client.post(step, fake).status_code == 200
    # ... and accepted with the signed scan.
    assert client.post(step, {"scan": _upload("declaration.pdf", PDF)}).status_code == 302
    received.refresh_from_db()
    assert received.state == RequestState.READY


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_step_the_page_does_not_offer_is_refused_with_a_message(
    client, received, people, english
):
    client.force_login(people["centres"])
    step = reverse("support:request_step", args=[received.pk, "confirm_complete"])
    response = client.post(step, {"note": ""}, follow=True)
    assert "not complete" in response.content.decode()
    received.refresh_from_db()
    assert received.state == RequestState.RECEIVED


def test_the_research_page(client, people, places, catalogue, english):
    support_request = receive(people, places, catalogue, kind="rent")
    services.request_refer(
        support_request=support_request, actor=people["centres"], reason="يتطلب بحثًا"
    )
    client.force_login(people["researcher"])
    url = reverse("support:research", args=[support_request.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "contact_method": "visit",
            "contacted_on": "01/12/2026",
            "household_size": "٥",
            "monthly_income": "2,500",
            "housing_type": "rented",
            "findings": "مستحقة",
            "recommendation": "accept",
        },
    )
    assert response.status_code == 302
    report = support_request.research_report
    assert (report.household_size, str(report.monthly_income)) == (5, "2500.00")
    client.force_login(people["crm"])
    assert client.get(url).status_code == 403


def test_the_declaration_pdf(client, received, people):
    client.force_login(people["centres"])
    response = client.get(reverse("support:declaration_pdf", args=[received.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_committee_meeting_page_from_agenda_to_minutes(
    client, ready, people, catalogue, english
):
    client.force_login(people["researcher"])
    response = client.post(
        reverse("support:meeting_create"), {"meets_at": "15/12/2026 10:00", "place": "المقر"}
    )
    assert response.status_code == 302
    meeting = services.selectors.meetings(people["researcher"]).get()
    url = reverse("support:meeting_detail", args=[meeting.pk])
    client.post(
        reverse("support:meeting_add", args=[meeting.pk]), {"add-support_request": ready.pk}
    )
    item = AgendaItem.objects.get()
    # The research officer may not decide; a committee member does.
    decide = reverse("support:agenda_decide", args=[meeting.pk, item.pk])
    assert client.post(decide, {f"item{item.pk}-outcome": "accepted"}).status_code == 403
    client.force_login(people["committee"])
    page = client.get(url).content.decode()
    assert 'data-testid="decision-form"' in page
    response = client.post(decide, {f"item{item.pk}-outcome": "accepted"})
    assert response.status_code == 200  # sent back: the quantity granted is missing
    assert "quantity granted" in response.content.decode()
    response = client.post(
        decide,
        {f"item{item.pk}-outcome": "accepted", f"item{item.pk}-granted_quantity": "١"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == Outcome.ACCEPTED
    client.force_login(people["centres_manager"])
    response = client.post(
        reverse("support:meeting_close", args=[meeting.pk]),
        {"close-members_present": [people["committee"].pk], "close-minutes_note": "—"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    pdf = client.get(reverse("support:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_minutes_are_printed_only_once_closed(client, meeting, people, english):
    client.force_login(people["committee"])
    response = client.get(reverse("support:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 302


def test_my_work_lists_each_roles_waiting_requests(
    client, received, on_agenda, people, places, catalogue, english
):
    research = receive(people, places, catalogue, kind="rent", national_id=IDS[4])
    services.request_refer(support_request=research, actor=people["centres"], reason="بحث")
    for name, expected in (
        ("centres", received.tracking_number),
        ("researcher", research.tracking_number),
        ("committee", on_agenda.request.tracking_number),
    ):
        client.force_login(people[name])
        page = client.get(reverse("home")).content.decode()
        assert expected in page, name


# --- query budgets ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_and_the_request_page_read_a_fixed_number_of_queries(
    client, people, places, catalogue, english
):
    first = receive(people, places, catalogue, national_id=IDS[0])
    check_all(first, people["centres"])
    services.household_add(
        support_request=first, actor=people["centres"], member={"name": "ابن", "relation": "son"}
    )
    client.force_login(people["centres_manager"])
    pages = {
        "queue": reverse("support:request_list"),
        "request": reverse("support:request_detail", args=[first.pk]),
    }
    for url in pages.values():  # cached reads (permissions, menus, places) settle first
        client.get(url)
    small = {name: _queries(client, url) for name, url in pages.items()}
    for number in range(1, 6):
        support_request = receive(people, places, catalogue, national_id=IDS[number])
        check_all(support_request, people["centres"])
        services.household_add(
            support_request=first,
            actor=people["centres"],
            member={"name": f"فرد {number}", "relation": "son"},
        )
    for url in pages.values():
        client.get(url)
    large = {name: _queries(client, url) for name, url in pages.items()}
    assert large == small, (small, large)
    assert small["queue"] <= 12 and small["request"] <= 30, small


def test_the_scans_are_downloaded_by_those_who_see_the_request(client, ready, people):
    client.force_login(people["committee"])
    response = client.get(reverse("support:declaration_scan", args=[ready.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(people["centres_other"])
    assert client.get(reverse("support:declaration_scan", args=[ready.pk])).status_code == 404
    client.force_login(people["quality"])
    assert client.get(reverse("support:declaration_scan", args=[ready.pk])).status_code == 403
