"""What opportunities add to messaging's segments: donors by their recorded interests
(3.1.12), registered from OpportunitiesConfig.ready (messaging never imports this app)."""

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from messaging.segments import Criterion, register_criterion
from programmes.models import ProgrammeCategory

from .models import DonorInterest


def _fields() -> dict[str, forms.Field]:
    return {
        "interests": forms.ModelMultipleChoiceField(
            ProgrammeCategory.objects.order_by("name"),
            label=_("recorded interests"),
            required=False,
            help_text=_("Donors who recorded an interest in one of these categories."),
        )
    }


def _narrow(customers: "QuerySet[Customer]", ids: Any) -> "QuerySet[Customer]":
    return customers.filter(
        Exists(DonorInterest.objects.filter(donor=OuterRef("pk"), category__in=ids))
    )


register_criterion(
    Criterion(
        "interests",
        _("recorded interests"),
        _fields,
        dump=lambda cleaned: sorted(row.pk for row in cleaned.get("interests") or []) or None,
        narrow=_narrow,
    )
)
