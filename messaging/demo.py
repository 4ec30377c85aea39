"""Demo consents for `make run`: besides those the demo customers gave on their forms
(customers.demo, entered through the form path), one given by phone, one on the public
page, a marketing consent withdrawn through the unsubscribe link, and a suppressed address.
Runs once: nothing is added when a withdrawal by link is already recorded."""

import datetime

from django.contrib.auth import get_user_model
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
    staff = get_user_model().objects.filter(groups__name=roles.CRM_STAFF.group_name).first()
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
