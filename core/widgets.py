"""Widgets shared by the apps' forms.

`DependentSelect` draws a select whose options follow another field of the same form: a
centre list that follows the chosen city. Each option carries its parent's value
(`data-parent`) and the select names the field it follows (`data-follows`);
static/js/dependent-select.js hides the options of other parents. Without JavaScript every
option stays; the form's own validation refuses a pair that does not belong together
(customers.forms.customer_value_errors: "This centre is not in the chosen city.").

`QuickSelect` draws a plain select (one value, no option groups) with its options joined in
Python: Django renders two templates per option, which for a few hundred programmes costs
more than the page's queries together."""

from typing import Any, cast

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """Django's Select markup for flat choices and a single value, without a template per
    option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(item) for item in self.format_value(value)}
        # Plain strings: format_html per option takes twice as long.
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if key in selected else ""}>'
            f"{conditional_escape(cast(str, label))}</option>"
            for key, label in ((str(option), label) for option, label in self.choices)
        )
        # In Django's order (django/forms/widgets/attrs.html), not flatatt's sorted one.
        attributes = "".join(
            f" {key}" if setting is True else f' {key}="{escape(setting)}"'
            for key, setting in self.build_attrs(self.attrs, attrs).items()
            if setting is not False
        )
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<select name="{escape(name)}"{attributes}>{options}</select>'
        )


class DependentSelect(forms.Select):
    """`DependentSelect(follows="city", key="city_id")` on a ModelChoiceField of centres."""

    def __init__(self, *, follows: str, key: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.follows = follows
        self.key = key

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        prefix = name.rpartition("-")[0]
        context["widget"]["attrs"]["data-follows"] = (
            f"{prefix}-{self.follows}" if prefix else self.follows
        )
        return context

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        # A ModelChoiceField's option values carry their model instance.
        instance = getattr(value, "instance", None)
        parent = getattr(instance, self.key, None) if instance is not None else None
        if parent is not None:
            option["attrs"]["data-parent"] = str(parent)
        return option
