"""The proposed solution's page guided like the case page (issue 12): the step bar, ONE
primary monitoring step with only its own note and the others folded, for the owner and the
quality officer only; the deadline named by what it is due for («موعد تنفيذ الحل», red once
passed); a step sent back keeps what was typed, with an error summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from association import roles
from complaints import solutions
from complaints.errors import SolutionError
from complaints.models import ProposedSolution, SolutionStatus
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

DUE_LABEL = "موعد تنفيذ الحل"


def propose(people, **fields):
    return solutions.solution_add(
        actor=people["quality"],
        group_key="tx:تاخر توزيع سل",
        label="تأخر توزيع السلال",
        text="التعاقد مع مورد بديل",
        plan="إضافة بند غرامة في عقد المورد",
        owner=fields.get("owner", people["centres_manager"]),
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )


def detail(solution):
    return reverse("complaints:solution_detail", args=[solution.pk])


def monitor(solution):
    return reverse("complaints:solution_monitor", args=[solution.pk])


def names(panel):
    return [shown.action.name for shown in panel.all()]


def due_block(content):
    """The deadline's alert (includes/deadline.html)."""
    end = content.index('data-testid="due"')
    start = content.rindex("<div", 0, end)
    return content[start : content.index("</div>", end)]


def test_the_owner_sees_the_next_step_the_named_deadline_and_the_step_bar(client, people):
    solution = propose(people)
    client.force_login(people["centres_manager"])
    response = client.get(detail(solution))
    content = response.content.decode()
    panel = response.context["panel"]
    assert panel.primary.action.name == "start"
    assert [shown.action.name for shown in panel.others] == ["note"]
    # Each step with only its own fields: the note, and the step it takes (hidden).
    assert list(panel.primary.form.fields) == ["note", "step"]
    assert content.count('data-testid="action-start"') == 1
    assert 'data-testid="step-bar"' in content and 'aria-current="step"' in content
    assert DUE_LABEL in due_block(content) and "alert-danger" not in due_block(content)
    # The history comes before the plan.
    assert content.index('data-testid="monitoring"') < content.index('data-testid="plan"')


def test_the_quality_officer_judges_an_implemented_solution_first(client, people):
    solution = propose(people)
    for step in ("start", "complete"):
        solutions.solution_monitor(actor=people["centres_manager"], solution=solution, step=step)
    client.force_login(people["quality"])
    response = client.get(detail(solution))
    panel = response.context["panel"]
    assert names(panel) == ["effective", "not_effective", "note"]
    content = response.content.decode()
    # The alternatives are folded, each with its own fields.
    assert content.count('<details class="action-alt') == 2
    assert 'id="id_note_note"' in content and 'id="id_not_effective_note"' in content
    # Implemented: nothing is due any more.
    assert response.context["due_on"] is None and 'data-testid="due"' not in content


@pytest.mark.parametrize("who", ["crm_manager", "secretary"])
def test_readers_see_the_step_bar_and_the_deadline_but_no_step(client, people, who):
    solution = propose(people)
    user = people.get(who) or user_with(roles.COUNCIL_SECRETARY, "secretary")
    client.force_login(user)
    response = client.get(detail(solution))
    content = response.content.decode()
    assert response.status_code == 200
    assert not response.context["panel"]
    assert 'data-testid="actions"' not in content and 'data-testid="action-' not in content
    assert 'data-testid="step-bar"' in content and DUE_LABEL in due_block(content)


def test_an_overdue_solution_shows_its_deadline_in_red(client, people):
    solution = propose(people)
    ProposedSolution.objects.filter(pk=solution.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(people["centres_manager"])
    block = due_block(client.get(detail(solution)).content.decode())
    assert "alert-danger" in block and DUE_LABEL in block and "متأخر منذ" in block


def test_a_step_without_its_required_note_comes_back_open_with_the_error_summary(client, people):
    solution = propose(people)
    client.force_login(people["quality"])
    response = client.post(monitor(solution), {"step": "cancel", "note": "  "})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="form-errors"' in content
    cancel = next(shown for shown in response.context["panel"].others if shown.open)
    assert cancel.action.name == "cancel" and cancel.form.errors["note"]
    assert '<details class="action-alt mb-2" open>' in content
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.NOT_STARTED


def test_a_step_refused_by_the_service_keeps_the_typed_note(client, people, monkeypatch):
    solution = propose(people)

    def refuse(**kwargs):
        raise SolutionError("رفضت الخدمة هذه الخطوة")

    monkeypatch.setattr(solutions, "solution_monitor", refuse)
    client.force_login(people["centres_manager"])
    response = client.post(monitor(solution), {"step": "note", "note": "تأخر المورد أسبوعًا"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "تأخر المورد أسبوعًا" in content and "رفضت الخدمة هذه الخطوة" in content
    assert 'data-testid="form-errors"' in content
    assert [shown.action.name for shown in response.context["panel"].all() if shown.open] == [
        "note"
    ]


def test_the_owner_takes_the_primary_steps_through_the_page(client, people):
    solution = propose(people)
    client.force_login(people["centres_manager"])
    for step in ("start", "complete"):
        primary = client.get(detail(solution)).context["panel"].primary
        assert primary.action.name == step
        response = client.post(primary.url, {"step": step, "note": ""})
        assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IMPLEMENTED
    # Judging the effect is the quality officer's, and the owner notes open solutions only.
    assert not client.get(detail(solution)).context["panel"]
