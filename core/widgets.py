"""Widgets shared by the apps' forms.

`DependentSelect` draws a select whose options follow another field of the same form: a
centre list that follows the chosen city. Each option carries its parent's value
(`data-parent`) and the select names the field it follows (`data-follows`);
static/js/dependent-select.js hides the options of other parents. Without JavaScript every
option stays; the form's own validation refuses a pair that does not belong together
(customers.forms.customer_value_errors: "This centre is not in the chosen city.")."""

from typing import Any

from django import forms


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
