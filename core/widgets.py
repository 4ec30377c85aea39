"""Widgets shared by the apps' forms.

`DependentSelect` draws a select whose options follow another field of the same form: a
centre list that follows the chosen city. Each option carries its parent's value
(`data-parent`) and the select names the field it follows (`data-follows`);
static/js/dependent-select.js hides the options of other parents. Without JavaScript every
option stays; the form's own validation refuses a pair that does not belong together
(customers.forms.customer_value_errors: "This centre is not in the chosen city.").

`QuickSelect` writes the markup of Django's select template in Python: Django renders two
templates per option, which for a list of a few hundred programmes costs more than the
page's queries together."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Django's widgets/attrs.html: False left out, True as a bare name."""
    if not attrs:
        return SafeString("")
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A single <select>, character for character what forms/widgets/select.html writes.
    Its options are read straight from the choices; a subclass's through `get_context`, so
    the attributes it gives the select or its options are kept."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        groups: Iterable[tuple[Any, list[tuple[str, str, Any]]]]
        if type(self) is QuickSelect:
            groups = self._plain_groups(self.format_value(value))
            select_attrs = self.build_attrs(self.attrs, attrs)
        else:  # a subclass may add attributes to the select and its options
            widget = self.get_context(name, value, attrs)["widget"]
            groups = (
                (
                    group_name,
                    [
                        (str(option["value"]), _attributes(option["attrs"]), option["label"])
                        for option in options
                    ],
                )
                for group_name, options, _index in widget["optgroups"]
            )
            select_attrs = widget["attrs"]
        parts = []
        for group_name, options in groups:
            items = "".join(
                f'\n  <option value="{conditional_escape(option_value)}"{option_attrs}>'
                f"{conditional_escape(label)}</option>\n"
                for option_value, option_attrs, label in options
            )
            if group_name:
                items = (
                    f'\n  <optgroup label="{conditional_escape(group_name)}">{items}\n  </optgroup>'
                )
            parts.append(items)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attributes(select_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - every value and label escaped above
        )

    def _plain_groups(self, chosen: list[str]) -> list[tuple[Any, list[tuple[str, str, Any]]]]:
        """Select.optgroups without an option dictionary per option: the first option
        whose value is chosen is selected."""
        groups = []
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, [(option_value, option_label)]
            options = []
            for subvalue, sublabel in choices:
                text = str(subvalue)
                selected = not has_selected and text in chosen
                has_selected |= selected
                options.append((text, " selected" if selected else "", sublabel))
            groups.append((group_name, options))
        return groups


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
