import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import override

from association.models import PublicHoliday
from complaints import services
from complaints.models import TRACKING_ALPHABET, Case, CaseRoute, CaseState
from complaints.registrations import cases_due

from .conftest import register

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def end_of(year, month, day):
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date(year, month, day), datetime.time.max)
    )


# --- routing ----------------------------------------------------------------------------


def test_beneficiary_cases_go_to_centres_with_the_customers_centre(people, customers, places):
    case = register(people["crm"], customers["beneficiary"])
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]


def test_donor_and_unknown_contacts_go_to_crm(people, customers):
    assert register(people["crm"], customers["donor"]).routed_to == CaseRoute.CRM
    assert register(people["crm"], None, contact_name="زائر").routed_to == CaseRoute.CRM


def test_register_gives_a_unique_readable_tracking_number(people, customers):
    first = register(people["crm"])
    second = register(people["crm"])
    assert first.tracking_number != second.tracking_number
    assert len(first.tracking_number) == 8
    assert set(first.tracking_number) <= set(TRACKING_ALPHABET)
    assert first.state == CaseState.RECEIVED


def test_register_needs_a_customer_or_a_contact_name(people):
    with pytest.raises(services.CaseError):
        register(people["crm"], None, contact_name=" ")


def test_register_needs_permission(people, customers):
    with pytest.raises(PermissionDenied):
        register(people["quality"], customers["donor"])
    with pytest.raises(PermissionDenied):
        register(people["steward"], customers["donor"])


# --- transitions ------------------------------------------------------------------------


def test_answer_immediately_requires_the_answer(donor_case, people):
    with pytest.raises(services.CaseError):
        services.case_answer_immediately(case=donor_case, actor=people["crm"], answer=" ")
    services.case_answer_immediately(case=donor_case, actor=people["crm"], answer="تم الرد")
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.REPLIED
    assert donor_case.replied_at is not None
    assert donor_case.immediate_answer == "تم الرد"
    step = donor_case.transitions.get()
    assert (step.source, step.target, step.actor) == ("received", "replied", people["crm"])


def test_promise_callback_then_reply_then_close(donor_case, people):
    services.case_promise_callback(case=donor_case, actor=people["crm"])
    assert donor_case.state == CaseState.CALLBACK_PROMISED
    with pytest.raises(services.CaseError):
        services.case_record_reply(case=donor_case, actor=people["crm"], reply="")
    services.case_record_reply(case=donor_case, actor=people["crm"], reply="الرد")
    assert donor_case.state == CaseState.REPLIED
    services.case_close(case=donor_case, actor=people["crm"])
    donor_case.refresh_from_db()
    assert donor_case.state == CaseState.CLOSED
    assert donor_case.closed_at is not None
    assert donor_case.due_at is None
    assert list(donor_case.transitions.values_list("target", flat=True)) == [
        "callback_promised",
        "replied",
        "closed",
    ]


def test_start_study_requires_causes_and_assignee(donor_case, people):
    crm = people["crm"]
    with pytest.raises(services.CaseError):
        services.case_start_study(case=donor_case, actor=crm, causes="", assignee=crm)
    with pytest.raises(services.CaseError):
        services.case_start_study(case=donor_case, actor=crm, causes="سبب", assignee=None)
    with pytest.raises(services.CaseError):
        services.case_start_study(
            case=donor_case, actor=crm, causes="سبب", assignee=people["quality"]
        )
    services.case_start_study(case=donor_case, actor=crm, causes="سبب", assignee=crm)
    assert donor_case.state == CaseState.UNDER_STUDY
    assert donor_case.assigned_to == crm


def test_start_study_from_callback_promised(donor_case, people):
    services.case_promise_callback(case=donor_case, actor=people["crm"])
    services.case_start_study(
        case=donor_case, actor=people["crm"], causes="سبب", assignee=people["crm_manager"]
    )
    assert donor_case.state == CaseState.UNDER_STUDY


@pytest.mark.parametrize(
    "action, kwargs",
    [
        ("case_answer_immediately", {"answer": "x"}),
        ("case_promise_callback", {}),
        ("case_start_study", {"causes": "x", "assignee": None}),
        ("case_record_reply", {"reply": "x"}),
    ],
)
def test_no_transition_out_of_closed(donor_case, people, action, kwargs):
    services.case_answer_immediately(case=donor_case, actor=people["crm"], answer="تم")
    services.case_close(case=donor_case, actor=people["crm"])
    if "assignee" in kwargs:
        kwargs = {**kwargs, "assignee": people["crm"]}
    with override("en"), pytest.raises(services.CaseError) as error:
        getattr(services, action)(case=donor_case, actor=people["crm"], **kwargs)
    assert "no longer at this step" in str(error.value)
    assert Case.objects.get(pk=donor_case.pk).state == CaseState.CLOSED


