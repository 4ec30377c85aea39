import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ContactChannel
from core.forms import FilterSet, Form
from core.widgets import QuickSelect
from customers.lookup import donor_choice_field
from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus
from programmes.selectors import programme_choices

from . import selectors, services
from .models import OPEN_STATES, ApprovalParty, Opportunity, OpportunityState


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(count):
    return forms.Textarea(attrs={"rows": count})


# --- the list and the board -------------------------------------------------------------


class OpportunityFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("status"), choices=OpportunityState.choices, widget=QuickSelect
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("programme or activity"),
        queryset=Programme.objects.filter(
            Exists(Opportunity.objects.filter(programme=OuterRef("pk")))
        ).only("code", "name"),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("owner"),
        queryset=get_user_model()
        .objects.filter(Exists(Opportunity.objects.filter(owner=OuterRef("pk"))))
        .only("username", "first_name", "last_name"),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    stale = django_filters.ChoiceFilter(
        label=_("Activity"),
        choices=[("1", _("No activity for a week")), ("0", _("Active this week"))],
        empty_label=_("All"),
        method="filter_stale",
        widget=QuickSelect,
    )

    class Meta:
        model = Opportunity
        fields = ["q", "state", "programme", "owner", "stale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["q"].widget.attrs["placeholder"] = _("Opportunity title")
        # The options are read as cached plain values (no model per option); the field's
        # queryset still validates the choice.
        programmes, owners = selectors.filter_options()
        empty = [("", fields["programme"].empty_label)]
        fields["programme"].widget.choices = empty + programmes
        fields["owner"].widget.choices = empty + owners

    def filter_text(self, queryset, name, value):
        return selectors.search_opportunities(queryset, value)

    def filter_stale(self, queryset, name, value):
        cutoff = selectors.stale_cutoff()
        if value == "1":
            return queryset.stale()
        return queryset.exclude(state__in=OPEN_STATES, last_activity_at__lt=cutoff)


# --- creating an opportunity ------------------------------------------------------------


class DonorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, donor):
        return donor.name


