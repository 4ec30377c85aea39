"""The forms of part B's pages: a delivery, a recurring schedule, a distribution day and its
entry box, the decision notice, the appeal, closing, linking an existing beneficiary, the
statistics' period, and the public online request."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from complaints.forms import offer_active_centres
from complaints.public_forms import MobileField
from core.forms import Form, text_step_form
from core.identity import validate_saudi_national_id
from core.text import normalize_digits
from customers.lookup import CustomerChoiceField
from customers.models import CustomerKind

from .models import DocumentType, NoticeChannel, SupportType, SupportUnit

CloseForm = text_step_form(_("Why is the request closed?"), rows=2)
AppealForm = text_step_form(
    _("The new information the applicant brings"),
    name="text",
    rows=4,
    help_text=_(
        "The appeal is beyond the policy manual (seed 003): the association allows one "
        "appeal, which goes back to the research committee."
    ),
)


class NoticeForm(Form):
    channel = forms.ChoiceField(
        label=_("Tell the applicant by"),
        choices=NoticeChannel.choices,
        initial=NoticeChannel.SMS,
        widget=forms.RadioSelect,
    )


class LinkCustomerForm(Form):
    customer = CustomerChoiceField(
        label=_("The beneficiary"), kinds=[CustomerKind.BENEFICIARY], active_only=True
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["customer"].limit_to(user)  # type: ignore[attr-defined]  # CustomerChoiceField


class DeliveryForm(Form):
    amount = forms.DecimalField(
        label=_("amount (riyals)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    quantity = forms.IntegerField(label=_("quantity"), required=False, min_value=0)
    delivered_on = forms.DateField(label=_("delivered on"))
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args: Any, unit: str = SupportUnit.RIYALS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
        offer_active_centres(self, None)
        # The support type decides what is asked: an amount or a quantity.
        del self.fields["quantity" if unit == SupportUnit.RIYALS else "amount"]


class ScheduleForm(Form):
    next_due_on = forms.DateField(label=_("next delivery due"))
    reassess_on = forms.DateField(label=_("re-assessment date"))
    interval_months = forms.IntegerField(label=_("every (months)"), min_value=1, max_value=24)
    note = forms.CharField(label=_("Reason for the change"), required=False, max_length=100)


class DistributionDayForm(Form):
    title = forms.CharField(label=_("title"), max_length=200)
    day = forms.DateField(label=_("day"))
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )
    support_type = forms.ModelChoiceField(
        label=_("support type"), queryset=SupportType.objects.filter(is_active=True)
    )
    amount = forms.DecimalField(
        label=_("amount per person (riyals)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    quantity = forms.IntegerField(label=_("quantity per person"), required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()
        offer_active_centres(self, None)
        self.fields["amount"].help_text = _("For support measured in riyals.")
        self.fields["quantity"].help_text = _("For support measured in items (a food basket…).")


class EntryForm(Form):
    key = forms.CharField(
        label=_("Customer code, national ID or name"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "spellcheck": "false",
                "dir": "auto",
                "enterkeyhint": "done",
            }
        ),
    )


class StatisticsForm(Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_active_centres(self, None)
        cast(forms.ModelChoiceField, self.fields["centre"]).empty_label = _("All")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        return cleaned


# --- the public online request ----------------------------------------------------------------

HONEYPOT_FIELD = "website"


class PublicRequestForm(Form):
    """A support request filed online by the applicant (phone first)."""

    support_type = forms.ModelChoiceField(
        label=_("What support do you ask for?"),
        queryset=SupportType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the support you ask for.")},
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    national_id = forms.CharField(
        label=_("National ID or Iqama number"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    mobile = MobileField(
        label=_("Mobile number"),
        help_text=_("We send the tracking number and the committee's answer to this number."),
    )
    centre = forms.ModelChoiceField(
        label=_("Neighbourhood centre"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("I don't know"),
        help_text=_("The centre nearest to where you live."),
    )
    need = forms.CharField(
        label=_("What do you need, and why?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    declared = forms.BooleanField(
        label=_(
            "I declare that the data I gave are correct and that I am directly responsible "
            "for them."
        ),
        error_messages={
            "required": _(
                "Declare that the data are correct and that you are responsible for them."
            )
        },
    )
    # The honeypot: hidden from people (and screen readers), filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["support_type"]
        ).queryset = SupportType.objects.filter(is_active=True).prefetch_related(
            "required_documents"
        )
        cast(forms.ModelChoiceField, self.fields["centre"]).queryset = Centre.objects.filter(
            is_active=True
        ).select_related("city")
        self.document_types = list(DocumentType.objects.filter(is_active=True))
        for document_type in self.document_types:
            self.fields[f"document_{document_type.pk}"] = forms.FileField(
                label=document_type.name,
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,application/pdf"}
                ),
            )

    def document_fields(self) -> list[Any]:
        return [self[f"document_{document_type.pk}"] for document_type in self.document_types]

    def documents(self) -> dict[DocumentType, Any]:
        return {
            document_type: self.cleaned_data[f"document_{document_type.pk}"]
            for document_type in self.document_types
            if self.cleaned_data.get(f"document_{document_type.pk}")
        }

    def is_bot(self) -> bool:
        return bool(self.is_bound and (self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean_national_id(self) -> str:
        value = normalize_digits(self.cleaned_data.get("national_id") or "").strip()
        validate_saudi_national_id(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        support_type = cleaned.get("support_type")
        if support_type is not None:
            required = {document.pk for document in support_type.required_documents.all()}
            for document_type in self.document_types:
                name = f"document_{document_type.pk}"
                if cleaned.get(name) and document_type.pk not in required:
                    self.add_error(
                        name,
                        gettext("%(document)s is not required for this support type.")
                        % {"document": document_type},
                    )
        return cleaned


class StatusForm(Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "SABCD2345",
            }
        ),
    )
    national_id = forms.CharField(
        label=_("National ID or Iqama number"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )

    def clean_tracking_number(self) -> str:
        raw = normalize_digits(self.cleaned_data.get("tracking_number") or "")
        return "".join(char for char in raw if char.isalnum()).upper()

    def clean_national_id(self) -> str:
        return normalize_digits(self.cleaned_data.get("national_id") or "").strip()
