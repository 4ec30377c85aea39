"""Issue 12 items 1-3 on the case page: after registering, the registrant lands on the case
(read-only, with where it went, when another queue handles it); the page shows the step bar,
ONE primary next step with only its own fields and the others folded, deadlines named by
what they are due for; a step's form sent back keeps what was typed, with an error summary."""

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.models import Case, CaseRoute, CaseState

from .conftest import register

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


def test_crm_staff_registering_a_beneficiary_case_land_on_it_read_only(
    client, people, customers, places
):
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        {
            "kind": "complaint",
            "channel": "phone",
            "customer_code": str(customers["beneficiary"].code),
            "subject": "تأخر السلة",
            "description": "لم تصل السلة الغذائية",
        },
        follow=True,
    )
    case = Case.objects.get()
    assert case.routed_to == CaseRoute.CENTRES
    assert response.redirect_chain[-1][0] == detail(case)
    content = response.content.decode()
    assert 'data-testid="read-only"' in content
    with translation.override("ar"):
        # «الطلب» is masculine (docs/GLOSSARY.md).
        routed = f"أُحيل إلى {case.route_display}"
    assert routed in content
    assert places["mine"].name in content
    # Read-only: no step is offered.
    assert response.context["panel"].primary is None
    assert 'data-testid="actions"' not in content


def test_the_page_shows_the_step_bar_one_primary_step_and_named_deadlines(
    client, people, customers
):
    case = register(people["crm"], customers["donor"])
    client.force_login(people["crm"])
    response = client.get(detail(case))
    content = response.content.decode()
    panel = response.context["panel"]
    # A complaint: the study is the next step, the immediate answer and the callback folded.
    assert panel.primary.action.name == "start_study"
    assert [shown.action.name for shown in panel.others][:2] == [
        "answer_immediately",
        "promise_callback",
    ]
    assert content.count('data-testid="action-start_study"') == 1
    assert 'data-testid="step-bar"' in content
    assert 'aria-current="step"' in content
    assert "موعد الرد الأولي" in content  # what due_at is due for, not a bare date
    assert content.index('data-testid="timeline"') < content.index('data-testid="routed-to"')


def test_an_inquiry_puts_the_immediate_answer_first(client, people, customers):
    case = register(people["crm"], customers["donor"], kind="inquiry")
    client.force_login(people["crm"])
    panel = client.get(detail(case)).context["panel"]
    assert panel.primary.action.name == "answer_immediately"


def test_a_study_sent_back_keeps_the_analysis_and_shows_the_error_summary(
    client, people, customers
):
    case = register(people["crm"], customers["donor"])
    client.force_login(people["crm"])
    analysis = "تأخر المورد في التسليم بسبب نقص المخزون"
    response = client.post(action(case, "start_study"), {"causes": analysis})
    assert response.status_code == 200
    content = response.content.decode()
    assert analysis in content  # not wiped
    assert 'data-testid="form-errors"' in content
    assert 'href="#id_start_study_assignee"' in content
    panel = response.context["panel"]
    assert panel.primary.action.name == "start_study" and panel.primary.open
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_a_reply_refused_by_the_service_keeps_the_text(client, people, customers, monkeypatch):
    from complaints import services

    case = register(people["crm"], customers["donor"])
    services.case_promise_callback(case=case, actor=people["crm"])
    client.force_login(people["crm"])

    def refuse(**kwargs):
        raise services.CaseError("مرفوض للاختبار")

    monkeypatch.setattr(services, "case_record_reply", refuse)
    response = client.post(action(case, "record_reply"), {"text": "وصل الرد"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "وصل الرد" in content and "مرفوض للاختبار" in content


def test_a_step_not_offered_is_still_refused_by_the_service(client, people, customers):
    case = register(people["crm"], customers["donor"])
    client.force_login(people["crm"])
    response = client.post(action(case, "close"), follow=True)
    assert response.redirect_chain[-1][0] == detail(case)
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_the_case_is_handled_to_closure_through_the_primary_steps(client, people, customers):
    case = register(people["crm"], customers["donor"])
    client.force_login(people["crm"])
    steps = [
        ("start_study", {"causes": "س", "helping_party": "ج", "assignee": people["crm"].pk}),
        ("record_reply", {"text": "الرد"}),
        ("close", {}),
    ]
    for name, data in steps:
        panel = client.get(detail(case)).context["panel"]
        assert panel.primary.action.name == name
        assert client.post(panel.primary.url, data).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    response = client.get(detail(case))
    assert not response.context["panel"]
    assert response.content.decode().count('data-testid="step-done"') == 4
