"""What messaging adds to the customers app: the reader of the consent grid (its form,
import and export), the consent badge and «الموافقات» card of the customer 360 and the
consent changes in its timeline. Imported at start-up by MessagingConfig.ready."""

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case as SqlCase
from django.db.models import CharField, Max, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from core.consent import ALL_PAIRS, FORM_CHANNELS, ConsentChannel, ConsentPurpose, ConsentSource
from customers.consents import register_consent_reader, register_consent_seeder
from customers.models import Customer
from customers.profile import (
    CountedBadge,
    ProfileBadge,
    ProfilePanel,
    register_profile_badge,
    register_profile_panel,
    remember_rows,
    remembered_rows,
)
from customers.timeline import (
    TimelineEntry,
    TimelineRows,
    person_fields,
    person_name,
    register_timeline_source,
)

from .choices import RecipientStatus
from .models import SEND_PERMISSION, Consent, Recipient
from .selectors import (
    consent_grids,
    consent_state,
    marketing_summaries,
    messages_awaiting_approval,
)
from .sending import render
from .services import consents_seed  # noqa: E402  (after the selectors it uses)

register_consent_reader(consent_grids, marketing_summaries)
register_consent_seeder(consents_seed)

CONSENTS = "consents"
VIEW_MESSAGE = "messaging.view_message"


@dataclass(frozen=True)
class CurrentConsent:
    """The latest answer of one (channel, purpose), as the profile shows it."""

    given: bool
    at: datetime.datetime | None
    source: str

    @property
    def source_label(self) -> str:
        return str(ConsentSource(self.source).label) if self.source else ""


# The profile's badge reads each pair's latest record inside the page's one query of badge
# counts (customers.profile.CountedBadge): the greatest "id|given|source|at" text of the
# pair's records is its latest one (ids zero-padded), so no query of its own; the card and
# the badge share what it read.
_ID_WIDTH = 12


def _latest_text(channel: str, purpose: str) -> Max:
    return Max(
        Concat(
            LPad(Cast("pk", CharField()), _ID_WIDTH, Value("0")),
            Value("|"),
            SqlCase(When(given=True, then=Value("1")), default=Value("0")),
            Value("|"),
            "source",
            Value("|"),
            Cast("at", CharField()),
            output_field=CharField(),
        ),
        filter=Q(channel=channel, purpose=purpose),
    )


def _read_latest(text: Any) -> CurrentConsent | None:
    if not text:
        return None
    _pk, given, source, at_text = str(text).split("|", 3)
    at = parse_datetime(at_text.strip())
    if at is not None and is_naive(at):
        at = make_aware(at, datetime.UTC)
    return CurrentConsent(given=given == "1", at=at, source=source)


def _name(channel: str, purpose: str) -> str:
    return f"{channel}__{purpose}"


CurrentState = dict[tuple[str, str], CurrentConsent | None]


@register_profile_badge
def consents_badge(customer: Customer, user: User) -> CountedBadge:
    """What the customer agreed to be sent for marketing (manual 6.1: consent before any
    message)."""

    def badge(counts: dict[str, Any]) -> ProfileBadge:
        state: CurrentState = {
            (channel, purpose): _read_latest(counts.get(_name(channel, purpose)))
            for channel, purpose in ALL_PAIRS
        }
        remember_rows(customer, CONSENTS, [state])
        agreed = [
            str(ConsentChannel(channel).label)
            for channel in ConsentChannel.values
            if (latest := state[(channel, ConsentPurpose.MARKETING)]) and latest.given
        ]
        if not agreed:
            return ProfileBadge(
                label=_("No consent to marketing messages"), tone="secondary", icon="bell-slash"
            )
        return ProfileBadge(
            label=_("Marketing by: %(channels)s") % {"channels": _(" and ").join(agreed)},
            tone="success",
            icon="bell",
            url="#consents",
        )

    return CountedBadge(lambda: Consent.objects.filter(customer_id=customer.pk), _counts(), badge)


@cache
def _counts() -> dict[str, Max]:
    """The badge's aggregates: the latest record of each pair (the same on every page)."""
    return {
        _name(channel, purpose): _latest_text(channel, purpose) for channel, purpose in ALL_PAIRS
    }


def current_state(customer: Customer) -> CurrentState:
    """The latest answer of every pair: what the badge read on this page, or one query."""
    remembered = remembered_rows(customer, CONSENTS)
    if remembered:
        state: CurrentState = remembered[0]
        return state
    return {
        pair: CurrentConsent(record.given, record.at, record.source) if record else None
        for pair, record in consent_state(customer.pk).items()
    }


