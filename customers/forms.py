from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from core.consent import (
    CHANNEL_ADDRESS_FIELD,
    FORM_CHANNELS,
    FORM_PAIRS,
    ConsentChannel,
    ConsentPurpose,
    field_name,
    grid_from_fields,
    no_consents,
    pair_label,
    split_pair,
)
from core.forms import Form, ModelForm
from core.identity import normalize_national_id
from core.phones import normalize_saudi_mobile
from core.text import normalize_digits
from core.widgets import DependentSelect

from .models import Customer
from .services import CUSTOMER_FIELDS

CONSENT_SOURCE_MAX_LENGTH = 200


def _consent_fields() -> dict[str, forms.Field]:
    """One box per channel and purpose, then the date and source of the consents given."""
    fields: dict[str, forms.Field] = {
        field_name(key): forms.BooleanField(label=pair_label(key), required=False)
        for key in FORM_PAIRS
    }
    fields["consent_date"] = forms.DateField(
        label=_("consent date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the customer gave the consents ticked now."),
    )
    fields["consent_source"] = forms.CharField(
        label=_("consent source"),
        required=False,
        max_length=CONSENT_SOURCE_MAX_LENGTH,
        widget=forms.TextInput(),
        help_text=_("How: the paper form, a call, the public page…"),
    )
    return fields


class CustomerDataForm(ModelForm):
    """The customer part of the create/modify form. It validates proposed values; it never
    saves a customer (only the steward's entry does, through customers.services)."""

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "address": forms.TextInput(),
            "centre": DependentSelect(follows="city", key="city_id"),
        }

    def __init__(self, *args, consents_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The customer's current consents (a new customer: none), ticked to start with.
        self.consents_before = {**no_consents(), **(consents_before or {})}
        for key in FORM_PAIRS:
            self.fields[field_name(key)].initial = self.consents_before[key]
        self.fields["centre"].queryset = Centre.objects.filter(is_active=True).select_related(
            "city"
        )
        for name in ("mobile", "phone", "national_id", "email"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile", "")
        return normalize_saudi_mobile(mobile) if mobile else ""

    def clean_phone(self):
        return normalize_digits(self.cleaned_data.get("phone", "")).strip()

    def clean_national_id(self):
        return normalize_national_id(self.cleaned_data.get("national_id", ""))

    def clean_consent_date(self):
        consent_date = self.cleaned_data.get("consent_date")
        if consent_date and consent_date > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return consent_date

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        for name, message in customer_value_errors(cleaned, consents_before=self.consents_before):
            self.add_error(name, message)
        return cleaned

    def consent_grid(self):
        """The boxes as rows of the grid: [(purpose label, [bound field per channel])]."""
        return [
            (
                ConsentPurpose(purpose).label,
                [self[field_name(f"{channel}.{purpose}")] for channel in FORM_CHANNELS],
            )
            for purpose in ConsentPurpose.values
        ]

    def consent_channels(self):
        return [ConsentChannel(channel).label for channel in FORM_CHANNELS]


CustomerDataForm.base_fields.update(_consent_fields())


def customer_value_errors(cleaned, *, consents_before=None):
    """The rules between the fields of a customer, over cleaned values: [(field name or
    None for the whole form, message)]. Shared by the form and the import's row check
    (customers.imports), which validates rows without a form. A centre without a city
    gives `cleaned` its city."""
    errors = []
    city, centre = cleaned.get("city"), cleaned.get("centre")
    if centre and city and centre.city_id != city.pk:
        errors.append(("centre", _("This centre is not in the chosen city.")))
    if centre and not city:
        cleaned["city"] = centre.city
    errors.extend(consent_errors(cleaned, consents_before))
    if not (cleaned.get("mobile") or cleaned.get("phone") or cleaned.get("email")):
        errors.append(
            (None, _("Give at least one way to reach the customer: mobile, phone or email."))
        )
    return errors


def consent_errors(cleaned, consents_before=None):
    """A consent given now needs its date and source; a consent by SMS needs a mobile, by
    email an email (those the customer keeps, even if given earlier)."""
    grid = grid_from_fields(cleaned)
    if grid is None:
        return []
    before = {**no_consents(), **(consents_before or {})}
    errors = []
    newly_given = [key for key, given in grid.items() if given and not before[key]]
    if newly_given and not cleaned.get("consent_date"):
        errors.append(("consent_date", _("Record when the customer gave consent.")))
    if newly_given and not cleaned.get("consent_source"):
        errors.append(("consent_source", _("Record how the customer gave consent.")))
    for channel in FORM_CHANNELS:
        given = [key for key, value in grid.items() if value and split_pair(key)[0] == channel]
        address = CHANNEL_ADDRESS_FIELD[channel]
        if given and address in cleaned and not cleaned[address]:
            message = {
                ConsentChannel.SMS: _("Consent to SMS messages needs a mobile number."),
                ConsentChannel.EMAIL: _("Consent to email messages needs an email address."),
            }[channel]
            errors.append((field_name(given[0]), message))
    return errors


class RequestReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason for the request"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalForm(Form):
    """The manager's approval: a note, and the reason to override blocking duplicates when
    the form has some (`override=True`)."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding the duplicate warning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not override:
            del self.fields["override_reason"]


class RejectionForm(Form):
    """The manager's rejection: its reason, written on the form."""

    note = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class StewardDesignationForm(Form):
    """The CRM manager's designation of the steward and deputy (6.1.4); only holders of the
    two roles are offered."""

    steward = PersonChoiceField(
        label=_("Customer-data steward"), queryset=get_user_model().objects.none()
    )
    deputy = PersonChoiceField(label=_("Deputy steward"), queryset=get_user_model().objects.none())
    steward_absent = forms.BooleanField(
        label=_("The steward is absent: the deputy enters approved forms"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        widget=forms.TextInput(),
        help_text=_("Recorded in the history of the designation."),
    )

    def __init__(self, *args, **kwargs):
        from .services import steward_candidates

        super().__init__(*args, **kwargs)
        stewards, deputies = steward_candidates()
        self.fields["steward"].queryset = stewards
        self.fields["deputy"].queryset = deputies
        for name in ("steward", "deputy"):
            self.fields[name].empty_label = _("Choose…")

    def clean(self):
        cleaned = super().clean()
        steward, deputy = cleaned.get("steward"), cleaned.get("deputy")
        if steward and deputy and steward == deputy:
            self.add_error("deputy", _("The deputy must be another person than the steward."))
        return cleaned
