"""The opportunity page's timeline reads its contacts, corrections, steps and probability
changes, and for those who may see them the problems recorded on it, in one query
(customers.timeline.read_together_by_key, compiled once per process), two when a contact
needed approval, and lists the same entries, in the same order, as reading each kind apart
did."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.timeline import read_together_by_key
from opportunities import problems, selectors, services
from opportunities.models import DonorProblem, Opportunity

from .conftest import contacted, in_closing, new_opportunity

pytestmark = pytest.mark.django_db

ORDER = {"created": 0, "contact": 1, "correction": 2, "probability": 3, "transition": 4}


def read_apart(opportunity):
    """The timeline as the page read it before: each kind in its own query."""
    entries = [("created", opportunity.created_at, opportunity.owner_id, None)]
    entries += [
        ("contact", row.created_at, row.staff_id, row.pk) for row in opportunity.contacts.all()
    ]
    entries += [
        ("correction", row.at, row.actor_id, row.pk) for row in opportunity.corrections.all()
    ]
    entries += [
        ("transition", row.at, row.actor_id, row.pk) for row in opportunity.transitions.all()
    ]
    entries += [
        ("probability", row.at, row.actor_id, row.pk)
        for row in opportunity.probability_changes.all()
    ]
    return sorted(entries, key=lambda entry: (entry[1], ORDER[entry[0]]), reverse=True)


def as_tuples(entries):
    return [
        (entry.kind, entry.at, entry.actor.pk, entry.item.pk if entry.item else None)
        for entry in entries
    ]


def busy_opportunity(people, programme, donors, *, flagged):
    opportunity = in_closing(people, programme, donors)
    for number in range(3):
        contacted(opportunity, people["staff"], donors["free"], summary=f"اتصال {number}")
        services.opportunity_update_probability(
            opportunity=opportunity,
            actor=people["staff"],
            probability=50 + number,
            success_factors=f"عامل <{number}>",
        )
    services.opportunity_correct(
        opportunity=opportunity,
        actor=people["staff"],
        title="عنوان مصحح",
        expected_amount=Decimal("120000"),
        programme=programme,
        note="خطأ في الإدخال",
    )
    if flagged:
        # Another's donor: the contact waits for three approvals.
        services.opportunity_add_donor(
            opportunity=opportunity, actor=people["manager"], donor=donors["with_point"]
        )
        contacted(opportunity, people["staff2"], donors["with_point"], summary="اتصال بمانح آخر")
    return as_the_page_reads_it(opportunity)


def as_the_page_reads_it(opportunity):
    """With its owner, as the page reads it (the "created" entry names them)."""
    return Opportunity.objects.select_related("owner").get(pk=opportunity.pk)


@pytest.mark.parametrize("flagged", [False, True])
def test_the_timeline_is_one_query_and_the_same_entries(people, programme, donors, flagged):
    opportunity = busy_opportunity(people, programme, donors, flagged=flagged)
    with CaptureQueriesContext(connection) as queries:
        entries = selectors.history(opportunity).timeline
        shown = [
            (entry.item.donor.name, entry.item.staff.get_full_name(), entry.item.summary)
            for entry in entries
            if entry.kind == "contact"
        ]
        steps = [
            list(entry.item.approval_steps.all())
            for entry in entries
            if entry.kind == "contact" and entry.item.is_flagged
        ]
    assert len(queries.captured_queries) == (2 if flagged else 1)
    assert as_tuples(entries) == read_apart(opportunity)
    assert len(shown) == (5 if flagged else 4)
    assert [len(found) for found in steps] == ([3] if flagged else [])


def test_the_page_shows_every_entry(client, people, programme, donors):
    opportunity = busy_opportunity(people, programme, donors, flagged=True)
    client.force_login(people["manager"])
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert page.count('data-kind="contact"') == 5
    assert page.count('data-kind="probability"') == 3
    assert page.count('data-kind="correction"') == 2  # the title and the amount
    assert "عامل &lt;2&gt;" in page and "اتصال بمانح آخر" in page
    assert 'data-testid="approval-steps"' in page


def test_an_opportunity_with_nothing_but_its_creation(people, programme):
    opportunity = as_the_page_reads_it(new_opportunity(people, programme))
    with CaptureQueriesContext(connection) as queries:
        entries = selectors.history(opportunity).timeline
    assert len(queries.captured_queries) == 1
    assert [entry.kind for entry in entries] == ["created"]


def raised(people, donors, opportunity, title):
    return problems.problem_raise(
        actor=people["staff"],
        donor=donors["free"],
        kind="late_payment",
        severity="high",
        title=title,
        description="لم تصل الدفعة في موعدها",
        opportunity=opportunity,
    )


def test_the_problems_come_with_the_timeline_in_the_panel_order(people, programme, donors):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    first, second, third = (raised(people, donors, opportunity, title) for title in "أبج")
    for problem in (first, second):
        problems.problem_add_action(
            problem=problem, actor=people["manager"], action_date=timezone.localdate(), text="اتصال"
        )
        problem.refresh_from_db()
        problems.problem_resolve(problem=problem, actor=people["manager"], resolution="تم")
    opportunity = as_the_page_reads_it(opportunity)
    with CaptureQueriesContext(connection) as queries:
        history = selectors.history(opportunity, with_problems=True)
        shown = [(row.title, row.donor.name, row.owner.username) for row in history.problems]
    assert len(queries.captured_queries) == 1
    in_sql_order = DonorProblem.objects.filter(opportunity=opportunity).order_by(
        F("resolved_at").desc(nulls_first=True), "-raised_at"
    )
    assert [row.pk for row in history.problems] == [row.pk for row in in_sql_order]
    assert [title for title, _donor, _owner in shown] == ["ج", "ب", "أ"]
    assert selectors.history(opportunity).problems is None


def test_the_page_asks_the_same_with_or_without_problems(client, people, programme, donors):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    url = reverse("opportunities:detail", args=[opportunity.pk])
    client.force_login(people["manager"])
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    raised(people, donors, opportunity, "مشكلة على الفرصة")
    with CaptureQueriesContext(connection) as with_one:
        page = client.get(url).content.decode()
    assert len(with_one.captured_queries) == len(without.captured_queries)
    assert 'data-testid="opportunity-problems"' in page and "مشكلة على الفرصة" in page


def test_parts_with_another_parameter_than_the_key_are_refused():
    def parts(pk):
        return [(Opportunity.objects.filter(pk=pk, probability__gte=50), ("title",))]

    with pytest.raises(ValueError, match="not by the key alone"):
        read_together_by_key("test_refused", parts, 1, using="default")
