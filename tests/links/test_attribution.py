"""First touch: a visitor who came through a tracked link and then files a case on the
public page has the case attributed to that link; a later link does not replace the
first; the case page shows it to staff."""

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import Case
from links import attribution
from links.models import TrackedLink

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"


def filing(**changes):
    data = {
        "kind": "suggestion",
        "contact_kind": "other",
        "name": "أم خالد",
        "mobile": "0559876543",
        "centre": "",
        "subject": "تمديد ساعات المركز",
        "description": "نقترح فتح المركز مساء الخميس",
        "website": "",
    }
    data.update(changes)
    return data


def test_a_case_filed_after_a_visit_is_attributed_to_the_first_link(make_link):
    first = make_link(label="لوحة طريق المدينة")
    second = make_link(label="منشور تويتر")
    visitor = Client(HTTP_USER_AGENT=PHONE)
    assert visitor.get(first.short_path).status_code == 302
    assert visitor.get(second.short_path).status_code == 302  # the first touch is kept
    response = visitor.post(reverse("public:file"), filing())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source_link == first


def test_a_case_filed_without_a_visit_has_no_source(client):
    assert client.post(reverse("public:file"), filing()).status_code == 302
    assert Case.objects.get().source_link is None


def test_a_tampered_first_touch_is_ignored(make_link, client):
    link = make_link()
    client.cookies[attribution.COOKIE] = f"{link.pk}|2026-12-06T10:00:00+03:00"
    assert client.post(reverse("public:file"), filing()).status_code == 302
    assert Case.objects.get().source_link is None


def test_a_deleted_link_attributes_nothing(make_link):
    link = make_link()
    visitor = Client(HTTP_USER_AGENT=PHONE)
    visitor.get(link.short_path)
    TrackedLink.objects.filter(pk=link.pk).delete()
    assert visitor.post(reverse("public:file"), filing()).status_code == 302
    assert Case.objects.get().source_link is None


def test_first_touch_reads_the_link_and_its_time(make_link, rf):
    link = make_link()
    response = Client(HTTP_USER_AGENT=PHONE).get(link.short_path)
    request = rf.get("/")
    request.COOKIES[attribution.COOKIE] = response.cookies[attribution.COOKIE].value
    assert attribution.first_touch(request) == link
    assert attribution.first_touch_value(request)["link"] == link.pk


def test_the_case_page_shows_staff_where_the_person_came_from(make_link, people, client):
    from association import roles
    from tests.helpers import user_with

    link = make_link(label="لوحة طريق المدينة")
    visitor = Client(HTTP_USER_AGENT=PHONE)
    visitor.get(link.short_path)
    visitor.post(reverse("public:file"), filing())
    case = Case.objects.get()
    staff = user_with(roles.CRM_STAFF, "crm_staff_reader")
    client.force_login(staff)
    page = client.get(reverse("complaints:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    text = page.content.decode()
    assert "الوصول عن طريق" in text
    assert "لوحة طريق المدينة" in text
    assert reverse("links:detail", args=[link.pk]) in text
    # And the link's page counts the case.
    detail = client.get(reverse("links:detail", args=[link.pk]))
    assert case.tracking_number in detail.content.decode()
