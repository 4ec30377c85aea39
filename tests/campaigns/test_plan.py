"""The annual marketing plan (3.1.8): coordination by four departments, then management's
decision; every step recorded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaigns import services
from campaigns.errors import PlanError
from campaigns.models import Department, PlanState

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def test_the_plan_goes_through_coordination_to_approval_and_each_step_is_recorded(people, english):
    plan = make_plan(people)
    assert plan.state == PlanState.APPROVED
    assert plan.decided_by == people["management"]
    steps = list(plan.transitions.values_list("source", "target", "actor__username"))
    assert steps[0] == ("draft", "draft", "manager")
    assert ("draft", "coordination", "manager") in steps
    assert ("coordination", "submitted", "manager") in steps
    assert steps[-1] == ("submitted", "approved", "management")
    # Four coordination notes, each an event of the trail.
    assert sum(1 for s in steps if s[:2] == ("coordination", "coordination")) == 4


def test_submission_waits_for_every_department(people, english):
    plan = make_plan(people, approve=False)
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    services.plan_coordinate(
        plan=plan, actor=people["planning"], department=Department.PLANNING, verdict="agree"
    )
    with pytest.raises(PlanError, match="Awaiting the notes of"):
        services.plan_submit(plan=plan, actor=people["manager"])
    plan.refresh_from_db()
    assert plan.state == PlanState.COORDINATION
    assert plan.due_at is not None


def test_each_role_records_only_its_own_departments(people, english):
    plan = make_plan(people, approve=False)
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    with pytest.raises(PlanError, match="do not record"):
        services.plan_coordinate(
            plan=plan, actor=people["centres_manager"], department="finance", verdict="agree"
        )
    with pytest.raises(PermissionDenied):
        services.plan_coordinate(
            plan=plan, actor=people["staff"], department="finance", verdict="agree"
        )
    with pytest.raises(PlanError, match="comments"):
        services.plan_coordinate(
            plan=plan, actor=people["resources"], department="finance", verdict="comments"
        )


def test_only_management_decides_and_a_return_needs_a_reason(people, english):
    plan = make_plan(people, approve=False)
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    for department, who in (
        ("finance", "resources"),
        ("planning", "planning"),
        ("centres", "centres_manager"),
        ("programmes", "planning"),
    ):
        services.plan_coordinate(
            plan=plan, actor=people[who], department=department, verdict="agree"
        )
    services.plan_submit(plan=plan, actor=people["manager"])
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, actor=people["manager"])
    with pytest.raises(PlanError, match="why"):
        services.plan_return(plan=plan, actor=people["management"], reason=" ")
    services.plan_return(plan=plan, actor=people["management"], reason="الموازنة مرتفعة")
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED and plan.return_reason == "الموازنة مرتفعة"
    # Revised and sent again: coordination once more.
    services.plan_update(plan=plan, actor=people["manager"], timing="بعد التعديل")
    services.plan_send_for_coordination(plan=plan, actor=people["manager"])
    plan.refresh_from_db()
    assert plan.state == PlanState.COORDINATION and plan.return_reason == ""


def test_one_plan_per_year_and_an_approved_plan_no_longer_changes(people, english):
    plan = make_plan(people)
    with pytest.raises(PlanError, match="already a plan"):
        services.plan_create(
            actor=people["manager"], year=plan.year, title="x", objectives="x", strategic_goals="x"
        )
    with pytest.raises(PlanError, match="can no longer change"):
        services.plan_update(plan=plan, actor=people["manager"], title="جديد")


def test_the_plan_page_shows_the_hijri_span_and_the_next_step(client, people, english):
    plan = make_plan(people, approve=False)
    client.force_login(people["manager"])
    response = client.get(reverse("campaigns:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Year {plan.year} (from" in text
    assert 'data-testid="action-send_for_coordination"' in text
    response = client.post(
        reverse("campaigns:plan_step", args=[plan.pk, "send_for_coordination"]), {"note": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.COORDINATION
    client.force_login(people["centres_manager"])
    page = client.get(reverse("campaigns:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="coordinate-form"' in page
    client.post(
        reverse("campaigns:plan_coordinate", args=[plan.pk]),
        {"department": "centres", "verdict": "comments", "note": "توقيت رمضان"},
    )
    assert plan.coordinations.get().note == "توقيت رمضان"


def test_the_calendar_marks_the_seasons_and_the_campaigns(client, people, english):
    from .conftest import make_campaign

    plan = make_plan(people)
    make_campaign(people, plan, title="حملة الشتاء")
    client.force_login(people["management"])
    text = client.get(reverse("campaigns:plan_calendar", args=[plan.pk])).content.decode()
    for season in (
        "Ramadan",
        "Eid al-Fitr",
        "Eid al-Adha",
        "Hajj season",
        "Saudi National Day",
        "Founding Day",
        "school term",
    ):
        assert season in text, season
    assert "حملة الشتاء" in text
    assert text.count('data-testid="month"') == 12
