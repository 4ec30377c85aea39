"""What finance adds to messaging's segments: donors who gave in a period, and donors of
chosen programmes; registered from FinanceConfig.ready (messaging never imports this app)."""

import datetime
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from messaging.segments import Criterion, register_criterion
from programmes.models import Programme

from .models import Donation


def _period_fields() -> dict[str, forms.Field]:
    return {
        "donated_from": forms.DateField(label=_("gave a donation from"), required=False),
        "donated_until": forms.DateField(label=_("until"), required=False),
    }


def _period_dump(cleaned: dict[str, Any]) -> dict[str, str] | None:
    start, end = cleaned.get("donated_from"), cleaned.get("donated_until")
    if not start and not end:
        return None
    return {
        "from": start.isoformat() if start else "",
        "until": end.isoformat() if end else "",
    }


def _period_load(value: dict[str, str]) -> dict[str, Any]:
    return {"donated_from": value.get("from") or None, "donated_until": value.get("until") or None}


def _period_narrow(customers: "QuerySet[Customer]", value: dict[str, str]) -> "QuerySet[Customer]":
    donations = Donation.objects.filter(donor=OuterRef("pk"))
    if value.get("from"):
        donations = donations.filter(received_on__gte=datetime.date.fromisoformat(value["from"]))
    if value.get("until"):
        donations = donations.filter(received_on__lte=datetime.date.fromisoformat(value["until"]))
    return customers.filter(Exists(donations))


def _programme_fields() -> dict[str, forms.Field]:
    return {
        "programmes": forms.ModelMultipleChoiceField(
            Programme.objects.order_by("name"),
            label=_("gave to one of these programmes"),
            required=False,
        )
    }


def _programme_narrow(customers: "QuerySet[Customer]", ids: Any) -> "QuerySet[Customer]":
    return customers.filter(
        Exists(Donation.objects.filter(donor=OuterRef("pk"), programme__in=ids))
    )


register_criterion(
    Criterion(
        "donated",
        _("donation in a period"),
        _period_fields,
        dump=_period_dump,
        narrow=_period_narrow,
        load=_period_load,
    )
)
register_criterion(
    Criterion(
        "programmes",
        _("donors of programmes"),
        _programme_fields,
        dump=lambda cleaned: sorted(row.pk for row in cleaned.get("programmes") or []) or None,
        narrow=_programme_narrow,
    )
)
