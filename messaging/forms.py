"""Forms of messaging: the suppression list (admin), a segment built from the registered
criteria, the audience question (channel and purpose), a message, the steps of a message,
and the filters of the lists."""

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.consent import FORM_CHANNELS, ConsentChannel, ConsentPurpose
from core.forms import Form, ModelForm, cache_model_choices, localise_fields, text_step_form
from core.widgets import QuickSelect
from customers.lookup import CustomerChoiceField

from .choices import MessageState, RecipientStatus
from .models import Message, Segment, Suppression
from .segments import criteria
from .selectors import normalized_address
from .sending import sms_as_sent
from .sms import sms_length

# A message's text may not be longer than this (an SMS is refused well before: MAX_SMS_PARTS).
MAX_TEXT = 5000
MAX_HTML = 100_000
MAX_SMS_PARTS = 10

CHANNEL_CHOICES = [(channel.value, channel.label) for channel in FORM_CHANNELS]


class SuppressionForm(ModelForm):
    """A mobile is kept in E.164, an email in lower case: the same address typed another way
    is the same row."""

    class Meta:
        model = Suppression
        fields = ["address", "reason", "at", "note"]

    def clean_address(self) -> str:
        address = normalized_address(self.cleaned_data.get("address", ""))
        if not address:
            raise forms.ValidationError(_("Enter a Saudi mobile number or an email address."))
        return address


class AudienceForm(Form):
    """Whom the audience is counted for: a channel and a purpose."""

    channel = forms.ChoiceField(label=_("channel"), choices=CHANNEL_CHOICES)
    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)


class SegmentForm(Form):
    """A segment's name and the fields of every registered criterion
    (messaging.segments.criteria()); `criteria_json()` is what Segment.criteria keeps."""

    name = forms.CharField(label=_("name"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, instance: Segment | None = None, **kwargs: Any) -> None:
        self.instance = instance
        initial = dict(kwargs.pop("initial", None) or {})
        if instance is not None:
            initial.setdefault("name", instance.name)
            initial.setdefault("description", instance.description)
            saved = instance.criteria or {}
            for criterion in criteria():
                for name, value in criterion.initial(saved.get(criterion.key)).items():
                    initial.setdefault(name, value)
        super().__init__(*args, initial=initial, **kwargs)
        self.criterion_names: list[str] = []
        for criterion in criteria():
            for name, field in criterion.fields().items():
                self.fields[name] = field
                self.criterion_names.append(name)
        localise_fields(self.fields)
        cache_model_choices(self.fields)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Segment.objects.filter(name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another segment has this name."))
        return name

    def criteria_json(self) -> dict[str, Any]:
        saved: dict[str, Any] = {}
        for criterion in criteria():
            value = criterion.dump(self.cleaned_data)
            if value not in (None, [], ""):
                saved[criterion.key] = value
        return saved

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.criterion_names]


class MessageForm(Form):
    """A message to a segment or to one customer. The service refuses placeholders nobody
    could fill and sanitises the HTML."""

    channel = forms.ChoiceField(label=_("channel"), choices=CHANNEL_CHOICES)
    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)
    segment = forms.ModelChoiceField(
        label=_("segment"),
        queryset=Segment.objects.order_by("name"),
        required=False,
        widget=QuickSelect,
        help_text=_("A saved segment, or one customer below: not both."),
    )
    customer = CustomerChoiceField(label=_("or one customer"), required=False, active_only=True)
    subject = forms.CharField(
        label=_("subject"),
        max_length=200,
        required=False,
        help_text=_("E-mail only."),
    )
    body = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto", "data-sms-text": ""}),
        help_text=_(
            "Placeholders: {الاسم} the name, {الرمز} the customer code, {رقم_المتابعة} the "
            "tracking number and {الرابط} the link given below."
        ),
    )
    html_body = forms.CharField(
        label=_("e-mail body (HTML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("E-mail only; without it the text is sent. Scripts and styles are removed."),
    )
    tracking = forms.CharField(
        label=_("tracking number"),
        max_length=50,
        required=False,
        help_text=_("The value of {رقم_المتابعة}, when the text uses it."),
    )
    link = forms.URLField(
        label=_("link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The value of {الرابط} (a campaign's tracked link), when the text uses it."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["customer"].limit_to(user)  # type: ignore[attr-defined]

    def clean_body(self) -> str:
        # As the counter reads it: a browser sends its new lines as CR LF.
        body: str = self.cleaned_data["body"].replace("\r\n", "\n")
        if not body.strip():
            raise forms.ValidationError(_("Write the text of the message."))
        if len(body) > MAX_TEXT:
            raise forms.ValidationError(
                _("The text is too long: at most %(max)s characters.") % {"max": f"{MAX_TEXT:,}"}
            )
        return body

    def clean_html_body(self) -> str:
        html: str = self.cleaned_data.get("html_body") or ""
        if len(html) > MAX_HTML:
            raise forms.ValidationError(
                _("The e-mail body is too long: at most %(max)s characters.")
                % {"max": f"{MAX_HTML:,}"}
            )
        return html

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        segment, customer = data.get("segment"), data.get("customer")
        if segment is not None and customer is not None:
            raise forms.ValidationError(_("Choose a segment or one customer, not both."))
        if segment is None and customer is None and not self.has_error("customer"):
            raise forms.ValidationError(_("Choose a segment or one customer."))
        channel, body = data.get("channel"), data.get("body") or ""
        if channel == ConsentChannel.EMAIL and not (data.get("subject") or "").strip():
            self.add_error("subject", _("An e-mail needs a subject."))
        if channel == ConsentChannel.SMS and body:
            parts = sms_length(sms_as_sent(body, data.get("purpose") or "")).parts
            if parts > MAX_SMS_PARTS:
                self.add_error(
                    "body",
                    _("This SMS would take %(parts)s parts: at most %(max)s.")
                    % {"parts": parts, "max": MAX_SMS_PARTS},
                )
        return data

    def values(self) -> dict[str, str]:
        """The message's own placeholder values (Message.values)."""
        return {
            name: self.cleaned_data[name]
            for name in ("tracking", "link")
            if self.cleaned_data.get(name)
        }


# --- the steps of a message ----------------------------------------------------------------

NoteForm = text_step_form(_("Note (optional)"), required=False, rows=2)
ReturnForm = text_step_form(_("What should change"), rows=2)
CancelForm = text_step_form(_("Reason (optional)"), required=False, rows=2)


class ScheduleForm(Form):
    at = forms.DateTimeField(
        label=_("send at"),
        required=False,
        help_text=_("Empty: send now. Promotional messages wait for the sending hours."),
    )

    def clean_at(self) -> datetime.datetime | None:
        at: datetime.datetime | None = self.cleaned_data.get("at")
        if at is not None and at < timezone.now() - datetime.timedelta(minutes=1):
            raise forms.ValidationError(_("Choose a time to come."))
        return at


# --- the lists' filters ---------------------------------------------------------------------


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class MessageFilterForm(Form):
    state = forms.ChoiceField(label=_("status"), required=False, choices=_all(MessageState.choices))
    channel = forms.ChoiceField(label=_("channel"), required=False, choices=_all(CHANNEL_CHOICES))
    purpose = forms.ChoiceField(
        label=_("purpose"), required=False, choices=_all(ConsentPurpose.choices)
    )
    writer = forms.ModelChoiceField(
        label=_("written by"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        writers = Message.objects.order_by().values("created_by")
        self.fields["writer"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(pk__in=writers).order_by("first_name", "username")
        )
        self.fields["writer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )


class RecipientFilterForm(Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=_all(RecipientStatus.choices)
    )
