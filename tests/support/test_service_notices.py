"""The decision told to the applicant (SMS, letter PDF) and the appeal (once, back to the
committee)."""

import pytest
from django.core.exceptions import PermissionDenied

from messaging.models import DirectSms, Message
from support import delivery, notices, services
from support.errors import SupportRequestError
from support.models import NoticeChannel, RequestState, RequestTransition
from tests.support.test_service_fixtures import *  # noqa: F403
from tests.support.test_service_fixtures import NATIONAL_IDS, accepted, rejected

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(b_people, b_places, b_types):
    return rejected(
        b_people, b_places, b_types["basket"], b_types["reason"], national_id=NATIONAL_IDS[3]
    )


def test_the_decision_goes_by_sms_to_an_applicant_who_is_not_a_customer(accepted_request, b_people):
    notices.notice_send(
        support_request=accepted_request, actor=b_people["crm"], channel=NoticeChannel.SMS
    )
    sms = DirectSms.objects.get()
    assert accepted_request.tracking_number in sms.body
    assert notices.granted_text(accepted_request) in sms.body
    assert sms.to == accepted_request.applicant_mobile
    accepted_request.refresh_from_db()
    assert accepted_request.notice_channel == NoticeChannel.SMS
    assert accepted_request.notice_sent_by == b_people["crm"]
    event = RequestTransition.objects.filter(request=accepted_request).latest("pk")
    assert event.actor == b_people["crm"] and event.source == event.target


def test_the_decision_goes_to_a_customer_as_a_service_notice(
    b_people, b_places, b_types, b_customers
):
    support_request = accepted(
        b_people,
        b_places,
        b_types["basket"],
        national_id=NATIONAL_IDS[1],
        customer=b_customers["beneficiary"],
    )
    notices.notice_send(support_request=support_request, actor=b_people["crm"], channel="sms")
    message = Message.objects.get(customer=b_customers["beneficiary"])
    assert support_request.tracking_number in message.body


def test_a_rejection_names_its_reason_and_the_appeal(refused, b_people, b_types):
    text = notices.decision_text(refused)
    assert b_types["reason"].name in text
    notices.notice_send(support_request=refused, actor=b_people["crm"], channel="letter")
    refused.refresh_from_db()
    assert refused.notice_channel == NoticeChannel.LETTER and not DirectSms.objects.exists()


def test_no_notice_before_the_decision(b_people, b_places, b_types):
    support_request = services.request_receive(
        actor=b_people["crm"],
        channel="phone",
        support_type=b_types["basket"],
        applicant_name="سعيد",
        applicant_national_id=NATIONAL_IDS[4],
        centre=b_places["mine"],
        need="حاجة",
    )
    with pytest.raises(SupportRequestError):
        notices.notice_send(support_request=support_request, actor=b_people["crm"], channel="sms")
    with pytest.raises(SupportRequestError):
        notices.render_letter_pdf(support_request)


def test_only_reception_staff_send_the_notice(accepted_request, b_people):
    with pytest.raises(PermissionDenied):
        notices.notice_send(
            support_request=accepted_request, actor=b_people["committee"], channel="sms"
        )


def test_the_letter_is_a_pdf(refused):
    rendered = notices.render_letter_pdf(refused)
    assert rendered.content.startswith(b"%PDF") and rendered.page_count == 1


def test_a_rejected_applicant_appeals_once(refused, b_people):
    with pytest.raises(SupportRequestError):
        notices.appeal_record(support_request=refused, actor=b_people["crm"], text="  ")
    notices.appeal_record(support_request=refused, actor=b_people["crm"], text="راتب جديد أقل")
    refused.refresh_from_db()
    assert refused.state == RequestState.APPEALED and refused.appeal_text == "راتب جديد أقل"
    assert refused.appeal_recorded_by == b_people["crm"]
    # Back to the committee: put on a meeting's agenda as an appeal, rejected again.
    meeting = services.meeting_create(actor=b_people["researcher"], meets_at=refused.received_at)
    item = services.meeting_add_request(
        meeting=meeting, support_request=refused, actor=b_people["researcher"]
    )
    assert item.is_appeal
    services.agenda_decide(
        item=item,
        actor=b_people["committee"],
        outcome="rejected",
        rejection_reason=refused.rejection_reason,
        note="لا جديد",
    )
    refused.refresh_from_db()
    with pytest.raises(SupportRequestError):
        notices.appeal_record(support_request=refused, actor=b_people["crm"], text="مرة أخرى")
    assert refused.state == RequestState.REJECTED


def test_only_a_rejected_request_is_appealed(accepted_request, b_people):
    with pytest.raises(SupportRequestError):
        notices.appeal_record(support_request=accepted_request, actor=b_people["crm"], text="x")


def test_a_rejected_request_is_closed(refused, b_people):
    delivery.request_close(support_request=refused, actor=b_people["crm"], note="لم يتظلم")
    refused.refresh_from_db()
    assert refused.state == RequestState.CLOSED
