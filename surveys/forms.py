"""The surveys' forms: the round, the answer form (public link and invitation), the paper
entry row, the invitations, a new version of the form."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from association.models import Centre, City
from complaints.public_forms import HONEYPOT_FIELD, MobileField
from core.forms import Form, text_step_form
from core.numbers import format_number
from core.text import normalize_digits
from core.widgets import QuickSelect
from customers.lookup import CustomerChoiceField
from customers.models import Customer
from programmes.models import Programme

from .invitation_sources import InvitationSource, invitation_source, invitation_sources
from .models import AgeBand, InstrumentVersion, InvitationChannel, Item, ItemKind, RoundState

NoteForm = text_step_form(_("Note (optional)"), required=False, rows=2)
ReasonForm = text_step_form(_("Reason"), name="note")
ChangesForm = text_step_form(_("Recommended changes"), name="note")

# A group served in a period is invited in the request: at most this many at once.
MAX_SERVED_INVITED = 500

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RoundForm(Form):
    """A round prepared by hand (an activity outside the portfolio, or a programme whose
    end was not recorded)."""

    programme = forms.ModelChoiceField(
        label=_("programme or activity"),
        queryset=Programme.objects.order_by("code"),
        required=False,
        widget=QuickSelect,
    )
    activity_name = forms.CharField(
        label=_("activity or event"),
        max_length=200,
        required=False,
        help_text=_("When the survey is about an activity or event outside the portfolio."),
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    city = forms.ModelChoiceField(
        label=_("city / governorate"), queryset=City.objects.order_by("name"), required=False
    )
    centres = forms.ModelMultipleChoiceField(
        label=_("neighbourhood centres"),
        queryset=Centre.objects.filter(is_active=True).select_related("city"),
        required=False,
    )
    presenter_name = forms.CharField(label=_("presenter"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("start date"), required=False)
    ended_on = forms.DateField(label=_("end date of the programme or activity"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("programme") and not (data.get("activity_name") or "").strip():
            self.add_error(
                "activity_name",
                gettext("Choose the programme or write the name of the activity or event."),
            )
        return data


class RoundEditForm(RoundForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["programme"]
        del self.fields["activity_name"]

    def clean(self) -> dict[str, Any]:
        return forms.Form.clean(self) or {}


def _item_field_name(item: Item) -> str:
    return f"item_{item.position}"


class _PersonalPart(Form):
    """The personal part of the form, all optional."""

    suggestions = forms.CharField(
        label=_("Suggestions for future programmes and events"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    first_time = forms.ChoiceField(
        label=_("Is this the first time you attend or benefit from the association's services?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    mobile = MobileField(label=_("Mobile number"), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=150, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=150, required=False)
    may_contact = forms.BooleanField(
        label=_("I agree to be contacted about my answers"), required=False
    )

    def personal_has_values(self) -> bool:
        """A form sent back with a personal part typed: shown open."""
        return self.is_bound and any(
            (self.data.get(name) or "").strip()
            for name in ("suggestions", "name", "mobile", "email", "neighbourhood", "occupation")
        )

    def personal(self) -> dict[str, Any]:
        data = self.cleaned_data
        first_time = {"yes": True, "no": False}.get(data.get("first_time") or "")
        return {
            "suggestions": data.get("suggestions", ""),
            "age_band": data.get("age_band", ""),
            "first_time": first_time,
            "name": data.get("name", ""),
            "mobile": data.get("mobile", ""),
            "email": data.get("email", ""),
            "neighbourhood": data.get("neighbourhood", ""),
            "occupation": data.get("occupation", ""),
            "may_contact": bool(data.get("may_contact")),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_contact") and not data.get("mobile") and not self.has_error("mobile"):
            self.add_error(
                "mobile", gettext("Write your mobile number so that we can contact you.")
            )
        return data


class AnswerForm(_PersonalPart):
    """The survey as the respondent answers it: one radio group per item (a fieldset with
    its legend), the suggestions, the personal part, and the honeypot."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self, *args: Any, version: InstrumentVersion, items: list[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.items = items
        labels = list(version.scale_labels)
        for item in items:
            self.fields[_item_field_name(item)] = _item_field(item, labels)
        if version.instrument.kind != "beneficiary":
            for name in ("age_band", "first_time", "neighbourhood", "occupation"):
                del self.fields[name]

    def is_bot(self) -> bool:
        return bool(self.is_bound and (self.data.get(HONEYPOT_FIELD) or "").strip())

    def values(self) -> dict[int, Any]:
        """The answers by item id, as the service takes them."""
        values: dict[int, Any] = {}
        for item in self.items:
            raw = self.cleaned_data.get(_item_field_name(item))
            if raw in (None, ""):
                continue
            values[item.pk] = raw if item.kind == ItemKind.TEXT else int(str(raw))
        return values

    def item_rows(self) -> list[tuple[Item, Any]]:
        return [(item, self[_item_field_name(item)]) for item in self.items]


