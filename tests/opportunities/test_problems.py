"""The register of problems threatening a donor relationship (3.1.17, 3.1.20): raised by
those who meet donors, handled urgently by the CRM manager (or the owner they assign) with
deadlines per severity, a dated actions log and a resolution; on "عملي", on the donor's
profile and on the opportunity page; pledges overdue for receipt proposed as problems."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from association.workdays import working_deadline
from core.mywork import work_sections_for
from opportunities import problems
from opportunities.models import (
    DonorProblem,
    Opportunity,
    ProblemAction,
    ProblemState,
    ProblemTransition,
)
from tests.factories import UserFactory
from tests.helpers import ROLES_BY_CODE

from .conftest import donation, in_closing, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]


def raise_problem(people, donors, **values):
    arguments = {
        "actor": people["staff"],
        "donor": donors["free"],
        "kind": "late_payment",
        "severity": "high",
        "title": "تأخر سداد الدفعة الثانية",
        "description": "لم تصل الدفعة الثانية من التعهد في موعدها",
        **values,
    }
    return problems.problem_raise(**arguments)


# --- raising ------------------------------------------------------------------------------


def test_a_problem_goes_to_the_crm_manager_with_deadlines_from_its_severity(
    people, donors, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        problem = raise_problem(people, donors, severity="critical")
    assert problem.state == ProblemState.OPEN
    # The first active CRM manager owns it (3.1.20), and is told by email.
    assert problem.owner == people["manager"]
    assert problem.raised_by == people["staff"]
    assert problem.respond_by == working_deadline(problem.raised_at, 0)
    assert problem.resolve_by == working_deadline(problem.raised_at, 2)
    assert problem.respond_by >= before
    step = ProblemTransition.objects.get(problem=problem)
    assert (step.source, step.target, step.actor) == ("open", "open", people["staff"])
    assert [message.to for message in mail.outbox] == [[people["manager"].email]]
    assert donors["free"].name in mail.outbox[0].subject
    assert reverse("opportunities:problem_detail", args=[problem.pk]) in mail.outbox[0].body


@pytest.mark.parametrize(
    ("severity", "respond", "resolve"),
    [("critical", 0, 2), ("high", 1, 5), ("medium", 2, 10), ("low", 5, 20)],
)
def test_deadlines_in_working_days_per_severity(people, donors, severity, respond, resolve):
    problem = raise_problem(people, donors, severity=severity)
    assert problem.respond_by == working_deadline(problem.raised_at, respond)
    assert problem.resolve_by == working_deadline(problem.raised_at, resolve)


def test_a_crm_manager_raising_a_problem_owns_it_or_assigns_it(
    people, donors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = raise_problem(people, donors, actor=people["manager2"])
    assert mine.owner == people["manager2"]
    assert mail.outbox == []  # nobody to tell
    assigned = raise_problem(people, donors, actor=people["manager"], owner=people["resources"])
    assert assigned.owner == people["resources"]
    # Staff cannot choose the owner: it stays with the CRM manager.
    staff_choice = raise_problem(people, donors, owner=people["resources"])
    assert staff_choice.owner == people["manager"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "nonsense"}, "Choose the kind of problem."),
        ({"severity": "urgent"}, "Choose the severity."),
        ({"title": " "}, "Write the problem in a few words."),
        ({"description": ""}, "Describe the problem"),
    ],
)
def test_a_problem_needs_its_kind_severity_and_words(people, donors, values, message):
    with pytest.raises(problems.ProblemError, match=message):
        raise_problem(people, donors, **values)
    assert not DonorProblem.objects.exists()


def test_a_problem_concerns_a_donor(people, donors):
    with pytest.raises(problems.ProblemError, match="Choose the donor concerned."):
        raise_problem(people, donors, donor=donors["beneficiary"])


@pytest.mark.parametrize("who", ["quality", "centres", "planning", "secretary", "nobody"])
def test_only_those_who_meet_donors_raise_problems(people, donors, who):
    with pytest.raises(PermissionDenied):
        raise_problem(people, donors, actor=people[who])
    assert not DonorProblem.objects.exists()


def test_a_problem_on_an_opportunity_takes_its_programme_and_needs_one_of_its_donors(
    people, donors, programme
):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    problem = raise_problem(people, donors, opportunity=opportunity)
    assert problem.programme == programme
    with pytest.raises(problems.ProblemError, match="is not a donor of the opportunity"):
        raise_problem(people, donors, donor=donors["with_point"], opportunity=opportunity)


# --- handling -----------------------------------------------------------------------------


def test_the_first_action_starts_the_handling_then_actions_are_logged(people, donors):
    problem = raise_problem(people, donors)
    today = timezone.localdate()
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=today, text="اتصال بالمانح"
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS
    problems.problem_add_action(
        problem=problem,
        actor=people["manager"],
        action_date=today - datetime.timedelta(days=1),
        text="مراجعة المالية",
    )
    assert [a.text for a in problem.actions.all()] == ["اتصال بالمانح", "مراجعة المالية"]
    assert [(s.source, s.target) for s in problem.transitions.all()] == [
        ("open", "open"),
        ("open", "in_progress"),
    ]


def test_an_action_needs_words_and_a_date_not_in_the_future(people, donors):
    problem = raise_problem(people, donors)
    with pytest.raises(problems.ProblemError, match="Write the action taken."):
        problems.problem_add_action(
            problem=problem, actor=people["manager"], action_date=timezone.localdate(), text=""
        )
    with pytest.raises(problems.ProblemError, match="future"):
        problems.problem_add_action(
            problem=problem,
            actor=people["manager"],
            action_date=timezone.localdate() + datetime.timedelta(days=1),
            text="غداً",
        )
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    assert not problem.actions.exists()


def test_the_owner_and_the_crm_manager_handle_a_problem_and_nobody_else(people, donors):
    problem = raise_problem(people, donors, actor=people["manager"], owner=people["resources"])
    for who in ("staff", "staff2", "management"):
        with pytest.raises(PermissionDenied):
            problems.problem_add_action(
                problem=problem, actor=people[who], action_date=timezone.localdate(), text="x"
            )
    problems.problem_add_action(
        problem=problem, actor=people["resources"], action_date=timezone.localdate(), text="زيارة"
    )
    problems.problem_add_action(
        problem=problem, actor=people["manager2"], action_date=timezone.localdate(), text="متابعة"
    )
    assert problem.actions.count() == 2


def test_resolving_needs_a_resolution_and_a_problem_in_progress(people, donors):
    problem = raise_problem(people, donors)
    with pytest.raises(problems.ProblemError, match="Record the actions taken"):
        problems.problem_resolve(problem=problem, actor=people["manager"], resolution="تم")
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="اتصال"
    )
    with pytest.raises(problems.ProblemError, match="Write the resolution"):
        problems.problem_resolve(problem=problem, actor=people["manager"], resolution=" ")
    problems.problem_resolve(
        problem=problem, actor=people["manager"], resolution="جدولة الدفعة في الشهر القادم"
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.RESOLVED
    assert (problem.resolved_by, problem.resolution) == (
        people["manager"],
        "جدولة الدفعة في الشهر القادم",
    )
    assert problem.transitions.last().target == "resolved"
    # Closed: nothing more changes.
    with pytest.raises(problems.ProblemError, match="resolved"):
        problems.problem_add_action(
            problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="x"
        )
    with pytest.raises(problems.ProblemError, match="resolved"):
        problems.problem_assign(
            problem=problem, actor=people["manager"], owner=people["staff"], severity="low"
        )


def test_a_second_resolution_from_a_stale_page_gets_a_clear_message(people, donors):
    problem = raise_problem(people, donors)
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="اتصال"
    )
    stale = DonorProblem.objects.get(pk=problem.pk)
    problems.problem_resolve(problem=problem, actor=people["manager"], resolution="أولى")
    with pytest.raises(problems.ProblemError, match="This problem is resolved"):
        problems.problem_resolve(problem=stale, actor=people["manager2"], resolution="ثانية")
    problem.refresh_from_db()
    assert problem.resolution == "أولى"
    assert problem.transitions.filter(target="resolved").count() == 1


def test_the_crm_manager_assigns_and_changes_severity_with_deadlines_following(
    people, donors, django_capture_on_commit_callbacks
):
    problem = raise_problem(people, donors, severity="low")
    with django_capture_on_commit_callbacks(execute=True):
        problems.problem_assign(
            problem=problem,
            actor=people["manager"],
            owner=people["resources"],
            severity="critical",
        )
    problem.refresh_from_db()
    assert (problem.owner, problem.severity) == (people["resources"], "critical")
    assert problem.resolve_by == working_deadline(problem.raised_at, 2)
    assert "Assigned to" in problem.actions.get().text
    assert "Severity changed from Low to Critical." in problem.actions.get().text
    assert [message.to for message in mail.outbox] == [[people["resources"].email]]
    with pytest.raises(problems.ProblemError, match="Nothing changed"):
        problems.problem_assign(
            problem=problem, actor=people["manager"], owner=people["resources"], severity="critical"
        )
    with pytest.raises(PermissionDenied):
        problems.problem_assign(
            problem=problem, actor=people["staff"], owner=people["staff"], severity="low"
        )


def test_the_owner_must_be_an_active_member_of_staff(people, donors):
    problem = raise_problem(people, donors)
    with pytest.raises(problems.ProblemError, match="active staff member"):
        problems.problem_assign(
            problem=problem, actor=people["manager"], owner=people["nobody"], severity="high"
        )


# --- overdue marks and "عملي" -------------------------------------------------------------

MY_PROBLEMS = "Problems threatening donor relationships"


def section(user, title=MY_PROBLEMS):
    return next((s for s in work_sections_for(user) if s.title == title), None)


def test_the_crm_manager_sees_every_unresolved_problem_and_an_owner_their_own(people, donors):
    first = raise_problem(people, donors, title="مشكلة أولى")
    second = raise_problem(
        people, donors, actor=people["manager"], owner=people["resources"], title="مشكلة ثانية"
    )
    assert {i.title.split(" · ")[0] for i in section(people["manager"]).items} == {
        "مشكلة أولى",
        "مشكلة ثانية",
    }
    assert {i.title.split(" · ")[0] for i in section(people["manager2"]).items} == {
        "مشكلة أولى",
        "مشكلة ثانية",
    }
    assert [i.title.split(" · ")[0] for i in section(people["resources"]).items] == ["مشكلة ثانية"]
    assert section(people["staff"]) is None
    assert "owner=" in section(people["resources"]).list_url
    problems.problem_add_action(
        problem=first, actor=people["manager"], action_date=timezone.localdate(), text="x"
    )
    problems.problem_resolve(problem=first, actor=people["manager"], resolution="تم")
    assert [i.title.split(" · ")[0] for i in section(people["manager"]).items] == [second.title]


def test_overdue_problems_are_marked_on_my_work(people, donors):
    problem = raise_problem(people, donors)
    item = section(people["manager"]).items[0]
    assert item.due == problem.respond_by and not item.is_overdue
    DonorProblem.objects.filter(pk=problem.pk).update(
        respond_by=timezone.now() - datetime.timedelta(hours=1)
    )
    problem.refresh_from_db()
    assert problem.response_overdue and problem.is_overdue
    assert section(people["manager"]).overdue_count == 1
    problems.problem_add_action(
        problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="x"
    )
    problem.refresh_from_db()
    # Handled: the first-action deadline no longer counts, the resolution's does.
    assert not problem.response_overdue and not problem.resolution_overdue
    assert section(people["manager"]).items[0].due == problem.resolve_by
    DonorProblem.objects.filter(pk=problem.pk).update(
        resolve_by=timezone.now() - datetime.timedelta(hours=1)
    )
    assert section(people["manager"]).overdue_count == 1


def test_a_pledge_not_covered_after_its_date_is_proposed_as_a_problem(
    people, donors, programme, settings
):
    settings.PLEDGE_OVERDUE_DAYS = 30
    opportunity = in_closing(people, programme, donors, amount=Decimal("100000"))
    title = "Pledges not received: record a problem?"
    assert section(people["manager"], title) is None  # pledged today
    Opportunity.objects.filter(pk=opportunity.pk).update(
        pledge_date=timezone.localdate() - datetime.timedelta(days=31)
    )
    found = section(people["manager"], title)
    assert [item.title for item in found.items] == [f"{opportunity.title} · {donors['free'].name}"]
    assert found.items[0].url == (
        f"{reverse('opportunities:problem_create')}?opportunity={opportunity.pk}&kind=pledge"
    )
    assert section(people["staff"], title) is None
    # Covered by donations: no longer proposed.
    donation(donors["free"], programme, "100000")
    assert section(people["manager"], title) is None


def test_a_pledge_with_a_problem_recorded_is_not_proposed_again(people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        pledge_date=timezone.localdate() - datetime.timedelta(days=60)
    )
    assert list(problems.overdue_pledges()) == [opportunity]
    raise_problem(people, donors, opportunity=opportunity, kind="pledge_not_honoured")
    assert list(problems.overdue_pledges()) == []


# --- pages --------------------------------------------------------------------------------

ROLES = ROLES_BY_CODE
SUBJECTS = [*ROLES, "no_role"]
READERS = {"crm_staff", "crm_manager", "management", "resource_development"}
RAISERS = {"crm_staff", "crm_manager", "resource_development"}


@pytest.fixture
def everyone(db):
    users = {}
    for code, role in ROLES.items():
        users[code] = UserFactory(username=f"u_{code}")
        users[code].groups.add(Group.objects.get(name=role.group_name))
    users["no_role"] = UserFactory(username="u_no_role")
    return users


@pytest.fixture
def problem(everyone, donors):
    return problems.problem_raise(
        actor=everyone["crm_staff"],
        donor=donors["free"],
        kind="service_problem",
        severity="medium",
        title="تأخر تقرير البرنامج للمانح",
        description="لم يصل تقرير الإنجاز للمانح",
    )


@pytest.mark.parametrize("who", SUBJECTS)
def test_who_opens_the_register_pages(client, everyone, problem, who):
    client.force_login(everyone[who])
    pages = {
        "list": reverse("opportunities:problem_list"),
        "detail": reverse("opportunities:problem_detail", args=[problem.pk]),
        "create": reverse("opportunities:problem_create"),
    }
    outcome = {}
    for name, url in pages.items():
        response = client.get(url)
        outcome[name] = response.status_code
        if response.status_code == 200:
            assert "---------" not in response.content.decode(), name
            assert ">None<" not in response.content.decode(), name
    assert outcome == {
        "list": 200 if who in READERS else 403,
        "detail": 200 if who in READERS else 403,
        "create": 200 if who in RAISERS else 403,
    }


def test_anonymous_visitors_are_sent_to_login(client, problem):
    for url in (
        reverse("opportunities:problem_list"),
        reverse("opportunities:problem_detail", args=[problem.pk]),
        reverse("opportunities:problem_create"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_owner_without_the_register_sees_only_their_own(client, everyone, donors, problem):
    mine = problems.problem_raise(
        actor=everyone["crm_manager"],
        donor=donors["free"],
        kind="service_problem",
        severity="high",
        title="انقطاع خدمة في مركز الحي",
        description="تأثر المستفيدون من البرنامج الممول",
        owner=everyone["centres_manager"],
    )
    client.force_login(everyone["centres_manager"])
    response = client.get(reverse("opportunities:problem_list"))
    assert [p.pk for p in response.context["page"]] == [mine.pk]
    assert client.get(reverse("opportunities:problem_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("opportunities:problem_detail", args=[problem.pk])).status_code == 404
    response = client.post(
        reverse("opportunities:problem_add_action", args=[mine.pk]),
        {"action_date": timezone.localdate().isoformat(), "text": "إصلاح العطل"},
    )
    assert response.status_code == 302
    assert ProblemAction.objects.filter(problem=mine).count() == 1


def snapshot():
    return (
        list(DonorProblem.objects.values_list("pk", "state", "owner_id", "severity", "resolution")),
        ProblemAction.objects.count(),
        ProblemTransition.objects.count(),
    )


def _posts(problem, donor, owner):
    return {
        "create": (
            reverse("opportunities:problem_create"),
            {
                "donor_code": donor.code,
                "kind": "late_payment",
                "severity": "high",
                "title": "تأخر",
                "description": "وصف",
            },
            RAISERS,
        ),
        "action": (
            reverse("opportunities:problem_add_action", args=[problem.pk]),
            {"action_date": timezone.localdate().isoformat(), "text": "اتصال"},
            {"crm_manager"},
        ),
        "assign": (
            reverse("opportunities:problem_assign", args=[problem.pk]),
            {"owner": owner.pk, "severity": "critical"},
            {"crm_manager"},
        ),
    }


@pytest.mark.parametrize("who", SUBJECTS)
@pytest.mark.parametrize("action", ["create", "action", "assign"])
def test_who_may_post_and_a_refused_post_changes_nothing(
    client, everyone, donors, problem, who, action
):
    url, data, allowed = _posts(problem, donors["free"], everyone["resource_development"])[action]
    client.force_login(everyone[who])
    before = snapshot()
    response = client.post(url, data)
    if who in allowed:
        assert response.status_code == 302
        assert snapshot() != before
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("who", SUBJECTS)
def test_who_may_resolve(client, everyone, problem, who):
    problems.problem_add_action(
        problem=problem, actor=everyone["crm_manager"], action_date=timezone.localdate(), text="x"
    )
    client.force_login(everyone[who])
    before = snapshot()
    response = client.post(
        reverse("opportunities:problem_resolve", args=[problem.pk]), {"resolution": "تم الحل"}
    )
    if who == "crm_manager":
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.state == ProblemState.RESOLVED
    else:
        assert response.status_code == 403
        assert snapshot() == before


def test_anonymous_posts_change_nothing(client, donors, problem, everyone):
    for url, data, _allowed in _posts(problem, donors["free"], everyone["crm_staff"]).values():
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert snapshot() == before


@pytest.mark.parametrize("name", ["problem_add_action", "problem_resolve", "problem_assign"])
def test_steps_are_post_only(client, everyone, problem, name):
    client.force_login(everyone["crm_manager"])
    assert client.get(reverse(f"opportunities:{name}", args=[problem.pk])).status_code == 405


def test_raising_from_an_opportunity_page_over_http(client, people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    client.force_login(people["manager"])
    url = f"{reverse('opportunities:problem_create')}?opportunity={opportunity.pk}&kind=pledge"
    form = client.get(url).context["form"]
    assert form.initial["donor_code"] == donors["free"].code
    assert form.initial["kind"] == "pledge_not_honoured"
    response = client.post(
        url,
        {
            "donor_code": "٢٠٠٠٠٢",  # Arabic-Indic digits
            "kind": "pledge_not_honoured",
            "severity": "critical",
            "title": "التعهد لم يُسدد",
            "description": "مر شهر على التعهد دون سداد",
            "owner": "",
        },
    )
    problem = DonorProblem.objects.get()
    assert response.url == reverse("opportunities:problem_detail", args=[problem.pk])
    assert (problem.opportunity, problem.programme) == (opportunity, programme)
    assert problem.owner == people["manager"]
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk]))
    content = page.content.decode()
    assert 'data-testid="opportunity-problems"' in content and "التعهد لم يُسدد" in content


def test_a_problem_may_concern_a_programme_without_an_opportunity(
    client, people, donors, programme
):
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:problem_create"),
        {
            "donor_code": donors["free"].code,
            "kind": "service_problem",
            "severity": "medium",
            "title": "تأخر تنفيذ البرنامج",
            "description": "تأخر بدء البرنامج الممول",
            "programme": programme.pk,
        },
    )
    problem = DonorProblem.objects.get()
    assert response.url == reverse("opportunities:problem_detail", args=[problem.pk])
    assert (problem.programme, problem.opportunity) == (programme, None)


def test_the_form_refuses_an_unknown_donor_and_keeps_what_was_typed(client, people, donors):
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:problem_create"),
        {
            "donor_code": "999999",
            "kind": "late_payment",
            "severity": "high",
            "title": "عنوان مكتوب",
            "description": "وصف",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "No active donor has this customer code." in content
    assert "عنوان مكتوب" in content
    assert "owner" not in response.context["form"].fields  # staff do not assign
    assert not DonorProblem.objects.exists()


def test_the_journey_over_http_with_messages(client, people, donors):
    problem = raise_problem(people, donors)
    client.force_login(people["manager"])
    detail = reverse("opportunities:problem_detail", args=[problem.pk])
    assert client.get(detail).context["actions"] == ["add_action", "assign"]
    response = client.post(
        reverse("opportunities:problem_add_action", args=[problem.pk]),
        {"action_date": timezone.localdate().isoformat(), "text": "اتصال بالمدير المالي للمانح"},
        follow=True,
    )
    assert "The action was recorded and the problem is being handled." in response.content.decode()
    assert response.context["actions"] == ["add_action", "resolve", "assign"]
    response = client.post(
        reverse("opportunities:problem_resolve", args=[problem.pk]), {"resolution": ""}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(
        reverse("opportunities:problem_resolve", args=[problem.pk]),
        {"resolution": "تم السداد بعد التواصل"},
        follow=True,
    )
    assert "The problem was resolved and closed." in response.content.decode()
    assert response.context["actions"] == []


def test_the_register_filters_and_marks_overdue_problems(
    client, people, donors, django_assert_max_num_queries
):
    late = raise_problem(people, donors, title="متأخرة")
    raise_problem(people, donors, title="داخلية", kind="service_problem", severity="low")
    DonorProblem.objects.filter(pk=late.pk).update(
        respond_by=timezone.now() - datetime.timedelta(hours=2)
    )
    client.force_login(people["manager"])
    url = reverse("opportunities:problem_list")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "First action overdue" in response.content.decode()

    def titles(**params):
        return [p.title for p in client.get(url, params).context["page"]]

    assert titles(overdue="1") == ["متأخرة"]
    assert titles(origin="internal") == ["داخلية"]
    assert titles(origin="external") == ["متأخرة"]
    assert titles(severity="low") == ["داخلية"]
    assert sorted(titles(q=str(donors["free"].code))) == ["داخلية", "متأخرة"]
    assert sorted(titles(q="الوفاء")) == ["داخلية", "متأخرة"]
    assert titles(q="لا شيء") == []


def test_the_donors_profile_shows_its_problems(client, people, donors):
    raise_problem(people, donors, title="تأخر السداد")
    client.force_login(people["staff"])
    response = client.get(reverse("customers:detail", args=[donors["free"].pk]))
    content = response.content.decode()
    assert 'data-testid="problems-panel"' in content and "تأخر السداد" in content
    assert f"{reverse('opportunities:problem_create')}?donor={donors['free'].pk}" in content
    client.force_login(people["planning"])  # no access to the register
    response = client.get(reverse("customers:detail", args=[donors["free"].pk]))
    assert 'data-testid="problems-panel"' not in response.content.decode()
