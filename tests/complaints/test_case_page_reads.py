"""The case page and the FAQ entry page read a fixed number of queries whatever the case's
history or the entry's use (issue 13): the case with its usual relations in one query, its
steps, register entries and referrals in one more, the assignee's options from the cache
(renewed when the staff, their roles or their centres change)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association import roles
from complaints import faq, selectors, services
from complaints.models import Case, CaseEntry, CaseRoute
from customers.timeline import read_together_by_key
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db


def _page(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _case_page(client, case):
    return _page(client, reverse("complaints:detail", args=[case.pk]))


def _busy(case, people, entries):
    services.case_promise_callback(case=case, actor=people["crm"], note="سأعاود الاتصال")
    for number in range(entries):
        services.case_add_entry(case=case, actor=people["crm"], text=f"متابعة {number}")


def test_the_case_page_reads_the_same_queries_whatever_the_history(client, people, customers):
    quiet = register(people["crm"], customers["donor"])
    busy = register(people["crm"], customers["donor"])
    _busy(busy, people, entries=4)
    client.force_login(people["crm"])
    _case_page(client, quiet)  # the session and the caches read once
    quiet_count, _response = _case_page(client, quiet)
    busy_count, response = _case_page(client, busy)
    assert busy_count == quiet_count
    titles = [str(item.title) for item in response.context["timeline"]]
    assert len(titles) == len(_case_page(client, quiet)[1].context["timeline"]) + 5
    assert [item.note for item in response.context["timeline"][-4:]] == [
        f"متابعة {number}" for number in range(4)
    ]
    assert all(item.actor == people["crm"] for item in response.context["timeline"][-5:])


def test_the_history_merges_steps_entries_and_referrals_in_time_order(
    client, people, places, customers
):
    case = register(people["crm"], customers["donor"])
    _busy(case, people, entries=2)
    services.case_refer(
        case=case,
        actor=people["crm"],
        department=CaseRoute.CENTRES,
        centre=places["mine"],
        note="يخص المركز",
    )
    client.force_login(people["quality"])
    _count, response = _case_page(client, case)
    timeline = response.context["timeline"]
    assert [item.at for item in timeline] == sorted(item.at for item in timeline)
    referral = timeline[-1]
    assert referral.note == "يخص المركز"
    assert places["mine"].name in str(referral.detail)
    assert referral.actor.get_full_name() == people["crm"].get_full_name()


def test_each_case_reads_its_own_history_through_the_sql_compiled_once(client, people, customers):
    """The history's SQL is compiled once per process (customers.timeline.read_together_by_key),
    then given each case's key: one case's page never shows another's history."""
    first = register(people["crm"], customers["donor"])
    second = register(people["crm"], customers["donor"])
    services.case_add_entry(case=first, actor=people["crm"], text="للأول")
    services.case_add_entry(case=second, actor=people["crm"], text="للثاني")
    client.force_login(people["crm"])
    for case, note, other in ((first, "للأول", "للثاني"), (second, "للثاني", "للأول")):
        notes = [item.note for item in _case_page(client, case)[1].context["timeline"]]
        assert note in notes and other not in notes


def test_parts_read_together_once_compiled_are_read_by_the_record_s_key():
    with pytest.raises(ValueError):
        read_together_by_key(
            "every_entry", lambda pk: [(CaseEntry.objects.all(), ("at",))], 1, using="default"
        )


def test_the_assignee_options_are_the_handlers_and_follow_changes(people, places, customers):
    crm_case = register(people["crm"], customers["donor"])
    centres_case = register(people["centres"], customers["beneficiary"])

    def offered(case, current=None):
        return [pk for pk, _label in selectors.case_handler_choices(case, current=current)]

    def handlers(case, current=None):
        return [user.pk for user in selectors.case_handlers(case, current=current)]

    assert offered(crm_case, people["crm_manager"]) == handlers(crm_case, people["crm_manager"])
    # A new member of the CRM department is offered at once.
    newcomer = user_with(roles.CRM_STAFF, "newcomer", first_name="وافد")
    assert newcomer.pk in offered(crm_case)
    # Deactivated: no longer offered.
    newcomer.is_active = False
    newcomer.save()
    assert newcomer.pk not in offered(crm_case)
    # Another centre's employee given this centre too.
    assert people["centres_other"].pk not in offered(centres_case)
    people["centres_other"].staff_profile.centres.add(places["mine"])
    assert people["centres_other"].pk in offered(centres_case)
    # Out of the centres-affairs role: no longer offered.
    people["centres_other"].groups.remove(Group.objects.get(name=roles.CENTRES_STAFF.group_name))
    assert people["centres_other"].pk not in offered(centres_case)
    assert offered(centres_case) == handlers(centres_case)


def test_the_faq_entry_page_reads_the_same_queries_whatever_its_use(client, people, customers):
    def entry_with(answered):
        entry = faq.faq_propose(actor=people["crm"], question="سؤال", answer="جواب")
        for _number in range(answered):
            case = register(people["crm"], customers["donor"], kind="inquiry")
            Case.objects.filter(pk=case.pk).update(faq_entry=entry)
        return entry

    little, much = entry_with(0), entry_with(3)
    faq.faq_update(entry=much, actor=people["crm_manager"], question="سؤال معدل", answer="جواب")
    faq.faq_publish(entry=much, actor=people["centres_manager"])
    client.force_login(people["crm"])
    _page(client, reverse("complaints:faq_detail", args=[little.pk]))
    little_count, _response = _page(client, reverse("complaints:faq_detail", args=[little.pk]))
    much_count, response = _page(client, reverse("complaints:faq_detail", args=[much.pk]))
    assert much_count == little_count
    assert len(response.context["answered_cases"]) == 3
    assert response.context["credit"].published_by == people["centres_manager"]
    assert response.context["credit"].edited_by == [people["crm_manager"]]
