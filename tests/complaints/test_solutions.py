"""Proposed solutions of a recurring group (issue 10 item 5; procedure step 7): the quality
officer proposes each solution with how to implement it, its owner and due date, and
monitors the implementation with dated notes and a status (not started, in progress,
implemented, effective or not, cancelled); owners see theirs on "عملي", the quality
officer the overdue ones; every change is kept."""

import datetime
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from association import roles
from complaints import recurring, solutions
from complaints.errors import SolutionError
from complaints.models import (
    CaseCategory,
    ProposedSolution,
    RecurringGroupReview,
    SolutionStatus,
)
from core.mywork import work_sections_for
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

KEY = "tx:تاخر توزيع سل"
PLAN = "إضافة بند غرامة في عقد المورد، ومراجعة جدول التسليم أسبوعياً"


@pytest.fixture
def secretary(db):
    return user_with(roles.COUNCIL_SECRETARY, "secretary")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def propose(people, owner=None, due_date=None, text="التعاقد مع مورد بديل", **extra):
    return solutions.solution_add(
        actor=people["quality"],
        group_key=KEY,
        label="تأخر توزيع السلال",
        text=text,
        plan=PLAN,
        owner=owner or people["centres_manager"],
        due_date=due_date or in_days(20),
        **extra,
    )


# --- proposing ----------------------------------------------------------------------------


def test_the_quality_officer_proposes_a_solution_with_its_plan_owner_and_due_date(people):
    solution = propose(people)
    review = RecurringGroupReview.objects.get(group_key=KEY)
    assert solution.review == review and review.label == "تأخر توزيع السلال"
    assert (solution.text, solution.implementation_plan) == ("التعاقد مع مورد بديل", PLAN)
    assert solution.owner == people["centres_manager"]
    assert solution.due_date == in_days(20)
    assert solution.status == SolutionStatus.NOT_STARTED
    assert solution.created_by == people["quality"]
    assert solution.history.get().history_user == people["quality"]
    second = propose(people, text="إرسال رسالة نصية بموعد التوزيع")
    assert list(review.solutions.all()) == [solution, second]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("text", " ", "Write the proposed solution"),
        ("plan", "", "how to implement"),
        ("owner", None, "owner"),
        ("due_date", None, "due date"),
        ("due_date", datetime.date(2020, 1, 1), "in the past"),
        ("group_key", "bad", "does not exist"),
    ],
)
def test_a_solution_needs_each_part(people, english, field, value, message):
    values = {
        "actor": people["quality"],
        "group_key": KEY,
        "label": "س",
        "text": "حل",
        "plan": PLAN,
        "owner": people["crm"],
        "due_date": in_days(5),
    }
    values[field] = value
    with pytest.raises(SolutionError, match=message):
        solutions.solution_add(**values)
    assert not ProposedSolution.objects.exists()


@pytest.mark.parametrize(
    "who", ["crm", "crm_manager", "centres", "centres_manager", "steward", "secretary"]
)
def test_only_the_quality_officer_proposes_and_edits(people, secretary, who):
    user = secretary if who == "secretary" else people[who]
    with pytest.raises(PermissionDenied):
        solutions.solution_add(
            actor=user,
            group_key=KEY,
            label="س",
            text="حل",
            plan=PLAN,
            owner=people["crm"],
            due_date=in_days(5),
        )
    solution = propose(people)
    with pytest.raises(PermissionDenied):
        solutions.solution_update(
            actor=user,
            solution=solution,
            text="تعديل",
            plan=PLAN,
            owner=people["crm"],
            due_date=in_days(5),
        )
    solution.refresh_from_db()
    assert solution.text == "التعاقد مع مورد بديل"


def test_edits_are_kept_in_the_history(people):
    solution = propose(people)
    solutions.solution_update(
        actor=people["quality"],
        solution=solution,
        text=solution.text,
        plan="خطة معدلة",
        owner=people["crm_manager"],
        due_date=in_days(30),
    )
    solution.refresh_from_db()
    assert (solution.implementation_plan, solution.owner) == ("خطة معدلة", people["crm_manager"])
    versions = list(solution.history.order_by("history_date", "pk"))
    assert [version.implementation_plan for version in versions] == [PLAN, "خطة معدلة"]
    changes = solutions.plan_changes(solution)
    assert changes[0].user == people["quality"]
    assert {item.name for item in changes[0].fields} == {
        "implementation_plan",
        "owner",
        "due_date",
    }


