"""Forms of the campaigns app: the plan, its coordination note, a campaign, the steps, the
proposals, the programme's placements and the launch evidence, and the list's filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from association.models import Centre, City
from core.forms import Form, ModelForm, text_step_form
from core.widgets import QuickSelectMultiple
from customers.models import CustomerKind
from links.targets import check_target
from programmes.models import Programme, ProgrammeCategory
from programmes.selectors import programme_choices

from .models import (
    CAMPAIGN_RELATIONS,
    DEFAULT_PLACEMENT_TARGET,
    Campaign,
    CampaignState,
    Channel,
    MarketingPlan,
    Proposal,
    Verdict,
)
from .selectors import agencies, campaign_segment, departments_of


class PlanForm(ModelForm):
    class Meta:
        model = MarketingPlan
        fields = ["year", "title", "objectives", "strategic_goals", "promotion_plans", "timing"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "strategic_goals": forms.Textarea(attrs={"rows": 3}),
            "promotion_plans": forms.Textarea(attrs={"rows": 3}),
            "timing": forms.Textarea(attrs={"rows": 3}),
        }


class CoordinationForm(Form):
    department = forms.ChoiceField(label=_("department"))
    verdict = forms.ChoiceField(label=_("verdict"), choices=Verdict.choices)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .models import Department

        mine = departments_of(user) if user is not None else []
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            (code, label) for code, label in Department.choices if code in mine
        ]


# The campaign form's fields in the order the form shows them.
FORM_FIELD_ORDER = [
    "plan",
    "adhoc_reason",
    "title",
    "objectives",
    "starts_on",
    "ends_on",
    "budget",
    "cities",
    "centres",
    "customer_kinds",
    "interests",
    "programmes",
    "target_reach",
    "target_visits",
    "target_new_customers",
    "target_support_requests",
    "target_donations",
    "target_opportunities",
    "channels",
    "channel_notes",
]


class CampaignForm(ModelForm):
    plan = forms.ModelChoiceField(
        label=_("annual plan"),
        queryset=MarketingPlan.objects.all(),
        required=False,
        help_text=_("Leave empty for a campaign outside the plan, and give the reason."),
    )
    cities = forms.ModelMultipleChoiceField(
        label=_("cities"),
        queryset=City.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    centres = forms.ModelMultipleChoiceField(
        label=_("centres"), queryset=Centre.objects.all(), required=False
    )
    customer_kinds = forms.MultipleChoiceField(
        label=_("customer types"),
        choices=CustomerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("donor interests"), queryset=ProgrammeCategory.objects.all(), required=False
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("programmes promoted"),
        queryset=Programme.objects.all(),
        required=False,
        widget=QuickSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = FORM_FIELD_ORDER

    class Meta:
        model = Campaign
        # The many-to-many fields are declared above, their values read from the cached
        # campaign_segment (no query per relation); the services save them.
        fields = [name for name in FORM_FIELD_ORDER if name not in CAMPAIGN_RELATIONS]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "adhoc_reason": forms.Textarea(attrs={"rows": 2}),
            "channel_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The plan is chosen once: a campaign does not move between plans.
            del self.fields["plan"]
            chosen = campaign_segment(self.instance)
            self.initial = {
                **{name: [row.pk for row in rows] for name, rows in chosen.items()},
                **self.initial,
            }
        # Every programme is an option: written from cached plain values, in the queryset's
        # order and with the programme's own label (code · name); the queryset validates.
        self.fields["programmes"].widget.choices = [
            (pk, f"{code} · {name}") for pk, code, name in programme_choices()
        ]


class RequestProposalsForm(Form):
    agency = forms.ModelChoiceField(
        label=_("advertising agency"),
        queryset=agencies(),
        help_text=_("A customer of type Other; add it through a customer form if missing."),
    )
    requirements = forms.CharField(
        label=_("requirements discussed with the agency"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ChooseProposalForm(Form):
    proposal = forms.ModelChoiceField(label=_("chosen proposal"), queryset=Proposal.objects.none())
    evaluation = forms.CharField(label=_("evaluation"), widget=forms.Textarea(attrs={"rows": 3}))
    more_advertising_needed = forms.BooleanField(label=_("more advertising needed"), required=False)

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposal"]
        field.queryset = campaign.proposals.all() if campaign else Proposal.objects.none()  # type: ignore[attr-defined]


class LaunchForm(Form):
    launched_on = forms.DateField(label=_("launch date"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalUploadForm(Form):
    file = forms.FileField(label=_("proposals file (PDF or image)"))
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlacementForm(Form):
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    location = forms.CharField(label=_("medium or location"), max_length=200)
    starts_on = forms.DateField(label=_("from"))
    ends_on = forms.DateField(label=_("to"))
    cost = forms.DecimalField(label=_("cost"), min_value=0, max_digits=12, decimal_places=2)
    proposal = forms.ModelChoiceField(
        label=_("from proposal"),
        queryset=Proposal.objects.none(),
        required=False,
    )
    target = forms.CharField(
        label=_("target page"),
        max_length=2000,
        initial=DEFAULT_PLACEMENT_TARGET,
        help_text=_(
            "Where the placement's short link and QR code lead: a page of this site (e.g. "
            "/public/cases/new/) or a full address whose host is on the allowed list."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposal"]
        field.queryset = campaign.proposals.all() if campaign else Proposal.objects.none()  # type: ignore[attr-defined]

    def clean_target(self) -> str:
        return check_target(self.cleaned_data["target"])


class EvidenceForm(Form):
    photo = forms.FileField(label=_("photo (JPEG or PNG)"), required=False)
    url = forms.URLField(label=_("link to the post"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("photo") and not data.get("url"):
            raise forms.ValidationError(_("Attach a photo or give a link."))
        return data


class CampaignFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All")), *CampaignState.choices]
    )
    plan = forms.ModelChoiceField(
        label=_("annual plan"),
        queryset=MarketingPlan.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    overdue = forms.ChoiceField(
        label=_("Deadlines"), required=False, choices=[("", _("All")), ("1", _("Overdue"))]
    )


ReasonForm = text_step_form(_("Reason"), name="reason")
NoteForm = text_step_form(_("Note (optional)"), required=False, rows=2)
