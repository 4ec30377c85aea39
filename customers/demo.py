"""Demo customers for `make run`, put through the real form path (prepare, approve, enter,
file) so their history and codes look like real use. Runs only on an empty database."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from association.models import Centre, City
from core.consent import no_consents

from . import services
from .models import CustomerRequest, RequestKind, StewardDesignation

DEMO_CUSTOMERS = [
    # name, entity type, kind, city, centre, mobile, email, channel
    (
        "مؤسسة عبدالله الخيرية",
        "organisation",
        "donor",
        "جدة",
        None,
        "+966501110001",
        "info@abdullah-charity.example.org",
        "email",
    ),
    (
        "أمانة محافظة جدة",
        "organisation",
        "government",
        "جدة",
        None,
        "",
        "contact@amanah.example.org",
        "letter",
    ),
    (
        "خالد سعد العمري",
        "individual",
        "council_member",
        "مكة المكرمة",
        "مركز حي العوالي",
        "+966501110003",
        "",
        "phone",
    ),
    (
        "فاطمة علي الزهراني",
        "individual",
        "beneficiary",
        "جدة",
        "مركز حي الصفا",
        "+966501110004",
        "",
        "face_to_face",
    ),
    (
        "نوال حسن الشهري",
        "individual",
        "beneficiary",
        "جدة",
        "مركز حي النسيم",
        "+966501110005",
        "",
        "sms",
    ),
    (
        "شركة الوفاء للتجارة",
        "organisation",
        "donor",
        "الطائف",
        None,
        "+966501110006",
        "csr@alwafa.example.org",
        "email",
    ),
]
PENDING_REVIEW = (
    "منى إبراهيم القرشي",
    "individual",
    "beneficiary",
    "جدة",
    "مركز حي الروضة",
    "+966501110007",
    "",
    "phone",
)
AWAITING_ENTRY = (
    "سلمان فهد الحربي",
    "individual",
    "donor",
    "مكة المكرمة",
    None,
    "+966501110008",
    "salman@example.org",
    "email",
)


@transaction.atomic
def load_demo_customers():
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=["crm_staff", "crm_manager", "steward", "deputy_steward"]
        )
    }
    if len(users) < 4:
        return 0
    if not StewardDesignation.objects.exists():
        # Designated by the CRM manager, as the page in the customers area does: the page
        # shows it in the designation's history.
        services.steward_designation_change(
            actor=users["crm_manager"],
            steward=users["steward"],
            deputy=users["deputy_steward"],
            steward_absent=False,
            reason="تعيين مسؤول قاعدة بيانات العملاء ونائبه عند بدء العمل بالنظام",
        )
    if CustomerRequest.objects.exists():
        return 0
    for row in DEMO_CUSTOMERS:
        form = _prepare(users["crm_staff"], row)
        services.customer_request_approve(request=form, actor=users["crm_manager"])
        services.customer_request_enter(request=form, actor=users["steward"])
        services.customer_request_file(request=form, actor=users["crm_staff"])
    _prepare(users["crm_staff"], PENDING_REVIEW)
    waiting = _prepare(users["crm_staff"], AWAITING_ENTRY)
    services.customer_request_approve(request=waiting, actor=users["crm_manager"])
    _import(users["crm_staff"])
    return len(DEMO_CUSTOMERS)


# A centre's list as staff send it: short type names, a Hijri date and a day-first one, the
# same person typed twice with two mobiles (flagged for the manager), a date written month
# first (an error of its row, left out of the form).
DEMO_IMPORT_FILE = "\r\n".join(
    [
        "اسم العميل,نوع العميل,رقم الجوال,يوافق على تلقي الرسائل النصية القصيرة,"
        "تاريخ الموافقة,مصدر الموافقة,مركز الحي",
        "هدى عبدالرحمن المالكي,مستفيدة,0501110021,نعم,١٤٤٦/٠٩/١٥,استمارة ورقية,مركز حي الصفا",
        "هدى عبدالرحمن المالكى,مستفيد,0501110022,لا,,,مركز حي الصفا",
        "مؤسسة البر الخيرية,مانح,0501110023,نعم,04/07/25,خطاب رسمي,",
        "عبدالعزيز ناصر العتيبي,مستفيد,0501110024,نعم,07/15/2025,هاتف,مركز حي الصفا",
        "",
    ]
)


def _import(actor):
    """An import form waiting for the manager, made through the real import (dry run,
    then confirmation): its page shows the two rows of one person as possible duplicates."""
    from .imports import confirm_import, preview_import

    preview = preview_import(DEMO_IMPORT_FILE.encode("utf-8"), "مستفيدو مركز الصفا.csv")
    confirm_import(
        actor=actor, preview=preview, reason="قائمة مستفيدي مركز حي الصفا (بيانات تجريبية)"
    )


def _demo_consents(mobile, email):
    grid = no_consents()
    if mobile:
        grid.update({"sms.marketing": True, "sms.service": True, "sms.surveys": True})
    if email:
        grid.update({"email.service": True, "email.donor_reports": True})
    if not any(grid.values()):
        return {"consents": grid}
    return {
        "consents": grid,
        "consent_date": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "consent_source": "استمارة ورقية في المركز",
    }


def _prepare(actor, row):
    name, entity_type, kind, city_name, centre_name, mobile, email, channel = row
    city = City.objects.get(name=city_name)
    centre = Centre.objects.get(name=centre_name, city=city) if centre_name else None
    values = {
        **dict.fromkeys(services.CUSTOMER_FIELDS, ""),
        "name": name,
        "entity_type": entity_type,
        "kind": kind,
        "city": city.pk,
        "centre": centre.pk if centre else None,
        "mobile": mobile,
        "email": email,
        "contact_channel": channel,
        "is_active": True,
        # Consents to messages, given on the paper form (kept as records by messaging).
        **_demo_consents(mobile, email),
    }
    return services.customer_request_create(
        actor=actor, kind=RequestKind.CREATE, reason="بيانات تجريبية", lines=[(None, values, None)]
    )
