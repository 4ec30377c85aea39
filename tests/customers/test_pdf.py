"""The printable customer information create / modify form (customers.pdf): a real PDF made
by WeasyPrint, with Noto Sans Arabic embedded (not DejaVu), the customer's data in it, the
paper form's layout, and the same permissions as the form's page."""

import re
import shutil
import subprocess
import zlib
from urllib.parse import quote

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from association import roles
from core import pdf as core_pdf
from core.consent import no_consents
from customers import pdf, services
from customers.models import Customer, StewardDesignation
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db

NAME = "أحمد محمد الغامدي"
# Text searched with pdftotext has no lam-alef (extracted as "ال" + "أ" reversed) and no
# punctuation (moved about by its right-to-left extraction).
ADDRESS = "حي الصفا شارع الملك فهد"


def customer_values(**overrides):
    values = {
        "name": NAME,
        "entity_type": "individual",
        "kind": "donor",
        "national_id": "",
        "city": None,
        "centre": None,
        "address": ADDRESS,
        "phone": "",
        "mobile": "+966501234567",
        "email": "ahmed@example.org",
        "contact_channel": "",
        "consents": {**no_consents(), "sms.marketing": True},
        "consent_date": "2026-11-01",
        "consent_source": "نموذج ورقي في مركز الحي",
        "notes": "",
        "is_active": True,
    }
    assert set(values) == set(services.PROPOSED_FIELDS)
    values.update(overrides)
    return values


@pytest.fixture
def crm_manager(make_user):
    return make_user(roles.CRM_MANAGER, username="crm_manager_user", first_name="خالد")


@pytest.fixture
def steward(make_user, db):
    steward = make_user(roles.DATA_STEWARD, username="steward_user", first_name="عبدالله")
    deputy = make_user(roles.DEPUTY_STEWARD, username="deputy_user")
    StewardDesignation.objects.create(steward=steward, deputy=deputy)
    return steward


@pytest.fixture
def create_form(crm_staff):
    return services.customer_request_create(
        actor=crm_staff,
        kind="create",
        reason="عميل جديد تبرع عبر مركز الحي",
        lines=[(None, customer_values(), None)],
    )


@pytest.fixture
def entered_customer(crm_staff, crm_manager, steward, create_form):
    services.customer_request_approve(request=create_form, actor=crm_manager)
    services.customer_request_enter(request=create_form, actor=steward)
    return create_form.lines.get().customer


@pytest.fixture
def modify_form(crm_staff, entered_customer):
    proposed = {**services.customer_values(entered_customer), "mobile": "+966551112233"}
    return services.customer_request_create(
        actor=crm_staff,
        kind="modify",
        reason="تغيّر رقم الجوال بطلب من العميل.",
        lines=[(entered_customer, proposed, None)],
    )


def get_pdf(client, user, form_request):
    client.force_login(user)
    return client.get(reverse("customers:request_pdf", args=[form_request.pk]))


def pdf_text(content, tmp_path):
    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    # Drop the bidi marks pdftotext and the template (FSI/PDI around values) put in the text.
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", result.stdout.decode())


def embedded_font_names(content, tmp_path):
    """Names of the fonts in a PDF: from pdffonts when installed, else from the /FontName
    entries of the PDF, inflating the compressed (object) streams WeasyPrint writes."""
    if shutil.which("pdffonts"):
        path = tmp_path / "fonts.pdf"
        path.write_bytes(content)
        output = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, check=True, text=True
        ).stdout
        return [line.split()[0] for line in output.splitlines()[2:] if line.strip()]
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return [
        name.decode("latin-1")
        for chunk in chunks
        for name in re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", chunk)
    ]


def compact(name):
    return re.sub(r"[^a-z]", "", name.split("+")[-1].lower())


# --- the response ------------------------------------------------------------------------


def test_pdf_is_returned_inline(client, crm_staff, create_form):
    response = get_pdf(client, crm_staff, create_form)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''" + quote(
        f"نموذج إنشاء وتعديل معلومات العملاء {create_form.pk}.pdf"
    )
    assert response.content.startswith(b"%PDF")


def test_pdf_embeds_noto_sans_arabic_not_dejavu(client, crm_staff, create_form, tmp_path):
    names = [
        compact(name)
        for name in embedded_font_names(get_pdf(client, crm_staff, create_form).content, tmp_path)
    ]
    assert "notosansarabic" in names, names
    assert not any("dejavu" in name for name in names), names


def test_pdf_text_has_the_form_data(client, crm_staff, create_form, tmp_path):
    text = pdf_text(get_pdf(client, crm_staff, create_form).content, tmp_path)
    assert NAME in text
    assert ADDRESS in text
    assert "050 123 4567" in text  # the mobile shown the local way (core.phones)
    assert not re.search("[\u0660-\u0669]", text)  # Western digits only (core.numbers)
    assert "عميل جديد تبرع عبر مركز الحي" in text
    assert crm_staff.get_full_name() in text  # prepared by
    assert str(create_form.pk) in text


def test_modification_prints_current_and_proposed_values(
    client, crm_staff, modify_form, entered_customer, tmp_path
):
    text = pdf_text(get_pdf(client, crm_staff, modify_form).content, tmp_path)
    assert "050 123 4567" in text  # current mobile, shown the local way
    assert "055 111 2233" in text  # proposed mobile
    assert str(entered_customer.code) in text
    assert NAME in text


