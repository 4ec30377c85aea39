"""What surveys adds to messaging's segments: the beneficiaries of chosen programmes, known
to the association as those who answered or were invited to a programme's beneficiary
satisfaction survey (the only record of who took part in a programme). Registered from
SurveysConfig.ready (messaging never imports this app)."""

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from messaging.segments import Criterion, register_criterion
from programmes.models import Programme

from .models import InstrumentKind, Invitation, Response


def _fields() -> dict[str, forms.Field]:
    return {
        "beneficiaries_of": forms.ModelMultipleChoiceField(
            Programme.objects.order_by("name"),
            label=_("took part in one of these programmes"),
            help_text=_("Answered or was invited to the programme's satisfaction survey."),
            required=False,
        )
    }


def _narrow(customers: "QuerySet[Customer]", ids: Any) -> "QuerySet[Customer]":
    answered = Response.objects.filter(
        customer=OuterRef("pk"),
        round__programme__in=ids,
        version__instrument__kind=InstrumentKind.BENEFICIARY,
    )
    invited = Invitation.objects.filter(
        customer=OuterRef("pk"), round__programme__in=ids, kind=InstrumentKind.BENEFICIARY
    )
    return customers.filter(Exists(answered) | Exists(invited))


register_criterion(
    Criterion(
        "beneficiaries_of",
        _("beneficiaries of programmes"),
        _fields,
        dump=lambda cleaned: (
            sorted(row.pk for row in cleaned.get("beneficiaries_of") or []) or None
        ),
        narrow=_narrow,
    )
)
