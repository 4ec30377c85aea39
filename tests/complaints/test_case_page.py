"""The staff case pages: attachments at registration and later, their download, the
"request registration" button for people not in the customer database, and what the case
page shows (answer deadline, last update)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from association import roles
from complaints import services
from complaints.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_CASE
from complaints.models import Case, CaseAttachment
from customers.models import CustomerRequest, RequestState
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b" " * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client, settings):
    """Pages in English (the language switch's cookie), to compare messages with gettext."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def new_case_data(**extra):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "contact_name": "زائر",
        "contact_kind": "other",
        "contact_mobile": "0501234567",
        "subject": "تأخر السلة",
        "description": "لم تصل السلة الغذائية",
    }
    data.update(extra)
    return data


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


# --- attachments at registration --------------------------------------------------------


def test_register_with_a_png_and_a_pdf(client, people):
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        new_case_data(
            attachments=[
                upload("صورة.png", PNG, "image/png"),
                upload("letter.pdf", PDF, "application/pdf"),
            ]
        ),
    )
    case = Case.objects.get()
    assert response["Location"] == detail(case)
    stored = list(case.attachments.order_by("id"))
    assert [(item.original_name, item.content_type) for item in stored] == [
        ("صورة.png", "image/png"),
        ("letter.pdf", "application/pdf"),
    ]
    assert all(item.uploaded_by == people["crm"] for item in stored)
    assert stored[0].size == len(PNG)
    assert stored[0].file.name.endswith(".png")  # a random name, never the uploaded one
    assert "صورة" not in stored[0].file.name


def test_an_exe_named_pdf_is_refused_and_nothing_is_created(client, people):
    """The error is in the user's language: Arabic unless they switched."""
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        new_case_data(
            attachments=[
                upload("good.png", PNG, "image/png"),
                upload("invoice.pdf", EXE, "application/pdf"),
            ]
        ),
    )
    with override("ar"):
        expected = gettext("%(name)s is not an image (JPEG, PNG) or a PDF file.") % {
            "name": "invoice.pdf"
        }
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == [expected]
    assert not Case.objects.exists()
    assert not CaseAttachment.objects.exists()


def test_a_too_large_file_is_refused(client, people, english):
    from core.numbers import format_file_size

    client.force_login(people["crm"])
    big = upload("big.png", PNG + b"\x00" * MAX_ATTACHMENT_BYTES, "image/png")
    response = client.post(reverse("complaints:new"), new_case_data(attachments=[big]))
    expected = gettext("%(name)s is larger than %(limit)s.") % {
        "name": "big.png",
        "limit": format_file_size(MAX_ATTACHMENT_BYTES),
    }
    assert response.context["form"].errors["attachments"] == [expected]
    assert not Case.objects.exists()


def test_too_many_files_are_refused(client, people):
    client.force_login(people["crm"])
    files = [
        upload(f"{number}.png", PNG, "image/png") for number in range(MAX_ATTACHMENTS_PER_CASE + 1)
    ]
    response = client.post(reverse("complaints:new"), new_case_data(attachments=files))
    assert "attachments" in response.context["form"].errors
    assert not Case.objects.exists()


def test_register_without_attachments_still_works(client, people):
    client.force_login(people["crm"])
    client.post(reverse("complaints:new"), new_case_data())
    assert Case.objects.get().attachments.count() == 0


def test_register_form_is_multipart(client, people):
    client.force_login(people["crm"])
    content = client.get(reverse("complaints:new")).content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'name="attachments"' in content
    assert "multiple" in content


# --- attachments on the case page -------------------------------------------------------


def test_attach_files_on_the_case_page(client, people, donor_case):
    client.force_login(people["crm"])
    response = client.post(
        action(donor_case, "attach"), {"files": [upload("a.pdf", PDF, "application/pdf")]}
    )
    assert response.status_code == 302
    attachment = donor_case.attachments.get()
    assert attachment.uploaded_by == people["crm"]
    page = client.get(detail(donor_case))
    content = page.content.decode()
    assert reverse("complaints:attachment", args=[attachment.pk]) in content
    assert "a.pdf" in content
    assert 'data-testid="attach-form"' in content