@register_profile_panel
def consents_panel(customer: Customer, user: User) -> ProfilePanel:
    """«الموافقات»: the current answer per channel and purpose, when and how it was given."""
    state = current_state(customer)
    shown_channels = [
        channel
        for channel in ConsentChannel.values
        if channel in FORM_CHANNELS
        or any(state[(channel, purpose)] for purpose in ConsentPurpose.values)
    ]
    rows = [
        {
            "purpose": ConsentPurpose(purpose).label,
            "cells": [
                {
                    "channel": ConsentChannel(channel).label,
                    "latest": state[(channel, purpose)],
                    # Service notices are sent unless withdrawn (they are about the person's
                    # own requests): no answer reads «مسموح».
                    "by_default": purpose == ConsentPurpose.SERVICE
                    and state[(channel, purpose)] is None,
                }
                for channel in shown_channels
            ],
        }
        for purpose in ConsentPurpose.values
    ]
    return ProfilePanel(
        title=_("Consents"),
        template="messaging/panel_consents.html",
        context={
            "channels": [ConsentChannel(channel).label for channel in shown_channels],
            "rows": rows,
        },
    )


@register_timeline_source(CONSENTS, gettext_lazy("Consents to messages"), "bell")
def consent_entries(customer: Customer, user: User, limit: int) -> list[TimelineRows]:
    """Each change of the customer's consents: given or withdrawn, by whom, how."""
    return [
        TimelineRows(
            lambda: Consent.objects.filter(customer_id=customer.pk).order_by("-at", "-id"),
            model=Consent,
            at="at",
            entry=_consent_entry,
            fields=(
                "at",
                "channel",
                "purpose",
                "given",
                "source",
                "evidence",
                *person_fields("recorded_by"),
            ),
        )
    ]


def _consent_entry(record: Consent) -> TimelineEntry:
    values = {
        "channel": ConsentChannel(record.channel).label,
        "purpose": ConsentPurpose(record.purpose).label,
    }
    if record.given:
        title = _("Consent given: %(purpose)s by %(channel)s") % values
    else:
        title = _("Consent withdrawn: %(purpose)s by %(channel)s") % values
    detail = str(ConsentSource(record.source).label)
    if record.evidence:
        detail = f"{detail} · {record.evidence}"
    return TimelineEntry(
        when=record.at,
        kind=CONSENTS,
        icon="bell" if record.given else "bell-slash",
        title=title,
        detail=detail,
        actor=person_name(record.recorded_by) if record.recorded_by_id else "",
    )


# --- the staff's pages: navigation, «عملي» and the messages in the timeline ------------------

for _item in (
    navigation.NavItem(
        gettext_lazy("Messages"), "messaging:message_list", "envelope", VIEW_MESSAGE, weight=20
    ),
    navigation.NavItem(
        gettext_lazy("New message"),
        "messaging:message_create",
        "envelope-plus",
        SEND_PERMISSION,
        weight=20,
    ),
    navigation.NavItem(
        gettext_lazy("Segments"),
        "messaging:segment_list",
        "funnel",
        "messaging.view_segment",
        weight=20,
    ),
):
    navigation.register_nav_item("marketing", _item)

APPROVAL_ITEMS = 20


@mywork.register_work_provider
def messages_to_approve(user: User) -> mywork.WorkSection | None:
    """The CRM manager: marketing messages waiting for their approval (not their own)."""
    waiting = messages_awaiting_approval(user, APPROVAL_ITEMS)
    if not waiting:
        return None
    items = [
        mywork.WorkItem(
            title=_("Approve or return: %(text)s")
            % {"text": Truncator(message.subject or message.body).chars(60)},
            url=reverse("messaging:message_detail", args=[message.pk]),
            detail=str(message.segment or message.customer or ""),
        )
        for message in waiting
    ]
    return mywork.WorkSection(
        title=_("Messages awaiting approval"),
        items=items,
        list_url=reverse("messaging:message_list") + "?state=awaiting_approval",
    )


MESSAGES = "messages"
_MESSAGE_FIELDS = (
    "sent_at",
    "status",
    "message__channel",
    "message__purpose",
    "message__subject",
    "message__body",
    "message__values",
    "message__state",
)


@register_timeline_source(
    MESSAGES, gettext_lazy("Messages sent"), "envelope", permission=VIEW_MESSAGE
)
def message_entries(customer: Customer, user: User, limit: int) -> list[TimelineRows]:
    """Each message handed over to the customer: channel, purpose, the text as it was
    rendered for them, and its status."""
    if not user.has_perm(VIEW_MESSAGE):
        return []
    return [
        TimelineRows(
            lambda: Recipient.objects.filter(
                customer_id=customer.pk, sent_at__isnull=False
            ).order_by("-sent_at", "-id"),
            model=Recipient,
            at="sent_at",
            entry=lambda recipient: _message_entry(customer, recipient),
            fields=_MESSAGE_FIELDS,
        )
    ]


def _message_entry(customer: Customer, recipient: Recipient) -> TimelineEntry:
    message = recipient.message
    text = render(message.body, customer, message.values)
    if message.subject:
        text = f"{render(message.subject, customer, message.values)} · {text}"
    return TimelineEntry(
        when=recipient.sent_at or message.created_at,
        kind=MESSAGES,
        icon="envelope" if message.channel == ConsentChannel.EMAIL else "chat-dots",
        title=_("%(channel)s: %(purpose)s · %(status)s")
        % {
            "channel": ConsentChannel(message.channel).label,
            "purpose": ConsentPurpose(message.purpose).label,
            "status": RecipientStatus(recipient.status).label,
        },
        detail=text,
        url=reverse("messaging:message_detail", args=[recipient.message_id]),
    )