def test_large_import_prints_a_summary_row_per_customer(client, crm_staff, tmp_path):
    count = pdf.BATCH_DETAIL_LIMIT + 2
    lines = [
        (None, customer_values(name=f"عميل مستورد رقم {n}", mobile="", email=""), n + 1)
        for n in range(1, count + 1)
    ]
    batch = services.customer_request_create(
        actor=crm_staff, kind="import", reason="استيراد ملف المتبرعين.", lines=lines
    )
    text = pdf_text(get_pdf(client, crm_staff, batch).content, tmp_path)
    for n in range(1, count + 1):
        assert f"عميل مستورد رقم {n}" in text
    assert ADDRESS not in text  # one summary row each, not every field


# --- permissions ---------------------------------------------------------------------------


def test_user_without_view_permission_gets_403(client, make_user, create_form):
    outsider = make_user(roles.CENTRES_STAFF, username="centres_staff_user")
    assert not outsider.has_perm("customers.view_customerrequest")
    assert get_pdf(client, outsider, create_form).status_code == 403


def test_anonymous_user_is_sent_to_login(client, create_form):
    url = reverse("customers:request_pdf", args=[create_form.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_steward_may_print(client, steward, create_form):
    assert get_pdf(client, steward, create_form).status_code == 200


# --- the HTML behind the PDF (no WeasyPrint needed) -----------------------------------------


def render_html(form_request, user, language):
    with translation.override(language):
        return render_to_string(pdf.TEMPLATE, pdf.pdf_context(form_request, user))


def ticked_labels(html):
    return re.findall(r'<span class="box ticked"></span>([^<]+)<', html)


def test_html_is_right_to_left_in_arabic_and_left_to_right_in_english(crm_staff, create_form):
    assert '<html lang="ar" dir="rtl">' in render_html(create_form, crm_staff, "ar")
    assert '<html lang="en" dir="ltr">' in render_html(create_form, crm_staff, "en")


def test_html_ticks_the_kind_and_shows_association_and_signatures(
    crm_staff, create_form, modify_form
):
    html = render_html(create_form, crm_staff, "en")
    assert settings.ASSOCIATION_NAME in html
    assert "Customer information create / modify form" in html
    assert ticked_labels(html) == ["New record"]
    for label in ("Prepared by", "Approved by", "Entered by", "Filed by"):
        assert label in html
    with translation.override("en"):
        assert create_form.get_state_display() in html
    assert "text-align: justify" not in html
    assert "gap:" not in html
    assert ticked_labels(render_html(modify_form, crm_staff, "en")) == [
        "Modify an existing customer"
    ]


def test_html_signatures_carry_names_once_signed(crm_staff, crm_manager, steward, create_form):
    services.customer_request_approve(request=create_form, actor=crm_manager)
    html = render_html(create_form, crm_staff, "en")
    assert crm_manager.get_full_name() in html
    assert "Approved by" in html


def test_rejected_form_signs_as_rejected(crm_staff, crm_manager, create_form):
    services.customer_request_reject(request=create_form, actor=crm_manager, note="ناقص")
    html = render_html(create_form, crm_staff, "en")
    assert "Rejected by" in html
    assert "Approved by" not in html


# --- fonts and fetching ---------------------------------------------------------------------


def test_font_faces_point_at_the_static_ttf_files():
    css = core_pdf.font_face_css()
    assert css.count("@font-face") == 4
    assert 'font-family: "Noto Sans Arabic"' in css
    assert re.search(r'url\("file://[^"]+/fonts/NotoSansArabic-Regular\.ttf"\)', css)


def test_pdf_fetches_only_its_fonts():
    allowed = set(core_pdf.font_uris().values())
    fetcher = core_pdf.only_these_files_fetcher(allowed)
    with pytest.raises(ValueError):
        fetcher("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher("http://127.0.0.1/")
    response = fetcher(next(iter(allowed)))
    try:
        assert response.read(4) in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    finally:
        response.close()


def test_a_server_without_pango_gets_a_message_not_a_500(
    client, monkeypatch, crm_staff, create_form
):
    """make run needs no Debian package: without Pango, printing explains itself."""
    user, form_request = crm_staff, create_form

    def no_pango(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("customers.pdf.render_request_pdf", no_pango)
    client.force_login(user)
    response = client.get(reverse("customers:request_pdf", args=[form_request.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "customers:request_detail", args=[form_request.pk]
    )
    assert "Pango" in response.content.decode()


def test_rows_of_one_import_with_the_same_name_print_as_possible_duplicates(crm_staff):
    lines = [
        (None, customer_values(name="هدى عبدالرحمن المالكي", mobile="+966501110021"), 2),
        (None, customer_values(name="هدى عبدالرحمن المالكى", mobile="+966501110022"), 3),
    ]
    batch = services.customer_request_create(
        actor=crm_staff, kind="import", reason="استيراد", lines=lines
    )
    html = render_html(batch, crm_staff, "en")
    assert "row 3" in html and "row 2" in html
    assert "same name in this form, another mobile" in html


def test_html_isolates_the_modified_customer_s_name_for_weasyprint(crm_staff, modify_form):
    # WeasyPrint ignores <bdi> and unicode-bidi: the name sits between Unicode isolates.
    Customer.objects.filter(pk=modify_form.lines.get().customer_id).update(name="Acme Co.")
    html = render_html(modify_form, crm_staff, "ar")
    assert ": \u2068Acme Co.\u2069</strong>" in html
