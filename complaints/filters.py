"""The register's filters and search box (manual 5.1.6)."""

import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from core.choices import ContactChannel
from core.phones import normalize_saudi_mobile
from core.text import normalize_arabic, normalize_digits

from .models import TRACKING_ALPHABET, TRACKING_LENGTH, CaseCategory, CaseKind, CaseRoute, CaseState

# normalize_arabic folds these letters to the first one and drops harakat and tatweel. A
# search matches the stored text through a regular expression built from the normalised
# query: each letter accepts its variants and marks may sit between letters. A regular
# expression scan is several times cheaper than normalising the column in SQL, and runs on
# PostgreSQL and SQLite alike.
_LETTER_VARIANTS = {"ا": "اأإآٱ", "ي": "يىئ", "ه": "هة", "و": "وؤ"}
_DIGIT_VARIANTS = {
    str(value): f"{value}{chr(0x0660 + value)}{chr(0x06F0 + value)}" for value in range(10)
}
_MARKS = "".join(chr(code) for code in (*range(0x064B, 0x0653), 0x0670, 0x0640))

_TRACKING_NUMBER = re.compile(rf"^[{TRACKING_ALPHABET}]{{{TRACKING_LENGTH}}}$")
_TRACKING_LIKE = re.compile(rf"^[{TRACKING_ALPHABET}]{{3,{TRACKING_LENGTH}}}$")
_DIGITS_ONLY = re.compile(r"^[0-9]{4,}$")


def arabic_pattern(normalized):
    """A regular expression matching every spelling that normalize_arabic folds into
    `normalized` (hamza forms, ta marbuta, alif maqsura, harakat, Arabic-Indic digits)."""
    gap = f"[{_MARKS}]*"
    parts = []
    for char in normalized:
        if char in _LETTER_VARIANTS:
            parts.append(f"[{_LETTER_VARIANTS[char]}]")
        elif char in _DIGIT_VARIANTS:
            parts.append(f"[{_DIGIT_VARIANTS[char]}]")
        elif char.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return gap.join(parts)


def _as_mobile(text):
    try:
        return normalize_saudi_mobile(text)
    except Exception:  # noqa: BLE001 - any unparsable text is simply not a mobile number
        return None


def search_cases(queryset, text):
    """One search box: tracking number, subject, contact name or customer name (Arabic
    normalised), mobile number (any typing, Arabic-Indic digits included).

    A whole tracking number or mobile number is looked up exactly (an index lookup, not a
    scan of the register)."""
    text = normalize_digits((text or "").strip())
    if not text:
        return queryset
    upper = text.upper()
    if _TRACKING_NUMBER.match(upper):
        exact = queryset.filter(tracking_number=upper)
        if exact.exists():
            return exact
    mobile = _as_mobile(text)
    if mobile:
        return queryset.filter(Q(contact_mobile=mobile) | Q(customer__mobile=mobile))
    normalized = normalize_arabic(text)
    pattern = arabic_pattern(normalized)
    condition = (
        Q(subject__iregex=pattern)
        | Q(contact_name__iregex=pattern)
        | Q(customer__name_normalized__contains=normalized)
    )
    if _TRACKING_LIKE.match(upper):
        condition |= Q(tracking_number__startswith=upper)
    digits = re.sub(r"[\s\-().+]", "", text)
    if _DIGITS_ONLY.match(digits):
        # Part of a mobile number: "501234" or "1234567" match "+966501234567".
        tail = digits.removeprefix("00").removeprefix("966").lstrip("0")
        if len(tail) >= 4:
            condition |= Q(contact_mobile__contains=tail) | Q(customer__mobile__contains=tail)
    return queryset.filter(condition)


def local_day_start(day):
    """The first instant of a Riyadh calendar day, as an aware datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Tracking number, subject, name or mobile"),
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("type"), required=False, choices=[("", _("All"))] + CaseKind.choices
    )
    channel = forms.ChoiceField(
        label=_("channel"), required=False, choices=[("", _("All"))] + ContactChannel.choices
    )
    routed_to = forms.ChoiceField(
        label=_("department"), required=False, choices=[("", _("All"))] + CaseRoute.choices
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"),
        required=False,
        queryset=Centre.objects.select_related("city"),
        empty_label=_("All"),
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        queryset=CaseCategory.objects.all(),
        empty_label=_("All"),
    )
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open"))] + CaseState.choices,
    )
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filter(self, queryset, now):
        """Apply every valid filter; an invalid one (shown on the form) is left out."""
        self.is_valid()
        data = self.cleaned_data
        for name in ("kind", "channel", "routed_to", "centre", "category"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        state = data.get("state")
        if state == "open":
            queryset = queryset.exclude(state=CaseState.CLOSED)
        elif state:
            queryset = queryset.filter(state=state)
        if data.get("overdue"):
            queryset = queryset.filter(due_at__lt=now)
        if data.get("date_from"):
            queryset = queryset.filter(received_at__gte=local_day_start(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(received_at__lt=local_day_start(next_day))
        if data.get("q"):
            queryset = search_cases(queryset, data["q"])
        return queryset