# --- monitoring ---------------------------------------------------------------------------


def test_the_implementation_is_monitored_with_dated_notes(people):
    solution = propose(people)
    owner, quality = people["centres_manager"], people["quality"]
    solutions.solution_monitor(actor=owner, solution=solution, step="start", note="بدأنا")
    solutions.solution_monitor(
        actor=quality, solution=solution, step="note", note="تمت مراجعة العقد مع الإدارة"
    )
    solutions.solution_monitor(actor=owner, solution=solution, step="complete", note="وُقّع")
    solutions.solution_monitor(
        actor=quality, solution=solution, step="not_effective", note="تكررت الشكاوى"
    )
    solutions.solution_monitor(actor=quality, solution=solution, step="resume", note="مورد ثالث")
    solutions.solution_monitor(actor=owner, solution=solution, step="complete", note="")
    solutions.solution_monitor(actor=quality, solution=solution, step="effective", note="")
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.EFFECTIVE
    trail = list(
        solution.monitoring.order_by("at", "pk").values_list(
            "source", "target", "actor__username", "note"
        )
    )
    assert trail == [
        ("not_started", "in_progress", "centres_manager", "بدأنا"),
        ("in_progress", "in_progress", "quality", "تمت مراجعة العقد مع الإدارة"),
        ("in_progress", "implemented", "centres_manager", "وُقّع"),
        ("implemented", "not_effective", "quality", "تكررت الشكاوى"),
        ("not_effective", "in_progress", "quality", "مورد ثالث"),
        ("in_progress", "implemented", "centres_manager", ""),
        ("implemented", "effective", "quality", ""),
    ]
    assert all(entry.at is not None for entry in solution.monitoring.all())


def test_the_owner_reports_progress_but_only_the_quality_officer_judges_it(people):
    solution = propose(people)
    owner = people["centres_manager"]
    assert solutions.available_actions(solution, owner) == ["start", "note"]
    assert solutions.available_actions(solution, people["quality"]) == ["start", "note", "cancel"]
    solutions.solution_monitor(actor=owner, solution=solution, step="start", note="")
    solutions.solution_monitor(actor=owner, solution=solution, step="complete", note="")
    for step in ("effective", "not_effective", "cancel"):
        with pytest.raises(PermissionDenied):
            solutions.solution_monitor(actor=owner, solution=solution, step=step, note="سبب")
    for who in ("crm", "crm_manager"):
        with pytest.raises(PermissionDenied):
            solutions.solution_monitor(actor=people[who], solution=solution, step="note", note="x")
    assert solutions.available_actions(solution, people["crm"]) == []
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IMPLEMENTED


def test_steps_that_do_not_fit_the_status_or_lack_their_note_are_refused(people, english):
    solution = propose(people)
    quality = people["quality"]
    with pytest.raises(SolutionError, match="no longer at this step"):
        solutions.solution_monitor(actor=quality, solution=solution, step="effective", note="")
    with pytest.raises(SolutionError, match="Write"):
        solutions.solution_monitor(actor=quality, solution=solution, step="cancel", note=" ")
    with pytest.raises(SolutionError, match="Write"):
        solutions.solution_monitor(actor=quality, solution=solution, step="note", note="")
    with pytest.raises(SolutionError):
        solutions.solution_monitor(actor=quality, solution=solution, step="explode", note="x")
    assert not solution.monitoring.exists()


def test_a_stale_page_does_not_move_the_solution_twice(people, english):
    solution = propose(people)
    first = ProposedSolution.objects.get(pk=solution.pk)
    second = ProposedSolution.objects.get(pk=solution.pk)
    solutions.solution_monitor(actor=people["quality"], solution=first, step="start", note="")
    with pytest.raises(SolutionError, match="at the same moment"):
        solutions.solution_monitor(
            actor=people["quality"], solution=second, step="cancel", note="x"
        )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_PROGRESS
    assert solution.monitoring.count() == 1


def test_overdue_solutions(people):
    late = propose(people, due_date=in_days(1))
    ProposedSolution.objects.filter(pk=late.pk).update(due_date=in_days(-3))
    late.refresh_from_db()
    assert late.is_overdue
    solutions.solution_monitor(actor=people["quality"], solution=late, step="start", note="")
    assert late.is_overdue  # still not implemented
    solutions.solution_monitor(actor=people["quality"], solution=late, step="complete", note="")
    assert not late.is_overdue


# --- my work ------------------------------------------------------------------------------