class OpportunityCreateForm(Form):
    """Identification: the programme, the amounts and the potential donors. Donors interested
    in the programme's category are offered ticked; others can be added from the list."""

    title = forms.CharField(label=_("title"), max_length=200)
    programme = forms.ModelChoiceField(
        label=_("programme or activity"),
        queryset=Programme.objects.filter(
            status__in=[ProgrammeStatus.PLANNED, ProgrammeStatus.ACTIVE]
        ).select_related("category"),
        widget=QuickSelect,
    )
    expected_amount = forms.DecimalField(
        label=_("expected amount (SAR)"), min_value=0, max_digits=14, decimal_places=2
    )
    probability = forms.IntegerField(
        label=_("success probability (%)"), min_value=0, max_value=100, initial=10
    )
    success_factors = forms.CharField(label=_("success factors"), required=False, widget=_rows(3))
    donors = DonorChoiceField(
        label=_("Suggested donors"),
        queryset=selectors.active_donors(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Donors who recorded an interest in this programme's category."),
    )
    other_donors = donor_choice_field(
        label=_("Other potential donors"), required=False, multiple=True
    )

    def __init__(self, *args, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = list(suggested)
        # Validation accepts any active donor (the programme may have changed since the page
        # was drawn); only the suggested ones are shown as boxes.
        self.fields["donors"].widget.choices = [(donor.pk, donor.name) for donor in self.suggested]
        # The options as cached plain values (no model per option); the field's queryset
        # still validates the choice.
        programme = self.fields["programme"]
        programme.widget.choices = [("", programme.empty_label)] + [
            (pk, f"{code} · {name}")
            for pk, code, name in programme_choices(services.OPEN_PROGRAMME_STATUSES)
        ]
        self.fields["expected_amount"].widget.attrs["dir"] = "ltr"
        self.fields["probability"].widget.attrs["dir"] = "ltr"

    def chosen_donors(self):
        chosen = [*self.cleaned_data.get("donors", []), *self.cleaned_data.get("other_donors", [])]
        return list(dict.fromkeys(chosen))


# --- the detail page's forms ------------------------------------------------------------


class AddDonorForm(Form):
    # A lookup, not a list of every donor: the association has thousands of them.
    donor = donor_choice_field(
        label=_("donor"), error_messages={"one": _("Enter one customer code.")}
    )


class ProbabilityForm(Form):
    probability = forms.IntegerField(label=_("success probability (%)"), min_value=0, max_value=100)
    success_factors = forms.CharField(label=_("success factors"), required=False, widget=_rows(3))


class ContactForm(Form):
    """A contact with a donor. On an opportunity the donor is one of its potential donors;
    on a donor's page the opportunity is optional."""

    donor = forms.ModelChoiceField(
        label=_("donor"), queryset=selectors.active_donors(), widget=QuickSelect
    )
    opportunity = forms.ModelChoiceField(
        label=_("opportunity"),
        queryset=Opportunity.objects.none(),
        required=False,
        widget=QuickSelect,
    )
    contact_date = forms.DateField(label=_("date"), widget=_date_input())
    channel = forms.ChoiceField(
        label=_("channel"), choices=ContactChannel.choices, widget=QuickSelect
    )
    summary = forms.CharField(label=_("summary"), widget=_rows(3))
    is_planned = forms.BooleanField(label=_("planned (not yet made)"), required=False)

    def __init__(self, *args, donors=None, donor_choices=None, opportunities=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("contact_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        if donors is None:
            del self.fields["donor"]
        else:
            field = self.fields["donor"]
            field.queryset = donors
            field.label_from_instance = lambda donor: donor.name
            if donor_choices is not None:
                # [(pk, name)] of the donors the page read already, as the options: no
                # query to draw them (the queryset still validates the choice).
                field.widget.choices = [("", field.empty_label), *donor_choices]
        if opportunities is None:
            del self.fields["opportunity"]
        else:
            self.fields["opportunity"].queryset = opportunities


class NoteForm(Form):
    note = forms.CharField(label=_("Note"), required=False, widget=_rows(2))


class PledgeForm(Form):
    """Closing: the signed written pledge (تعهد خطي) of one of the potential donors."""

    pledge_donor: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("pledging donor"), queryset=None
    )
    pledged_amount = forms.DecimalField(
        label=_("pledged amount (SAR)"), min_value=0.01, max_digits=14, decimal_places=2
    )
    pledge_date = forms.DateField(label=_("pledge date"), widget=_date_input())
    pledge_file = forms.FileField(
        label=_("signed pledge"),
        help_text=_("A PDF, JPEG or PNG scan of the signed pledge, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=_rows(2))

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pledge_donor"].queryset = opportunity.potential_donors.order_by("name")
        self.fields["pledge_donor"].label_from_instance = lambda donor: donor.name
        self.fields["pledged_amount"].widget.attrs["dir"] = "ltr"

    def clean_pledge_file(self):
        upload = self.cleaned_data["pledge_file"]
        try:
            services.validate_pledge_file(upload)
        except services.RequestError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class SuccessForm(Form):
    note = forms.CharField(label=_("Note"), required=False, widget=_rows(2))
    override_reason = forms.CharField(
        label=_("Reason for marking it successful before the full pledge arrived"),
        required=False,
        widget=_rows(2),
    )


class CancelForm(Form):
    reason = forms.CharField(label=_("reason for cancelling"), widget=_rows(2))


TRANSITION_FORMS: dict[str, type[forms.BaseForm]] = {
    services.START_FOLLOW_UP: NoteForm,
    services.CLOSE_WITH_PLEDGE: PledgeForm,
    services.MARK_SUCCESSFUL: SuccessForm,
    services.CANCEL: CancelForm,
}


class ContactDecisionForm(Form):
    note = forms.CharField(label=_("Note"), required=False, widget=_rows(2))
    # Which party the decision is given for, when the user decides for more than one.
    party = forms.ChoiceField(choices=ApprovalParty.choices, required=False)


class ContactRequestForm(Form):
    """A request to contact a donor, asked before contacting (3.1.21)."""

    purpose = forms.CharField(label=_("Purpose of the contact"), widget=_rows(3))
    proposed_date = forms.DateField(label=_("Proposed date"), widget=_date_input())
    channel = forms.ChoiceField(label=_("channel"), choices=ContactChannel.choices)
    opportunity = forms.ModelChoiceField(
        label=_("opportunity"), queryset=Opportunity.objects.none(), required=False
    )

    def __init__(self, *args, opportunities, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("proposed_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities


class ContactMadeForm(Form):
    """The contact made under an approved request: when, and what was said."""

    contact_date = forms.DateField(label=_("Date of the contact"), widget=_date_input())
    summary = forms.CharField(label=_("What was said"), widget=_rows(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("contact_date", timezone.localdate())
        super().__init__(*args, **kwargs)


class DesignationForm(Form):
    """A proposed point of contact for a donor, for the sub-council secretary to approve."""

    staff: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Proposed point of contact"), queryset=None
    )
    reason = forms.CharField(label=_("Reason for the proposal"), widget=_rows(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = selectors.point_of_contact_candidates()
        self.fields["staff"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class CorrectionForm(Form):
    """The owner's (or the CRM manager's) correction of an open opportunity."""

    title = forms.CharField(label=_("title"), max_length=200)
    expected_amount = forms.DecimalField(
        label=_("expected amount (SAR)"), min_value=0, max_digits=14, decimal_places=2
    )
    programme = forms.ModelChoiceField(
        label=_("programme or activity"), queryset=Programme.objects.none(), widget=QuickSelect
    )
    note = forms.CharField(label=_("Reason for the correction"), required=False, widget=_rows(2))

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        # Planned and running programmes, and the opportunity's own whatever its status.
        queryset = Programme.objects.filter(
            Q(status__in=services.OPEN_PROGRAMME_STATUSES) | Q(pk=opportunity.programme_id)
        ).order_by("code")
        self.fields["programme"].queryset = queryset
        # The options from the cached plain values: every programme in code order, kept when
        # open or the opportunity's own (the queryset above still validates the choice).
        offered = {pk for pk, _code, _name in programme_choices(services.OPEN_PROGRAMME_STATUSES)}
        offered.add(opportunity.programme_id)
        self.fields["programme"].widget.choices = [
            (pk, f"{code} · {name}") for pk, code, name in programme_choices() if pk in offered
        ]
        self.fields["expected_amount"].widget.attrs["dir"] = "ltr"


class DonorInterestsForm(Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Programme categories the donor wants to fund"),
        queryset=ProgrammeCategory.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
