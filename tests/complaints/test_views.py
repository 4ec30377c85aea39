import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case, CaseRoute, CaseState

from .conftest import register

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


@pytest.mark.parametrize("url_name", ["complaints:list", "complaints:new"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_anonymous_cannot_see_or_act_on_a_case(client, donor_case):
    assert reverse("login") in client.get(detail(donor_case))["Location"]
    response = client.post(action(donor_case, "promise_callback"))
    assert reverse("login") in response["Location"]
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.RECEIVED


def test_user_without_role_is_refused(client, people):
    client.force_login(people["steward"])
    assert client.get(reverse("complaints:list")).status_code == 403
    assert client.get(reverse("complaints:new")).status_code == 403


def test_centres_staff_see_only_their_centres_beneficiary_cases(
    client, people, customers, beneficiary_case, donor_case
):
    other = register(people["centres_manager"], customers["beneficiary_other"])
    client.force_login(people["centres"])
    response = client.get(reverse("complaints:list"))
    assert list(response.context["page"]) == [beneficiary_case]
    assert client.get(detail(beneficiary_case)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    assert client.get(detail(donor_case)).status_code == 404
    assert client.post(action(donor_case, "promise_callback")).status_code == 404


def test_centres_manager_sees_the_whole_centres_queue(
    client, people, customers, beneficiary_case, donor_case
):
    other = register(people["centres_manager"], customers["beneficiary_other"])
    client.force_login(people["centres_manager"])
    response = client.get(reverse("complaints:list"))
    assert set(response.context["page"]) == {beneficiary_case, other}
    assert client.get(detail(donor_case)).status_code == 404


@pytest.mark.parametrize("who", ["crm", "crm_manager"])
def test_crm_sees_the_crm_queue_only(client, people, who, beneficiary_case, donor_case):
    client.force_login(people[who])
    response = client.get(reverse("complaints:list"))
    assert list(response.context["page"]) == [donor_case]
    assert client.get(detail(donor_case)).status_code == 200
    assert client.get(detail(beneficiary_case)).status_code == 404


def test_quality_officer_reads_everything_and_only_follows_up(
    client, people, beneficiary_case, donor_case
):
    """Manual 5.1.7: the quality officer follows every case up with a register entry, but
    never answers, studies or closes one."""
    client.force_login(people["quality"])
    response = client.get(reverse("complaints:list"))
    assert set(response.context["page"]) == {beneficiary_case, donor_case}
    response = client.get(detail(beneficiary_case))
    assert response.status_code == 200
    assert response.context["actions"] == ["entry"]
    for name in ("promise_callback", "answer_immediately", "close"):
        assert client.post(action(beneficiary_case, name), {"text": "x"}).status_code == 403
    client.post(action(beneficiary_case, "entry"), {"text": "تمت المتابعة مع قسم شؤون المراكز"})
    assert beneficiary_case.entries.get().author == people["quality"]
    assert client.get(reverse("complaints:new")).status_code == 403
    beneficiary_case.refresh_from_db()
    assert beneficiary_case.state == CaseState.RECEIVED


def test_actions_are_post_only(client, people, donor_case):
    client.force_login(people["crm"])
    assert client.get(action(donor_case, "promise_callback")).status_code == 405


def test_unknown_action_is_refused(client, people, donor_case):
    client.force_login(people["crm"])
    assert client.post(action(donor_case, "delete")).status_code == 403


def test_staff_work_a_case_through_the_page(client, people, donor_case):
    client.force_login(people["crm"])
    response = client.get(detail(donor_case))
    assert response.context["actions"] == [
        "answer_immediately",
        "promise_callback",
        "start_study",
        "entry",
    ]
    client.post(action(donor_case, "entry"), {"text": "اتصال أول"})
    client.post(
        action(donor_case, "start_study"),
        {
            "causes": "تأخر المورد",
            "helping_party": "قسم شؤون المراكز",
            "assignee": people["crm_manager"].pk,
        },
    )
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.UNDER_STUDY
    assert donor_case.assigned_to == people["crm_manager"]
    client.post(action(donor_case, "record_reply"), {"text": "تم التوصيل"})
    client.post(action(donor_case, "close"))
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.CLOSED
    response = client.get(detail(donor_case))
    assert len(response.context["timeline"]) == 4
    assert "اتصال أول" in response.content.decode()


def test_refused_transition_shows_a_message(client, people, donor_case):
    client.force_login(people["crm"])
    response = client.post(action(donor_case, "answer_immediately"), {"text": ""}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.RECEIVED


def test_register_form_with_customer_code(client, people, customers):
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        {
            "kind": "complaint",
            "channel": "email",
            "customer_code": "٩٠٠٠٠٣",
            "subject": "موضوع",
            "description": "وصف",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(case)
    assert case.customer == customers["donor"]
    assert case.routed_to == CaseRoute.CRM
    assert case.registered_by == people["crm"]


def test_register_form_normalises_the_contact_mobile(client, people):
    client.force_login(people["crm"])
    client.post(
        reverse("complaints:new"),
        {
            "kind": "inquiry",
            "channel": "phone",
            "contact_name": "زائر",
            "contact_kind": "other",
            "contact_mobile": "0501234567",
            "subject": "موضوع",
            "description": "وصف",
        },
    )
    case = Case.objects.get()
    assert case.contact_mobile == "+966501234567"
    assert case.kind == "inquiry"


def test_register_form_needs_a_customer_or_a_name(client, people):
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        {"kind": "suggestion", "channel": "phone", "subject": "م", "description": "و"},
    )
    assert response.status_code == 200
    assert "contact_name" in response.context["form"].errors
    assert not Case.objects.exists()


def test_centres_staff_registering_a_case_for_another_queue_see_its_page(client, people, customers):
    """Issue 10 item 2: the employee who registered it keeps reading it (read-only)."""
    client.force_login(people["centres"])
    response = client.post(
        reverse("complaints:new"),
        {
            "kind": "complaint",
            "channel": "phone",
            "contact_name": "زائر",
            "contact_kind": "other",
            "subject": "م",
            "description": "و",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == detail(case)
    assert case.routed_to == CaseRoute.CRM


def test_list_filters_and_overdue_rows(client, people):
    overdue = register(people["crm"], received_at=timezone.now() - datetime.timedelta(days=10))
    fresh = register(
        people["crm"],
        kind="suggestion",
        channel="email",
        received_at=timezone.now() + datetime.timedelta(days=10),
    )
    client.force_login(people["crm"])
    url = reverse("complaints:list")
    assert list(client.get(url, {"overdue": "on"}).context["page"]) == [overdue]
    assert list(client.get(url, {"kind": "suggestion"}).context["page"]) == [fresh]
    assert list(client.get(url, {"channel": "email"}).context["page"]) == [fresh]
    assert list(client.get(url, {"state": "closed"}).context["page"]) == []
    assert set(client.get(url, {"state": "open"}).context["page"]) == {overdue, fresh}
    content = client.get(url).content.decode()
    assert content.count('class="table-danger"') == 1


def test_list_is_paginated(client, people):
    for _ in range(27):
        register(people["crm"])
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:list"), {"page": 2})
    assert len(response.context["page"]) == 2


def test_navigation_and_my_work_pages_render(client, people):
    register(people["crm"], received_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(people["crm"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("complaints:list") in content
    assert reverse("complaints:new") in content


def test_register_form_refuses_a_future_receipt_time(client, people):
    client.force_login(people["crm"])
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("complaints:new"),
        {
            "kind": "inquiry",
            "channel": "phone",
            "contact_name": "زائر",
            "contact_kind": "other",
            "received_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
            "subject": "م",
            "description": "و",
        },
    )
    assert "received_at" in response.context["form"].errors
    assert not Case.objects.exists()


def test_register_form_keeps_a_past_receipt_time(client, people):
    client.force_login(people["crm"])
    client.post(
        reverse("complaints:new"),
        {
            "kind": "inquiry",
            "channel": "phone",
            "contact_name": "زائر",
            "contact_kind": "other",
            "received_at": "2026-01-04T09:30",
            "subject": "م",
            "description": "و",
        },
    )
    case = Case.objects.get()
    assert timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M") == "2026-01-04 09:30"
