"""Opportunities through the services (manual 3.1.11–3.1.15, 3.1.21): identification with
suggested donors, probability reviews, donor contacts under one point of contact, and every
transition with its guard and its refusal message."""

import datetime
import functools
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.workflow import CONFLICT_MESSAGE
from opportunities import selectors, services
from opportunities.models import (
    ContactApproval,
    DonorContact,
    DonorInterest,
    Opportunity,
    OpportunityState,
    OpportunityTransition,
    PotentialDonor,
    ProbabilityChange,
)
from programmes.models import ProgrammeCategory

from .conftest import (
    SMALL_PNG,
    WINDOWS_EXE,
    contacted,
    days_ago,
    donation,
    in_closing,
    in_follow_up,
    new_opportunity,
    pdf_upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]


def backdate(opportunity, days=3):
    """Pretend the last activity was some days ago, to see it bumped."""
    earlier = days_ago(days)
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=earlier)
    opportunity.refresh_from_db()
    return earlier


def refused(function, **kwargs):
    with pytest.raises(services.RequestError) as error:
        function(**kwargs)
    return str(error.value)


# --- identification ---------------------------------------------------------------------


def test_suggested_donors_are_the_active_donors_interested_in_the_category(donors, programme):
    suggested = set(selectors.suggested_donors(programme))
    assert suggested == {donors["with_point"], donors["free"]}


def test_create_records_the_donors_and_which_were_suggested(people, donors, programme):
    opportunity = new_opportunity(
        people, programme, [donors["free"], donors["uninterested"], donors["free"]]
    )
    assert opportunity.state == OpportunityState.IDENTIFICATION
    assert opportunity.owner == people["staff"]
    assert opportunity.probability == 40
    rows = {row.donor: row for row in PotentialDonor.objects.filter(opportunity=opportunity)}
    assert set(rows) == {donors["free"], donors["uninterested"]}  # the repeat is ignored
    assert rows[donors["free"]].suggested is True
    assert rows[donors["uninterested"]].suggested is False
    assert rows[donors["free"]].added_by == people["staff"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "Write a title for the opportunity."),
        ({"probability": 101}, "The success probability must be between 0 and 100%."),
        ({"expected_amount": Decimal("-1")}, "The expected amount cannot be negative."),
    ],
)
def test_create_refuses_incomplete_values(people, programme, overrides, message):
    assert refused(new_opportunity, people=people, programme=programme, **overrides) == message
    assert not Opportunity.objects.exists()


def test_create_refuses_customers_who_are_not_active_donors(people, donors, programme):
    message = refused(
        new_opportunity, people=people, programme=programme, donors=[donors["beneficiary"]]
    )
    assert message == f"{donors['beneficiary']} is not a donor."
    message = refused(
        new_opportunity, people=people, programme=programme, donors=[donors["archived"]]
    )
    assert message == f"{donors['archived']} is archived."


@pytest.mark.parametrize("who", ["resources", "quality", "management", "nobody"])
def test_only_crm_staff_and_manager_create_opportunities(people, programme, who):
    with pytest.raises(PermissionDenied):
        new_opportunity(people, programme, actor=people[who])
    new_opportunity(people, programme, actor=people["manager"])


def test_add_donor_marks_suggestions_refuses_repeats_and_counts_as_activity(
    people, donors, programme
):
    opportunity = new_opportunity(people, programme)
    earlier = backdate(opportunity)
    added = services.opportunity_add_donor(
        opportunity=opportunity, actor=people["staff2"], donor=donors["with_point"]
    )
    assert added.suggested and added.added_by == people["staff2"]
    opportunity.refresh_from_db()
    assert opportunity.last_activity_at > earlier
    message = refused(
        services.opportunity_add_donor,
        opportunity=opportunity,
        actor=people["staff"],
        donor=donors["with_point"],
    )
    assert message == f"{donors['with_point']} is already a potential donor of this opportunity."
    with pytest.raises(PermissionDenied):
        services.opportunity_add_donor(
            opportunity=opportunity, actor=people["resources"], donor=donors["free"]
        )


# --- probability ------------------------------------------------------------------------


