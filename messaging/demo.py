"""Demo consents for `make run`: besides those the demo customers gave on their forms
(customers.demo, entered through the form path), one given by phone, one on the public
page, a marketing consent withdrawn through the unsubscribe link, and a suppressed address.
Runs once: nothing is added when a withdrawal by link is already recorded."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from association import roles
from core.consent import ConsentChannel, ConsentPurpose, ConsentSource, pair_key
from customers.models import Customer

from . import services
from .models import Consent, Suppression, SuppressionReason


def load_demo_consents() -> int:
    if Consent.objects.filter(source=ConsentSource.UNSUBSCRIBE_LINK).exists():
        return 0
    with_mobile = list(Customer.objects.exclude(mobile="").order_by("code")[:3])
    if not with_mobile:
        return 0
    staff = get_user_model().objects.filter(username=roles.CRM_STAFF.code).first()
    now = timezone.now()
    written = 0
    first = with_mobile[0]
    written += len(
        services.consents_record(
            customer_id=first.pk,
            changes={pair_key(ConsentChannel.SMS, ConsentPurpose.DONOR_REPORTS): True},
            at=now - datetime.timedelta(days=12),
            source=ConsentSource.PHONE,
            evidence="اتصال هاتفي مع موظف علاقات العملاء",
            actor=staff,
        )
    )
    if len(with_mobile) > 1:
        written += len(
            services.consents_record(
                customer_id=with_mobile[1].pk,
                changes={pair_key(ConsentChannel.SMS, ConsentPurpose.DONOR_REPORTS): True},
                at=now - datetime.timedelta(days=8),
                source=ConsentSource.PUBLIC_PAGE,
                evidence="نموذج الموقع الإلكتروني",
            )
        )
    # The person clicked the link of a marketing SMS.
    last = with_mobile[-1]
    if services.consent_withdraw_by_link(
        customer_id=last.pk, channel=ConsentChannel.SMS, purpose=ConsentPurpose.MARKETING
    ):
        written += 1
    Suppression.objects.get_or_create(
        address="bounced@example.org",
        defaults={
            "reason": SuppressionReason.BOUNCED,
            "at": now - datetime.timedelta(days=3),
            "note": "رُفض البريد نهائياً",
        },
    )
    return written


def load_demo_messages() -> int:
    """A segment and the messages of the demo: a marketing SMS to it, sent yesterday morning
    with its delivery reports (one number refused), and a donor-report e-mail whose reader
    then unsubscribed by its link. (The public complaints of complaints.demo get their
    tracking number by SMS themselves.) Runs once: nothing is added when the segment exists."""
    from .models import Segment

    if Segment.objects.filter(name=DEMO_SEGMENT).exists():
        return 0
    # The demo logins of the association loader (README: demo logins), by name: another
    # member of the same group (a test's user, say) must not be the one who acted.
    users = get_user_model().objects
    writer = users.filter(username=roles.CRM_STAFF.code).first()
    manager = users.filter(username=roles.CRM_MANAGER.code).first()
    if writer is None or manager is None:
        return 0
    segment = Segment.objects.create(
        name=DEMO_SEGMENT,
        description="المستفيدون والمانحون الذين وافقوا على رسائل التسويق",
        criteria={"kind": ["beneficiary", "donor"]},
        created_by=writer,
    )
    sms = services.message_create(
        channel=ConsentChannel.SMS,
        purpose=ConsentPurpose.MARKETING,
        segment=segment,
        body="{الاسم}، يسعدنا دعوتك إلى برنامج «صيف الحي» في مركزك يوم الخميس.",
        actor=writer,
    )
    with transaction.atomic():
        services.message_submit(message=sms, actor=writer)
        services.message_approve(message=sms, actor=manager, note="مناسبة للموسم")
    started = _yesterday_at_ten()
    _replay_sending(sms, writer, started)
    _demo_delivery_reports(sms, started)
    return 1 + _demo_email(writer)


DEMO_SEGMENT = "الموافقون على التسويق"


def _yesterday_at_ten() -> datetime.datetime:
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    return yesterday.replace(hour=10, minute=0, second=0, microsecond=0)


def _replay_sending(message: Any, writer: Any, started: datetime.datetime) -> None:
    """Send the message as the worker would have at `started` (the demo is loaded at any
    hour, quiet ones included): scheduled, started, its recipients listed, every batch
    handed to the backend, finished."""
    from .backends.base import get_sms_backend
    from .models import Message, MessagingSettings
    from .sending import list_recipients, send_batch

    workflow = services.MESSAGE_WORKFLOW
    with transaction.atomic():
        workflow.take_step(Message.objects.get(pk=message.pk), "schedule", actor=writer)
        workflow.take_step(
            Message.objects.get(pk=message.pk), "start", actor=None, fields={"started_at": started}
        )
    message.refresh_from_db()
    list_recipients(message)
    backend, config = get_sms_backend(), MessagingSettings.current()
    while send_batch(message, backend, config) is not None:
        pass
    with transaction.atomic():
        workflow.take_step(
            Message.objects.get(pk=message.pk),
            "finish",
            actor=None,
            fields={"finished_at": started + datetime.timedelta(minutes=2)},
        )


def _demo_delivery_reports(message: Any, started: datetime.datetime) -> None:
    """Every SMS delivered within minutes, but the last, refused as an unreachable number."""
    sent = list(message.recipients.exclude(gateway_id="").order_by("pk"))
    reports = [
        services.DeliveryReport(
            gateway_id=recipient.gateway_id,
            outcome=services.DeliveryOutcome.DELIVERED,
            at=started + datetime.timedelta(minutes=3),
            status="Delivered",
        )
        for recipient in sent[:-1]
    ]
    if sent:
        reports.append(
            services.DeliveryReport(
                gateway_id=sent[-1].gateway_id,
                outcome=services.DeliveryOutcome.FAILED,
                at=started + datetime.timedelta(minutes=4),
                status="Undeliverable",
                error="ER-05",
            )
        )
    services.delivery_reports_record(reports)


def _demo_email(writer: Any) -> int:
    """A donor-report e-mail to the first donor with an e-mail address who agreed to them,
    sent through Django's e-mail backend; then its reader stops them by the link."""
    donor = (
        Customer.objects.filter(kind="donor")
        .exclude(email="")
        .filter(
            consents__channel=ConsentChannel.EMAIL,
            consents__purpose=ConsentPurpose.DONOR_REPORTS,
            consents__given=True,
        )
        .order_by("code")
        .first()
    )
    if donor is None:
        return 0
    email = services.message_create(
        channel=ConsentChannel.EMAIL,
        purpose=ConsentPurpose.DONOR_REPORTS,
        customer=donor,
        subject="تقرير أثر تبرعكم لهذا الربع",
        body="{الاسم}، نشكر دعمكم. أنجز برنامج «سقيا الحي» 120 زيارة هذا الربع.",
        html_body='<p dir="rtl">{الاسم}، نشكر دعمكم.</p>'
        "<p>أنجز برنامج <strong>«سقيا الحي»</strong> 120 زيارة هذا الربع.</p>",
        actor=writer,
    )
    _replay_sending(email, writer, _yesterday_at_ten() + datetime.timedelta(hours=1))
    services.consent_withdraw_by_link(
        customer_id=donor.pk, channel=ConsentChannel.EMAIL, purpose=ConsentPurpose.DONOR_REPORTS
    )
    return 1
