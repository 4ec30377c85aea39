"""The register's filters and search box (manual 5.1.6)."""

import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from association.models import Centre
from core.forms import Form
from core.phones import normalize_saudi_mobile
from core.text import normalize_arabic, normalize_digits
from core.widgets import QuickSelect
from customers.models import Customer

from .models import (
    CASE_CHANNEL_CHOICES,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    CaseCategory,
    CaseKind,
    CaseRoute,
    CaseState,
)

_TRACKING_NUMBER = re.compile(rf"^[{TRACKING_ALPHABET}]{{{TRACKING_LENGTH}}}$")
_TRACKING_LIKE = re.compile(rf"^[{TRACKING_ALPHABET}]{{3,{TRACKING_LENGTH}}}$")
_DIGITS_ONLY = re.compile(r"^[0-9]{4,}$")


# Up to this many customers' ids go into the query as a list, so that PostgreSQL combines
# the two trigram indexes (cases' text, customers' names) in one bitmap scan; beyond it, a
# subquery, which makes the database read the register in order instead.
_CUSTOMER_ID_LIST_LIMIT = 5000


def _customers_named(normalized):
    # Unordered: every id is taken, or none (the subquery), so sorting them is wasted.
    named = (
        Customer.objects.filter(name_normalized__contains=normalized)
        .order_by()
        .values_list("pk", flat=True)
    )
    ids = list(named[: _CUSTOMER_ID_LIST_LIMIT + 1])
    return named if len(ids) > _CUSTOMER_ID_LIST_LIMIT else ids


def _as_mobile(text):
    try:
        return normalize_saudi_mobile(text)
    except Exception:  # noqa: BLE001 - any unparsable text is simply not a mobile number
        return None


def search_cases(queryset, text):
    """`queryset` narrowed by the search box (search_condition)."""
    condition = search_condition(queryset, text)
    return queryset if condition is None else queryset.filter(condition)


def search_condition(queryset, text):
    """One search box: tracking number, subject, contact name or customer name (Arabic
    normalised), mobile number (any typing, Arabic-Indic digits included), as a condition
    on the cases of `queryset`; None when there is nothing to search.

    A whole tracking number or mobile number is looked up exactly (an index lookup, not a
    scan of the register)."""
    text = normalize_digits((text or "").strip())
    if not text:
        return None
    upper = text.upper()
    if _TRACKING_NUMBER.match(upper):
        exact = Q(tracking_number=upper)
        if queryset.filter(exact).exists():
            return exact
    mobile = _as_mobile(text)
    if mobile:
        return Q(contact_mobile=mobile) | Q(customer__mobile=mobile)
    normalized = normalize_arabic(text)
    # Every word somewhere in the subject or the contact's name ("تكييف قاعة" finds
    # "انقطاع التكييف في قاعة الأنشطة"), or the customer's name.
    words = Q()
    for word in normalized.split():
        words &= Q(search_text__contains=word)
    condition = words | Q(customer_id__in=_customers_named(normalized))
    if _TRACKING_LIKE.match(upper):
        condition |= Q(tracking_number__startswith=upper)
    digits = re.sub(r"[\s\-().+]", "", text)
    if _DIGITS_ONLY.match(digits):
        # Part of a mobile number: "501234" or "1234567" match "+966501234567".
        tail = digits.removeprefix("00").removeprefix("966").lstrip("0")
        if len(tail) >= 4:
            condition |= Q(contact_mobile__contains=tail) | Q(customer__mobile__contains=tail)
    return condition


def local_day_start(day):
    """The first instant of a Riyadh calendar day, as an aware datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


class CaseFilterForm(Form):
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
        label=_("type"),
        required=False,
        choices=[("", _("All"))] + CaseKind.choices,
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("channel"),
        required=False,
        choices=[("", _("All"))] + CASE_CHANNEL_CHOICES,
        widget=QuickSelect,
    )
    routed_to = forms.ChoiceField(
        label=_("department"),
        required=False,
        choices=[("", _("All"))] + CaseRoute.choices,
        widget=QuickSelect,
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"),
        required=False,
        queryset=Centre.objects.select_related("city"),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        queryset=CaseCategory.objects.all(),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("open", pgettext_lazy("case", "Open"))] + CaseState.choices,
        widget=QuickSelect,
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

    def in_use_besides_search(self):
        """Whether a valid filter other than the search box narrows the register (an
        invalid one is left out)."""
        self.is_valid()
        return any(value for name, value in self.cleaned_data.items() if name != "q")

    def filter(self, queryset, now):
        """Apply every valid filter; an invalid one (shown on the form) is left out."""
        return queryset.filter(self.condition(queryset, now))

    def condition(self, visible, now):
        """Every valid filter as one condition on the cases of `visible` (the search may
        read them once, to look a tracking number up): the same condition narrows each part
        of the register counted apart (selectors.visible_case_parts), with no second search."""
        self.is_valid()
        data = self.cleaned_data
        condition = Q()
        for name in ("kind", "channel", "routed_to", "centre", "category"):
            if data.get(name):
                condition &= Q(**{name: data[name]})
        state = data.get("state")
        if state == "open":
            condition &= ~Q(state=CaseState.CLOSED)
        elif state:
            condition &= Q(state=state)
        if data.get("overdue"):
            condition &= Q(due_at__lt=now)
        if data.get("date_from"):
            condition &= Q(received_at__gte=local_day_start(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            condition &= Q(received_at__lt=local_day_start(next_day))
        # A tracking number is looked up among the cases the other filters leave.
        searched = search_condition(visible.filter(condition), data.get("q"))
        if searched is not None:
            condition &= searched
        return condition
