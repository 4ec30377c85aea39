"""Demo data of the tracked links: a leaflet link with three weeks of visits (the demo's
suggestion filed on the public page arrived through it) and a billboard link that has
expired. Idempotent: nothing is created when the links exist."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.models import Case

from . import services
from .models import LinkVisit, TrackedLink

LEAFLET = "مطوية المراكز في المجمعات التجارية"
BILLBOARD = "لوحة طريق المدينة (حملة الصيف)"
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) Chrome/124 Mobile",
)


@transaction.atomic
def load_demo_links() -> int:
    if TrackedLink.objects.filter(label__in=(LEAFLET, BILLBOARD)).exists():
        return 0
    manager = get_user_model().objects.get(username="crm_manager")
    leaflet = services.link_create(
        actor=manager,
        label=LEAFLET,
        target="/public/cases/new/",
        utm_source="leaflet",
        utm_medium="print",
        utm_campaign="centres-awareness",
    )
    services.link_create(
        actor=manager,
        label=BILLBOARD,
        target="/public/faq/",
        utm_source="billboard",
        utm_medium="qr",
        expires_at=timezone.now() - datetime.timedelta(days=3),
    )
    # Visits written as the redirect would (a salted daily hash, no address), a fixed
    # sequence so every demo shows the same figures.
    rng = random.Random(14)
    today = timezone.localdate()
    visits = []
    for days_ago in range(21):
        day = today - datetime.timedelta(days=days_ago)
        for _visit in range(rng.randint(2, 12)):
            ip = f"203.0.113.{rng.randint(1, 40)}"
            visits.append(
                LinkVisit(
                    link=leaflet,
                    visited_at=timezone.now() - datetime.timedelta(days=days_ago),
                    day=day,
                    visitor=services.visitor_hash(ip, rng.choice(AGENTS), day),
                )
            )
    LinkVisit.objects.bulk_create(visits)
    suggestion = Case.objects.filter(registered_by=None, kind="suggestion").order_by("pk")
    # The demo's public suggestion came through the leaflet (demo data only: a real case
    # gets its link from the visitor's first touch when it is filed).
    Case.objects.filter(pk__in=suggestion.values("pk")[:1]).update(source_link=leaflet)
    return 2