def test_attach_refuses_a_bad_file_with_a_message(client, people, donor_case):
    client.force_login(people["crm"])
    response = client.post(
        action(donor_case, "attach"), {"files": [upload("x.pdf", EXE)]}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not CaseAttachment.objects.exists()
    response = client.post(action(donor_case, "attach"), {}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_no_attachments_on_a_closed_case(client, people, donor_case):
    services.case_answer_immediately(case=donor_case, actor=people["crm"], answer="تم")
    services.case_close(case=donor_case, actor=people["crm"])
    client.force_login(people["crm"])
    page = client.get(detail(donor_case))
    assert 'data-testid="attach-form"' not in page.content.decode()
    response = client.post(
        action(donor_case, "attach"), {"files": [upload("a.png", PNG)]}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not CaseAttachment.objects.exists()


@pytest.mark.parametrize("who, status", [("quality", 403), ("steward", 403), ("centres", 404)])
def test_attach_is_refused_without_the_permission_or_the_queue(
    client, people, donor_case, who, status
):
    client.force_login(people[who])
    response = client.post(action(donor_case, "attach"), {"files": [upload("a.png", PNG)]})
    assert response.status_code == status
    assert not CaseAttachment.objects.exists()


def test_attachments_say_who_sent_them(client, people, donor_case, english):
    from complaints.attachments import check_uploads, store_attachments

    store_attachments(donor_case, check_uploads([upload("p.png", PNG)]), uploaded_by=None)
    store_attachments(
        donor_case, check_uploads([upload("s.png", PNG)]), uploaded_by=people["crm_manager"]
    )
    client.force_login(people["crm"])
    response = client.get(detail(donor_case))
    rows = response.content.decode().split('data-testid="attachments"')[1].split("</ul>")[0]
    assert "p.png" in rows and "s.png" in rows
    assert gettext("the public") in rows
    assert people["crm_manager"].get_full_name() in rows


def stored_attachment(case):
    from complaints.attachments import check_uploads, store_attachments

    checked = check_uploads([upload("ملف.pdf", PDF, "application/pdf")])
    return store_attachments(case, checked, uploaded_by=None)[0]


@pytest.mark.parametrize("who", ["crm", "crm_manager", "quality"])
def test_download_for_those_who_see_the_case(client, people, donor_case, who):
    attachment = stored_attachment(donor_case)
    client.force_login(people[who])
    response = client.get(reverse("complaints:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who, status", [("centres", 404), ("centres_manager", 404)])
def test_download_from_another_queue_is_not_found(client, people, donor_case, who, status):
    attachment = stored_attachment(donor_case)
    client.force_login(people[who])
    assert client.get(reverse("complaints:attachment", args=[attachment.pk])).status_code == status


def test_download_refused_to_roles_without_cases_and_anonymous(client, people, donor_case):
    attachment = stored_attachment(donor_case)
    url = reverse("complaints:attachment", args=[attachment.pk])
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(people["steward"])
    assert client.get(url).status_code == 403
    client.force_login(people["crm"])
    assert client.post(url).status_code == 405


# --- request registration ---------------------------------------------------------------


@pytest.fixture
def visitor_case(people, places):
    return register(
        people["crm"],
        None,
        kind="inquiry",
        contact_name="سالم الزائر",
        contact_mobile="+966501112233",
        centre=places["mine"],
    )


def test_request_registration_prepares_one_draft_form(client, people, places, visitor_case):
    client.force_login(people["crm"])
    page = client.get(detail(visitor_case))
    assert page.context["may_request_registration"]
    assert 'data-testid="request-registration"' in page.content.decode()

    response = client.post(
        action(visitor_case, "request_registration"), {"customer_kind": "beneficiary"}
    )
    form_request = CustomerRequest.objects.get()
    assert response["Location"] == reverse("customers:request_detail", args=[form_request.pk])
    assert form_request.state == RequestState.DRAFT
    assert form_request.kind == "create"
    assert form_request.prepared_by == people["crm"]
    assert visitor_case.tracking_number in form_request.reason
    line = form_request.lines.get()
    assert line.action == "create"
    assert line.proposed["name"] == "سالم الزائر"
    assert line.proposed["mobile"] == "+966501112233"
    assert line.proposed["kind"] == "beneficiary"
    assert line.proposed["centre"] == places["mine"].pk
    assert line.proposed["city"] == places["mine"].city_id
    assert line.proposed["contact_channel"] == "phone"
    assert line.proposed["is_active"] is True
    visitor_case.refresh_from_db()
    assert visitor_case.customer_request == form_request
    assert visitor_case.entries.count() == 1  # the register says what was done

    # The second click links to the same form instead of preparing another.
    response = client.post(action(visitor_case, "request_registration"), {"customer_kind": "donor"})
    assert response["Location"] == reverse("customers:request_detail", args=[form_request.pk])
    assert CustomerRequest.objects.count() == 1
    page = client.get(detail(visitor_case))
    content = page.content.decode()
    assert 'data-testid="request-registration"' not in content
    assert 'data-testid="registration-linked"' in content
    assert reverse("customers:request_detail", args=[form_request.pk]) in content


def test_request_registration_with_another_centre(client, people, places, visitor_case):
    client.force_login(people["crm"])
    page = client.get(detail(visitor_case))
    assert page.context["registration_form"]["centre"].value() == places["mine"].pk
    client.post(
        action(visitor_case, "request_registration"),
        {"customer_kind": "beneficiary", "centre": places["other"].pk},
    )
    line = CustomerRequest.objects.get().lines.get()
    assert line.proposed["centre"] == places["other"].pk


def test_the_draft_can_be_submitted_by_its_preparer(client, people, visitor_case):
    request, created = services.case_request_registration(
        case=visitor_case, actor=people["crm"], customer_kind="donor"
    )
    assert created
    client.force_login(people["crm"])
    client.post(reverse("customers:request_action", args=[request.pk, "submit"]))
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


@pytest.mark.parametrize(
    "who, status",
    [("centres", 404), ("centres_manager", 404), ("quality", 403), ("steward", 403)],
)
def test_request_registration_is_refused_without_the_permission(
    client, people, visitor_case, who, status
):
    client.force_login(people[who])
    response = client.post(
        action(visitor_case, "request_registration"), {"customer_kind": "beneficiary"}
    )
    assert response.status_code == status
    assert not CustomerRequest.objects.exists()


def test_request_registration_refused_for_anonymous(client, visitor_case):
    response = client.post(
        action(visitor_case, "request_registration"), {"customer_kind": "beneficiary"}
    )
    assert reverse("login") in response["Location"]
    assert not CustomerRequest.objects.exists()


def test_quality_officer_sees_no_registration_button(client, people, visitor_case):
    client.force_login(people["quality"])
    page = client.get(detail(visitor_case))
    assert not page.context["may_request_registration"]
    assert 'data-testid="request-registration"' not in page.content.decode()


def test_request_registration_needs_a_valid_customer_kind(client, people, visitor_case, english):
    client.force_login(people["crm"])
    response = client.post(
        action(visitor_case, "request_registration"),
        {"customer_kind": "government"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        gettext("Choose whether the person is a beneficiary or a donor.")
    ]
    assert not CustomerRequest.objects.exists()


def test_no_registration_for_a_case_with_a_customer_or_without_a_mobile(
    client, people, customers, donor_case
):
    with pytest.raises(services.CaseError):
        services.case_request_registration(
            case=donor_case, actor=people["crm"], customer_kind="donor"
        )
    no_mobile = register(people["crm"], None, contact_name="بلا جوال")
    with pytest.raises(services.CaseError):
        services.case_request_registration(
            case=no_mobile, actor=people["crm"], customer_kind="donor"
        )
    client.force_login(people["crm"])
    page = client.get(detail(no_mobile))
    assert not page.context["may_request_registration"]
    assert reverse("customers:request_new") in page.content.decode()
    assert not CustomerRequest.objects.exists()


# --- what the case page shows -----------------------------------------------------------


def test_case_page_shows_the_answer_deadline_and_last_update(client, people, customers, english):
    late = register(
        people["crm"],
        customers["donor"],
        received_at=timezone.now() - datetime.timedelta(days=10),
    )
    client.force_login(people["crm"])
    content = client.get(detail(late)).content.decode()
    assert 'data-testid="answer-due"' in content
    assert 'data-testid="last-update"' in content
    assert client.get(detail(late)).context["answer_overdue"]
    services.case_answer_immediately(case=late, actor=people["crm"], answer="تم الرد")
    content = client.get(detail(late)).content.decode()
    assert gettext("Answered after the deadline") in content

    fresh = register(people["crm"], customers["donor"])
    services.case_answer_immediately(case=fresh, actor=people["crm"], answer="تم الرد")
    content = client.get(detail(fresh)).content.decode()
    assert gettext("Answered within the deadline") in content


def test_entering_the_registration_form_links_the_case_to_the_new_customer(
    people, places, visitor_case
):
    """Prepared from the case, submitted, approved and entered through the customers path:
    the case then belongs to the new customer (and shows on their profile)."""
    from customers import services as customer_services
    from customers.models import StewardDesignation

    form_request, _created = services.case_request_registration(
        case=visitor_case, actor=people["crm"], customer_kind="beneficiary"
    )
    customer_services.customer_request_submit(request=form_request, actor=people["crm"])
    customer_services.customer_request_approve(request=form_request, actor=people["crm_manager"])
    deputy = user_with(roles.DEPUTY_STEWARD, "deputy")
    StewardDesignation.objects.create(steward=people["steward"], deputy=deputy)
    customer_services.customer_request_enter(request=form_request, actor=people["steward"])
    visitor_case.refresh_from_db()
    assert visitor_case.customer is not None
    assert visitor_case.customer.mobile == "+966501112233"
    assert visitor_case.customer.name == "سالم الزائر"
