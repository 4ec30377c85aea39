"""The portfolio cycle's page guided like the case page (issue 12): the step bar, ONE primary
step for the CRM manager (the review, then the identification of the potential donors) and
none for the readers; the deadline named by what it is due for, red once passed; a step sent
back keeps what was typed, with an error summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import cycles
from programmes.models import CycleHalf, CycleState, PortfolioCycle

from .conftest import make_programme

pytestmark = pytest.mark.django_db

REVIEW_DUE = "موعد مراجعة المحفظة"
IDENTIFICATION_DUE = "موعد تحديد المانحين المحتملين"


@pytest.fixture
def cycle(people, category):
    return cycles.cycle_hand_over(
        actor=people["planning"],
        year=2027,
        half=CycleHalf.FIRST_HALF,
        programmes=[make_programme("EDU-1", category=category, portfolio_year=2027)],
        received_on=timezone.localdate(),
    )


def detail(cycle):
    return reverse("programmes:cycle_detail", args=[cycle.pk])


def due_block(content):
    """The deadline's alert (includes/deadline.html)."""
    end = content.index('data-testid="due"')
    start = content.rindex("<div", 0, end)
    return content[start : content.index("</div>", end)]


def test_the_crm_manager_reviews_first_with_the_review_deadline_named(client, people, cycle):
    client.force_login(people["manager"])
    response = client.get(detail(cycle))
    content = response.content.decode()
    panel = response.context["panel"]
    assert panel.primary.action.name == "review" and not panel.others
    assert list(panel.primary.form.fields) == ["notes"]
    assert 'data-testid="review"' in content and 'id="id_review_notes"' in content
    assert 'data-testid="step-bar"' in content and 'aria-current="step"' in content
    block = due_block(content)
    assert REVIEW_DUE in block and "alert-danger" not in block


@pytest.mark.parametrize("who", ["staff", "planning", "management"])
def test_readers_see_the_step_bar_and_the_deadline_but_no_step(client, people, cycle, who):
    client.force_login(people[who])
    response = client.get(detail(cycle))
    content = response.content.decode()
    assert response.status_code == 200
    assert not response.context["panel"]
    assert 'data-testid="actions"' not in content and 'data-testid="review"' not in content
    assert 'data-testid="step-bar"' in content and REVIEW_DUE in due_block(content)


def test_once_reviewed_the_identification_is_next_with_its_own_deadline(client, people, cycle):
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="مطابقة للخطة")
    client.force_login(people["manager"])
    response = client.get(detail(cycle))
    content = response.content.decode()
    assert response.context["panel"].primary.action.name == "identify_donors"
    assert 'data-testid="identify"' in content
    # The programme still without a donor is named above the step.
    assert 'data-testid="without-donors"' in content and "EDU-1" in content
    assert IDENTIFICATION_DUE in due_block(content) and REVIEW_DUE not in content
    client.force_login(people["staff"])
    assert not client.get(detail(cycle)).context["panel"]


def test_a_passed_deadline_is_red(client, people, cycle):
    PortfolioCycle.objects.filter(pk=cycle.pk).update(
        review_due_at=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(people["manager"])
    block = due_block(client.get(detail(cycle)).content.decode())
    assert "alert-danger" in block and REVIEW_DUE in block and "متأخر منذ" in block


def test_a_review_without_notes_comes_back_with_the_error_summary(client, people, cycle):
    client.force_login(people["manager"])
    response = client.post(reverse("programmes:cycle_review", args=[cycle.pk]), {"notes": " "})
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    primary = response.context["panel"].primary
    assert primary.open and primary.form.errors["notes"]
    assert PortfolioCycle.objects.get(pk=cycle.pk).state == CycleState.HANDED_OVER


def test_an_identification_refused_comes_back_open_with_the_reason(client, people, cycle):
    cycles.cycle_review(cycle=cycle, actor=people["manager"], notes="مطابقة للخطة")
    client.force_login(people["manager"])
    # EDU-1 has no potential donor: without a note saying why, the service refuses.
    response = client.post(reverse("programmes:cycle_identify", args=[cycle.pk]), {"note": ""})
    assert response.status_code == 200
    primary = response.context["panel"].primary
    assert primary.action.name == "identify_donors" and primary.open
    assert primary.form.non_field_errors()
    assert 'data-testid="form-errors"' in response.content.decode()
    assert PortfolioCycle.objects.get(pk=cycle.pk).state == CycleState.REVIEWED


def test_a_review_refused_by_the_service_keeps_the_typed_notes(client, people, cycle, monkeypatch):
    def refuse(**kwargs):
        raise cycles.CycleError("رفضت الخدمة المراجعة")

    monkeypatch.setattr(cycles, "cycle_review", refuse)
    client.force_login(people["manager"])
    response = client.post(
        reverse("programmes:cycle_review", args=[cycle.pk]), {"notes": "ناقشنا المحفظة مع التخطيط"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "ناقشنا المحفظة مع التخطيط" in content and "رفضت الخدمة المراجعة" in content
    assert 'data-testid="form-errors"' in content and response.context["panel"].primary.open
