"""The forms of the support requests' steps 1–5: the queue's filters, reception with the
household, the document checklist, the steps' forms, the research report, the committee's
meeting, agenda, decision and minutes."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from complaints.forms import offer_active_centres
from core.choices import ContactChannel
from core.forms import Form, ModelForm, text_step_form
from core.identity import validate_saudi_national_id
from core.phones import normalize_saudi_mobile
from core.text import normalize_digits
from core.widgets import QuickSelect
from customers.lookup import CustomerChoiceField
from customers.models import CustomerKind

from . import selectors
from .models import (
    Outcome,
    RejectionReason,
    Relation,
    RequestState,
    ResearchReport,
    SupportRequest,
    SupportType,
)

NoteForm = text_step_form(_("Note (optional)"), required=False, rows=2)
WithdrawForm = text_step_form(_("Why is the request withdrawn?"), rows=2)
IncompleteForm = text_step_form(
    _("What else must the applicant bring (optional)"),
    required=False,
    rows=2,
    help_text=_("The missing documents are listed by themselves; the list is sent by SMS."),
)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = cast(User, obj)
        return user.get_full_name() or user.get_username()


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = cast(User, obj)
        return user.get_full_name() or user.get_username()


def _national_id(value: str, *, required: bool) -> str:
    value = normalize_digits((value or "").strip())
    if not value:
        if required:
            raise ValidationError(gettext("This field is required."))
        return ""
    validate_saudi_national_id(value)
    return value


# --- the queue --------------------------------------------------------------------------------


STATE_FILTER_CHOICES = [
    ("", _("Open and accepted")),
    ("all", _("All")),
    *RequestState.choices,
]


class RequestFilterForm(Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, national ID, mobile or tracking number")}
        ),
    )
    state = forms.ChoiceField(label=_("status"), choices=STATE_FILTER_CHOICES, required=False)
    support_type = forms.ModelChoiceField(
        label=_("support type"), queryset=SupportType.objects.all(), required=False
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("channel"), choices=[("", _("All")), *ContactChannel.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Past the committee's deadline"), required=False)
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_active_centres(self, None)
        cast(forms.ModelChoiceField, self.fields["centre"]).empty_label = gettext("All")
        cast(forms.ModelChoiceField, self.fields["support_type"]).empty_label = gettext("All")


# --- reception --------------------------------------------------------------------------------


class ReceptionForm(Form):
    """Step 1: the applicant (an existing beneficiary looked up, or a new person), the
    support type, the channel, the centre and the need."""

    customer = CustomerChoiceField(
        label=_("existing beneficiary"),
        kinds=[CustomerKind.BENEFICIARY],
        active_only=True,
        required=False,
        help_text=_(
            "Type a name, code, mobile or national ID and choose from the suggestions. Leave "
            "empty for a new person."
        ),
    )
    applicant_name = forms.CharField(label=_("applicant's name"), max_length=200, required=False)
    applicant_national_id = forms.CharField(
        label=_("national ID / Iqama"), max_length=20, required=False
    )
    applicant_mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)
    applicant_address = forms.CharField(label=_("address"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=ContactChannel.choices)
    support_type = forms.ModelChoiceField(
        label=_("support type"), queryset=SupportType.objects.filter(is_active=True)
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )
    need = forms.CharField(
        label=_("the need"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the applicant asks for and why."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(CustomerChoiceField, self.fields["customer"]).limit_to(user)
        offer_active_centres(self, None)
        for name in ("applicant_national_id", "applicant_mobile"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})
        channel = cast(forms.ChoiceField, self.fields["channel"])
        channel.choices = [("", gettext("Choose…")), *ContactChannel.choices]

    def clean_applicant_national_id(self) -> str:
        return _national_id(self.cleaned_data.get("applicant_national_id", ""), required=False)

    def clean_applicant_mobile(self) -> str:
        mobile = (self.cleaned_data.get("applicant_mobile") or "").strip()
        return normalize_saudi_mobile(mobile) if mobile else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer = data.get("customer")
        if customer is None and "customer" not in self.errors:
            if not (data.get("applicant_name") or "").strip():
                self.add_error(
                    "applicant_name",
                    gettext("Choose an existing beneficiary or write the applicant's name."),
                )
            if not data.get("applicant_national_id") and "applicant_national_id" not in self.errors:
                self.add_error(
                    "applicant_national_id", gettext("Write the applicant's national ID or Iqama.")
                )
        elif customer is not None and not (
            customer.national_id or data.get("applicant_national_id")
        ):
            self.add_error(
                "applicant_national_id",
                gettext("This beneficiary has no national ID on record: write it."),
            )
        return data


class CorrectionForm(Form):
    """The applicant's data as received, corrected before the declaration, with the reason."""

    applicant_name = forms.CharField(label=_("applicant's name"), max_length=200)
    applicant_national_id = forms.CharField(label=_("national ID / Iqama"), max_length=20)
    applicant_mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)
    applicant_address = forms.CharField(label=_("address"), max_length=300, required=False)
    need = forms.CharField(label=_("the need"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=200,
        help_text=_("Written to the request's record with the old and new values."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("applicant_national_id", "applicant_mobile"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})

    def clean_applicant_national_id(self) -> str:
        return _national_id(self.cleaned_data.get("applicant_national_id", ""), required=True)


class HouseholdMemberForm(Form):
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices, required=False)
    national_id = forms.CharField(label=_("national ID / Iqama"), max_length=20, required=False)
    birth_date = forms.DateField(label=_("date of birth"), required=False)
    monthly_income = forms.DecimalField(
        label=_("monthly income (riyals)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relation = cast(forms.ChoiceField, self.fields["relation"])
        relation.choices = [("", gettext("Choose…")), *Relation.choices]
        self.fields["national_id"].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})

    def clean_national_id(self) -> str:
        return _national_id(self.cleaned_data.get("national_id", ""), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        others = [data.get(field) for field in ("national_id", "birth_date", "monthly_income")]
        if not name and any(value not in (None, "") for value in others):
            self.add_error("name", gettext("Write the household member's name."))
        if name and not data.get("relation"):
            self.add_error("relation", gettext("Choose the household member's relation."))
        return data


class RequiredHouseholdMemberForm(HouseholdMemberForm):
    """The request page's «add a member» form: the name and relation are required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["relation"].required = True


HouseholdFormSet = formset_factory(HouseholdMemberForm, extra=3, max_num=20)


# --- step 2: documents ------------------------------------------------------------------------


class DocumentChecklistForm(Form):
    """One row per required document: present, legible, its expiry date, its scan."""

    def __init__(self, *args: Any, rows: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for document_type, check in rows:
            key = document_type.pk
            self.fields[f"present_{key}"] = forms.BooleanField(
                label=_("present"), required=False, initial=bool(check and check.present)
            )
            self.fields[f"legible_{key}"] = forms.BooleanField(
                label=_("legible"), required=False, initial=bool(check and check.legible)
            )
            if document_type.has_expiry:
                self.fields[f"expires_{key}"] = forms.DateField(
                    label=_("expiry date"),
                    required=False,
                    initial=check.expires_on if check else None,
                )
            self.fields[f"file_{key}"] = forms.FileField(label=_("scan"), required=False)
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("note"), max_length=300, required=False, initial=check.note if check else ""
            )
        from core.forms import localise_fields

        localise_fields(self.fields)

    def field_rows(self) -> list[tuple[Any, Any, list[forms.BoundField]]]:
        rows = []
        for document_type, check in self.rows:
            key = document_type.pk
            names = [
                f"present_{key}",
                f"legible_{key}",
                f"expires_{key}",
                f"file_{key}",
                f"note_{key}",
            ]
            rows.append(
                (document_type, check, [self[name] for name in names if name in self.fields])
            )
        return rows

    def checks(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        result = []
        for document_type, _check in self.rows:
            key = document_type.pk
            result.append(
                {
                    "document_type": document_type,
                    "present": data.get(f"present_{key}"),
                    "legible": data.get(f"legible_{key}"),
                    "expires_on": data.get(f"expires_{key}"),
                    "file": data.get(f"file_{key}"),
                    "note": data.get(f"note_{key}", ""),
                }
            )
        return result


# --- steps 3 and 4 --------------------------------------------------------------------------


class ReferForm(Form):
    reason = forms.CharField(
        label=_("Why is the request referred?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The procedures are unclear to the applicant, or the support type requires research."
        ),
    )
    researcher = UserChoiceField(
        label=_("social research officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any research officer"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["researcher"]).queryset = selectors.research_officers()


class DeclareForm(Form):
    scan = forms.FileField(
        label=_("signed declaration (PDF or image)"),
        required=False,
        help_text=_("Print the declaration, have the applicant sign it, then upload the scan."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResearchForm(ModelForm):
    class Meta:
        model = ResearchReport
        fields = [
            "contact_method",
            "contacted_on",
            "questions_answered",
            "household_size",
            "monthly_income",
            "income_sources",
            "housing_type",
            "monthly_rent",
            "housing_condition",
            "health_condition",
            "debts_amount",
            "debts_note",
            "other_support",
            "findings",
            "recommendation",
            "recommended_amount",
        ]
        widgets = {
            "questions_answered": forms.Textarea(attrs={"rows": 2}),
            "health_condition": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_contacted_on(self) -> Any:
        day = self.cleaned_data.get("contacted_on")
        if day and day > timezone.localdate():
            raise ValidationError(gettext("The visit or interview cannot be in the future."))
        return day


# --- step 5: the committee --------------------------------------------------------------------


class MeetingForm(Form):
    meets_at = forms.DateTimeField(label=_("date and time"))
    place = forms.CharField(label=_("place"), max_length=200, required=False)


class AgendaAddForm(Form):
    support_request = forms.ModelChoiceField(
        label=_("request ready for the committee"),
        queryset=SupportRequest.objects.none(),
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["support_request"])
        field.queryset = selectors.ready_for_agenda()
        field.label_from_instance = lambda obj: (  # type: ignore[method-assign]  # a label per row
            f"{obj.tracking_number} · {obj.applicant_name} · {obj.support_type}"
            + (f" · {gettext('Appeal')}" if obj.state == RequestState.APPEALED else "")
        )


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (Outcome.ACCEPTED, Outcome.ACCEPTED.label),
            (Outcome.REJECTED, Outcome.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    granted_support_type = forms.ModelChoiceField(
        label=_("support granted"),
        queryset=SupportType.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty: the support type asked for."),
    )
    granted_amount = forms.DecimalField(
        label=_("amount granted (riyals)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    granted_quantity = forms.IntegerField(label=_("quantity granted"), min_value=0, required=False)
    rejection_reason = forms.ModelChoiceField(
        label=_("reason for rejection"),
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(
        label=_("committee's note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection."),
    )


class CloseMeetingForm(Form):
    members_present = UserMultipleChoiceField(
        label=_("members present"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    minutes_note = forms.CharField(
        label=_("minutes: other matters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UserMultipleChoiceField, self.fields["members_present"])
        field.queryset = selectors.committee_members()
