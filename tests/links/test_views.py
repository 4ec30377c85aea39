"""The staff's pages: the CRM manager makes and edits a link over HTTP (a refused target
comes back with the Arabic reason and what was typed), staff read the list and the page
with visits per day, unique visitors and the cases attributed; others are refused."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from links.models import TrackedLink

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"


def test_the_manager_creates_a_link_over_http(people, client):
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse("links:create"),
        {
            "label": "لوحة طريق الملك",
            "target": "/public/cases/new/",
            "utm_source": "billboard",
            "utm_medium": "qr",
            "utm_campaign": "",
            "utm_content": "",
            "expires_at": "",
            "is_active": "on",
        },
    )
    link = TrackedLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("links:detail", args=[link.pk])
    assert link.created_by == people["crm_manager"]
    assert link.utm_source == "billboard" and link.code


def test_an_open_redirect_comes_back_with_the_reason_and_the_typed_values(people, client):
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse("links:create"),
        {"label": "ملصق", "target": "https://evil.com/", "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "القائمة المسموح بها" in page
    assert 'value="https://evil.com/"' in page
    assert not TrackedLink.objects.exists()


def test_the_manager_edits_a_link(make_link, people, client):
    link = make_link()
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse("links:edit", args=[link.pk]),
        {"label": "ملصق معدل", "target": "/public/faq/", "is_active": ""},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.label, link.target, link.is_active) == ("ملصق معدل", "/public/faq/", False)


def test_staff_read_but_do_not_make_or_edit(make_link, people, client):
    link = make_link()
    client.force_login(people["crm_staff"])
    assert client.get(reverse("links:list")).status_code == 200
    assert client.get(reverse("links:detail", args=[link.pk])).status_code == 200
    assert client.get(reverse("links:create")).status_code == 403
    before = TrackedLink.objects.count()
    assert client.post(reverse("links:create"), {"label": "x", "target": "/"}).status_code == 403
    assert client.post(reverse("links:edit", args=[link.pk]), {"label": "y"}).status_code == 403
    assert TrackedLink.objects.count() == before
    link.refresh_from_db()
    assert link.label == "ملصق المول"


@pytest.mark.parametrize("name", ["management", "nobody"])
def test_others_are_refused(make_link, people, client, name):
    link = make_link()
    client.force_login(people[name])
    for url in (
        reverse("links:list"),
        reverse("links:detail", args=[link.pk]),
        reverse("links:poster", args=[link.pk]),
        reverse("links:qr_png", args=[link.pk]),
    ):
        assert client.get(url).status_code == 403


def test_the_page_shows_visits_unique_visitors_and_attributed_cases(make_link, people, client):
    link = make_link(label="لوحة طريق الملك")
    for ip in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
        Client().get(link.short_path, HTTP_USER_AGENT=PHONE, REMOTE_ADDR=ip)
    client.force_login(people["crm_staff"])
    listing = client.get(reverse("links:list")).content.decode()
    assert f'data-code="{link.code}"' in listing
    page = client.get(reverse("links:detail", args=[link.pk]))
    html = page.content.decode()
    assert 'data-testid="visits-total">3<' in html
    assert 'data-testid="unique-total">2<' in html
    assert f'data-day="{timezone.localdate():%Y-%m-%d}"' in html
    assert link.short_url in html
    assert "<svg" in html  # the QR code on the page


def test_the_list_s_queries_do_not_grow_with_its_links(
    make_link, people, client, django_assert_max_num_queries
):
    for number in range(3):
        make_link(label=f"رابط {number}")
    client.force_login(people["crm_staff"])
    client.get(reverse("links:list"))  # warm the session and the permissions
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("links:list"))
    for number in range(3, 15):
        make_link(label=f"رابط {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("links:list"))
    assert response.content.decode().count("data-code=") == 15