def test_probability_update_records_the_change_and_activity(people, programme):
    opportunity = new_opportunity(people, programme)
    earlier = backdate(opportunity)
    change = services.opportunity_update_probability(
        opportunity=opportunity,
        actor=people["manager"],
        probability=70,
        success_factors="وافق المانح على زيارة المركز",
    )
    assert (change.old_probability, change.new_probability) == (40, 70)
    assert change.actor == people["manager"]
    assert change.success_factors == "وافق المانح على زيارة المركز"
    opportunity.refresh_from_db()
    assert opportunity.probability == 70
    assert opportunity.success_factors == "وافق المانح على زيارة المركز"
    assert opportunity.last_activity_at > earlier


def test_probability_update_refusals(people, programme):
    opportunity = new_opportunity(people, programme)
    kwargs = {"opportunity": opportunity, "actor": people["staff"]}
    assert (
        refused(
            services.opportunity_update_probability,
            probability=-5,
            success_factors="",
            **kwargs,
        )
        == "The success probability must be between 0 and 100%."
    )
    assert (
        refused(
            services.opportunity_update_probability,
            probability=40,
            success_factors="اهتمام سابق بالتعليم",
            **kwargs,
        )
        == "Nothing changed: the probability and factors are the same."
    )
    with pytest.raises(PermissionDenied):
        services.opportunity_update_probability(
            opportunity=opportunity, actor=people["resources"], probability=50, success_factors=""
        )
    assert not ProbabilityChange.objects.exists()


# --- donor contacts and the single point of contact ------------------------------------