def _item_field(item: Item, labels: list[str]) -> forms.Field:
    required_message = {"required": gettext("Choose an answer to this statement.")}
    if item.kind == ItemKind.TEXT:
        return forms.CharField(
            label=item.text,
            required=item.required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if item.kind == ItemKind.SCALE:
        choices = [
            (str(value), labels[value - 1] if len(labels) >= value else str(value))
            for value in range(1, 6)
        ]
    elif item.kind == ItemKind.SCORE:
        choices = [(str(value), str(value)) for value in range(0, 11)]
    else:
        choices = [("1", gettext("Yes")), ("0", gettext("No"))]
    return forms.ChoiceField(
        label=item.text,
        choices=choices,
        required=item.required,
        widget=forms.RadioSelect,
        error_messages=required_message,
    )


class PaperEntryForm(_PersonalPart):
    """A paper form typed in: the centre, then the eleven answers in one row (one digit
    each, 1 to 5), the suggestions and the personal part."""

    centre = forms.ModelChoiceField(label=_("neighbourhood centre"), queryset=Centre.objects.none())

    def __init__(self, *args: Any, items: list[Item], centres: list[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        centre_field = cast(forms.ModelChoiceField, self.fields["centre"])
        centre_field.queryset = Centre.objects.filter(pk__in=[c.pk for c in centres])
        if len(centres) == 1:
            self.fields["centre"].initial = centres[0].pk
        for item in items:
            if item.kind == ItemKind.TEXT:
                continue
            self.fields[_item_field_name(item)] = forms.CharField(
                label=str(item.position),
                required=False,
                max_length=2,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "autocomplete": "off",
                        "class": "form-control paper-digit text-center",
                        "data-paper-digit": "",
                        "aria-label": f"{item.position}. {item.text}",
                    }
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing: list[str] = []
        for item in self.items:
            name = _item_field_name(item)
            if name not in self.fields:
                continue
            raw = normalize_digits(str(data.get(name) or "")).strip()
            if not raw:
                if item.required:
                    missing.append(str(item.position))
                continue
            low, high = (1, 5) if item.kind == ItemKind.SCALE else (0, 10)
            if not raw.isdigit() or not low <= int(raw) <= high:
                self.add_error(
                    name,
                    gettext("Type a digit from %(low)d to %(high)d.") % {"low": low, "high": high},
                )
                continue
            data[name] = int(raw)
        if missing:
            self.add_error(
                None,
                gettext("Answer every statement: %(numbers)s still without an answer.")
                % {"numbers": "، ".join(missing)},
            )
        return data

    def values(self) -> dict[int, Any]:
        return {
            item.pk: self.cleaned_data[_item_field_name(item)]
            for item in self.items
            if isinstance(self.cleaned_data.get(_item_field_name(item)), int)
        }

    def digit_fields(self) -> list[Any]:
        return [self[_item_field_name(item)] for item in self.items if item.kind != ItemKind.TEXT]


class InvitationForm(Form):
    """Whom to invite: customers chosen by hand, and/or a group an app served in a period
    (surveys.invitation_sources: the beneficiaries who received support)."""

    channel = forms.ChoiceField(label=_("channel"), choices=InvitationChannel.choices)
    customers = CustomerChoiceField(
        label=_("customers"), active_only=True, multiple=True, required=False
    )
    source = forms.ChoiceField(label=_("Also invite"), required=False)
    served_from = forms.DateField(label=_("served from"), required=False)
    served_to = forms.DateField(label=_("served to"), required=False)
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"), queryset=Centre.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject (e-mail)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("{الرابط} is replaced by each person's own link, {الاسم} by their name."),
    )

    def __init__(self, *args: Any, user: Any, centres: list[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customers = cast(CustomerChoiceField, self.fields["customers"])
        customers.limit_to(user)
        self.invitable = customers.queryset
        centre_field = cast(forms.ModelChoiceField, self.fields["centre"])
        centre_field.queryset = Centre.objects.filter(pk__in=[c.pk for c in centres])
        sources = invitation_sources()
        if sources:
            source_field = cast(forms.ChoiceField, self.fields["source"])
            source_field.choices = [
                ("", _("Nobody else")),
                *((source.key, source.label) for source in sources),
            ]
            source_field.help_text = _(
                "Those served in the period (and at the centre, when one is chosen) are "
                "invited with the customers above."
            )
        else:
            for name in ("source", "served_from", "served_to"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = invitation_source(data.get("source") or "")
        self.served: list[Customer] = []
        if source is not None:
            self.served = self._served_by(source, data)
        if not data.get("customers") and source is None and not self.errors:
            raise forms.ValidationError(_("Choose the customers to invite, or a group served."))
        return data

    def _served_by(self, source: InvitationSource, data: dict[str, Any]) -> list[Customer]:
        first, last = data.get("served_from"), data.get("served_to")
        if first is None or last is None:
            self.add_error("served_from", _("Give the period of service: from and to."))
            return []
        if first > last:
            self.add_error("served_to", _("The end of the period comes before its start."))
            return []
        served = self.invitable.filter(
            pk__in=source.customers(first, last, data.get("centre")).values("pk")
        ).order_by("code")
        found = list(served[: MAX_SERVED_INVITED + 1])
        if len(found) > MAX_SERVED_INVITED:
            self.add_error(
                "source",
                _(
                    "More than %(count)s customers were served in this period: choose a "
                    "shorter period or one centre, and send again for the rest (nobody is "
                    "invited twice)."
                )
                % {"count": format_number(MAX_SERVED_INVITED)},
            )
            return []
        if not found:
            self.add_error("source", _("Nobody was served in this period."))
        return found

    def recipients(self) -> list[Customer]:
        """The customers chosen, then those served, each once."""
        chosen = list(self.cleaned_data.get("customers") or [])
        known = {customer.pk for customer in chosen}
        return chosen + [customer for customer in self.served if customer.pk not in known]


class VersionForm(Form):
    """A new version of the form: the items' wording, and what changed."""

    change_note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"text_{item.code}"] = forms.CharField(
                label=f"{item.position}.",
                initial=item.text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def texts(self) -> dict[str, str]:
        return {item.code: self.cleaned_data[f"text_{item.code}"] for item in self.items}


class RoundFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("open", _("In progress")), *RoundState.choices],
    )
