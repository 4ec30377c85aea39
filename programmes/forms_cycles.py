"""Forms and list filters of the portfolio cycles and the programme proposals."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FilterSet, Form
from customers.lookup import donor_choice_field

from . import cycles
from .models import (
    CycleHalf,
    CycleState,
    PortfolioCycle,
    Programme,
    ProgrammeCategory,
    ProgrammeProposal,
    ProposalState,
)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(count):
    return forms.Textarea(attrs={"rows": count})


class ProgrammeCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.code} · {programme.name} ({programme.category})"


# --- cycles -------------------------------------------------------------------------------


class HandoverForm(Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("period"), choices=CycleHalf.choices, coerce=int)
    received_on = forms.DateField(label=_("date received"), widget=_date_input())
    programmes = ProgrammeCheckboxes(
        label=_("programmes and activities of this portfolio"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("handover note"), required=False, widget=_rows(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = cycles.handover_programme_choices()
        self.fields["year"].widget.attrs["dir"] = "ltr"

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return received_on


class ReviewForm(Form):
    notes = forms.CharField(
        label=_("review notes"),
        widget=_rows(4),
        help_text=_("What you checked in the portfolio and what you discussed with planning."),
    )


class DonorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, donor):
        return f"{donor.name} ({donor.code})"


class CycleDonorsForm(Form):
    """The potential donors of one programme: the donors suggested by their interests and
    those already chosen as boxes, other donors by customer code."""

    donors = DonorChoices(
        label=_("Potential donors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_donors = donor_choice_field(label=_("Other donors"), required=False, multiple=True)

    def __init__(self, *args, choices=(), **kwargs):
        from opportunities.selectors import active_donors

        super().__init__(*args, **kwargs)
        # Validation accepts any active donor; only the offered ones are drawn as boxes.
        self.fields["donors"].queryset = active_donors()
        self.fields["donors"].widget.choices = [(donor.pk, donor.name) for donor in choices]

    def chosen_donors(self):
        chosen = [*self.cleaned_data.get("donors", []), *self.cleaned_data.get("other_donors", [])]
        return list(dict.fromkeys(chosen))


class IdentifyForm(Form):
    note = forms.CharField(
        label=_("identification note"),
        required=False,
        widget=_rows(3),
        help_text=_("Required when a programme is left without a potential donor: say why."),
    )


class SeedOpportunityForm(Form):
    title = forms.CharField(label=_("title of the opportunity"), max_length=200)
    expected_amount = forms.DecimalField(
        label=_("expected amount (SAR)"), min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_amount"].widget.attrs["dir"] = "ltr"


def _cycle_years():
    years = PortfolioCycle.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(str(year), str(year)) for year in years]


class CycleFilter(FilterSet):
    year = django_filters.ChoiceFilter(label=_("year"), choices=_cycle_years, empty_label=_("All"))
    state = django_filters.ChoiceFilter(
        label=_("status"), choices=CycleState.choices, empty_label=_("All")
    )

    class Meta:
        model = PortfolioCycle
        fields = ["year", "state"]


# --- proposals ----------------------------------------------------------------------------


class ProposalForm(Form):
    title = forms.CharField(label=_("proposed programme"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=ProgrammeCategory.objects.all(),
        required=False,
        empty_label=_("Not set"),
        help_text=_("The kind of programme, as the donors' interests record it."),
    )
    donor_codes = donor_choice_field(
        label=_("Donors who asked for it"),
        multiple=True,
        error_messages={"required": _("Enter the customer code of at least one donor.")},
    )
    description = forms.CharField(label=_("what the donors asked for"), widget=_rows(4))
    reason = forms.CharField(label=_("why it is proposed"), widget=_rows(3))


class AnswerForm(Form):
    note = forms.CharField(
        label=_("planning's note"),
        required=False,
        widget=_rows(3),
        help_text=_("Required to refuse or to ask for a study."),
    )


class ProposalProgrammeForm(Form):
    """The programme added to the portfolio from an accepted proposal."""

    code = forms.CharField(label=_("programme code"), max_length=30)
    name = forms.CharField(label=_("programme name"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=ProgrammeCategory.objects.all(), empty_label=_("Choose…")
    )
    budget = forms.DecimalField(
        label=_("budget (SAR)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    portfolio_year = forms.IntegerField(
        label=_("portfolio year"), min_value=2000, max_value=2100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("code", "budget", "portfolio_year"):
            self.fields[name].widget.attrs["dir"] = "ltr"


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.code} · {programme.name}"


class LinkProgrammeForm(Form):
    programme = ProgrammeChoice(
        label=_("programme created from it"),
        queryset=Programme.objects.order_by("code"),
        empty_label=_("Choose…"),
    )


class ProposalFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("status"), choices=ProposalState.choices, empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("category"), queryset=ProgrammeCategory.objects.all(), empty_label=_("All")
    )

    class Meta:
        model = ProgrammeProposal
        fields = ["q", "state", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Title, donor name or code")

    def filter_text(self, queryset, name, value):
        from .proposals import search_donor_filter

        return queryset.filter(search_donor_filter(value)).distinct()