def test_the_point_of_contact_logs_without_approval_or_email(
    people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    earlier = backdate(opportunity)
    with django_capture_on_commit_callbacks(execute=True):
        contact = contacted(opportunity, people["staff"], donors["with_point"])
    assert contact.approval == ContactApproval.NOT_NEEDED
    assert not contact.is_flagged
    assert mail.outbox == []
    opportunity.refresh_from_db()
    assert opportunity.last_activity_at > earlier


def _tasks(callbacks):
    """The callbacks that hand a task to Celery; the cache renewals a save also schedules for
    the commit (core.cache) are left out."""
    return [callback for callback in callbacks if isinstance(callback, functools.partial)]


def test_anyone_else_is_flagged_for_approval_and_the_point_of_contact_is_emailed(
    people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        contact = contacted(
            opportunity,
            people["resources"],
            donors["with_point"],
            summary="اتصال من تنمية الموارد بشأن الوقف التعليمي",
        )
    assert len(_tasks(callbacks)) == 1  # the email waits for the commit
    assert contact.approval == ContactApproval.PENDING and contact.is_flagged
    [email] = mail.outbox
    assert email.to == [people["staff"].email]
    assert donors["with_point"].name in email.subject
    assert "اتصال من تنمية الموارد بشأن الوقف التعليمي" in email.body
    assert "أمين المجلس الفرعي" in email.body  # sent in the association's language


def test_no_email_before_the_commit(people, donors, programme, django_capture_on_commit_callbacks):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contacted(opportunity, people["manager"], donors["with_point"])
    assert len(_tasks(callbacks)) == 1
    assert mail.outbox == []


def test_a_donor_without_point_of_contact_is_not_flagged(
    people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    with django_capture_on_commit_callbacks(execute=True):
        contact = contacted(opportunity, people["resources"], donors["free"])
    assert contact.approval == ContactApproval.NOT_NEEDED
    assert mail.outbox == []


def test_contact_refusals(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cases = [
        (
            {"summary": " "},
            "Write a summary of the contact.",
        ),
        (
            {"contact_date": tomorrow},
            "A contact already made cannot be dated in the future. Tick “planned” instead.",
        ),
        (
            {"donor": donors["uninterested"]},
            f"{donors['uninterested']} is not a potential donor of this opportunity. "
            "Add the donor first.",
        ),
        (
            {"donor": donors["beneficiary"]},
            f"{donors['beneficiary']} is not a donor.",
        ),
        ({"channel": "pigeon"}, "Choose the channel of the contact."),
    ]
    for overrides, message in cases:
        values = {"donor": donors["free"], **overrides}
        donor = values.pop("donor")
        assert (
            refused(
                contacted, opportunity=opportunity, actor=people["staff"], donor=donor, **values
            )
            == message
        )
    planned = contacted(
        opportunity, people["staff"], donors["free"], contact_date=tomorrow, is_planned=True
    )
    assert planned.is_planned


def test_contacts_without_an_opportunity_and_who_may_log_them(people, donors):
    contact = services.donor_contact_log(
        actor=people["resources"],
        donor=donors["free"],
        contact_date=timezone.localdate(),
        channel="email",
        summary="تهنئة بالعيد",
    )
    assert contact.opportunity is None
    for who in ("quality", "management", "secretary"):
        with pytest.raises(PermissionDenied):
            services.donor_contact_log(
                actor=people[who],
                donor=donors["free"],
                contact_date=timezone.localdate(),
                channel="email",
                summary="-",
            )


def test_the_three_parties_approve_a_flagged_contact_in_parallel(
    people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["staff2"], donors["with_point"])
    steps = {step.party: step for step in contact.approval_steps.all()}
    assert set(steps) == {"crm_manager", "resource_development", "council_secretary"}
    assert all(step.decision == "pending" and step.due_at for step in steps.values())
    with pytest.raises(PermissionDenied):
        services.donor_contact_decide(contact=contact, actor=people["staff"], approve=True)
    # Any order: the secretary first, then resource development, then the CRM manager.
    for who in ("secretary", "resources"):
        with django_capture_on_commit_callbacks(execute=True):
            services.donor_contact_decide(contact=contact, actor=people[who], approve=True)
        contact.refresh_from_db()
        assert contact.approval == ContactApproval.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_contact_decide(
            contact=contact, actor=people["manager"], approve=True, note="بالتنسيق"
        )
    contact.refresh_from_db()
    assert contact.approval == ContactApproval.APPROVED
    assert contact.decided_by == people["manager"] and contact.decided_at
    decided = {step.party: step.decided_by for step in contact.approval_steps.all()}
    assert decided == {
        "crm_manager": people["manager"],
        "resource_development": people["resources"],
        "council_secretary": people["secretary"],
    }
    # The person who made the contact learns the decision, after the commit.
    [email] = mail.outbox
    assert email.to == [people["staff2"].email]
    assert donors["with_point"].name in email.subject


def test_one_refusal_refuses_the_contact_and_closes_the_other_decisions(
    people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["resources"], donors["with_point"])
    services.donor_contact_decide(contact=contact, actor=people["manager"], approve=True)
    assert (
        refused(
            services.donor_contact_decide, contact=contact, actor=people["secretary"], approve=False
        )
        == "Write the reason for refusing the contact."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_contact_decide(
            contact=contact,
            actor=people["secretary"],
            approve=False,
            note="التواصل عبر نقطة الاتصال",
        )
    contact.refresh_from_db()
    assert contact.approval == ContactApproval.REFUSED
    assert contact.decision_note == "التواصل عبر نقطة الاتصال"
    decisions = dict(contact.approval_steps.values_list("party", "decision"))
    assert decisions == {
        "crm_manager": "approved",
        "council_secretary": "refused",
        # Resource development asked: its part is approved by asking.
        "resource_development": "approved",
    }
    assert [email.to for email in mail.outbox][-1] == [people["resources"].email]
    assert "رُفض" in mail.outbox[-1].subject  # in the association's language
    assert (
        refused(
            services.donor_contact_decide,
            contact=contact,
            actor=people["manager2"],
            approve=True,
        )
        == "This contact is not awaiting your decision any more. Reload the page."
    )


def test_the_askers_own_party_approves_by_asking_and_nobody_decides_on_their_own(
    people, donors, programme
):
    """The CRM manager contacting another's donor gives the CRM manager's approval by
    asking (recorded as theirs); resource development and the secretary still decide."""
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["manager"], donors["with_point"])
    own = contact.approval_steps.get(party="crm_manager")
    assert (own.decision, own.decided_by) == ("approved", people["manager"])
    assert own.decided_at and own.note
    assert contact.approval == ContactApproval.PENDING
    assert (
        refused(
            services.donor_contact_decide, contact=contact, actor=people["manager"], approve=True
        )
        == "You cannot decide on your own contact with a donor."
    )
    assert (
        refused(
            services.donor_contact_decide, contact=contact, actor=people["manager2"], approve=True
        )
        == "This contact is not awaiting your decision any more. Reload the page."
    )
    for who in ("resources", "secretary"):
        services.donor_contact_decide(contact=contact, actor=people[who], approve=True)
    contact.refresh_from_db()
    assert contact.approval == ContactApproval.APPROVED


def test_a_superuser_holds_every_party_and_is_approved_at_once(
    people, donors, programme, superuser
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, superuser, donors["with_point"])
    contact.refresh_from_db()
    assert contact.approval == ContactApproval.APPROVED
    assert set(contact.approval_steps.values_list("decision", flat=True)) == {"approved"}


def test_a_request_to_contact_then_the_contact_made_under_it(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    request = services.donor_contact_request(
        actor=people["staff2"],
        donor=donors["with_point"],
        opportunity=opportunity,
        proposed_date=tomorrow,
        channel="face_to_face",
        purpose="زيارة لعرض البرنامج",
    )
    assert request.is_planned and request.is_request
    assert request.approval == ContactApproval.PENDING
    record = {
        "request": request,
        "actor": people["staff2"],
        "contact_date": timezone.localdate(),
        "summary": "تمت الزيارة",
    }
    assert (
        refused(services.donor_contact_record_made, **record)
        == "This request to contact still awaits its approvals."
    )
    for who in ("manager", "resources", "secretary"):
        services.donor_contact_decide(contact=request, actor=people[who], approve=True)
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.donor_contact_record_made(**{**record, "actor": people["staff"]})
    made = services.donor_contact_record_made(**record)
    assert made.made_under == request and not made.is_planned
    assert made.approval == ContactApproval.APPROVED and made.opportunity == opportunity
    assert made.channel == "face_to_face"
    assert (
        refused(services.donor_contact_record_made, **record)
        == "The contact made under this request is already recorded."
    )
    assert refused(
        services.donor_contact_request,
        actor=people["staff2"],
        donor=donors["with_point"],
        proposed_date=timezone.localdate() - datetime.timedelta(days=1),
        channel="phone",
        purpose="x",
    ) == ("A planned contact cannot be dated in the past.")


def test_a_refused_request_cannot_be_recorded_as_made(people, donors):
    request = services.donor_contact_request(
        actor=people["staff2"],
        donor=donors["with_point"],
        proposed_date=timezone.localdate(),
        channel="phone",
        purpose="تهنئة",
    )
    services.donor_contact_decide(
        contact=request, actor=people["resources"], approve=False, note="لا"
    )
    request.refresh_from_db()
    assert (
        refused(
            services.donor_contact_record_made,
            request=request,
            actor=people["staff2"],
            contact_date=timezone.localdate(),
            summary="x",
        )
        == "This request to contact was refused: do not contact the donor."
    )
    assert not DonorContact.objects.filter(made_under=request).exists()


# --- transitions: who moves, and the audit row ------------------------------------------


def test_crm_staff_and_other_roles_cannot_move_states(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    for who in ("staff", "resources", "management", "planning"):
        with pytest.raises(PermissionDenied):
            services.opportunity_start_follow_up(opportunity=opportunity, actor=people[who])
        with pytest.raises(PermissionDenied):
            services.opportunity_cancel(opportunity=opportunity, actor=people[who], reason="x")
    assert Opportunity.objects.get().state == OpportunityState.IDENTIFICATION
    assert not OpportunityTransition.objects.exists()


def test_start_follow_up_needs_a_donor(people, programme):
    opportunity = new_opportunity(people, programme)
    message = refused(
        services.opportunity_start_follow_up, opportunity=opportunity, actor=people["manager"]
    )
    assert message.startswith("Add at least one potential donor before starting follow-up.")


FOLLOW_UP_CONTACT = (
    "Record at least one contact made with a donor about this opportunity before starting "
    "follow-up (planned contacts, and contacts awaiting or refused approval, do not count)."
)


def test_start_follow_up_needs_a_contact_made_and_not_refused(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])

    def attempt():
        return refused(
            services.opportunity_start_follow_up, opportunity=opportunity, actor=people["manager"]
        )

    assert attempt() == FOLLOW_UP_CONTACT
    contacted(opportunity, people["staff"], donors["with_point"], is_planned=True)
    assert attempt() == FOLLOW_UP_CONTACT  # planned only
    request = services.donor_contact_request(
        actor=people["staff2"],
        donor=donors["with_point"],
        opportunity=opportunity,
        proposed_date=timezone.localdate(),
        channel="phone",
        purpose="عرض البرنامج",
    )
    assert attempt() == FOLLOW_UP_CONTACT  # a request to contact, still pending
    made_without = contacted(opportunity, people["staff2"], donors["with_point"])
    assert attempt() == FOLLOW_UP_CONTACT  # made by someone else, awaiting its approvals
    services.donor_contact_decide(
        contact=made_without, actor=people["manager"], approve=False, note="لا"
    )
    assert attempt() == FOLLOW_UP_CONTACT  # refused
    for who in ("manager", "resources", "secretary"):
        services.donor_contact_decide(contact=request, actor=people[who], approve=True)
    assert attempt() == FOLLOW_UP_CONTACT  # an approved request is not a contact made yet
    services.donor_contact_record_made(
        request=request,
        actor=people["staff2"],
        contact_date=timezone.localdate(),
        summary="تم العرض هاتفياً",
    )
    services.opportunity_start_follow_up(
        opportunity=opportunity, actor=people["manager"], note="بدأ التواصل"
    )
    assert opportunity.state == OpportunityState.FOLLOW_UP


def test_every_transition_writes_who_when_from_to_and_note(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    earlier = backdate(opportunity)
    services.opportunity_start_follow_up(
        opportunity=opportunity, actor=people["manager"], note="بدأ التواصل"
    )
    step = OpportunityTransition.objects.get()
    assert (step.source, step.target) == ("identification", "follow_up")
    assert step.actor == people["manager"] and step.note == "بدأ التواصل" and step.at
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.FOLLOW_UP
    assert opportunity.last_activity_at > earlier


# --- closing with the written pledge ----------------------------------------------------


def close(people, opportunity, **overrides):
    values = {
        "opportunity": opportunity,
        "actor": people["manager"],
        "pledge_donor": opportunity.potential_donors.first(),
        "pledged_amount": Decimal("100000"),
        "pledge_date": timezone.localdate(),
        "pledge_file": pdf_upload(),
    }
    values.update(overrides)
    return services.opportunity_close_with_pledge(**values)


def test_closing_guards_each_with_its_message(people, donors, programme, media_root):
    opportunity = in_follow_up(people, programme, donors)
    cases = [
        (
            {"pledge_donor": donors["uninterested"]},
            "The pledging donor must be one of the potential donors.",
        ),
        ({"pledged_amount": Decimal("0")}, "Enter the pledged amount: more than zero."),
        ({"pledged_amount": None}, "Enter the pledged amount: more than zero."),
        ({"pledge_date": None}, "Enter the date of the pledge."),
        (
            {"pledge_date": timezone.localdate() + datetime.timedelta(days=1)},
            "The pledge date cannot be in the future.",
        ),
        ({"pledge_file": None}, "Upload the signed written pledge (PDF, JPEG or PNG)."),
        (
            {"pledge_file": pdf_upload("setup.exe", WINDOWS_EXE, "application/x-msdownload")},
            "The signed pledge must be a PDF, JPEG or PNG file; “setup.exe” is not.",
        ),
        (
            {"pledge_file": pdf_upload("pledge.pdf", WINDOWS_EXE)},
            "“pledge.pdf” is not a real PDF, JPEG or PNG file (its content does not match its "
            "name). Upload the scanned pledge itself.",
        ),
        (
            {"pledge_file": pdf_upload("pledge.jpg", SMALL_PNG, "image/jpeg")},
            "“pledge.jpg” is not a real PDF, JPEG or PNG file (its content does not match its "
            "name). Upload the scanned pledge itself.",
        ),
        (
            {"pledge_file": pdf_upload("pledge.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))},
            "The signed pledge is larger than 10 MB. Scan it at a lower size.",
        ),
    ]
    for overrides, message in cases:
        assert refused(close, people=people, opportunity=opportunity, **overrides) == message
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.FOLLOW_UP
    assert not opportunity.pledge_file
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_a_real_pdf_pledge_closes_the_opportunity(people, donors, programme, media_root):
    opportunity = in_follow_up(people, programme, donors)
    close(people, opportunity, pledge_file=pdf_upload("تعهد موقع.PDF"), note="تعهد خطي")
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.CLOSING
    assert opportunity.pledge_donor == donors["free"]
    assert opportunity.pledged_amount == Decimal("100000")
    # Stored under our own name, in the private media folder.
    assert opportunity.pledge_file.name.startswith("pledges/")
    assert opportunity.pledge_file.name.endswith(".pdf")
    assert "تعهد" not in opportunity.pledge_file.name
    stored = media_root / opportunity.pledge_file.name
    assert stored.read_bytes().startswith(b"%PDF")
    step = opportunity.transitions.last()
    assert (step.source, step.target, step.note) == ("follow_up", "closing", "تعهد خطي")


def test_a_png_scan_is_accepted_too(people, donors, programme):
    opportunity = in_follow_up(people, programme, donors)
    close(people, opportunity, pledge_file=pdf_upload("scan.png", SMALL_PNG, "image/png"))
    assert Opportunity.objects.get().state == OpportunityState.CLOSING


def test_closing_cannot_skip_follow_up(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    message = refused(close, people=people, opportunity=opportunity)
    assert message == (
        "This opportunity is no longer at this stage. Reload the page to see its status."
    )


# --- success: the money arrived, or the manager's recorded reason -----------------------


def test_success_needs_the_pledge_received(people, donors, programme):
    opportunity = in_closing(people, programme, donors, amount=Decimal("100000"))
    donation(donors["free"], programme, "60000")
    donation(donors["uninterested"], programme, "90000")  # another donor
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    donation(donors["free"], programme, "90000", received_on=yesterday)  # before the opportunity
    message = refused(
        services.opportunity_mark_successful, opportunity=opportunity, actor=people["manager"]
    )
    assert message == (
        "Only 60,000.00 of the 100,000.00 SAR pledged has been received. Wait for the finance "
        "import, or write a reason to mark it successful anyway."
    )
    assert services.pledge_received(opportunity) == Decimal("60000")
    donation(donors["free"], programme, "40000")
    services.opportunity_mark_successful(opportunity=opportunity, actor=people["manager"])
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.SUCCESSFUL
    assert opportunity.closed_at is not None
    assert opportunity.success_override_reason == ""


def test_the_manager_may_mark_success_with_a_reason(people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    services.opportunity_mark_successful(
        opportunity=opportunity,
        actor=people["manager"],
        override_reason="استلمنا شيكاً لم يُسجل في النظام المالي بعد",
    )
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.SUCCESSFUL
    assert opportunity.success_override_reason == "استلمنا شيكاً لم يُسجل في النظام المالي بعد"
    assert opportunity.transitions.last().note == opportunity.success_override_reason


# --- cancelling -------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["identification", "follow_up", "closing"])
def test_cancel_from_any_open_state_needs_a_reason(people, donors, programme, stage):
    make = {
        "identification": lambda: new_opportunity(people, programme, [donors["free"]]),
        "follow_up": lambda: in_follow_up(people, programme, donors),
        "closing": lambda: in_closing(people, programme, donors),
    }[stage]
    opportunity = make()
    assert (
        refused(
            services.opportunity_cancel,
            opportunity=opportunity,
            actor=people["manager"],
            reason="  ",
        )
        == "Write the reason for cancelling the opportunity."
    )
    services.opportunity_cancel(
        opportunity=opportunity, actor=people["manager"], reason="ألغى المانح ميزانية العام"
    )
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.CANCELLED
    assert opportunity.cancel_reason == "ألغى المانح ميزانية العام"
    assert opportunity.closed_at is not None
    step = opportunity.transitions.last()
    assert (step.source, step.target, step.note) == (
        stage,
        "cancelled",
        "ألغى المانح ميزانية العام",
    )


def test_a_closed_opportunity_changes_no_more(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    services.opportunity_cancel(opportunity=opportunity, actor=people["manager"], reason="لا")
    closed_message = "This opportunity is closed (Cancelled): it can no longer change."
    assert (
        refused(
            services.opportunity_update_probability,
            opportunity=opportunity,
            actor=people["staff"],
            probability=90,
            success_factors="",
        )
        == closed_message
    )
    assert (
        refused(contacted, opportunity=opportunity, actor=people["staff"], donor=donors["free"])
        == closed_message
    )
    assert (
        refused(
            services.opportunity_cancel,
            opportunity=opportunity,
            actor=people["manager"],
            reason="مرة أخرى",
        )
        == "This opportunity is no longer at this stage. Reload the page to see its status."
    )
    assert opportunity.transitions.count() == 1


def test_a_stale_page_cannot_move_twice(people, donors, programme):
    """Two managers opened the page; the second click comes after the first move."""
    opportunity = new_opportunity(people, programme, [donors["free"]])
    first = Opportunity.objects.get(pk=opportunity.pk)
    second = Opportunity.objects.get(pk=opportunity.pk)
    services.opportunity_cancel(opportunity=first, actor=people["manager"], reason="أولاً")
    message = refused(
        services.opportunity_cancel, opportunity=second, actor=people["manager2"], reason="ثانياً"
    )
    assert message == str(CONFLICT_MESSAGE)
    assert Opportunity.objects.get().cancel_reason == "أولاً"
    assert OpportunityTransition.objects.count() == 1


def test_a_transition_keeps_a_probability_saved_meanwhile(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    managers_copy = Opportunity.objects.get(pk=opportunity.pk)
    services.opportunity_update_probability(
        opportunity=opportunity, actor=people["staff"], probability=65, success_factors="زيارة"
    )
    services.opportunity_start_follow_up(opportunity=managers_copy, actor=people["manager"])
    opportunity.refresh_from_db()
    assert (opportunity.state, opportunity.probability) == (OpportunityState.FOLLOW_UP, 65)


def test_opportunity_move_dispatches_to_each_transition(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"])
    services.opportunity_move(
        opportunity=opportunity, actor=people["manager"], transition="start_follow_up"
    )
    services.opportunity_move(
        opportunity=opportunity,
        actor=people["manager"],
        transition="close_with_pledge",
        pledge_donor=donors["free"],
        pledged_amount=Decimal("5000"),
        pledge_date=timezone.localdate(),
        pledge_file=pdf_upload(),
    )
    services.opportunity_move(
        opportunity=opportunity,
        actor=people["manager"],
        transition="mark_successful",
        override_reason="نقداً",
    )
    assert Opportunity.objects.get().state == OpportunityState.SUCCESSFUL
    with pytest.raises(PermissionDenied):
        services.opportunity_move(opportunity=opportunity, actor=people["manager"], transition="x")


def test_available_actions_follow_role_and_state(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    actions = services.available_actions
    assert actions(opportunity, people["staff"]) == [
        "log_contact",
        "update_probability",
        "add_donor",
        "correct",  # the owner
    ]
    assert actions(opportunity, people["staff2"]) == [
        "log_contact",
        "update_probability",
        "add_donor",
    ]
    assert actions(opportunity, people["manager"]) == [
        "log_contact",
        "update_probability",
        "add_donor",
        "correct",
        "start_follow_up",
        "cancel",
    ]
    assert actions(opportunity, people["resources"]) == ["log_contact"]
    assert actions(opportunity, people["management"]) == []
    services.opportunity_cancel(opportunity=opportunity, actor=people["manager"], reason="x")
    assert actions(opportunity, people["manager"]) == []


# --- donor interests --------------------------------------------------------------------


def test_donor_interests_are_added_and_removed(people, donors, category):
    health = ProgrammeCategory.objects.create(name="صحة")
    donor = donors["with_point"]
    assert services.donor_interests_set(
        donor=donor, actor=people["staff"], categories=[health]
    ) == (1, 1)
    assert list(DonorInterest.objects.filter(donor=donor).values_list("category", flat=True)) == [
        health.pk
    ]
    with pytest.raises(PermissionDenied):
        services.donor_interests_set(donor=donor, actor=people["resources"], categories=[])
    with pytest.raises(services.RequestError):
        services.donor_interests_set(
            donor=donors["beneficiary"], actor=people["staff"], categories=[health]
        )
