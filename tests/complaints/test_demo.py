"""The demo register of `make run`: made through the services, once."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from complaints.models import (
    Case,
    CaseEventKind,
    CaseRoute,
    CaseState,
    FaqEntry,
    FaqState,
    ProposedSolution,
    Recommendation,
    RegisterReview,
)
from complaints.registrations import cases_referred
from complaints.selectors import cases_in_queue_of, cases_visible_to

pytestmark = pytest.mark.django_db


def test_demo_register_has_every_step_and_loads_once():
    call_command("load_demo_data", stdout=StringIO())
    states = set(Case.objects.values_list("state", flat=True))
    assert {CaseState.RECEIVED, CaseState.UNDER_STUDY, CaseState.CLOSED} <= states
    assert Case.objects.filter(registered_by__isnull=True, channel="website").exists()
    assert Case.objects.filter(faq_entry__isnull=False).count() == 1
    assert FaqEntry.objects.filter(state=FaqState.PUBLISHED).count() == 3
    assert FaqEntry.objects.filter(state=FaqState.PROPOSED).count() == 1
    assert Recommendation.objects.count() == 3
    # The new features where a user looks for them: a proposal edited by the CRM manager
    # (another manager publishes it), last week's CRM review with its recommendation and
    # missed centres-affairs weeks, two proposed solutions with plans, one overdue.
    waiting = FaqEntry.objects.get(state=FaqState.PROPOSED)
    assert {user.username for user in waiting.text_authors.all()} == {"crm_staff", "crm_manager"}
    review = RegisterReview.objects.get()
    assert review.department == "crm" and review.recommendations.count() == 1
    assert ProposedSolution.objects.count() == 2
    assert sum(solution.is_overdue for solution in ProposedSolution.objects.all()) == 1
    # Closed cases of last month keep their steps in order.
    for case in Case.objects.filter(state=CaseState.CLOSED):
        assert case.received_at <= case.replied_at <= case.closed_at
    count = Case.objects.count()
    call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.count() == count


def test_demo_queues_are_split_by_department():
    call_command("load_demo_data", stdout=StringIO())
    users = get_user_model().objects
    centres = cases_in_queue_of(users.get(username="centres_staff"))
    crm = cases_in_queue_of(users.get(username="crm_staff"))
    assert centres.exists() and crm.exists()
    assert not set(centres) & set(crm)


def test_demo_shows_routing_referral_and_possible_match():
    """Issue 10 items 2, 3 and 18 where a user would look for them."""
    call_command("load_demo_data", stdout=StringIO())
    users = get_user_model().objects
    centres_staff = users.get(username="centres_staff")
    # A donor's call she registered: in the CRM queue, still on her register.
    theirs = Case.objects.get(registered_by=centres_staff, routed_to=CaseRoute.CRM)
    assert cases_visible_to(centres_staff).filter(pk=theirs.pk).exists()
    # A CRM case referred to her centre, newly referred on her my-work page.
    referred = Case.objects.get(events__kind=CaseEventKind.REFERRED)
    assert [item.title for item in cases_referred(centres_staff).items] == [str(referred)]
    # A public filing from the demo donor's mobile, awaiting confirmation.
    pending = Case.objects.get(possible_customer__isnull=False)
    assert pending.customer is None and pending.routed_to == CaseRoute.CRM
    assert Case.objects.exclude(helping_party="").exists()


def test_demo_has_cases_answered_this_month_and_the_headline_a_number():
    """The home page's «share answered within the deadline this month» reads a number: the
    demo answers cases this month, in time and one late when the month allows it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from association.workdays import working_deadline
    from complaints.demo import ANSWERED_THIS_MONTH, _month_start
    from complaints.registrations import within_deadline_headline

    call_command("load_demo_data", stdout=StringIO())
    now = timezone.now()
    answered = Case.objects.filter(received_at__gte=_month_start(now), replied_at__isnull=False)
    assert answered.count() >= 3
    assert all(case.received_at <= case.replied_at <= now for case in answered)
    within = [case for case in answered if case.answered_within_deadline]
    assert len(within) >= 2
    late = [case for case in answered if case.answered_within_deadline is False]
    # One answered after its deadline, once the month has gone past a working day.
    late_one = answered.get(subject=[row for row in ANSWERED_THIS_MONTH if row[-1]][0][2])
    if working_deadline(late_one.received_at, 1) + datetime.timedelta(hours=10) < now:
        assert late == [late_one]
    else:
        assert late == []
    admin = get_user_model().objects.get(username="admin")
    headline = within_deadline_headline(admin)
    assert headline.value != "—"
    assert headline.value.rstrip("%").isdigit()
    count = Case.objects.count()
    call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.count() == count


def test_a_register_loaded_in_an_earlier_month_gets_this_month_s_answered_cases():
    from django.utils import timezone

    from complaints.demo import ANSWERED_THIS_MONTH, _month_start

    call_command("load_demo_data", stdout=StringIO())
    subjects = [row[2] for row in ANSWERED_THIS_MONTH]
    Case.objects.filter(subject__in=subjects).delete()  # as if loaded last month
    call_command("load_demo_data", stdout=StringIO())
    this_month = Case.objects.filter(
        subject__in=subjects, received_at__gte=_month_start(timezone.now())
    )
    assert this_month.count() == len(subjects)
    call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.filter(subject__in=subjects).count() == len(subjects)
