"""The administrators' admin: every consent change, read-only (records are appended by the
services, never edited); the suppression list kept by hand, normalised, with its history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.models import Consent, Suppression
from messaging.services import consents_record

pytestmark = pytest.mark.django_db


def test_consents_are_listed_but_never_changed_in_the_admin(client, superuser, customer):
    consents_record(
        customer_id=customer.pk, changes={"sms.marketing": True}, at=timezone.now(), source="phone"
    )
    record = Consent.objects.get()
    client.force_login(superuser)
    listing = client.get(reverse("admin:messaging_consent_changelist"))
    assert listing.status_code == 200
    assert "الاتصال الهاتفي" in listing.content.decode()
    page = client.get(reverse("admin:messaging_consent_change", args=[record.pk]))
    assert page.status_code == 200
    assert 'name="given"' not in page.content.decode()  # read-only
    assert client.get(reverse("admin:messaging_consent_add")).status_code == 403
    client.post(reverse("admin:messaging_consent_delete", args=[record.pk]), {"post": "yes"})
    assert Consent.objects.filter(pk=record.pk).exists()


def test_an_administrator_suppresses_an_address_with_history(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:messaging_suppression_add"),
        {
            "address": "٠٥٠١٢٣٤٥٦٧",
            "reason": "complained",
            "at_0": "01/12/2026",
            "at_1": "10:00",
            "at": "01/12/2026 10:00",
            "note": "اشتكى من الرسائل",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    suppression = Suppression.objects.get()
    assert suppression.address == "+966501234567"
    assert suppression.history.get().history_user == superuser


def test_staff_roles_do_not_reach_the_messaging_admin(client, crm_staff):
    crm_staff.is_staff = True
    crm_staff.save()
    client.force_login(crm_staff)
    assert client.get(reverse("admin:messaging_suppression_changelist")).status_code == 403
    assert client.get(reverse("admin:messaging_consent_changelist")).status_code == 403


def test_sms_to_numbers_are_listed_but_never_changed_in_the_admin(client, superuser):
    from messaging.models import DirectSms

    sms = DirectSms.objects.create(
        to="+966551112233", body="رقم المتابعة ABCD2345", purpose="service", about="الطلب ABCD2345"
    )
    client.force_login(superuser)
    listing = client.get(reverse("admin:messaging_directsms_changelist"))
    assert listing.status_code == 200
    assert "الطلب ABCD2345" in listing.content.decode()
    page = client.get(reverse("admin:messaging_directsms_change", args=[sms.pk]))
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # read-only
    assert client.get(reverse("admin:messaging_directsms_add")).status_code == 403


def test_the_messaging_settings_are_one_row_never_deleted(client, superuser):
    from messaging.models import MessagingSettings

    client.force_login(superuser)
    assert client.get(reverse("admin:messaging_messagingsettings_add")).status_code == 200
    settings_row = MessagingSettings.current()
    assert client.get(reverse("admin:messaging_messagingsettings_add")).status_code == 403
    page = client.get(reverse("admin:messaging_messagingsettings_change", args=[settings_row.pk]))
    assert page.status_code == 200
    assert "تلزم الموافقة فوق هذا العدد من المستلمين" in page.content.decode()
    client.post(
        reverse("admin:messaging_messagingsettings_delete", args=[settings_row.pk]), {"post": "yes"}
    )
    assert MessagingSettings.objects.filter(pk=settings_row.pk).exists()


def test_messages_and_recipients_are_read_only_and_segments_keep_their_history(
    client, superuser, customer, django_capture_on_commit_callbacks
):
    from messaging import services
    from messaging.models import Message, Recipient, Segment

    client.force_login(superuser)
    segment = services.segment_create(name="الكل", criteria={}, actor=superuser)
    message = services.message_create(
        channel="sms", purpose="service", body="مرحبا {الاسم}", customer=customer, actor=superuser
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_schedule(message=message, actor=superuser)
    recipient = Recipient.objects.get()
    for name, pk in (("message", message.pk), ("recipient", recipient.pk)):
        page = client.get(reverse(f"admin:messaging_{name}_change", args=[pk]))
        assert page.status_code == 200
        assert 'type="submit" value="حفظ"' not in page.content.decode()
        assert client.get(reverse(f"admin:messaging_{name}_add")).status_code == 403
        assert client.get(reverse(f"admin:messaging_{name}_changelist")).status_code == 200
    recipient_page = client.get(reverse("admin:messaging_recipient_change", args=[recipient.pk]))
    assert "claim" not in recipient_page.content.decode().lower().split("<main")[-1]
    response = client.post(
        reverse("admin:messaging_segment_change", args=[segment.pk]),
        {"name": "الكل تقريبًا", "description": "", "criteria": "{}"},
    )
    assert response.status_code == 302
    assert Segment.objects.get().history.count() == 2
    assert (
        client.get(reverse("admin:messaging_segment_history", args=[segment.pk])).status_code == 200
    )
    assert Message.objects.get().state == "sent"
