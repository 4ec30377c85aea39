"""The data of `manage.py bench_campaigns`: campaigns in the annual plans (most launched,
the others at every step), their placements, each placement of an approved programme with
its tracked link (owner = the placement, labelled and tagged as the programme's approval
makes them: campaigns.services._link_placements), visits on those links
(links.benchmarking.fill_visits) and a few cases attributed to them.

Everything is a top-up: run again, it adds only what is missing. Bulk inserts send no
signal, so the cache topics that read these rows are renewed at the end."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.cache import bump
from core.mywork import WORK_TOPIC
from customers.models import Customer, CustomerKind
from links.benchmarking import fill_visits
from links.models import TrackedLink
from links.services import new_code

from .evaluation import PLACEMENTS_TOPIC
from .models import (
    Campaign,
    CampaignState,
    CampaignTransition,
    Channel,
    MarketingPlan,
    Placement,
    PlanState,
)
from .services import _CHANNEL_MEDIUM

# The share of each state among the campaigns added (most launched).
STATE_WEIGHTS = (
    (CampaignState.LAUNCHED, 70),
    (CampaignState.PROGRAMME_APPROVED, 5),
    (CampaignState.PROGRAMME_SUBMITTED, 4),
    (CampaignState.PROPOSAL_CHOSEN, 4),
    (CampaignState.PROPOSALS_REQUESTED, 5),
    (CampaignState.CHANNELS_APPROVED, 2),
    (CampaignState.CHANNELS_SUBMITTED, 3),
    (CampaignState.DRAFT, 5),
    (CampaignState.CANCELLED, 2),
)
# The steps taken to reach each state (the audit trail the campaign page lists).
PATH = (
    CampaignState.DRAFT,
    CampaignState.CHANNELS_SUBMITTED,
    CampaignState.CHANNELS_APPROVED,
    CampaignState.PROPOSALS_REQUESTED,
    CampaignState.PROPOSAL_CHOSEN,
    CampaignState.PROGRAMME_SUBMITTED,
    CampaignState.PROGRAMME_APPROVED,
    CampaignState.LAUNCHED,
)
WITH_PLACEMENTS = (
    CampaignState.PROPOSAL_CHOSEN,
    CampaignState.PROGRAMME_SUBMITTED,
    CampaignState.PROGRAMME_APPROVED,
    CampaignState.LAUNCHED,
)
WITH_LINKS = (CampaignState.PROGRAMME_APPROVED, CampaignState.LAUNCHED)
# Campaigns of these sizes exist after a top-up (the biggest, and two for the query check).
SPECIAL_SIZES = (60, 30, 2)
THEMES = (
    "رمضان للسلال الغذائية",
    "اليوم الوطني",
    "العودة إلى المدارس",
    "كسوة العيد",
    "نادي الحي للشباب",
    "الأسر المنتجة",
    "كفالة الأيتام",
    "سقيا الماء",
    "موسم الحج",
    "التطوع في المراكز",
)
LOCATIONS = (
    "طريق الملك عبدالعزيز - جدة",
    "شارع التحلية - جدة",
    "الأسواق التجارية في مكة المكرمة",
    "طريق الهدا - الطائف",
    "حسابات الجمعية على منصة إكس",
    "فعالية مركز حي الصفا",
    "الشركات الكبرى في جدة",
    "فنادق مكة المكرمة",
)
TARGETS = ("/public/cases/new/", "/public/faq/")


@dataclass
class Seeded:
    campaigns: int
    placements: int
    links: int
    visits: int
    attributed_cases: int


def top_up(
    *,
    manager: User,
    campaigns: int,
    placements: int,
    visits: int,
    seed: int = 14,
    write: Callable[[str], None] = lambda _text: None,
) -> Seeded:
    """Bring the database up to `campaigns` campaigns, `placements` placements and
    `visits` visits on the placements' links (PostgreSQL: COPY)."""
    rng = random.Random(seed)
    plans = _plans(manager)
    added = _campaigns(manager, plans, campaigns, rng)
    write(f"campaigns: {added:,} added")
    added = _placements(manager, placements, rng)
    write(f"placements: {added:,} added")
    made = _links()
    write(f"tracked links: {made:,} added")
    links = placement_links_by_weight()
    written = fill_visits(links, visits, seed=seed, write=write)
    attributed = _attribute_cases(links)
    bump(WORK_TOPIC)
    return Seeded(
        Campaign.objects.count(),
        Placement.objects.count(),
        len(links),
        written,
        attributed,
    )


