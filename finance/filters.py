"""The filter of the donations list: donor code, programme, year and matching."""

import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from core.forms import FilterSet
from core.text import normalize_digits
from core.widgets import QuickSelect
from customers.models import CODE_MAX_DIGITS
from programmes.models import Programme
from programmes.selectors import programme_choices

from . import selectors
from .models import Donation

MATCHED, UNMATCHED = "matched", "unmatched"


class DonationFilter(FilterSet):
    donor = django_filters.CharFilter(label=gettext_lazy("Donor code"), method="filter_donor")
    programme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.only("pk", "code", "name"),
        empty_label=gettext_lazy("All programmes"),
        widget=QuickSelect,
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Year"),
        method="filter_year",
        choices=[],
        empty_label=gettext_lazy("All years"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Matching"),
        method="filter_status",
        choices=[
            (MATCHED, gettext_lazy("Matched")),
            (UNMATCHED, gettext_lazy("Waiting to be matched")),
        ],
        empty_label=gettext_lazy("All"),
        widget=QuickSelect,
    )

    class Meta:
        model = Donation
        fields = ["donor", "programme", "year", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [
            (year, str(year)) for year in selectors.donation_years()
        ]
        # The options as cached plain values (no model per option); the field's queryset
        # still validates the choice.
        programme = self.form.fields["programme"]
        programme.widget.choices = [("", programme.empty_label)] + [
            (pk, f"{code} · {name}") for pk, code, name in programme_choices()
        ]

    def filter_donor(self, queryset, name, value):
        code = normalize_digits(value).strip()
        condition = Q(donor_code_as_imported=code)
        if code.isdigit() and len(code) <= CODE_MAX_DIGITS:
            condition |= Q(donor__code=int(code))
        return queryset.filter(condition)

    def filter_year(self, queryset, name, value):
        value = int(value)  # one of the choices, so digits
        # A range on the date, not __year: the index on received_on serves it.
        return queryset.filter(
            received_on__gte=datetime.date(value, 1, 1),
            received_on__lte=datetime.date(value, 12, 31),
        )

    def filter_status(self, queryset, name, value):
        if value == MATCHED:
            return queryset.filter(donor__isnull=False, programme__isnull=False)
        return queryset.filter(selectors.unmatched_condition())
