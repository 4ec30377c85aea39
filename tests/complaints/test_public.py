"""The public pages (no login): filing, the thank-you page, tracking lookups, the FAQ, and
the abuse protection (rate limits, honeypot)."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from complaints import services
from complaints.models import Case, CaseAttachment, CaseCategory, CaseRoute, FaqEntry
from core.phones import INVALID_MOBILE_MESSAGE
from customers.models import Customer

from .conftest import register

pytestmark = pytest.mark.django_db

FILE_URL = reverse("public:file")
FILED_URL = reverse("public:filed")
TRACK_URL = reverse("public:track")
FAQ_URL = reverse("public:faq")

UNKNOWN_MOBILE = "0559876543"
BENEFICIARY_MOBILE = "+966501112233"
DONOR_MOBILE = "+966502223344"

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 300


def ar(message, **values):
    """A message as the Arabic-first site shows it."""
    with override("ar"):
        text = gettext(message)
    return escape(text % values if values else text)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def public_customers(places):
    return {
        "beneficiary": Customer.objects.create(
            code=910001,
            name="مستفيدة",
            kind="beneficiary",
            centre=places["mine"],
            mobile=BENEFICIARY_MOBILE,
        ),
        "donor": Customer.objects.create(
            code=910002, name="مانح كريم", kind="donor", mobile=DONOR_MOBILE
        ),
    }


def filing(**changes):
    data = {
        "kind": "suggestion",
        "contact_kind": "other",
        "name": "أم خالد",
        "mobile": UNKNOWN_MOBILE,
        "centre": "",
        "subject": "تمديد ساعات المركز",
        "description": "نقترح فتح المركز مساء الخميس",
        "website": "",
    }
    data.update(changes)
    return data


def file_case(client, **changes):
    return client.post(FILE_URL, filing(**changes))


def track(client, number, mobile):
    return client.post(TRACK_URL, {"tracking_number": number, "mobile": mobile})


# --- access --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [FILE_URL, TRACK_URL, FAQ_URL])
def test_anonymous_sees_the_public_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("public:file") in response.content.decode()


def test_public_index_leads_to_the_form(client):
    response = client.get(reverse("public:index"))
    assert response.status_code == 302
    assert response["Location"] == FILE_URL


@pytest.mark.parametrize(
    "role", ["crm", "crm_manager", "centres", "centres_manager", "quality", "steward"]
)
@pytest.mark.parametrize("url", [FILE_URL, TRACK_URL, FAQ_URL])
def test_staff_see_the_same_public_pages(client, people, role, url):
    client.force_login(people[role])
    response = client.get(url)
    assert response.status_code == 200
    # The public layout: no staff navigation, no user menu.
    assert 'data-testid="user-menu"' not in response.content.decode()


def test_staff_filing_on_the_public_page_is_a_public_case(client, people):
    client.force_login(people["crm"])
    assert file_case(client).status_code == 302
    case = Case.objects.get()
    assert case.registered_by is None
    assert case.channel == "website"


def test_thank_you_page_needs_a_filing_in_this_session(client):
    response = client.get(FILED_URL)
    assert response.status_code == 302
    assert response["Location"] == FILE_URL


def test_only_get_and_post(client):
    assert client.put(FILE_URL).status_code == 405
    assert client.post(FILED_URL).status_code == 405
    assert client.post(FAQ_URL).status_code == 405


# --- filing ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["complaint", "inquiry", "suggestion"])
def test_filing_each_kind_creates_a_website_case(client, places, kind):
    response = file_case(client, kind=kind)
    assert response.status_code == 302
    assert response["Location"] == FILED_URL
    case = Case.objects.get()
    assert case.kind == kind
    assert case.channel == "website"
    assert case.registered_by is None
    assert case.customer is None
    assert case.contact_name == "أم خالد"
    assert case.contact_mobile == "+966559876543"
    assert case.routed_to == CaseRoute.CRM
    assert case.state == "received"
    assert case.transitions.count() == 0

    page = client.get(FILED_URL)
    assert page.status_code == 200
    assert 'data-testid="tracking-number"' in page.content.decode()
    assert case.tracking_number in page.content.decode()


def test_a_beneficiarys_mobile_is_a_possible_match_not_a_link(client, public_customers):
    """Issue 10 item 18: anyone can type someone's mobile; staff confirm the match."""
    file_case(client, kind="complaint", mobile="0501112233")
    case = Case.objects.get()
    assert case.customer is None
    assert case.possible_customer == public_customers["beneficiary"]
    assert case.routed_to == CaseRoute.CRM  # by what the person said ("other")
    assert case.centre is None