OWNER_SECTION = "Solutions of recurring complaints to implement"
QUALITY_SECTION = "Proposed solutions overdue"


def section(user, title):
    with translation.override("en"):
        return next((s for s in work_sections_for(user) if s.title == title), None)


def test_my_work_for_owners_and_the_quality_officer(people):
    soon = propose(people, owner=people["crm"], due_date=in_days(3), text="قريب")
    later = propose(people, owner=people["crm"], due_date=in_days(60), text="بعيد")
    late = propose(people, owner=people["centres_manager"], due_date=in_days(1), text="متأخر")
    ProposedSolution.objects.filter(pk=late.pk).update(due_date=in_days(-2))
    [item] = section(people["crm"], OWNER_SECTION).items
    assert item.url == reverse("complaints:solution_detail", args=[soon.pk])
    assert not item.is_overdue
    [item] = section(people["centres_manager"], OWNER_SECTION).items
    assert item.is_overdue
    [item] = section(people["quality"], QUALITY_SECTION).items
    assert item.url == reverse("complaints:solution_detail", args=[late.pk])
    assert section(people["crm_manager"], QUALITY_SECTION) is None
    # Implemented: off both lists.
    for step in ("start", "complete"):
        solutions.solution_monitor(actor=people["quality"], solution=late, step=step, note="")
    assert section(people["quality"], QUALITY_SECTION) is None
    assert section(people["centres_manager"], OWNER_SECTION) is None
    assert later.pk not in {
        int(i.url.rstrip("/").split("/")[-1]) for i in section(people["crm"], OWNER_SECTION).items
    }


# --- pages --------------------------------------------------------------------------------


def group_url(key=KEY):
    return f"{reverse('complaints:recurring_detail')}?{urlencode({'key': key})}"


def detail(solution):
    return reverse("complaints:solution_detail", args=[solution.pk])


def some_user(people, secretary, make_user, who):
    extra = {
        "secretary": secretary,
        "planning": user_with(roles.PLANNING_DIRECTOR, "planning"),
        "nobody": make_user(username="nobody"),
    }
    return extra.get(who) or people[who]


@pytest.mark.parametrize(
    "who, status",
    [
        ("quality", 200),
        ("crm_manager", 200),
        ("centres_manager", 200),  # the owner, and a reader
        ("secretary", 200),
        ("planning", 200),
        ("crm", 404),
        ("centres", 404),
        ("steward", 404),
        ("nobody", 404),
    ],
)
def test_solution_page_permission_matrix(client, people, secretary, make_user, who, status):
    solution = propose(people)
    client.force_login(some_user(people, secretary, make_user, who))
    assert client.get(detail(solution)).status_code == status


def test_an_owner_without_the_analysis_reads_their_own_solution(client, people):
    solution = propose(people, owner=people["crm"])
    client.force_login(people["crm"])
    response = client.get(detail(solution))
    assert response.status_code == 200
    assert response.context["steps"] == ["start", "note"]
    content = response.content.decode()
    # Starting is the next step, a note alone the alternative.
    assert 'data-testid="action-start"' in content and 'data-testid="action-note"' in content


@pytest.mark.parametrize(
    "who, status",
    [
        ("quality", 302),
        ("centres_manager", 302),  # the owner
        ("crm_manager", 403),
        ("secretary", 403),
        ("planning", 403),
        ("crm", 404),
        ("steward", 404),
        ("nobody", 404),
    ],
)
def test_monitor_action_permission_matrix(client, people, secretary, make_user, who, status):
    solution = propose(people)
    client.force_login(some_user(people, secretary, make_user, who))
    response = client.post(
        reverse("complaints:solution_monitor", args=[solution.pk]),
        {"step": "start", "note": "بدأ التنفيذ"},
    )
    assert response.status_code == status
    solution.refresh_from_db()
    expected = SolutionStatus.IN_PROGRESS if status == 302 else SolutionStatus.NOT_STARTED
    assert solution.status == expected
    assert solution.monitoring.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(
    "who, get_status, post_status",
    [
        ("quality", 200, 302),
        ("centres_manager", 403, 403),
        ("crm_manager", 403, 403),
        ("secretary", 403, 403),
        ("crm", 404, 404),
        ("nobody", 404, 404),
    ],
)
def test_edit_page_permission_matrix(
    client, people, secretary, make_user, who, get_status, post_status
):
    solution = propose(people)
    client.force_login(some_user(people, secretary, make_user, who))
    url = reverse("complaints:solution_edit", args=[solution.pk])
    assert client.get(url).status_code == get_status
    response = client.post(
        url,
        {
            "text": "حل معدل",
            "implementation_plan": "خطة",
            "owner": people["crm"].pk,
            "due_date": in_days(9).isoformat(),
        },
    )
    assert response.status_code == post_status
    solution.refresh_from_db()
    assert (solution.text == "حل معدل") == (post_status == 302)