def _plans(manager: User) -> list[MarketingPlan]:
    """This year's plan (the demo's, approved) and the two years before, approved."""
    year = timezone.localdate().year
    plans = []
    for offset in (0, 1, 2):
        plan = MarketingPlan.objects.filter(year=year - offset).first()
        if plan is None:
            plan = MarketingPlan.objects.create(
                year=year - offset,
                title=f"الخطة السنوية للحملات التسويقية {year - offset}",
                objectives="رفع الوعي برسالة الجمعية وبرامجها.",
                strategic_goals="الهدف الاستراتيجي الثاني: تعزيز الشراكة المجتمعية.",
                state=PlanState.APPROVED,
                created_by=manager,
                decided_by=manager,
                decided_at=timezone.now(),
            )
        plans.append(plan)
    return plans


def _agency() -> Customer | None:
    return Customer.objects.filter(kind=CustomerKind.OTHER, is_active=True).order_by("pk").first()


@transaction.atomic
def _campaigns(manager: User, plans: list[MarketingPlan], target: int, rng: random.Random) -> int:
    existing = Campaign.objects.count()
    missing = target - existing
    if missing <= 0:
        return 0
    agency = _agency()
    now = timezone.now()
    states = [state for state, _weight in STATE_WEIGHTS]
    weights = [weight for _state, weight in STATE_WEIGHTS]
    rows = []
    for number in range(existing, target):
        # The first added are launched: the special sizes go to them.
        state = CampaignState.LAUNCHED if number - existing < 3 else rng.choices(states, weights)[0]
        plan = plans[number % len(plans)] if number % 17 else None
        year = plan.year if plan else timezone.localdate().year
        starts_on = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        channels = rng.sample(list(Channel.values), 3)
        rows.append(
            Campaign(
                plan=plan,
                adhoc_reason="" if plan else "حملة عاجلة عند الحاجة خارج الخطة.",
                title=f"حملة {THEMES[number % len(THEMES)]} ({number + 1})",
                objectives="التعريف بالبرنامج وجمع التبرعات له.",
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=rng.randrange(14, 60)),
                budget=Decimal(rng.randrange(10, 200) * 1000),
                customer_kinds=[CustomerKind.DONOR],
                target_reach=rng.randrange(5, 100) * 1000,
                target_visits=rng.randrange(1, 50) * 100,
                channels=channels,
                agency=agency if state not in PATH[:3] else None,
                state=state,
                due_at=None
                if state in (CampaignState.LAUNCHED, CampaignState.CANCELLED)
                else now + datetime.timedelta(days=rng.randrange(-10, 20)),
                launched_on=starts_on if state == CampaignState.LAUNCHED else None,
                cancel_reason="ألغيت لتغير الأولويات." if state == CampaignState.CANCELLED else "",
                created_by=manager,
            )
        )
    created = Campaign.objects.bulk_create(rows, batch_size=500)
    steps = []
    for campaign in created:
        reached = PATH.index(campaign.state) if campaign.state in PATH else 1
        path = list(PATH[: reached + 1])
        if campaign.state == CampaignState.CANCELLED:
            path.append(CampaignState.CANCELLED)
        steps += [
            CampaignTransition(
                campaign=campaign, actor=manager, source=source, target=target_, note=""
            )
            for source, target_ in zip(path, path[1:], strict=False)
        ]
    CampaignTransition.objects.bulk_create(steps, batch_size=2000)
    return len(created)


