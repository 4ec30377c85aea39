"""Recommendations (procedure steps 8-9, performance reports steps 3-4): raised by a
department manager, decided by the sub-council secretary, implemented or investigated by
the owner; the pages, the permission matrix, "my work" and concurrent decisions."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from association import roles
from complaints import recommendations as recs
from complaints import selectors
from complaints.errors import RecommendationError
from complaints.models import (
    Implementation,
    Recommendation,
    RecommendationDecision,
    RecommendationTransition,
)
from tests.factories import PublicHolidayFactory, UserFactory
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")


def ar(text):
    with translation.override("ar"):
        return str(text)


@pytest.fixture
def secretary(db):
    return user_with(roles.COUNCIL_SECRETARY, "secretary")


@pytest.fixture
def planning(db):
    return user_with(roles.PLANNING_DIRECTOR, "planning")


def raise_one(people, **fields):
    values = {
        "actor": people["crm_manager"],
        "text": "تدريب موظفي الاستقبال على الرد على الشكاوى",
        "department": "crm",
        "owner": people["crm"],
        "due_date": timezone.localdate() + datetime.timedelta(days=14),
    }
    values.update(fields)
    return recs.recommendation_raise(**values)


def approved(people, secretary, **fields):
    rec = raise_one(people, **fields)
    return recs.recommendation_decide(actor=secretary, recommendation=rec, approve=True)


# --- raise --------------------------------------------------------------------------------


def test_manager_raises_a_recommendation(people):
    rec = raise_one(people, group_key="tx:تاخر توزيع")
    assert rec.decision == RecommendationDecision.RAISED
    assert rec.implementation == Implementation.PENDING
    assert rec.raised_by == people["crm_manager"]
    assert rec.group_key == "tx:تاخر توزيع"
    [step] = rec.transitions.all()
    assert step.actor == people["crm_manager"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  "}, "Write the recommendation."),
        ({"department": "sales"}, "Choose the department."),
        ({"owner": None}, "Choose an active user as the owner."),
        ({"due_date": None}, "Choose the due date."),
        ({"due_date": datetime.date(2020, 1, 1)}, "The due date cannot be in the past."),
        ({"group_key": "nonsense"}, "This recurring group does not exist."),
    ],
)
def test_raise_validation(people, fields, message):
    with translation.override("en"), pytest.raises(RecommendationError, match=message):
        raise_one(people, **fields)
    assert not Recommendation.objects.exists()


def test_owner_must_be_active(people):
    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(RecommendationError):
        raise_one(people, owner=gone)


def test_due_today_is_accepted(people):
    assert raise_one(people, due_date=timezone.localdate()).pk


@pytest.mark.parametrize("who", ["crm", "centres", "quality", "steward", "secretary", "planning"])
def test_only_managers_raise(people, secretary, planning, who):
    actor = {"secretary": secretary, "planning": planning}.get(who) or people[who]
    with pytest.raises(PermissionDenied):
        raise_one(people, actor=actor)


# --- decide -------------------------------------------------------------------------------


def test_secretary_approves(people, secretary):
    rec = raise_one(people)
    recs.recommendation_decide(actor=secretary, recommendation=rec, approve=True, note=" موافق ")
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.APPROVED
    assert rec.decided_by == secretary
    assert rec.decided_at is not None
    assert rec.decision_note == "موافق"
    step = rec.transitions.last()
    assert (step.source, step.target, step.actor) == ("raised", "approved", secretary)


def test_rejection_needs_a_note(people, secretary):
    rec = raise_one(people)
    with translation.override("en"), pytest.raises(RecommendationError, match="why"):
        recs.recommendation_decide(actor=secretary, recommendation=rec, approve=False, note=" ")
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.RAISED
    recs.recommendation_decide(actor=secretary, recommendation=rec, approve=False, note="مكرر")
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.REJECTED


@pytest.mark.parametrize("who", ["crm", "crm_manager", "centres_manager", "quality"])
def test_only_the_secretary_decides(people, who):
    rec = raise_one(people)
    with pytest.raises(PermissionDenied):
        recs.recommendation_decide(actor=people[who], recommendation=rec, approve=True)


def test_a_decision_is_taken_once(people, secretary):
    rec = approved(people, secretary)
    with (
        translation.override("en"),
        pytest.raises(RecommendationError, match="no longer at this step"),
    ):
        recs.recommendation_decide(actor=secretary, recommendation=rec, approve=False, note="x")


def test_a_stale_page_loses_to_the_first_decision(people, secretary):
    rec = raise_one(people)
    first = Recommendation.objects.get(pk=rec.pk)
    second = Recommendation.objects.get(pk=rec.pk)
    recs.recommendation_decide(actor=secretary, recommendation=first, approve=True)
    with translation.override("en"), pytest.raises(RecommendationError, match="Someone else"):
        recs.recommendation_decide(actor=secretary, recommendation=second, approve=False, note="لا")
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.APPROVED
    assert RecommendationTransition.objects.filter(target="rejected").count() == 0


# --- implementation and investigation -----------------------------------------------------


def test_owner_records_implemented(people, secretary):
    rec = approved(people, secretary)
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=True, note="تم التدريب"
    )
    rec.refresh_from_db()
    assert rec.implementation == Implementation.IMPLEMENTED
    assert rec.implementation_note == "تم التدريب"
    assert rec.implementation_recorded_at is not None
    assert rec.investigation_due_at is None


def test_not_implemented_opens_an_investigation_due_in_two_working_days(
    people, secretary, monkeypatch
):
    rec = approved(people, secretary)
    # Wednesday 18 March 2026, 10:00 in Riyadh; Thursday is a holiday, then the weekend:
    # the two working days are Sunday 22 and Monday 23 March.
    PublicHolidayFactory(start_date=datetime.date(2026, 3, 19), end_date=datetime.date(2026, 3, 19))
    wednesday = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=RIYADH)
    monkeypatch.setattr(timezone, "now", lambda: wednesday)
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=False, note="لم يتوفر المدرب"
    )
    monkeypatch.undo()
    rec.refresh_from_db()
    assert rec.implementation == Implementation.NOT_IMPLEMENTED
    due = timezone.localtime(rec.investigation_due_at, RIYADH)
    assert due.date() == datetime.date(2026, 3, 23)
    assert (due.hour, due.minute) == (23, 59)
    assert rec.investigation_overdue  # that Monday is long gone


def test_not_implemented_needs_a_note(people, secretary):
    rec = approved(people, secretary)
    with translation.override("en"), pytest.raises(RecommendationError, match="what was not done"):
        recs.recommendation_record_implementation(
            actor=people["crm"], recommendation=rec, implemented=False, note=""
        )


@pytest.mark.parametrize("decision", ["raised", "rejected"])
def test_only_approved_ones_are_implemented(people, secretary, decision):
    rec = raise_one(people)
    if decision == "rejected":
        recs.recommendation_decide(actor=secretary, recommendation=rec, approve=False, note="لا")
    with translation.override("en"), pytest.raises(RecommendationError, match="Only an approved"):
        recs.recommendation_record_implementation(
            actor=people["crm"], recommendation=rec, implemented=True
        )


def test_follow_up_by_owner_or_manager_only(people, secretary):
    rec = approved(people, secretary)
    for outsider in (people["centres"], people["quality"], secretary):
        with pytest.raises(PermissionDenied):
            recs.recommendation_record_implementation(
                actor=outsider, recommendation=rec, implemented=True
            )
    # A department manager (change_recommendation) may record it for the owner.
    recs.recommendation_record_implementation(
        actor=people["centres_manager"], recommendation=rec, implemented=True
    )


def test_investigation_is_recorded_once(people, secretary):
    rec = approved(people, secretary)
    with translation.override("en"), pytest.raises(RecommendationError, match="not implemented"):
        recs.recommendation_record_investigation(
            actor=people["crm"], recommendation=rec, reasons="س"
        )
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=False, note="لم ينفذ"
    )
    with translation.override("en"), pytest.raises(RecommendationError, match="reasons found"):
        recs.recommendation_record_investigation(
            actor=people["crm"], recommendation=rec, reasons=" "
        )
    with pytest.raises(PermissionDenied):
        recs.recommendation_record_investigation(
            actor=people["centres"], recommendation=rec, reasons="س"
        )
    recs.recommendation_record_investigation(
        actor=people["crm"], recommendation=rec, reasons="غياب المدرب"
    )
    rec.refresh_from_db()
    assert rec.investigation_reasons == "غياب المدرب"
    assert rec.investigated_by == people["crm"]
    assert rec.investigated_at is not None
    assert not rec.investigation_overdue
    with translation.override("en"), pytest.raises(RecommendationError, match="already recorded"):
        recs.recommendation_record_investigation(
            actor=people["crm_manager"], recommendation=rec, reasons="أخرى"
        )
    # Implemented later after all.
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=True, note="نُفذ لاحقاً"
    )
    rec.refresh_from_db()
    assert rec.implementation == Implementation.IMPLEMENTED
    targets = list(rec.transitions.values_list("target", flat=True))
    assert targets == ["raised", "approved", "not_implemented", "not_implemented", "implemented"]


def test_available_actions(people, secretary):
    rec = raise_one(people)
    assert recs.available_actions(rec, secretary) == ["approve", "reject"]
    assert recs.available_actions(rec, people["crm"]) == []
    recs.recommendation_decide(actor=secretary, recommendation=rec, approve=True)
    assert recs.available_actions(rec, secretary) == []
    assert recs.available_actions(rec, people["crm"]) == ["implemented", "not_implemented"]
    assert recs.available_actions(rec, people["quality"]) == []
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=False, note="لا"
    )
    assert recs.available_actions(rec, people["crm"]) == ["investigation", "implemented"]


# --- visibility ---------------------------------------------------------------------------


def test_visibility(people, secretary, planning):
    mine = raise_one(people, owner=people["crm"])
    theirs = raise_one(people, owner=people["centres"])
    for reader in ("crm_manager", "centres_manager", "quality"):
        assert set(selectors.recommendations_visible_to(people[reader])) == {mine, theirs}
    assert set(selectors.recommendations_visible_to(secretary)) == {mine, theirs}
    assert list(selectors.recommendations_visible_to(people["crm"])) == [mine]
    assert list(selectors.recommendations_visible_to(people["steward"])) == []
    assert list(selectors.recommendations_visible_to(planning)) == []


# --- pages --------------------------------------------------------------------------------


LIST = "complaints:recommendations"
NEW = "complaints:recommendation_new"


def detail(rec):
    return reverse("complaints:recommendation_detail", args=[rec.pk])


def action(rec, name):
    return reverse("complaints:recommendation_action", args=[rec.pk, name])


@pytest.mark.parametrize(
    ("who", "list_status", "new_status", "detail_status"),
    [
        ("crm_manager", 200, 200, 200),
        ("centres_manager", 200, 200, 200),
        ("quality", 200, 403, 200),
        ("secretary", 200, 403, 200),
        ("owner", 200, 403, 200),
        ("centres", 403, 403, 404),
        ("steward", 403, 403, 404),
        ("planning", 403, 403, 404),
    ],
)
def test_pages_permission_matrix(
    client, people, secretary, planning, who, list_status, new_status, detail_status
):
    rec = raise_one(people, owner=people["crm"])
    user = {"secretary": secretary, "planning": planning, "owner": people["crm"]}.get(who)
    client.force_login(user or people[who])
    assert client.get(reverse(LIST)).status_code == list_status
    assert client.get(reverse(NEW)).status_code == new_status
    assert client.get(detail(rec)).status_code == detail_status


def test_pages_need_login(client, people):
    rec = raise_one(people)
    for url in (reverse(LIST), reverse(NEW), detail(rec)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    response = client.post(action(rec, "approve"))
    assert reverse("login") in response["Location"]
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.RAISED


def test_raise_on_the_page(client, people):
    client.force_login(people["centres_manager"])
    response = client.get(reverse(NEW))
    assert response.context["form"]["department"].value() == "centres"
    due = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse(NEW),
        {
            "text": "زيادة عدد الموزعين",
            "department": "centres",
            "owner": people["centres"].pk,
            "due_date": due.isoformat(),
            "group_key": "",
        },
    )
    rec = Recommendation.objects.get()
    assert response["Location"] == detail(rec)
    assert rec.owner == people["centres"] and rec.due_date == due


def test_raise_page_refuses_a_past_due_date(client, people):
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse(NEW),
        {
            "text": "نص",
            "department": "crm",
            "owner": people["crm"].pk,
            "due_date": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert "due_date" in response.context["form"].errors
    assert not Recommendation.objects.exists()


def test_raise_page_refuses_an_inactive_owner(client, people):
    gone = UserFactory(username="gone", is_active=False)
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse(NEW),
        {
            "text": "نص",
            "department": "crm",
            "owner": gone.pk,
            "due_date": timezone.localdate().isoformat(),
        },
    )
    assert "owner" in response.context["form"].errors


def test_secretary_decides_on_the_page(client, people, secretary):
    rec = raise_one(people)
    client.force_login(secretary)
    content = client.get(detail(rec)).content.decode()
    assert 'data-testid="actions"' in content
    response = client.post(action(rec, "reject"), {"note": ""})
    # Sent back: the page again, the rejection's own form open with its error.
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.RAISED
    response = client.post(action(rec, "approve"), {"note": "موافق"}, follow=True)
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.APPROVED
    expected = ar(gettext_lazy("The recommendation was approved."))
    assert expected in [str(m) for m in response.context["messages"]]


def test_owner_follows_up_on_the_page(client, people, secretary):
    rec = approved(people, secretary)
    client.force_login(people["crm"])
    client.post(action(rec, "not_implemented"), {"note": "لم يتوفر المدرب"})
    rec.refresh_from_db()
    assert rec.implementation == Implementation.NOT_IMPLEMENTED
    content = client.get(detail(rec)).content.decode()
    assert 'data-testid="investigation-due"' in content
    client.post(action(rec, "investigation"), {"reasons": "الميزانية"})
    rec.refresh_from_db()
    assert rec.investigation_reasons == "الميزانية"
    assert "الميزانية" in client.get(detail(rec)).content.decode()


@pytest.mark.parametrize("who", ["crm_manager", "quality"])
def test_non_secretaries_cannot_decide_on_the_page(client, people, who):
    rec = raise_one(people)
    client.force_login(people[who])
    assert client.post(action(rec, "approve")).status_code == 403
    rec.refresh_from_db()
    assert rec.decision == RecommendationDecision.RAISED


def test_actions_are_post_only_and_known(client, people, secretary):
    rec = raise_one(people)
    client.force_login(secretary)
    assert client.get(action(rec, "approve")).status_code == 405
    assert client.post(action(rec, "destroy")).status_code == 403


def test_list_filters_and_secretary_order(client, people, secretary):
    old_raised = raise_one(people, text="قديمة بانتظار القرار")
    decided = raise_one(people, text="معتمدة", department="centres", owner=people["centres"])
    recs.recommendation_decide(actor=secretary, recommendation=decided, approve=True)
    Recommendation.objects.filter(pk=old_raised.pk).update(
        raised_at=timezone.now() - datetime.timedelta(days=40)
    )
    client.force_login(secretary)
    page = list(client.get(reverse(LIST)).context["page"])
    assert page == [old_raised, decided]  # awaiting decision first, though older
    client.force_login(people["crm_manager"])
    assert list(client.get(reverse(LIST)).context["page"]) == [decided, old_raised]
    assert list(client.get(reverse(LIST), {"decision": "approved"}).context["page"]) == [decided]
    assert list(client.get(reverse(LIST), {"department": "crm"}).context["page"]) == [old_raised]
    assert (
        list(client.get(reverse(LIST), {"implementation": "not_implemented"}).context["page"]) == []
    )
    this_month = timezone.localdate().strftime("%Y-%m")
    assert list(client.get(reverse(LIST), {"month": this_month}).context["page"]) == [decided]
    response = client.get(reverse(LIST), {"month": "2026-13"})
    assert "month" in response.context["filter_form"].errors


def test_list_empty_state(client, people):
    client.force_login(people["crm_manager"])
    assert "empty-state" in client.get(reverse(LIST)).content.decode()


# --- my work ------------------------------------------------------------------------------


def test_my_work_awaiting_decision(people, secretary):
    assert recs.recommendations_awaiting_decision(secretary) is None
    rec = raise_one(people)
    section = recs.recommendations_awaiting_decision(secretary)
    assert [item.url for item in section.items] == [detail(rec)]
    assert recs.recommendations_awaiting_decision(people["crm_manager"]) is None


def test_my_work_due_for_the_owner(people, secretary):
    soon = approved(people, secretary, due_date=timezone.localdate() + datetime.timedelta(days=3))
    approved(people, secretary, due_date=timezone.localdate() + datetime.timedelta(days=30))
    past = approved(people, secretary)
    Recommendation.objects.filter(pk=past.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    raise_one(people, due_date=timezone.localdate())  # not decided yet: not in my work
    section = recs.recommendations_due(people["crm"])
    assert [item.url for item in section.items] == [detail(past), detail(soon)]
    assert section.overdue_count == 1
    assert recs.recommendations_due(people["crm_manager"]) is None
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=soon, implemented=True
    )
    assert len(recs.recommendations_due(people["crm"]).items) == 1


def test_my_work_awaiting_investigation(people, secretary):
    rec = approved(people, secretary)
    assert recs.recommendations_awaiting_investigation(people["crm"]) is None
    recs.recommendation_record_implementation(
        actor=people["crm"], recommendation=rec, implemented=False, note="لا"
    )
    for who in ("crm", "crm_manager"):
        [item] = recs.recommendations_awaiting_investigation(people[who]).items
        assert item.due == Recommendation.objects.get(pk=rec.pk).investigation_due_at
    # The other department's manager is not concerned; the owner's colleague neither.
    assert recs.recommendations_awaiting_investigation(people["centres_manager"]) is None
    assert recs.recommendations_awaiting_investigation(people["centres"]) is None
    recs.recommendation_record_investigation(actor=people["crm"], recommendation=rec, reasons="س")
    assert recs.recommendations_awaiting_investigation(people["crm"]) is None


def test_my_work_providers_ignore_anonymous(people):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert recs.recommendations_awaiting_decision(anonymous) is None
    assert recs.recommendations_due(anonymous) is None
    assert recs.recommendations_awaiting_investigation(anonymous) is None


# --- concurrency on PostgreSQL --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_one_wins(people, secretary):
    from tests.conftest import skip_or_fail

    from .test_concurrency import run_together

    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    rec = raise_one(people)

    def decide(approve):
        return lambda: recs.recommendation_decide(
            actor=secretary,
            recommendation=Recommendation.objects.get(pk=rec.pk),
            approve=approve,
            note="قرار",
        )

    outcomes = run_together(decide(True), decide(False))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, RecommendationError)
    rec.refresh_from_db()
    assert rec.decision in (RecommendationDecision.APPROVED, RecommendationDecision.REJECTED)
    assert rec.transitions.exclude(target="raised").count() == 1
