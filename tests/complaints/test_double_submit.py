"""A form sent twice (a double click, a resend after a slow answer) registers one case."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext, override

from complaints.models import Case
from core.submissions import TOKEN_FIELD

pytestmark = pytest.mark.django_db

STAFF_FORM = {
    "kind": "complaint",
    "channel": "phone",
    "contact_name": "زائر",
    "contact_kind": "other",
    "subject": "تأخر الرد",
    "description": "لم يتصل بنا أحد",
}
PUBLIC_FORM = {
    "contact_kind": "other",
    "kind": "suggestion",
    "name": "أم خالد",
    "mobile": "0559876543",
    "centre": "",
    "subject": "تمديد ساعات المركز",
    "description": "نقترح فتح المركز مساء الخميس",
    "website": "",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_staff_form_sent_twice_registers_one_case(client, people):
    client.force_login(people["crm"])
    url = reverse("complaints:new")
    token = client.get(url).context["submission_token"]
    first = client.post(url, {**STAFF_FORM, TOKEN_FIELD: token})
    second = client.post(url, {**STAFF_FORM, TOKEN_FIELD: token}, follow=True)
    case = Case.objects.get()
    assert first["Location"] == reverse("complaints:detail", args=[case.pk])
    assert second.redirect_chain[-1][0] == reverse("complaints:detail", args=[case.pk])
    with override("ar"):
        notice = gettext("This form was already sent: the case is registered once.")
    assert notice in second.content.decode()
    # A new form (a new token) registers a new case.
    token = client.get(url).context["submission_token"]
    client.post(url, {**STAFF_FORM, TOKEN_FIELD: token})
    assert Case.objects.count() == 2


def test_public_form_sent_twice_files_one_case(client):
    url = reverse("public:file")
    token = client.get(url).context["submission_token"]
    first = client.post(url, {**PUBLIC_FORM, TOKEN_FIELD: token})
    second = client.post(url, {**PUBLIC_FORM, TOKEN_FIELD: token})
    assert first["Location"] == second["Location"] == reverse("public:filed")
    case = Case.objects.get()
    assert case.tracking_number in client.get(reverse("public:filed")).content.decode()


def test_a_refused_sending_can_be_sent_again(client, people, monkeypatch):
    """When the first sending is refused with a message, correcting and sending the same
    form again works: the token is given back."""
    from complaints import services

    client.force_login(people["crm"])
    url = reverse("complaints:new")
    token = client.get(url).context["submission_token"]

    def refuse(**kwargs):
        raise services.CaseError("refused")

    original = services.case_register_with_attachments
    monkeypatch.setattr(services, "case_register_with_attachments", refuse)
    client.post(url, {**STAFF_FORM, TOKEN_FIELD: token})
    assert not Case.objects.exists()
    monkeypatch.setattr(services, "case_register_with_attachments", original)
    client.post(url, {**STAFF_FORM, TOKEN_FIELD: token})
    assert Case.objects.count() == 1