def test_a_beneficiary_filing_routes_to_the_centres_department(client, places):
    file_case(client, kind="complaint", contact_kind="beneficiary", centre=places["mine"].pk)
    case = Case.objects.get()
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]


def test_a_donors_mobile_routes_to_the_crm_department(client, public_customers):
    file_case(client, kind="complaint", mobile="+966 50 222 3344", contact_kind="donor")
    case = Case.objects.get()
    assert case.possible_customer == public_customers["donor"]
    assert case.routed_to == CaseRoute.CRM


def test_the_chosen_centre_is_kept(client, places):
    file_case(client, centre=places["other"].pk)
    assert Case.objects.get().centre == places["other"]


def test_an_inactive_centre_cannot_be_chosen(client, places):
    places["other"].is_active = False
    places["other"].save()
    response = file_case(client, centre=places["other"].pk)
    assert response.status_code == 200
    assert not Case.objects.exists()


def test_arabic_indic_digits_in_the_mobile(client):
    file_case(client, mobile="٠٥٥٩٨٧٦٥٤٣")
    assert Case.objects.get().contact_mobile == "+966559876543"


@pytest.mark.parametrize("mobile", ["12345", "0112345678", "05ABCDEFGH", "٠٥٥"])
def test_an_invalid_mobile_is_refused_in_arabic(client, mobile):
    response = file_case(client, mobile=mobile)
    assert response.status_code == 200
    assert ar(str(INVALID_MOBILE_MESSAGE)) in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["kind", "name", "mobile", "subject", "description"])
def test_required_fields(client, field):
    response = file_case(client, **{field: ""})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


def test_blank_text_is_refused(client):
    response = file_case(client, subject="   ", description="   ", name="  ")
    form = response.context["form"]
    assert {"subject", "description", "name"} <= set(form.errors)
    assert not Case.objects.exists()


def test_an_unknown_kind_is_refused(client):
    response = file_case(client, kind="praise")
    assert "kind" in response.context["form"].errors
    assert not Case.objects.exists()


