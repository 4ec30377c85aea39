"""The customer lookup field: wherever a form takes a customer, the user types a name, code,
mobile or national ID and picks from live suggestions (static/js/customer-lookup.js with the
vendored Tom Select, fed by /customers/lookup/). Without JavaScript it is a text box that
takes the customer code (several codes separated by commas or spaces when `multiple`).

A form declares it as one field and narrows it to the customers the user may see:

    customer = CustomerChoiceField(label=_("customer"), kinds=[CustomerKind.DONOR])
    ...
    self.fields["customer"].limit_to(user)

`cleaned_data` holds a Customer (a list of customers when `multiple`), or None / [] when
the field is optional and left empty."""

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.phones import format_saudi_mobile_local
from core.text import normalize_digits

from .models import CODE_MAX_DIGITS, Customer, CustomerKind
from .selectors import customers_visible_to

_CODE_SEPARATORS = re.compile(r"[\s,،]+")


def lookup_label(customer: Customer) -> str:
    """How a customer is shown in the suggestions: "name — code — 05…"."""
    parts = [customer.name, str(customer.code)]
    if customer.mobile:
        parts.append(format_saudi_mobile_local(customer.mobile))
    return " — ".join(parts)


def lookup_option(customer: Customer) -> dict[str, str]:
    """One suggestion as the JavaScript reads it: the code as its value, the label, and
    the parts the list shows on their own (the name, then the code and mobile in small)."""
    mobile = format_saudi_mobile_local(customer.mobile) if customer.mobile else ""
    return {
        "value": str(customer.code),
        "text": lookup_label(customer),
        "name": customer.name,
        "details": " · ".join(part for part in (str(customer.code), mobile) if part),
    }


def typed_codes(value: object) -> list[str]:
    """The codes in what was typed (any digits, commas, Arabic commas or spaces)."""
    if isinstance(value, Customer):
        return [str(value.code)]
    if isinstance(value, (list, tuple)):
        return [code for item in value for code in typed_codes(item)]
    text = normalize_digits("" if value is None else str(value))
    return [code for code in _CODE_SEPARATORS.split(text) if code]


class CustomerLookupWidget(forms.TextInput):
    """A text box of customer codes that the script turns into a search-as-you-type list."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet[Customer] = Customer.objects.none()
        self.multiple = False
        self.lookup_params: dict[str, str] = {}

    def format_value(self, value: Any) -> str | None:
        codes = typed_codes(value)
        return ", ".join(codes) if codes else None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        codes = [int(code) for code in typed_codes(value) if _is_code(code)]
        chosen = {str(c.code): c for c in self.queryset.filter(code__in=codes)} if codes else {}
        selected = [lookup_option(chosen[str(code)]) for code in codes if str(code) in chosen]
        url = reverse("customers:lookup")
        if self.lookup_params:
            url += "?" + urlencode(self.lookup_params)
        context["widget"]["attrs"].update(
            {
                "data-customer-lookup": url,
                "data-multiple": "1" if self.multiple else "0",
                "data-selected": json.dumps(selected, ensure_ascii=False),
                "data-text-type": str(_("Type a name, code, mobile or national ID…")),
                "data-text-none": str(_("No customer matches.")),
                "data-text-loading": str(_("Searching…")),
                "data-text-new": str(_("Not found? Register a new customer")),
                "autocomplete": "off",
            }
        )
        return context


def _is_code(code: str) -> bool:
    return code.isdigit() and len(code) <= CODE_MAX_DIGITS


class CustomerChoiceField(forms.Field):
    """A customer (or several) chosen by code from the lookup. Only customers of the
    field's queryset are accepted: of `kinds` (all kinds by default), active ones only
    when `active_only`, and after `limit_to(user)` only those the user may see."""

    widget = CustomerLookupWidget
    default_error_messages = {
        "invalid": _("These are not customer codes: %(codes)s"),
        "unknown": _("No customer has these customer codes: %(codes)s"),
        "one": _("Choose one customer."),
    }

    def __init__(
        self,
        *,
        kinds: Sequence[str] = (),
        active_only: bool = False,
        multiple: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "help_text",
            _("Type a name, code, mobile or national ID and choose from the suggestions.")
            if not multiple
            else _(
                "Type a name, code, mobile or national ID and choose; without the "
                "suggestions, customer codes separated by commas."
            ),
        )
        super().__init__(**kwargs)
        self.kinds = list(kinds)
        self.active_only = active_only
        self.multiple = multiple
        queryset = Customer.objects.all()
        if self.kinds:
            queryset = queryset.filter(kind__in=self.kinds)
        if active_only:
            queryset = queryset.filter(is_active=True)
        self.queryset = queryset
        self.widget.multiple = multiple
        params = {}
        if self.kinds:
            params["kind"] = ",".join(self.kinds)
        if active_only:
            params["active"] = "1"
        self.widget.lookup_params = params

    @property
    def queryset(self) -> QuerySet[Customer]:
        return self._queryset

    @queryset.setter
    def queryset(self, queryset: QuerySet[Customer]) -> None:
        self._queryset = queryset
        self.widget.queryset = queryset

    def limit_to(self, user: User) -> None:
        """Accept (and show) only the customers `user` may see."""
        self.queryset = self.queryset.filter(pk__in=customers_visible_to(user).values("pk"))

    def __deepcopy__(self, memo: dict[int, Any]) -> "CustomerChoiceField":
        # Each form gets its own field and widget; the queryset is shared by neither.
        result: CustomerChoiceField = super().__deepcopy__(memo)  # type: ignore[misc]  # Field.__deepcopy__ is missing from django-stubs
        result.queryset = self._queryset.all()
        return result

    def to_python(self, value: Any) -> Customer | list[Customer] | None:
        codes = list(dict.fromkeys(typed_codes(value)))
        if not codes:
            return [] if self.multiple else None
        wrong = [code for code in codes if not _is_code(code)]
        if wrong:
            raise forms.ValidationError(
                self.error_messages["invalid"] % {"codes": ", ".join(wrong)}, code="invalid"
            )
        if not self.multiple and len(codes) > 1:
            raise forms.ValidationError(self.error_messages["one"], code="one")
        found = {str(c.code): c for c in self.queryset.filter(code__in=[int(c) for c in codes])}
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(
                self.error_messages["unknown"] % {"codes": ", ".join(missing)}, code="unknown"
            )
        customers = [found[code] for code in codes]
        return customers if self.multiple else customers[0]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return typed_codes(initial) != typed_codes(data)


def donor_choice_field(**kwargs: Any) -> CustomerChoiceField:
    """A lookup of the active donors (one, or several with multiple=True)."""
    kwargs.setdefault("error_messages", {}).setdefault(
        "unknown", _("No active donor has these customer codes: %(codes)s")
    )
    return CustomerChoiceField(kinds=[CustomerKind.DONOR], active_only=True, **kwargs)


def customer_kinds(text: str | None) -> Iterable[str]:
    """The kinds asked in the lookup's query string ("donor,government")."""
    return [kind for kind in (text or "").split(",") if kind]
