"""Widgets shared by the apps' forms.

`DependentSelect` draws a select whose options follow another field of the same form: a
centre list that follows the chosen city. Each option carries its parent's value
(`data-parent`) and the select names the field it follows (`data-follows`);
static/js/dependent-select.js hides the options of other parents. Without JavaScript every
option stays; the form's own validation refuses a pair that does not belong together
(customers.forms.customer_value_errors: "This centre is not in the chosen city.").

`QuickSelect` writes the markup of Django's select template in Python (core.form_renderer's
write_select, which the form renderer and |filter_field use too): Django renders two
templates per option, which for a list of a few hundred programmes costs more than the
page's queries together. `QuickSelectMultiple` does the same for a select of several
choices (SelectMultiple: `multiple`, every chosen option selected)."""

from typing import Any

from django import forms
from django.utils.safestring import SafeString

from core.form_renderer import Option, write_select, write_widget_select


class QuickSelect(forms.Select):
    """A single <select>, character for character what forms/widgets/select.html writes
    (through core.form_renderer.write_select). Its options are read straight from the
    choices; a subclass's through `get_context`, so the attributes it gives the select or
    its options are kept."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if type(self) not in _PLAIN:  # a subclass may add attributes to select and options
            return write_widget_select(self.get_context(name, value, attrs)["widget"])
        built = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            built["multiple"] = True  # after the others, as Select.get_context adds it
        return write_select(name, built, self._plain_groups(self.format_value(value)))

    def _plain_groups(self, chosen: list[str]) -> list[tuple[Any, list[Option]]]:
        """Select.optgroups without an option dictionary per option: the first option
        whose value is chosen is selected (every one of them in a multiple select)."""
        groups = []
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, [(option_value, option_label)]
            options: list[Option] = []
            for subvalue, sublabel in choices:
                text = str(subvalue)
                selected = (not has_selected or self.allow_multiple_selected) and text in chosen
                has_selected |= selected
                options.append((text, " selected" if selected else "", sublabel))
            groups.append((group_name, options))
        return groups


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """A <select multiple>, character for character what SelectMultiple writes through
    Django's templates (read from the form as SelectMultiple reads it)."""


# The classes whose options are written straight from the choices; a subclass of theirs
# goes through get_context.
_PLAIN = (QuickSelect, QuickSelectMultiple)


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
