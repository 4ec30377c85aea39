"""Where a round's invitations can come from besides the customers chosen by hand: an app
above surveys registers the customers it served in a period (support/ registers the
beneficiaries who received support), and the invitations page offers them, so surveys never
imports the app.

    register_invitation_source(InvitationSource(
        key="support_deliveries",
        label=gettext_lazy("Beneficiaries who received support"),
        customers=served_between,   # (first day, last day, centre or None) → customers
    ))
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from association.models import Centre
    from customers.models import Customer

ServedBetween = Callable[[datetime.date, datetime.date, "Centre | None"], "QuerySet[Customer]"]


@dataclass(frozen=True)
class InvitationSource:
    key: str
    label: str | Promise
    customers: ServedBetween


_sources: dict[str, InvitationSource] = {}


def register_invitation_source(source: InvitationSource) -> InvitationSource:
    _sources.setdefault(source.key, source)
    return source


def invitation_sources() -> list[InvitationSource]:
    return list(_sources.values())


def invitation_source(key: str) -> InvitationSource | None:
    return _sources.get(key)
