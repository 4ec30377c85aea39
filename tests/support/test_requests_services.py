"""Part A's services, steps 1–4: every rule of reception (staff and online), the household,
the documents and the «incomplete» list with its SMS, the referral and the research report,
the declaration, the withdrawal, the confidentiality log; each step's audit row."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import ContactChannel
from messaging.models import DirectSms, Message
from support import selectors, services
from support.errors import SupportRequestError
from support.models import (
    ConfidentialAccess,
    ConfidentialPart,
    DeclarationMethod,
    DocumentCheck,
    HouseholdMember,
    RequestState,
    RequestTransition,
    ResearchReport,
    SupportRequest,
    SupportSettings,
)
from tests.support.fixtures_a import *  # noqa: F403  (fixtures)
from tests.support.fixtures_a import IDS, check_all, make_customer, make_ready, receive, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_services")]

RESEARCH_VALUES = {
    "contact_method": "visit",
    "contacted_on": datetime.date(2026, 12, 1),
    "questions_answered": "شرح الإجراءات",
    "household_size": 5,
    "monthly_income": 2500,
    "income_sources": "ضمان",
    "housing_type": "rented",
    "monthly_rent": 1200,
    "housing_condition": "",
    "health_condition": "",
    "debts_amount": None,
    "debts_note": "",
    "other_support": "",
    "findings": "الأسرة مستحقة",
    "recommendation": "accept",
    "recommended_amount": 3000,
}


# --- step 1: reception ------------------------------------------------------------------------


def test_reception_gives_a_tracking_number_the_two_dates_and_an_audit_row(
    people, places, catalogue
):
    settings_row = SupportSettings.current()
    settings_row.committee_deadline_days = 21
    settings_row.save()
    support_request = receive(
        people,
        places,
        catalogue,
        household=[{"name": "سارة", "relation": "daughter", "national_id": IDS[5]}],
    )
    today = timezone.localdate()
    assert support_request.tracking_number.startswith("S")
    assert len(support_request.tracking_number) == 9
    assert support_request.earliest_answer_on == today + datetime.timedelta(days=14)
    assert support_request.committee_due_on == today + datetime.timedelta(days=21)
    assert support_request.applicant_mobile == "+966501234567"
    assert support_request.handler == people["centres"]
    assert support_request.state == RequestState.RECEIVED
    assert list(support_request.household.values_list("name", flat=True)) == ["سارة"]
    step = RequestTransition.objects.get(request=support_request)
    assert (step.source, step.target, step.actor) == ("received", "received", people["centres"])


def test_reception_reads_arabic_indic_digits_in_the_national_id(people, places, catalogue):
    support_request = receive(people, places, catalogue, national_id="١٠٠٠٠٠٠٠٠٨")
    assert support_request.applicant_national_id == "1000000008"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"applicant_name": " "}, "name"),
        ({"applicant_national_id": "1234567890"}, "national ID"),
        ({"applicant_mobile": "0123"}, "mobile"),
        ({"need": ""}, "needs"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_reception_refuses_bad_values(people, places, catalogue, values, message, settings):
    with pytest.raises(SupportRequestError) as refused:
        receive(people, places, catalogue, **values)
    assert message.lower() in str(refused.value).lower()
    assert not SupportRequest.objects.exists()


def test_reception_refuses_an_inactive_support_type(people, places, catalogue):
    catalogue["basket"].is_active = False
    catalogue["basket"].save()
    with pytest.raises(SupportRequestError):
        receive(people, places, catalogue)


def test_centres_staff_register_only_for_their_own_centres(people, places, catalogue):
    with pytest.raises(SupportRequestError):
        receive(people, places, catalogue, centre=places["other"])
    with pytest.raises(SupportRequestError):
        receive(people, places, catalogue, centre=None)
    # CRM staff receive for any centre, or none.
    assert receive(people, places, catalogue, actor=people["crm"], centre=None)


def test_reception_needs_the_permission(people, places, catalogue):
    for name in ("researcher", "committee", "management", "quality", "nobody"):
        with pytest.raises(PermissionDenied):
            receive(people, places, catalogue, actor=people[name])


def test_reception_of_an_existing_beneficiary_takes_their_details(people, places, catalogue):
    customer = make_customer(name="فاطمة الزهراني", kind="beneficiary", national_id=IDS[4])
    support_request = receive(
        people,
        places,
        catalogue,
        applicant_name="",
        applicant_national_id="",
        applicant_mobile="",
        customer=customer,
    )
    assert support_request.customer == customer
    assert support_request.applicant_name == "فاطمة الزهراني"
    assert support_request.applicant_national_id == IDS[4]


def test_the_public_filing_records_the_online_declaration_and_files_once(catalogue, places):
    values = {
        "support_type": catalogue["basket"],
        "applicant_name": "خديجة",
        "applicant_national_id": IDS[2],
        "applicant_mobile": "0501112233",
        "centre": places["mine"],
        "need": "سلة",
        "declared": True,
        "submission_key": "key-1",
    }
    first = services.request_file_public(**values)
    again = services.request_file_public(**values)
    assert first == again
    assert SupportRequest.objects.count() == 1
    assert first.registered_by is None
    assert first.channel == ContactChannel.WEBSITE
    assert first.declaration_method == DeclarationMethod.ONLINE
    assert first.declared_at is not None
    # The tracking number by SMS to the number typed (no customer record).
    sms = DirectSms.objects.get()
    assert first.tracking_number in sms.body


def test_the_public_filing_needs_the_declaration_and_a_mobile(catalogue, places):
    values = {
        "support_type": catalogue["basket"],
        "applicant_name": "خديجة",
        "applicant_national_id": IDS[2],
        "applicant_mobile": "0501112233",
        "centre": places["mine"],
        "need": "سلة",
        "declared": False,
    }
    with pytest.raises(SupportRequestError):
        services.request_file_public(**values)
    with pytest.raises(SupportRequestError):
        services.request_file_public(**{**values, "declared": True, "applicant_mobile": ""})
    assert not SupportRequest.objects.exists()


def test_the_public_filing_checks_every_attached_scan_before_writing(catalogue, places):
    values = {
        "support_type": catalogue["basket"],
        "applicant_name": "خديجة",
        "applicant_national_id": IDS[2],
        "applicant_mobile": "0501112233",
        "centre": places["mine"],
        "need": "سلة",
        "declared": True,
    }
    fake = SimpleUploadedFile("id.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    with pytest.raises(SupportRequestError):
        services.request_file_public(
            **values, documents={catalogue["identity"]: scan(), catalogue["family"]: fake}
        )
    with pytest.raises(SupportRequestError):  # a document the type does not require
        services.request_file_public(
            **{**values, "support_type": catalogue["rent"]}, documents={catalogue["family"]: scan()}
        )
    assert not SupportRequest.objects.exists()
    support_request = services.request_file_public(
        **values, documents={catalogue["identity"]: scan("id.pdf")}
    )
    check = DocumentCheck.objects.get(request=support_request)
    assert (check.present, check.legible, check.checked_by) == (True, False, None)


# --- the household and its confidentiality ---------------------------------------------------


def test_the_handler_adds_and_removes_household_members_with_audit_rows(received, people):
    member = services.household_add(
        support_request=received,
        actor=people["centres"],
        member={"name": "يوسف", "relation": "son", "national_id": IDS[6]},
    )
    services.household_remove(member=member, actor=people["centres"])
    assert not HouseholdMember.objects.filter(request=received).exists()
    notes = list(RequestTransition.objects.filter(request=received).values_list("note", flat=True))
    assert any("يوسف" in note for note in notes[1:])
    assert len(notes) == 3


def test_only_confidential_readers_and_the_handler_see_the_household(received, people):
    assert selectors.may_read_confidential(people["centres"], received)  # the handler
    assert selectors.may_read_confidential(people["researcher"], received)
    assert selectors.may_read_confidential(people["committee"], received)
    assert selectors.may_read_confidential(people["centres_manager"], received)
    assert not selectors.may_read_confidential(people["crm"], received)  # sees the request only
    assert not selectors.may_read_confidential(people["management"], received)
    assert not selectors.may_read_confidential(people["centres_other"], received)
    with pytest.raises(PermissionDenied):
        services.household_add(
            support_request=received, actor=people["crm"], member={"name": "x", "relation": "son"}
        )
    with pytest.raises(PermissionDenied):
        services.confidential_opened(
            support_request=received, actor=people["management"], parts=["household"]
        )


def test_each_opening_of_the_confidential_parts_is_logged(received, people):
    services.confidential_opened(
        support_request=received,
        actor=people["researcher"],
        parts=[ConfidentialPart.HOUSEHOLD, ConfidentialPart.RESEARCH],
    )
    rows = ConfidentialAccess.objects.filter(request=received)
    assert {(row.user, row.part) for row in rows} == {
        (people["researcher"], "household"),
        (people["researcher"], "research"),
    }


def test_centres_staff_of_another_centre_do_not_see_the_request(received, people):
    assert not selectors.may_see_request(people["centres_other"], received)
    assert received not in selectors.requests_visible_to(people["centres_other"])
    assert received in selectors.requests_visible_to(people["crm"])
    with pytest.raises(PermissionDenied):
        check_all(received, people["centres_other"])


# --- step 2: documents and completeness -------------------------------------------------------


def test_an_expired_or_illegible_or_missing_document_keeps_the_request_incomplete(
    received, people, catalogue
):
    received_day = timezone.localdate(received.received_at)
    missing = check_all(
        received, people["centres"], expires_on=received_day - datetime.timedelta(days=1)
    )
    assert missing == ["صورة الهوية: expired"]
    with pytest.raises(SupportRequestError):
        services.request_confirm_complete(support_request=received, actor=people["centres"])
    missing = check_all(received, people["centres"], skip=catalogue["family"])
    assert missing == ["سجل الأسرة: missing"]
    received.refresh_from_db()
    assert received.state == RequestState.RECEIVED


def test_an_incomplete_request_waits_with_the_list_sent_by_sms(received, people, catalogue):
    check_all(received, people["centres"], skip=catalogue["family"])
    services.request_mark_incomplete(
        support_request=received, actor=people["centres"], note="صورة الصك"
    )
    received.refresh_from_db()
    assert received.state == RequestState.INCOMPLETE
    assert received.incomplete_list == "سجل الأسرة: missing\nصورة الصك"
    assert received.incomplete_notified_at is not None
    sms = DirectSms.objects.get()
    assert "سجل الأسرة" in sms.body and received.tracking_number in sms.body
    assert sms.to == "+966501234567"
    # It cannot go forward until the documents are in.
    assert "confirm_complete" not in services.REQUEST_WORKFLOW.available_actions(
        received, people["centres"]
    )
    check_all(received, people["centres"])
    services.request_confirm_complete(support_request=received, actor=people["centres"])
    received.refresh_from_db()
    assert received.state == RequestState.AWAITING_DECLARATION
    assert received.incomplete_list == ""


def test_a_customer_applicant_gets_the_missing_list_as_a_service_notice(people, places, catalogue):
    customer = make_customer(
        name="فاطمة", kind="beneficiary", national_id=IDS[4], mobile="+966505550000"
    )
    support_request = receive(people, places, catalogue, customer=customer)
    services.request_mark_incomplete(support_request=support_request, actor=people["centres"])
    message = Message.objects.get()
    assert support_request.tracking_number in message.body
    assert not DirectSms.objects.exists()


def test_nothing_missing_is_no_reason_to_mark_incomplete(received, people):
    check_all(received, people["centres"])
    with pytest.raises(SupportRequestError):
        services.request_mark_incomplete(support_request=received, actor=people["centres"])


def test_a_support_type_that_requires_research_cannot_skip_it(people, places, catalogue):
    support_request = receive(people, places, catalogue, kind="rent")
    check_all(support_request, people["centres"])
    with pytest.raises(SupportRequestError):
        services.request_confirm_complete(support_request=support_request, actor=people["centres"])
    assert "confirm_complete" not in services.REQUEST_WORKFLOW.available_actions(
        support_request, people["centres"]
    )


def test_a_scan_is_checked_by_its_content_and_size(received, people, catalogue):
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    with pytest.raises(SupportRequestError):
        services.documents_check(
            support_request=received,
            actor=people["centres"],
            checks=[{"document_type": catalogue["identity"], "present": True, "file": fake}],
        )
    big = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + b"0" * (services.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(SupportRequestError):
        services.documents_check(
            support_request=received,
            actor=people["centres"],
            checks=[{"document_type": catalogue["identity"], "present": True, "file": big}],
        )
    assert not DocumentCheck.objects.exists()


# --- step 3: referral and research ------------------------------------------------------------


def test_referral_research_and_its_submission(people, places, catalogue):
    support_request = receive(people, places, catalogue, kind="rent")
    with pytest.raises(SupportRequestError):
        services.request_refer(support_request=support_request, actor=people["centres"], reason="")
    with pytest.raises(SupportRequestError):  # not a research officer
        services.request_refer(
            support_request=support_request,
            actor=people["centres"],
            reason="الإجراءات غير واضحة",
            researcher=people["crm"],
        )
    services.request_refer(
        support_request=support_request,
        actor=people["centres"],
        reason="الإجراءات غير واضحة",
        researcher=people["researcher"],
    )
    support_request.refresh_from_db()
    assert support_request.state == RequestState.RESEARCH
    assert support_request.researcher == people["researcher"]
    with pytest.raises(PermissionDenied):
        services.research_save(
            support_request=support_request, actor=people["centres"], values=RESEARCH_VALUES
        )
    with pytest.raises(SupportRequestError):  # submitted before it is written
        services.research_submit(support_request=support_request, actor=people["researcher"])
    with pytest.raises(SupportRequestError):
        services.research_save(
            support_request=support_request,
            actor=people["researcher"],
            values={**RESEARCH_VALUES, "findings": " "},
        )
    services.research_save(
        support_request=support_request, actor=people["researcher"], values=RESEARCH_VALUES
    )
    report = ResearchReport.objects.get(request=support_request)
    assert report.submitted_at is None
    # Documents still missing: the research hands it back as incomplete.
    services.research_submit(support_request=support_request, actor=people["researcher"])
    support_request.refresh_from_db()
    assert support_request.state == RequestState.INCOMPLETE
    check_all(support_request, people["centres"])
    services.request_confirm_complete(support_request=support_request, actor=people["centres"])
    support_request.refresh_from_db()
    assert support_request.state == RequestState.AWAITING_DECLARATION
    targets = list(
        RequestTransition.objects.filter(request=support_request)
        .exclude(source=models_f("target"))
        .values_list("target", flat=True)
    )
    assert targets == ["research", "incomplete", "awaiting_declaration"]


def models_f(name):
    from django.db.models import F  # noqa: PLC0415

    return F(name)


# --- step 4: declaration ----------------------------------------------------------------------


def test_no_request_reaches_the_committee_without_the_declaration(received, people):
    check_all(received, people["centres"])
    services.request_confirm_complete(support_request=received, actor=people["centres"])
    with pytest.raises(SupportRequestError):
        services.request_declare(support_request=received, actor=people["centres"])
    services.request_declare(support_request=received, actor=people["centres"], scan=scan())
    received.refresh_from_db()
    assert received.state == RequestState.READY
    assert received.declaration_method == DeclarationMethod.PAPER
    assert received.declaration_recorded_by == people["centres"]
    assert received.declaration_scan.name.endswith(".pdf")


def test_an_online_declaration_takes_step_four_with_the_completeness_check(
    people, places, catalogue
):
    support_request = services.request_file_public(
        support_type=catalogue["basket"],
        applicant_name="خديجة",
        applicant_national_id=IDS[3],
        applicant_mobile="0501112233",
        centre=places["mine"],
        need="سلة",
        declared=True,
    )
    check_all(support_request, people["centres"])
    services.request_confirm_complete(support_request=support_request, actor=people["centres"])
    support_request.refresh_from_db()
    assert support_request.state == RequestState.READY
    notes = [step.note for step in RequestTransition.objects.filter(request=support_request)]
    assert any("Declared online" in note or "إلكترونيًا" in note for note in notes)


def test_withdrawal_needs_a_reason_and_ends_the_request(received, people):
    with pytest.raises(SupportRequestError):
        services.request_withdraw(support_request=received, actor=people["centres"], note=" ")
    services.request_withdraw(support_request=received, actor=people["centres"], note="ألغاه")
    received.refresh_from_db()
    assert received.state == RequestState.WITHDRAWN
    assert received.closed_at is not None


# --- duplicates -------------------------------------------------------------------------------


def test_duplicates_are_flagged_before_the_committee(people, places, catalogue):
    first = receive(
        people,
        places,
        catalogue,
        national_id=IDS[0],
        household=[{"name": "أخت", "relation": "sister", "national_id": IDS[1]}],
    )
    second = receive(people, places, catalogue, national_id=IDS[1])
    third = receive(people, places, catalogue, national_id=IDS[0], applicant_name="آخر")
    flags = {(flag.kind, flag.other.pk) for flag in selectors.duplicate_flags(first)}
    assert flags == {("member_is_applicant", second.pk), ("applicant", third.pk)}
    assert {(flag.kind, flag.other.pk) for flag in selectors.duplicate_flags(second)} == {
        ("applicant_is_member", first.pk)
    }
    assert selectors.has_duplicates([first, second, third]) == {first.pk, third.pk}
    # A withdrawn request is no longer open: no flag.
    services.request_withdraw(support_request=third, actor=people["centres"], note="مكرر")
    assert {flag.kind for flag in selectors.duplicate_flags(first)} == {"member_is_applicant"}


def test_make_ready_helper_reaches_ready(people, places, catalogue):
    support_request = make_ready(receive(people, places, catalogue, national_id=IDS[6]), people)
    assert support_request.state == RequestState.READY


def test_a_request_filed_online_is_taken_by_the_first_member_of_reception_who_acts(
    people, places, catalogue
):
    support_request = services.request_file_public(
        support_type=catalogue["basket"],
        applicant_name="خديجة",
        applicant_national_id=IDS[3],
        applicant_mobile="0501112233",
        centre=places["mine"],
        need="سلة",
        declared=True,
    )
    assert support_request.handler is None
    assert not selectors.may_read_confidential(people["centres"], support_request)
    check_all(support_request, people["centres"])
    services.request_confirm_complete(support_request=support_request, actor=people["centres"])
    support_request.refresh_from_db()
    assert support_request.handler == people["centres"]
    assert selectors.may_read_confidential(people["centres"], support_request)