def test_record_reply_not_from_received(donor_case, people):
    with pytest.raises(services.CaseError):
        services.case_record_reply(case=donor_case, actor=people["crm"], reply="x")
    assert donor_case.state == CaseState.RECEIVED


def test_close_only_after_a_reply(donor_case, people):
    with pytest.raises(services.CaseError):
        services.case_close(case=donor_case, actor=people["crm"])
    services.case_promise_callback(case=donor_case, actor=people["crm"])
    with pytest.raises(services.CaseError):
        services.case_close(case=donor_case, actor=people["crm"])
    assert donor_case.state == CaseState.CALLBACK_PROMISED


def test_quality_officer_follows_up_but_does_not_handle(donor_case, people):
    with pytest.raises(PermissionDenied):
        services.case_promise_callback(case=donor_case, actor=people["quality"])
    services.case_add_entry(case=donor_case, actor=people["quality"], text="متابعة")
    assert services.available_actions(donor_case, people["quality"]) == ["entry"]
    with pytest.raises(PermissionDenied):
        services.case_add_entry(case=donor_case, actor=people["steward"], text="x")


def test_register_entries(donor_case, people):
    with pytest.raises(services.CaseError):
        services.case_add_entry(case=donor_case, actor=people["crm"], text="")
    entry = services.case_add_entry(case=donor_case, actor=people["crm"], text="اتصلنا بالعميل")
    assert entry.author == people["crm"]
    assert list(donor_case.entries.all()) == [entry]


# --- deadlines --------------------------------------------------------------------------


def test_received_case_is_due_the_same_working_day(people):
    # 2026-11-22 is a Sunday.
    case = register(people["crm"], received_at=at(2026, 11, 22))
    assert case.due_at == end_of(2026, 11, 22)


def test_case_received_at_the_weekend_is_due_on_sunday(people):
    # Friday 2026-11-20 → Sunday 2026-11-22.
    case = register(people["crm"], received_at=at(2026, 11, 20))
    assert case.due_at == end_of(2026, 11, 22)


def test_study_is_due_one_working_day_after_receipt_skipping_holidays(people):
    PublicHoliday.objects.create(
        name="إجازة", start_date=datetime.date(2026, 11, 23), end_date=datetime.date(2026, 11, 23)
    )
    case = register(people["crm"], received_at=at(2026, 11, 22))
    services.case_start_study(case=case, actor=people["crm"], causes="سبب", assignee=people["crm"])
    # Monday is a holiday: one working day after Sunday is Tuesday.
    assert case.due_at == end_of(2026, 11, 24)


def test_reply_is_due_to_close_one_working_day_after_it(people, monkeypatch):
    case = register(people["crm"], received_at=at(2026, 11, 26))
    thursday = at(2026, 11, 26, 12)
    monkeypatch.setattr(timezone, "now", lambda: thursday)
    services.case_answer_immediately(case=case, actor=people["crm"], answer="تم")
    # Thursday + one working day = Sunday.
    assert case.due_at == end_of(2026, 11, 29)


def test_overdue_and_my_work(people):
    old = register(people["crm"], received_at=timezone.now() - datetime.timedelta(days=10))
    assert old.is_overdue
    future = register(people["crm"], received_at=timezone.now() + datetime.timedelta(days=10))
    assert not future.is_overdue
    section = cases_due(people["crm"])
    urls = [item.url for item in section.items]
    assert f"/complaints/{old.pk}/" in urls
    assert f"/complaints/{future.pk}/" not in urls
    assert section.overdue_count >= 1
    assert cases_due(people["quality"]) is None
    assert cases_due(people["centres"]) is None


def test_staff_cannot_act_on_another_queue(beneficiary_case, donor_case, people):
    with pytest.raises(PermissionDenied):
        services.case_promise_callback(case=beneficiary_case, actor=people["crm"])
    with pytest.raises(PermissionDenied):
        services.case_add_entry(case=donor_case, actor=people["centres"], text="x")
    with pytest.raises(PermissionDenied):
        services.case_promise_callback(case=beneficiary_case, actor=people["centres_other"])


def test_study_cannot_be_assigned_outside_the_queue(beneficiary_case, people):
    with pytest.raises(services.CaseError):
        services.case_start_study(
            case=beneficiary_case, actor=people["centres"], causes="سبب", assignee=people["crm"]
        )
    services.case_start_study(
        case=beneficiary_case,
        actor=people["centres"],
        causes="سبب",
        assignee=people["centres_manager"],
    )
    assert beneficiary_case.state == CaseState.UNDER_STUDY