@transaction.atomic
def _placements(manager: User, target: int, rng: random.Random) -> int:
    """Placements for the campaigns past the proposal's choice: one campaign of each of
    SPECIAL_SIZES, the rest shared out."""
    need = target - Placement.objects.count()
    if need <= 0:
        return 0
    eligible = list(
        Campaign.objects.filter(state__in=WITH_PLACEMENTS)
        .annotate(placement_count=Count("placements"))
        .order_by("pk")
    )
    sizes = {campaign.pk: campaign.placement_count for campaign in eligible}
    free = [campaign for campaign in eligible if not campaign.placement_count]
    plan: dict[int, int] = {}
    for size in SPECIAL_SIZES:
        if size in sizes.values() or not free or need < size:
            continue
        campaign = free.pop(0)
        plan[campaign.pk] = size
        need -= size
    for index, campaign in enumerate(free):
        if need <= 0:
            break
        share = need // (len(free) - index)
        jitter = rng.randint(-share // 2, share // 2)
        count = need if index == len(free) - 1 else max(1, share + jitter)
        plan[campaign.pk] = min(count, need)
        need -= plan[campaign.pk]
    if need > 0:  # every campaign has placements already: add to the ordinary ones
        ordinary = [c for c in eligible if sizes[c.pk] not in SPECIAL_SIZES] or eligible
        for number in range(need):
            pk = ordinary[number % len(ordinary)].pk
            plan[pk] = plan.get(pk, 0) + 1
    by_pk = {campaign.pk: campaign for campaign in eligible}
    rows = []
    for pk, count in plan.items():
        campaign = by_pk[pk]
        for number in range(count):
            starts_on = campaign.starts_on + datetime.timedelta(days=number % 10)
            rows.append(
                Placement(
                    campaign=campaign,
                    channel=campaign.channels[number % len(campaign.channels)]
                    if campaign.channels
                    else Channel.BILLBOARDS,
                    location=f"{LOCATIONS[number % len(LOCATIONS)]} ({number + 1})",
                    starts_on=starts_on,
                    ends_on=max(starts_on, campaign.ends_on),
                    cost=Decimal(rng.randrange(1, 30) * 500),
                    target=TARGETS[number % len(TARGETS)],
                    added_by=manager,
                )
            )
    Placement.objects.bulk_create(rows, batch_size=2000)
    bump(PLACEMENTS_TOPIC)  # bulk_create sends no signal
    return len(rows)


@transaction.atomic
def _links() -> int:
    """A tracked link for every placement of an approved or launched programme without
    one, as campaigns.services._link_placements makes them."""
    placement_type = ContentType.objects.get_for_model(Placement)
    linked = set(
        TrackedLink.objects.filter(owner_type=placement_type).values_list("owner_id", flat=True)
    )
    placements = (
        Placement.objects.filter(campaign__state__in=WITH_LINKS)
        .select_related("campaign")
        .order_by("pk")
    )
    codes = set(TrackedLink.objects.values_list("code", flat=True))
    rows = []
    for placement in placements:
        if placement.pk in linked:
            continue
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        campaign = placement.campaign
        rows.append(
            TrackedLink(
                code=code,
                owner_type=placement_type,
                owner_id=placement.pk,
                label=f"{campaign.title} · {placement.get_channel_display()} · "
                f"{placement.location}"[:200],
                target=placement.target,
                utm_source=placement.channel,
                utm_medium=_CHANNEL_MEDIUM.get(Channel(placement.channel), placement.channel),
                utm_campaign=str(campaign.pk),
                utm_content=str(placement.pk),
                created_by=campaign.created_by,
            )
        )
    TrackedLink.objects.bulk_create(rows, batch_size=2000)
    bump(PLACEMENTS_TOPIC)  # bulk_create sends no signal
    return len(rows)


def biggest_campaign() -> Campaign | None:
    """The launched campaign with the most placements."""
    return (
        Campaign.objects.filter(state=CampaignState.LAUNCHED)
        .annotate(placement_count=Count("placements"))
        .order_by("-placement_count", "pk")
        .first()
    )


def campaign_with(placements: int) -> Campaign | None:
    """A launched campaign with exactly that many placements."""
    return (
        Campaign.objects.filter(state=CampaignState.LAUNCHED)
        .annotate(placement_count=Count("placements"))
        .filter(placement_count=placements)
        .order_by("pk")
        .first()
    )


def placement_links_by_weight() -> list[TrackedLink]:
    """Every placement's link, the biggest campaign's first (they take most visits)."""
    placement_type = ContentType.objects.get_for_model(Placement)
    links = list(TrackedLink.objects.filter(owner_type=placement_type).order_by("pk"))
    biggest = biggest_campaign()
    if biggest is None:
        return links
    own = set(biggest.placements.values_list("pk", flat=True))
    return [link for link in links if link.owner_id in own] + [
        link for link in links if link.owner_id not in own
    ]


def _attribute_cases(links: list[TrackedLink], count: int = 5) -> int:
    """A few cases of customers filed through the busiest links (the public form's first
    touch), and one through a link of each measured campaign (30 and 2 placements), so that
    every measured page reads the same things (the customers reached, their opportunities
    and donations)."""
    from complaints.models import Case

    chosen = list(links[:count])
    for size in (30, 2):
        campaign = campaign_with(size)
        if campaign is not None:
            own = set(campaign.placements.values_list("pk", flat=True))
            chosen += [link for link in links if link.owner_id in own][:1]
    waiting = [link for link in chosen if not Case.objects.filter(source_link=link).exists()]
    pks = list(
        Case.objects.filter(source_link__isnull=True, customer__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[: len(waiting)]
    )
    for link, pk in zip(waiting, pks, strict=False):
        Case.objects.filter(pk=pk).update(source_link=link)
    return len(pks)
