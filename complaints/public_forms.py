"""Forms of the public pages (no login): file a case, look its status up, search the FAQ."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from core.forms import Form
from core.phones import normalize_saudi_mobile
from core.text import normalize_digits

from .attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_CASE, check_uploads
from .errors import AttachmentError
from .models import TRACKING_LENGTH, CaseCategory, CaseKind, ContactKind

# The field a person never sees and a bot fills in.
HONEYPOT_FIELD = "website"

# Who the person is, in the public's words: it routes the request (manual 5.1.2-5.1.3).
PUBLIC_CONTACT_KINDS = [
    (ContactKind.BENEFICIARY.value, _("I use the services of a neighbourhood centre")),
    (ContactKind.DONOR.value, _("I am a donor or supporter of the association")),
    (ContactKind.OTHER.value, _("Something else")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files"): a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        cleaned = single_clean(data, initial)
        return [cleaned] if cleaned else []


class MobileField(forms.CharField):
    """A Saudi mobile typed any way (05..., 9665..., +966 5..., Arabic-Indic digits)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "dir": "ltr",
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": "05XXXXXXXX",
            }
        )

    def clean(self, value):
        value = super().clean(value)
        return normalize_saudi_mobile(value) if value else value


class PublicCaseForm(Form):
    """A complaint, inquiry or suggestion filed by a member of the public."""

    kind = forms.ChoiceField(
        label=_("What would you like to send us?"),
        choices=CaseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose complaint, inquiry or suggestion.")},
    )
    contact_kind = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=PUBLIC_CONTACT_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us whether you use a centre's services, support us, or else."),
            "invalid_choice": _(
                "Tell us whether you use a centre's services, support us, or else."
            ),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField(
        label=_("Mobile number"),
        help_text=_("We call you on this number, and you need it to follow your request up."),
    )
    centre = forms.ModelChoiceField(
        label=_("Neighbourhood centre"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("I don't know / not about a centre"),
        help_text=_("Needed if you use a centre's services: that centre's team answers you."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    # The honeypot: hidden from people (and screen readers), filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = Centre.objects.filter(is_active=True).select_related(
            "city"
        )
        self.fields["attachments"].help_text = gettext(
            "Photos (JPEG, PNG) or PDF files: at most %(count)d files of %(size)d MB each."
        ) % {"count": MAX_ATTACHMENTS_PER_CASE, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        self.checked_uploads = []

    def is_bot(self):
        """True when the hidden field came back filled in."""
        return bool(self.is_bound and (self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact_kind") == ContactKind.BENEFICIARY and not cleaned.get("centre"):
            self.add_error("centre", _("Choose the centre whose services you use."))
        return cleaned

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        try:
            # Every file is checked here, before any case exists: a bad file leaves nothing.
            self.checked_uploads = check_uploads(uploads)
        except AttachmentError as error:
            raise ValidationError(str(error)) from error
        return uploads


_NOT_TRACKING_CHARACTERS = re.compile(r"[\s\-_.]+")


def normalize_tracking_number(raw):
    """What a person types as a tracking number, as stored: ASCII digits, upper case, no
    spaces or dashes."""
    return _NOT_TRACKING_CHARACTERS.sub("", normalize_digits(raw or "")).upper()


class TrackForm(Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD2345",
                "class": "tracking-input",
            }
        ),
    )
    mobile = MobileField(
        label=_("Mobile number"),
        help_text=_("The mobile number you gave when you sent your request."),
    )

    def clean_tracking_number(self):
        number = normalize_tracking_number(self.cleaned_data.get("tracking_number"))
        if len(number) != TRACKING_LENGTH or not number.isalnum():
            raise ValidationError(
                _("A tracking number has %(count)d letters and digits, e.g. ABCD2345.")
                % {"count": TRACKING_LENGTH}
            )
        return number


class FaqSearchForm(Form):
    q = forms.CharField(
        label=_("Search the questions"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Type a word, e.g. family")}),
    )
    category = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=CaseCategory.objects.none(),
        required=False,
        empty_label=_("All topics"),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