def test_pages_need_login(client, people):
    solution = propose(people)
    for url in (detail(solution), reverse("complaints:solution_edit", args=[solution.pk])):
        assert reverse("login") in client.get(url)["Location"]
    for url in (
        reverse("complaints:solution_monitor", args=[solution.pk]),
        reverse("complaints:solution_new"),
    ):
        assert reverse("login") in client.post(url, {"step": "start"})["Location"]
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.NOT_STARTED


def test_the_group_page_lists_the_solutions_and_adds_one(client, people):
    client.force_login(people["quality"])
    page = client.get(group_url())
    assert page.context["solution_form"] is not None
    assert "proposed_solutions" not in page.context["review_form"].fields
    response = client.post(
        reverse("complaints:solution_new"),
        {
            "group_key": KEY,
            "text": "إرسال رسالة نصية بموعد التوزيع",
            "implementation_plan": PLAN,
            "owner": people["centres_manager"].pk,
            "due_date": in_days(14).isoformat(),
        },
    )
    solution = ProposedSolution.objects.get()
    assert response["Location"] == group_url() + "#solutions"
    content = client.get(group_url()).content.decode()
    assert 'data-testid="solution"' in content and PLAN in content
    assert detail(solution) in content
    # A form with errors keeps what was typed.
    response = client.post(
        reverse("complaints:solution_new"),
        {"group_key": KEY, "text": "حل بلا خطة", "implementation_plan": ""},
    )
    assert response.status_code == 200
    assert "حل بلا خطة" in response.content.decode()
    assert ProposedSolution.objects.count() == 1


@pytest.mark.parametrize("who", ["crm_manager", "centres_manager", "crm", "nobody"])
def test_only_the_quality_officer_adds_on_the_page(client, people, secretary, make_user, who):
    client.force_login(some_user(people, secretary, make_user, who))
    response = client.post(
        reverse("complaints:solution_new"),
        {
            "group_key": KEY,
            "text": "حل",
            "implementation_plan": PLAN,
            "owner": people["crm"].pk,
            "due_date": in_days(9).isoformat(),
        },
    )
    assert response.status_code == 403
    assert not ProposedSolution.objects.exists()
    content = client.get(group_url()).content.decode() if who != "crm" and who != "nobody" else ""
    assert 'data-testid="solution-form"' not in content


def test_the_solution_page_shows_the_monitoring_and_the_plan_history(client, people):
    solution = propose(people)
    solutions.solution_monitor(
        actor=people["centres_manager"], solution=solution, step="start", note="بدأ التنفيذ"
    )
    solutions.solution_update(
        actor=people["quality"],
        solution=solution,
        text=solution.text,
        plan="خطة بعد المراجعة",
        owner=solution.owner,
        due_date=solution.due_date,
    )
    client.force_login(people["quality"])
    response = client.post(
        reverse("complaints:solution_monitor", args=[solution.pk]),
        {"step": "note", "note": "زيارة المورد يوم الأحد"},
        follow=True,
    )
    content = response.content.decode()
    assert "زيارة المورد يوم الأحد" in content and "بدأ التنفيذ" in content
    assert 'data-testid="monitoring"' in content
    assert 'data-testid="plan-history"' in content and PLAN in content
    assert "خطة بعد المراجعة" in content
    assert "None" not in content


# --- the legacy free text -----------------------------------------------------------------


def test_the_root_causes_form_no_longer_takes_free_text_solutions(people):
    review = recurring.save_group_review(
        actor=people["quality"], group_key=KEY, label="س", root_causes="تأخر المورد"
    )
    assert review.root_causes == "تأخر المورد"
    assert not review.solutions.exists()


def test_a_group_s_solutions_are_read_in_one_query(people, django_assert_num_queries):
    category = CaseCategory.objects.create(name="ت")
    for number in range(3):
        propose(people, text=f"حل {number}")
    review = RecurringGroupReview.objects.get()
    with django_assert_num_queries(2):
        rows = list(solutions.solutions_of_reviews([review]))
    assert len(rows) == 3
    assert category.pk
