"""The demo pipeline and donations for `make run`, put through the services, so that the
marketing pages are not empty: an opportunity at every stage (identification, follow-up,
closing with a signed pledge, successful, cancelled) with its donors and contacts, and the
finance system's donations imported from a file, some matched to a donor and a programme
and some not (one of them matched by hand afterwards).

Runs after the portfolio (programmes.demo) and the donor problems (whose opportunity, seeded
from last period's portfolio, is already in closing). Runs once: nothing happens when the
demo opportunities exist or the demo users, donors and programmes are missing."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerKind
from finance import services as finance_services
from finance.models import Donation
from programmes.models import Programme

from . import services
from .donations import import_donations
from .models import Opportunity
from .problems_demo import close_with_demo_pledge

USERNAMES = ("crm_staff", "crm_manager")
DONORS = ("مؤسسة عبدالله الخيرية", "شركة الوفاء للتجارة")
PROGRAMMES = ("EDU-101", "FAM-102", "HLT-103", "COM-104")
# The demo opportunities' titles: the loader's mark that it already ran.
IDENTIFIED = "تمويل الفصل الثاني من برنامج محو الأمية"
FOLLOWED = "شراكة صحية للقوافل الطبية في أحياء الطائف"
SUCCESSFUL = "رعاية مبادرة نادي الحي للشباب"
CANCELLED = "تمويل السلال الغذائية لأحياء مكة المكرمة"
DONATIONS_FILE = "finance-demo.csv"
# title: programme code, expected amount, probability, success factors, potential donor
OPPORTUNITIES = {
    IDENTIFIED: (
        "EDU-101",
        "60000",
        20,
        "اهتمام المؤسسة المسجل بالتعليم ونتائج الفصل الأول.",
        "مؤسسة عبدالله الخيرية",
    ),
    FOLLOWED: (
        "HLT-103",
        "120000",
        40,
        "الشركة تبحث عن برنامج صحي ذي أثر ملموس في الطائف.",
        "شركة الوفاء للتجارة",
    ),
    SUCCESSFUL: (
        "COM-104",
        "30000",
        70,
        "المؤسسة ترعى برامج الشباب في جدة منذ سنوات.",
        "مؤسسة عبدالله الخيرية",
    ),
    CANCELLED: ("FAM-102", "80000", 30, "", "شركة الوفاء للتجارة"),
}


def _ready():
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=USERNAMES)
    }
    donors = {
        donor.name: donor
        for donor in Customer.objects.filter(
            kind=CustomerKind.DONOR, is_active=True, name__in=DONORS
        )
    }
    programmes = {p.code: p for p in Programme.objects.filter(code__in=PROGRAMMES)}
    if len(users) < len(USERNAMES) or len(donors) < len(DONORS):
        return None
    if len(programmes) < len(PROGRAMMES):
        return None
    return users, donors, programmes


@transaction.atomic
def load_demo_pipeline():
    """Returns the number of opportunities created (0 when already loaded)."""
    ready = _ready()
    if ready is None or Opportunity.objects.filter(title=IDENTIFIED).exists():
        return 0
    users, donors, programmes = ready
    staff, manager = users["crm_staff"], users["crm_manager"]
    abdullah, wafa = donors["مؤسسة عبدالله الخيرية"], donors["شركة الوفاء للتجارة"]
    today = timezone.localdate()

    created = {
        title: services.opportunity_create(
            actor=staff,
            title=title,
            programme=programmes[code],
            expected_amount=Decimal(amount),
            probability=probability,
            success_factors=factors,
            donors=[donors[donor]],
        )
        for title, (code, amount, probability, factors, donor) in OPPORTUNITIES.items()
    }
    # Identification: documented with its potential donor, nobody contacted yet.
    # Follow-up: the donor was met and the probability raised after the visit.
    followed = created[FOLLOWED]
    _contact(followed, wafa, staff, today - datetime.timedelta(days=3), "عرض خطة القوافل.")
    services.opportunity_start_follow_up(opportunity=followed, actor=manager)
    services.opportunity_update_probability(
        opportunity=followed,
        actor=manager,
        probability=60,
        success_factors="طلبت الشركة عرض تكلفة مفصلاً بعد الزيارة.",
    )
    # Successful: pledged, then the money arrived from the finance system (below).
    successful = created[SUCCESSFUL]
    _contact(successful, abdullah, staff, today - datetime.timedelta(days=2), "اتفاق مبدئي.")
    services.opportunity_start_follow_up(opportunity=successful, actor=manager)
    close_with_demo_pledge(
        successful, manager, abdullah, Decimal("30000"), today - datetime.timedelta(days=1)
    )
    # Cancelled: the donor chose another association's programme.
    services.opportunity_cancel(
        opportunity=created[CANCELLED],
        actor=manager,
        reason="اعتمدت الشركة ميزانية هذا العام لبرنامج جمعية أخرى.",
    )

    _import_donations(manager, abdullah, wafa, programmes, today)
    services.opportunity_mark_successful(
        opportunity=successful, actor=manager, note="وصل المبلغ كاملاً."
    )
    return 4


def _contact(opportunity, donor, staff, day, summary):
    services.donor_contact_log(
        actor=donor.point_of_contact or staff,
        donor=donor,
        opportunity=opportunity,
        contact_date=day,
        channel="face_to_face",
        summary=summary,
    )


def _import_donations(manager, abdullah, wafa, programmes, today):
    """The finance system's file of the last months: matched rows (a known donor code and
    programme code), and rows kept aside to match by hand; one of those matched by hand."""
    if Donation.objects.filter(receipt_number__startswith="DEMO-").exists():
        return
    rows = [
        ("DEMO-0001", today - datetime.timedelta(days=150), "12000", abdullah.code, "EDU-101"),
        ("DEMO-0002", today - datetime.timedelta(days=95), "25000", wafa.code, "HLT-103"),
        ("DEMO-0003", today - datetime.timedelta(days=60), "8000", abdullah.code, "FAM-102"),
        ("DEMO-0004", today - datetime.timedelta(days=20), "4500", "", "FAM-102"),
        ("DEMO-0005", today - datetime.timedelta(days=10), "1500", "", ""),
        ("DEMO-0006", today - datetime.timedelta(days=5), "7000", "", "HLT-103"),
        ("DEMO-0007", today, "30000", abdullah.code, "COM-104"),
    ]
    lines = ["رقم الإيصال,التاريخ,المبلغ,رقم العميل,رمز البرنامج"]
    lines += [f"{r},{d.isoformat()},{a},{c},{p}" for r, d, a, c, p in rows]
    import_donations(
        content="\n".join(lines).encode("utf-8"),
        filename=DONATIONS_FILE,
        actor=manager,
        dry_run=False,
    )
    # The CRM manager recognised one of the rows kept aside: the others wait for matching.
    waiting = Donation.objects.get(receipt_number="DEMO-0006")
    finance_services.donation_match(
        donation=waiting, donor=wafa, programme=programmes["HLT-103"], actor=manager
    )