# --- attachments -------------------------------------------------------------------------


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_good_attachments_are_stored(client):
    response = client.post(
        FILE_URL,
        {
            **filing(),
            "attachments": [
                upload("photo.png", PNG_BYTES, "image/png"),
                upload("letter.pdf", PDF_BYTES),
            ],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    stored = {item.original_name: item for item in case.attachments.all()}
    assert set(stored) == {"photo.png", "letter.pdf"}
    assert stored["photo.png"].content_type == "image/png"
    assert stored["letter.pdf"].content_type == "application/pdf"
    assert all(item.uploaded_by is None for item in stored.values())


def test_a_program_renamed_pdf_is_refused_and_nothing_is_created(client):
    response = client.post(
        FILE_URL,
        {
            **filing(),
            "attachments": [
                upload("good.pdf", PDF_BYTES),
                upload("invoice.pdf", EXE_BYTES),
            ],
        },
    )
    assert response.status_code == 200
    message = ar("%(name)s is not an image (JPEG, PNG) or a PDF file.", name="invoice.pdf")
    assert message in response.content.decode()
    assert not Case.objects.exists()
    assert not CaseAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client):
    big = PDF_BYTES + b"\x00" * (6 * 1024 * 1024)
    response = client.post(FILE_URL, {**filing(), "attachments": [upload("big.pdf", big)]})
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert "big.pdf" in response.content.decode()
    assert not Case.objects.exists()


def test_at_most_five_attachments(client):
    files = [upload(f"page{n}.pdf", PDF_BYTES) for n in range(6)]
    response = client.post(FILE_URL, {**filing(), "attachments": files})
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not Case.objects.exists()


def test_an_empty_file_is_refused(client):
    response = client.post(FILE_URL, {**filing(), "attachments": [upload("empty.pdf", b"")]})
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not Case.objects.exists()


def test_storage_failure_leaves_no_half_case(client, monkeypatch):
    from complaints import attachments

    def broken(case, checked, *, uploaded_by=None):
        raise services.CaseError("disk full")

    monkeypatch.setattr(attachments, "store_attachments", broken)
    response = client.post(FILE_URL, {**filing(), "attachments": [upload("letter.pdf", PDF_BYTES)]})
    assert response.status_code == 200
    assert "disk full" in response.content.decode()
    assert not Case.objects.exists()


def test_the_filing_service_saves_the_case_with_its_checked_files():
    from complaints.attachments import check_uploads

    checked = check_uploads([upload("letter.pdf", PDF_BYTES), upload("photo.png", PNG_BYTES)])
    case = services.case_file_public_with_attachments(
        checked_uploads=checked,
        kind="complaint",
        subject="تأخر الرد",
        description="لم يتصل بي أحد",
        contact_name="زائر",
        contact_mobile="+966559876543",
        contact_kind="donor",
    )
    assert case.channel == "website"
    assert sorted(case.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    assert all(attachment.uploaded_by is None for attachment in case.attachments.all())


def test_a_refused_filing_stores_no_file():
    checked = [(upload("letter.pdf", PDF_BYTES), "application/pdf")]
    with pytest.raises(services.CaseError):
        services.case_file_public_with_attachments(
            checked_uploads=checked,
            kind="complaint",
            subject="تأخر الرد",
            description="لم يتصل بي أحد",
            contact_name="",
            contact_mobile="+966559876543",
        )
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


# --- the thank-you page ----------------------------------------------------------------


def test_the_thank_you_page_shows_only_this_sessions_case(client):
    file_case(client)
    case = Case.objects.get()
    other_browser = client.__class__()
    response = other_browser.get(FILED_URL)
    assert response.status_code == 302
    assert case.tracking_number not in client.get(FILE_URL).content.decode()
    # The tracking number never travels in a URL.
    assert case.tracking_number not in file_case(client, name="ثانية")["Location"]


def test_the_track_form_is_prefilled_after_filing(client):
    file_case(client)
    case = Case.objects.get()
    response = client.get(TRACK_URL)
    assert response.context["form"].initial["tracking_number"] == case.tracking_number


# --- honeypot and rate limits ------------------------------------------------------------


def test_the_honeypot_creates_nothing_and_pretends_success(client):
    response = file_case(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == FILED_URL
    assert not Case.objects.exists()
    page = client.get(FILED_URL)
    assert page.status_code == 200
    assert 'data-testid="tracking-number"' not in page.content.decode()


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(FILE_URL).content.decode()
    hidden_block = re.search(
        r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S
    ).group(1)
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", hidden_block).group(0)
    assert 'autocomplete="off"' in field
    assert 'tabindex="-1"' in field


def test_filing_is_limited_per_address(client):
    for number in range(5):
        assert file_case(client, subject=f"اقتراح {number}").status_code == 302
    response = file_case(client, subject="اقتراح زائد")
    assert response.status_code == 429
    assert (
        ar(
            "We received many requests from your connection in a short time. "
            "Please try again in an hour, or call us."
        )
        in response.content.decode()
    )
    assert Case.objects.count() == 5
    # Another address is not affected.
    other = client.post(FILE_URL, filing(subject="من جهاز آخر"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Case.objects.count() == 6


def test_mistakes_do_not_use_up_the_filing_limit(client):
    for _ in range(6):
        assert file_case(client, mobile="123").status_code == 200
    for number in range(5):
        assert file_case(client, subject=f"اقتراح {number}").status_code == 302
    assert Case.objects.count() == 5


def test_many_submissions_of_any_outcome_are_limited(client):
    for _ in range(30):
        assert file_case(client, mobile="123").status_code == 200
    assert file_case(client).status_code == 429
    assert not Case.objects.exists()


def test_honeypot_catches_count_against_the_limit(client):
    for _ in range(5):
        file_case(client, website="x")
    assert file_case(client).status_code == 429
    assert not Case.objects.exists()


@override_settings(RATELIMIT_ENABLE=False)
def test_rate_limits_can_be_switched_off(client):
    for number in range(7):
        assert file_case(client, subject=f"اقتراح {number}").status_code == 302
    case = Case.objects.first()
    for _ in range(12):
        assert track(client, case.tracking_number, UNKNOWN_MOBILE).status_code == 200


def test_tracking_is_limited_per_address(client):
    file_case(client)
    case = Case.objects.get()
    for _ in range(10):
        assert track(client, case.tracking_number, UNKNOWN_MOBILE).status_code == 200
    response = track(client, case.tracking_number, UNKNOWN_MOBILE)
    assert response.status_code == 429
    assert response.context["result"] is None
    assert 'data-testid="track-result"' not in response.content.decode()
    # Showing the form is never limited.
    assert client.get(TRACK_URL).status_code == 200


# --- tracking ------------------------------------------------------------------------------


@pytest.fixture
def filed_case(client):
    file_case(client, kind="complaint", subject="تأخر السلة الغذائية")
    return Case.objects.get()


def test_the_right_pair_shows_the_status(client, filed_case):
    response = track(client, filed_case.tracking_number, UNKNOWN_MOBILE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="track-result"' in html
    assert "تأخر السلة الغذائية" in html
    assert ar("Received by us") in html
    assert response.context["result"]["reply"] == ""


def test_the_reply_is_shown_once_recorded(client, people, filed_case):
    services.case_promise_callback(case=filed_case, actor=people["crm"])
    response = track(client, filed_case.tracking_number, UNKNOWN_MOBILE)
    assert ar("We will call you back") in response.content.decode()

    services.case_start_study(
        case=filed_case, actor=people["crm"], causes="سبب داخلي سري", assignee=people["crm"]
    )
    filed_case.refresh_from_db()
    services.case_add_entry(case=filed_case, actor=people["crm"], text="ملاحظة داخلية")
    html = track(client, filed_case.tracking_number, UNKNOWN_MOBILE).content.decode()
    assert ar("Under study") in html
    assert "سبب داخلي سري" not in html
    assert "ملاحظة داخلية" not in html
    assert people["crm"].get_full_name() not in html

    services.case_record_reply(case=filed_case, actor=people["crm"], reply="ستصل السلة يوم الأحد")
    response = track(client, filed_case.tracking_number, UNKNOWN_MOBILE)
    html = response.content.decode()
    assert ar("Answered") in html
    assert "ستصل السلة يوم الأحد" in html
    assert 'data-testid="public-reply"' in html

    filed_case.refresh_from_db()
    services.case_close(case=filed_case, actor=people["crm"])
    html = track(client, filed_case.tracking_number, UNKNOWN_MOBILE).content.decode()
    assert ar("Request closed") in html
    assert "ستصل السلة يوم الأحد" in html


def test_an_immediate_answer_is_shown(client, people, filed_case):
    services.case_answer_immediately(
        case=filed_case, actor=people["crm"], answer="يمكنك الحضور صباحاً"
    )
    response = track(client, filed_case.tracking_number, UNKNOWN_MOBILE)
    assert "يمكنك الحضور صباحاً" in response.content.decode()


def test_lookup_forgives_the_way_it_is_typed(client, filed_case):
    number = filed_case.tracking_number
    typed = f" {number[:4].lower()} - {number[4:].lower()} "
    response = track(client, typed, "٠٥٥٩٨٧٦٥٤٣")
    assert response.context["result"]["case"] == filed_case


def test_a_customers_case_is_found_with_the_customers_mobile(client, people, public_customers):
    case = register(people["centres"], public_customers["beneficiary"])
    response = track(client, case.tracking_number, "0501112233")
    assert response.context["result"]["case"] == case


def test_wrong_mobile_and_unknown_number_get_the_same_neutral_answer(client, filed_case):
    wrong_mobile = track(client, filed_case.tracking_number, "0551111111")
    unknown = track(client, "ZZZZ2222", UNKNOWN_MOBILE)
    neutral = ar(
        "No request matches this tracking number and mobile number. Check both and try again."
    )
    for response in (wrong_mobile, unknown):
        assert response.status_code == 200
        assert response.context["result"] is None
        assert response.context["not_found"] is True
        assert neutral in response.content.decode()
        assert filed_case.subject not in response.content.decode()
    # The two answers differ only in what was typed.
    assert _without_typed(wrong_mobile) == _without_typed(unknown)


def _without_typed(response):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'value="[^"]*"', "", html)


def test_a_malformed_tracking_number_is_explained(client):
    response = track(client, "AB", UNKNOWN_MOBILE)
    assert "tracking_number" in response.context["form"].errors
    assert response.context["not_found"] is False


def test_an_invalid_mobile_in_a_lookup(client, filed_case):
    response = track(client, filed_case.tracking_number, "123")
    assert ar(str(INVALID_MOBILE_MESSAGE)) in response.content.decode()
    assert response.context["result"] is None


def test_the_lookup_is_a_post_form(client):
    html = client.get(TRACK_URL).content.decode()
    assert 'method="post"' in html
    assert client.get(TRACK_URL, {"mobile": UNKNOWN_MOBILE}).context["result"] is None


def test_lookup_query_count(client, filed_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = track(client, filed_case.tracking_number, UNKNOWN_MOBILE)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


# --- FAQ -----------------------------------------------------------------------------------


def faq_entry(author, question, answer="الجواب المعتمد", state="published", **fields):
    return FaqEntry.objects.create(
        question=question, answer=answer, state=state, proposed_by=author, **fields
    )


def test_faq_shows_only_published_entries(client, people):
    author = people["crm"]
    faq_entry(author, "متى يفتح المركز؟", times_used=3)
    faq_entry(author, "سؤال مقترح", state="proposed")
    faq_entry(author, "سؤال مرفوض", state="rejected")
    faq_entry(author, "سؤال مسحوب", state="withdrawn")
    response = client.get(FAQ_URL)
    html = response.content.decode()
    assert "متى يفتح المركز؟" in html
    assert "سؤال مقترح" not in html
    assert "سؤال مرفوض" not in html
    assert "سؤال مسحوب" not in html
    assert 'data-testid="times-used"' in html


def test_faq_is_ordered_by_use(client, people):
    author = people["crm"]
    faq_entry(author, "قليل", times_used=1)
    faq_entry(author, "كثير", times_used=9)
    faq_entry(author, "وسط", times_used=4)
    questions = [entry.question for entry in client.get(FAQ_URL).context["page"]]
    assert questions == ["كثير", "وسط", "قليل"]


@pytest.mark.parametrize("query", ["الاسرة", "الأسرة", "الأُسرة", "الاسره", "كيف الاسرة"])
def test_faq_search_with_arabic_normalisation(client, people, query):
    author = people["crm"]
    faq_entry(author, "كيف أسجل الأسرة في البرنامج؟")
    faq_entry(author, "متى يفتح المركز؟")
    page = client.get(FAQ_URL, {"q": query}).context["page"]
    assert [entry.question for entry in page] == ["كيف أسجل الأسرة في البرنامج؟"]


def test_faq_search_looks_in_answers_too(client, people):
    faq_entry(people["crm"], "مواعيد العمل", answer="من الأحد إلى الخميس")
    page = client.get(FAQ_URL, {"q": "الاحد"}).context["page"]
    assert len(page.object_list) == 1


def test_faq_category_filter(client, people):
    food = CaseCategory.objects.create(name="السلال الغذائية")
    other = CaseCategory.objects.create(name="التسجيل")
    faq_entry(people["crm"], "متى توزع السلال؟", category=food)
    faq_entry(people["crm"], "كيف أسجل؟", category=other)
    page = client.get(FAQ_URL, {"category": food.pk}).context["page"]
    assert [entry.question for entry in page] == ["متى توزع السلال؟"]


def test_faq_empty_states(client, people):
    response = client.get(FAQ_URL)
    assert 'data-testid="faq-empty"' in response.content.decode()
    faq_entry(people["crm"], "متى يفتح المركز؟")
    response = client.get(FAQ_URL, {"q": "غير موجود"})
    assert (
        ar("No question matches your search. Try other words, or send us your question.")
        in response.content.decode()
    )


def test_faq_is_paginated(client, people):
    for number in range(21):
        faq_entry(people["crm"], f"سؤال {number:02d}")
    first = client.get(FAQ_URL)
    assert len(first.context["page"].object_list) == 20
    second = client.get(FAQ_URL, {"page": 2})
    assert len(second.context["page"].object_list) == 1
    assert client.get(FAQ_URL, {"page": "x"}).status_code == 200
    assert (
        client.get(FAQ_URL, {"q": "سؤال", "page": 2}).context["querystring"]
        == "q=%D8%B3%D8%A4%D8%A7%D9%84"
    )


def test_faq_ignores_a_bad_category(client, people):
    faq_entry(people["crm"], "متى يفتح المركز؟")
    response = client.get(FAQ_URL, {"category": "999999"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_faq_escapes_text(client, people):
    faq_entry(people["crm"], "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in client.get(FAQ_URL).content.decode()


def test_the_public_pages_read_in_arabic(client):
    html = client.get(FILE_URL).content.decode()
    assert 'lang="ar"' in html
    assert 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html


def test_file_is_posted_as_multipart(client):
    html = client.get(FILE_URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    field = re.search(r"<input[^>]*name=\"attachments\"[^>]*>", html).group(0)
    assert "multiple" in field


def test_upload_helper_bytes_are_what_they_claim():
    import filetype

    assert filetype.guess(PNG_BYTES).mime == "image/png"
    assert filetype.guess(PDF_BYTES).mime == "application/pdf"
