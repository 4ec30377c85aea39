"""Demo portfolio for `make run`: programmes, the donors' interests, two portfolio cycles
(last period's done, with an opportunity seeded from its donors; this period's awaiting the
CRM manager's review) and programme proposals in each state, all put through the services.
Runs once: it does nothing when a portfolio cycle already exists or the demo users and donors
are missing."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerKind

from . import cycles, proposals, services
from .models import CycleProgramme, PortfolioCycle, Programme

CATEGORIES = ("تعليم", "رعاية الأسر", "صحة", "تنمية المجتمع")
# code, name, category, budget, status
PROGRAMMES = (
    ("EDU-101", "برنامج محو الأمية للكبار", "تعليم", Decimal("120000"), "active"),
    ("FAM-102", "السلال الغذائية الرمضانية", "رعاية الأسر", Decimal("250000"), "planned"),
    ("HLT-103", "القوافل الصحية للأحياء", "صحة", Decimal("180000"), "planned"),
    ("COM-104", "مبادرة نادي الحي للشباب", "تنمية المجتمع", Decimal("90000"), "planned"),
)
# donor name (customers.demo) -> categories of interest
INTERESTS = {
    "مؤسسة عبدالله الخيرية": ("تعليم", "رعاية الأسر"),
    "شركة الوفاء للتجارة": ("رعاية الأسر", "صحة"),
}


def _users():
    names = ("crm_staff", "crm_manager", "planning")
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
    return users if len(users) == len(names) else None


def _donors():
    donors = {
        donor.name: donor
        for donor in Customer.objects.filter(
            kind=CustomerKind.DONOR, name__in=list(INTERESTS), is_active=True
        )
    }
    return donors if len(donors) == len(INTERESTS) else None


@transaction.atomic
def load_demo_portfolio():
    """Returns the number of portfolio cycles created (0 or 2)."""
    users, donors = _users(), _donors()
    if users is None or donors is None or PortfolioCycle.objects.exists():
        return 0
    planning, manager, staff = users["planning"], users["crm_manager"], users["crm_staff"]
    programmes = _load_programmes(planning)
    _load_interests(staff, donors)
    current = cycles.period_of(timezone.localdate())
    previous = _previous(current)

    # Last period: handed over, reviewed, donors identified; the food baskets' donors seeded
    # an opportunity.
    done = cycles.cycle_hand_over(
        actor=planning,
        year=previous.year,
        half=previous.half,
        programmes=[programmes["EDU-101"], programmes["FAM-102"], programmes["HLT-103"]],
        received_on=previous.start + datetime.timedelta(days=4),
        note="محفظة البرامج المعتمدة من مجلس الإدارة",
    )
    cycles.cycle_review(
        cycle=done,
        actor=manager,
        notes="راجعنا البرامج مع إدارة التخطيط؛ برنامج القوافل الصحية يحتاج شريكاً صحياً.",
    )
    for code in ("EDU-101", "FAM-102", "HLT-103"):
        entry = CycleProgramme.objects.get(cycle=done, programme=programmes[code])
        chosen = list(cycles.suggested_donors_for(programmes[code]))
        cycles.cycle_set_donors(cycle=done, entry=entry, actor=manager, donors=chosen)
    cycles.cycle_identify_donors(cycle=done, actor=manager)
    food = CycleProgramme.objects.get(cycle=done, programme=programmes["FAM-102"])
    cycles.cycle_seed_opportunity(
        cycle=done,
        entry=food,
        actor=staff,
        title="تمويل السلال الغذائية الرمضانية",
        expected_amount=Decimal("200000"),
        probability=40,
    )

    # This period: handed over, awaiting the CRM manager's review (on his "عملي").
    cycles.cycle_hand_over(
        actor=planning,
        year=current.year,
        half=current.half,
        programmes=list(programmes.values()),
        received_on=min(timezone.localdate(), current.start + datetime.timedelta(days=3)),
        note="أُضيفت مبادرة نادي الحي للشباب بناءً على طلب المانحين",
    )
    _load_proposals(users, donors, programmes)
    return 2


def _previous(period):
    if period.half == 0:
        return cycles.Period(period.year - 1, 0)
    if period.half == 2:
        return cycles.Period(period.year, 1)
    return cycles.Period(period.year - 1, 2)


def _load_programmes(planning):
    categories = {
        name: services.category_get_or_create(name=name, actor=planning)[0] for name in CATEGORIES
    }
    found = {p.code: p for p in Programme.objects.filter(code__in=[row[0] for row in PROGRAMMES])}
    for code, name, category, budget, status in PROGRAMMES:
        if code not in found:
            found[code] = services.programme_create(
                actor=planning,
                code=code,
                name=name,
                category=categories[category],
                budget=budget,
                status=status,
                portfolio_year=timezone.localdate().year,
            )
    return found


def _load_interests(staff, donors):
    from opportunities.services import donor_interests_set
    from programmes.models import ProgrammeCategory

    for name, category_names in INTERESTS.items():
        categories = list(ProgrammeCategory.objects.filter(name__in=category_names))
        current = set(donors[name].interests.values_list("category_id", flat=True))
        wanted = current | {category.pk for category in categories}
        donor_interests_set(
            donor=donors[name],
            actor=staff,
            categories=list(ProgrammeCategory.objects.filter(pk__in=wanted)),
        )


def _load_proposals(users, donors, programmes):
    staff, manager, planning = users["crm_staff"], users["crm_manager"], users["planning"]
    abdullah, wafa = donors["مؤسسة عبدالله الخيرية"], donors["شركة الوفاء للتجارة"]
    category = programmes["EDU-101"].category
    # Awaiting planning's answer.
    proposals.proposal_submit(
        actor=staff,
        title="برنامج الحقيبة المدرسية للأيتام",
        category=category,
        description=(
            "طلبت المؤسسة تمويل حقائب وأدوات مدرسية لأبناء الأسر المستفيدة مع بداية العام الدراسي."
        ),
        reason="اهتمام مسجل بالتعليم، ومبلغ مقترح يغطي 500 طالب.",
        donors=[abdullah],
    )
    # Accepted: the programme is still to be added to the portfolio.
    accepted = proposals.proposal_submit(
        actor=manager,
        title="برنامج كسوة العيد",
        category=programmes["FAM-102"].category,
        description="كسوة العيد للأطفال في الأسر المستفيدة بأحياء جدة.",
        reason="طلبه مانحان في الموسم الماضي.",
        donors=[abdullah, wafa],
    )
    proposals.proposal_answer(
        proposal=accepted,
        actor=planning,
        answer=proposals.ACCEPT,
        note="يُضاف إلى محفظة النصف القادم.",
    )
    # Needs study.
    study = proposals.proposal_submit(
        actor=staff,
        title="عيادة أسنان متنقلة",
        category=programmes["HLT-103"].category,
        description="عيادة متنقلة تزور مراكز الأحياء شهرياً.",
        reason="اهتمام الشركة بالصحة وطلبها برنامجاً ذا أثر ملموس.",
        donors=[wafa],
    )
    proposals.proposal_answer(
        proposal=study,
        actor=planning,
        answer=proposals.STUDY,
        note="نحتاج دراسة التكلفة التشغيلية والترخيص الصحي.",
    )
