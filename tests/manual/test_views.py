"""The manual's pages: the documents, a version with its header, contents and procedure
tables, a section, old versions read-only, the search, reading access and the controller's
page, the PDF, the navigation and «عملي»."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.mywork import work_sections_for
from core.navigation import navigation_for
from manual import services
from manual.models import ControllerDelegation, Reading, ReadingAccess

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_the_index_lists_the_documents_with_their_version_in_force(client, people, loaded):
    response = _client(client, people["crm"]).get(reverse("manual:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "دليل السياسات والإجراءات - إدارة علاقات العملاء" in html
    assert "سياسة تنظيم العلاقة مع المستخدمين" in html
    assert reverse("manual:document", args=["crm"]) in html
    assert 'data-testid="access-request-form"' not in html
    assert "None" not in html


def test_other_staff_see_the_request_form(client, people, loaded):
    response = _client(client, people["quality"]).get(reverse("manual:index"))
    html = response.content.decode()
    assert html.count('data-testid="access-request-form"') == 2
    assert f'href="{reverse("manual:document", args=["crm"])}"' not in html
    page = client.get(reverse("manual:document", args=["crm"]))
    assert page.status_code == 403
    assert 'data-testid="access-request-form"' in page.content.decode()
    assert client.get(reverse("manual:section", args=["crm", "5.1.6"])).status_code == 403
    assert not Reading.objects.exists()


def test_the_document_page_shows_header_contents_sections_and_tables(
    client, people, policy, crm_manual
):
    response = _client(client, people["crm"]).get(
        reverse("manual:document", args=["beneficiary-relations"])
    )
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("28", "المراجع الداخلي", "الرئيس التنفيذي", "مجلس الإدارة", "تمهيد", "2024"):
        assert text in html, text
    assert "None" not in html
    response = client.get(reverse("manual:document", args=["crm"]))
    html = response.content.decode()
    assert html.count('data-testid="procedure-table"') == 6
    assert html.count('data-testid="procedure-step"') == 40
    assert 'data-testid="manual-toc"' in html
    assert "مراقب الدليل" in html
    assert reverse("manual:section", args=["crm", "5.1.6"]) in html
    assert 'data-testid="old-version-banner"' not in html
    assert "None" not in html
    reading = Reading.objects.order_by("-id").first()
    assert (reading.user, reading.version.document, reading.section_number) == (
        people["crm"],
        crm_manual,
        "",
    )


def test_a_section_page_logs_the_reading(client, people, crm_manual):
    response = _client(client, people["centres_manager"]).get(
        reverse("manual:section", args=["crm", "5.2-1"])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "تقديم ومعالجة الشكاوي" in html
    assert html.count('data-testid="procedure-step"') == 9
    assert Reading.objects.get().section_number == "5.2-1"
    # A numbered part shows its clauses.
    response = client.get(reverse("manual:section", args=["crm", "1.11"]))
    assert "1.11.7" in response.content.decode()
    assert client.get(reverse("manual:section", args=["crm", "9.9.9"])).status_code == 404


def test_an_old_version_is_read_only_with_a_banner(client, people, crm_manual):
    draft = services.version_start_draft(document=crm_manual, actor=people["controller"])
    services.change_add(
        version=draft,
        actor=people["controller"],
        changed_on=timezone.localdate(),
        where="1.3",
        summary="تعديل",
    )
    services.version_submit(version=draft, actor=people["controller"])
    # Not in force yet: the readers do not see it.
    assert (
        _client(client, people["crm"]).get(reverse("manual:version", args=["crm", 2])).status_code
        == 404
    )
    services.version_approve(version=draft, actor=people["secretary"])
    old = client.get(reverse("manual:version", args=["crm", 1]))
    html = old.content.decode()
    assert old.status_code == 200
    assert 'data-testid="old-version-banner"' in html
    current = client.get(reverse("manual:document", args=["crm"])).content.decode()
    assert 'data-testid="old-version-banner"' not in current
    assert "تعديل" in current  # its change log


def test_search_is_arabic_normalised(client, people, loaded):
    _client(client, people["crm"])
    # «اسئلة» without hamza finds «الأسئلة المتكررة» (5.1.10).
    response = client.get(reverse("manual:search"), {"q": "اسئلة المتكررة"})
    html = response.content.decode()
    assert reverse("manual:section", args=["crm", "5.1.10"]) in html
    assert client.get(reverse("manual:search")).status_code == 200
    # Someone who may not read finds nothing.
    client.force_login(people["quality"])
    html = client.get(reverse("manual:search"), {"q": "اسئلة المتكررة"}).content.decode()
    assert reverse("manual:section", args=["crm", "5.1.10"]) not in html


def test_request_then_grant_from_the_controllers_page(client, people, crm_manual):
    _client(client, people["quality"])
    response = client.post(
        reverse("manual:access_request", args=["crm"]), {"reason": "لمراجعة 5.1.7"}
    )
    assert response.status_code == 302
    access = ReadingAccess.objects.get()
    assert access.reason == "لمراجعة 5.1.7"
    assert 'data-testid="access-pending"' in client.get(reverse("manual:index")).content.decode()
    assert client.get(reverse("manual:access")).status_code == 403

    client.force_login(people["controller"])
    page = client.get(reverse("manual:access")).content.decode()
    assert "لمراجعة 5.1.7" in page and f'id="request-{access.pk}"' in page
    assert "None" not in page
    # «عملي» lists the request.
    sections = work_sections_for(people["controller"])
    assert any(reverse("manual:access") in item.url for s in sections for item in s.items)
    response = client.post(reverse("manual:access_decide", args=[access.pk]), {"decision": "grant"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.state == "granted"

    client.force_login(people["quality"])
    assert client.get(reverse("manual:document", args=["crm"])).status_code == 200
    client.force_login(people["controller"])
    log = client.get(reverse("manual:access")).content.decode()
    assert 'data-testid="reading-log"' in log and people["quality"].get_full_name() in log


def test_a_refusal_without_reason_comes_back_with_a_message(client, people, crm_manual):
    access = services.access_request(document=crm_manual, actor=people["centres"])
    _client(client, people["controller"])
    response = client.post(
        reverse("manual:access_decide", args=[access.pk]), {"decision": "refuse"}, follow=True
    )
    access.refresh_from_db()
    assert access.state == "requested"
    assert response.status_code == 200
    client.post(
        reverse("manual:access_decide", args=[access.pk]),
        {"decision": "refuse", "refusal_reason": "غير لازم"},
    )
    access.refresh_from_db()
    assert access.state == "refused"
    client.force_login(people["centres"])
    assert "غير لازم" in client.get(reverse("manual:index")).content.decode()


def test_the_controller_delegates_from_the_page(client, people, loaded):
    today = timezone.localdate()
    _client(client, people["controller"])
    response = client.post(
        reverse("manual:delegation_create"),
        {
            "delegate": people["crm"].pk,
            "starts_on": today.strftime("%d/%m/%Y"),
            "ends_on": (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
            "note": "",
        },
    )
    assert response.status_code == 302
    delegation = ControllerDelegation.objects.get()
    assert (delegation.delegate, delegation.granted_by) == (people["crm"], people["controller"])
    # The delegate reaches the controller's page, without the delegation form.
    client.force_login(people["crm"])
    page = client.get(reverse("manual:access"))
    assert page.status_code == 200
    assert 'data-testid="delegation-form"' not in page.content.decode()
    assert client.post(reverse("manual:delegation_create"), {}).status_code == 403


def test_the_pdf(client, people, crm_manual):
    response = _client(client, people["crm"]).get(reverse("manual:version_pdf", args=["crm", 1]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert Reading.objects.get().section_number == "pdf"
    client.force_login(people["quality"])
    assert client.get(reverse("manual:version_pdf", args=["crm", 1])).status_code == 403


def test_the_navigation_entry_for_every_role(people, loaded):
    for name in ("crm", "quality", "secretary"):
        urls = [url for _pillar, links in navigation_for(people[name]) for _item, url in links]
        assert reverse("manual:index") in urls, name


def test_the_secretary_sees_versions_to_approve(people, crm_manual):
    draft = services.version_start_draft(document=crm_manual, actor=people["controller"])
    services.change_add(
        version=draft,
        actor=people["controller"],
        changed_on=timezone.localdate(),
        where="1.3",
        summary="x",
    )
    services.version_submit(version=draft, actor=people["controller"])
    items = [item for s in work_sections_for(people["secretary"]) for item in s.items]
    assert any(reverse("manual:version", args=["crm", 2]) == item.url for item in items)
