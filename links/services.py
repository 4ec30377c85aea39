"""Every write of the links app: making and editing a tracked link (the CRM manager), and
recording a visit in the redirect.

A visit costs the redirect exactly one INSERT and nothing else: no IP address is stored
(the visitor is a 64-bit hash of the address and browser with a salt derived from
SECRET_KEY and the day, so it changes every day), obvious bots are not recorded, and unique
visitors are counted when read (COUNT(DISTINCT visitor) per day, links.selectors)."""

import datetime
import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from sqids import Sqids

from core.permissions import require

from .errors import LinkError
from .models import LinkDayTotal, LinkVisit, TrackedLink
from .targets import check_target

# Short codes: sqids of a random number (so codes cannot be walked one by one), at least 6
# characters, with sqids' block list of words nobody wants on a billboard.
_SQIDS = Sqids(min_length=6)
_CODE_SPACE = 2**40
_CODE_ATTEMPTS = 5

# Obvious automated clients, matched in the lower-cased User-Agent. Link previews (a post
# shared on social media, a message app) fetch the link too; they are not people.
BOT_MARKERS = (
    "bot",
    "crawler",
    "spider",
    "slurp",
    "facebookexternalhit",
    "whatsapp",
    "telegram",
    "preview",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "httpclient",
    "headless",
    "lighthouse",
    "monitor",
)
_UTM_FIELDS = (
    ("utm_source", "utm_source"),
    ("utm_medium", "utm_medium"),
    ("utm_campaign", "utm_campaign"),
    ("utm_content", "utm_content"),
)
EDITABLE_FIELDS = (
    "label",
    "target",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "is_active",
    "expires_at",
)


def new_code() -> str:
    return _SQIDS.encode([secrets.randbelow(_CODE_SPACE)])


def _checked_target(target: str) -> str:
    try:
        return check_target(target)
    except ValidationError as error:
        raise LinkError(" ".join(error.messages)) from None


def link_create(
    *,
    actor: User,
    label: str,
    target: str,
    owner: Any = None,
    **fields: Any,
) -> TrackedLink:
    """A new tracked link with a free code. `owner` is the record it belongs to (a
    campaign placement), or None."""
    require(actor, "links.add_trackedlink", error=LinkError)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not label.strip():
        raise LinkError(_("Write a label for the link."))
    link = TrackedLink(
        label=label.strip(), target=_checked_target(target), created_by=actor, **fields
    )
    if owner is not None:
        link.owner = owner
    for _attempt in range(_CODE_ATTEMPTS):
        link.code = new_code()
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            link.pk = None
            continue
        return link
    raise LinkError(_("No free code was found. Try again."))


def link_update(*, link: TrackedLink, actor: User, **changes: Any) -> TrackedLink:
    """Change a link's label, target, UTM fields, expiry or whether it is active; its code
    never changes (it is printed). Kept in its history."""
    require(actor, "links.change_trackedlink", error=LinkError)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "target" in changes:
        changes["target"] = _checked_target(changes["target"])
    if "label" in changes:
        if not str(changes["label"]).strip():
            raise LinkError(_("Write a label for the link."))
        changes["label"] = str(changes["label"]).strip()
    with transaction.atomic():
        for name, value in changes.items():
            setattr(link, name, value)
        link._history_user = actor  # type: ignore[attr-defined]  # simple-history's who
        link.save()
    return link


# --- the redirect -----------------------------------------------------------------------------


def is_bot(user_agent: str) -> bool:
    agent = (user_agent or "").lower()
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def daily_salt(day: datetime.date) -> bytes:
    """The day's salt: derived from SECRET_KEY and the date, never stored, so yesterday's
    hashes cannot be matched with today's."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"links.visitor:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()


def visitor_hash(ip: str, user_agent: str, day: datetime.date) -> int:
    """A signed 64-bit number standing for (address, browser) on that day."""
    digest = hmac.new(daily_salt(day), f"{ip}\n{user_agent}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def visit_record(*, link: TrackedLink, ip: str, user_agent: str) -> LinkVisit | None:
    """Count a visit with ONE INSERT; a bot's visit is not counted (None). bulk_create
    sends that single statement and no post_save signal (a visit changes nobody's
    «عملي», so it must not renew its cache).

    On PostgreSQL, outside a transaction (the redirect: ATOMIC_REQUESTS is off), the same
    single statement also turns synchronous_commit off for its own transaction: the
    redirect does not wait for the write-ahead log to reach the disk (a few ms on a quiet
    disk, far more on a busy one). The visit is still written and ordered like any other;
    a crash of the database server within a fraction of a second may lose the last few
    visits, never anything else (a case, a form: their transactions keep the setting)."""
    if is_bot(user_agent):
        return None
    now = timezone.now()
    day = timezone.localdate(now)
    visit = LinkVisit(link=link, visited_at=now, day=day, visitor=visitor_hash(ip, user_agent, day))
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        LinkVisit.objects.bulk_create([visit])
        return visit
    with connection.cursor() as cursor:
        # The setting in effect when a transaction commits decides (PostgreSQL's manual,
        # synchronous_commit); set_config(…, true) lasts until this statement's commit.
        cursor.execute(
            f"INSERT INTO {LinkVisit._meta.db_table} (link_id, visited_at, day, visitor) "
            "SELECT %s, %s, %s, %s "
            "WHERE set_config('synchronous_commit', 'off', true) = 'off' RETURNING id",
            [link.pk, now, day, visit.visitor],
        )
        row = cursor.fetchone()
    visit.pk = row[0] if row else None
    return visit


_ALREADY_UTM = re.compile(r"^utm_(source|medium|campaign|content)$")


def destination(link: TrackedLink) -> str:
    """The target with the link's UTM parameters added; the target's own query parameters
    are kept (a UTM parameter the link sets replaces the target's)."""
    parts = urlsplit(link.target)
    utm = [(name, getattr(link, field)) for name, field in _UTM_FIELDS if getattr(link, field)]
    names = {name for name, _value in utm}
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not (_ALREADY_UTM.match(key) and key in names)
    ]
    return urlunsplit(parts._replace(query=urlencode(query + utm)))


# --- the nightly roll-up of past days ---------------------------------------------------------


def visits_roll_up(*, today: datetime.date | None = None, rebuild: bool = False) -> int:
    """Count the closed days (before `today`) not rolled up yet into LinkDayTotal, in one
    INSERT … SELECT grouped by link and day; returns the rows written. Only days after the
    last day rolled up are read (a past day never changes: visits are recorded on the day
    they happen). `rebuild` counts every past day again: after visits were written into past
    days by hand (a benchmark's COPY, a restore). Run every night by Celery beat
    (links.tasks.roll_up_link_visits); the figures stay right meanwhile, as the pages count
    live whatever was not rolled up."""
    today = today or timezone.localdate()
    totals = LinkDayTotal._meta.db_table
    visits = LinkVisit._meta.db_table
    with transaction.atomic():
        if rebuild:
            LinkDayTotal.objects.all().delete()
        last = LinkDayTotal.objects.aggregate(last=Max("day"))["last"]
        after = "AND day > %s" if last else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {totals} (link_id, day, visits, unique_visitors) "
                f"SELECT link_id, day, COUNT(*), COUNT(DISTINCT visitor) FROM {visits} "
                f"WHERE day < %s {after} GROUP BY link_id, day "
                "ON CONFLICT (link_id, day) DO NOTHING",
                [today, last] if last else [today],
            )
            return cursor.rowcount
