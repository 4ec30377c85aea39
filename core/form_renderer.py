"""The form renderer (settings.FORM_RENDERER): Django's own, with its most used widget
templates written out in Python: the inputs, the textarea and the select with its options.

Django draws each option of a select through two included templates (the option's and its
attributes'), and each input through three: a form page with a few hundred options
(centres, categories, cities) spent most of its time there. What is written here is exactly
the templates' HTML, byte for byte (tests/site/test_form_renderer.py renders both ways and
compares); any other widget template, or a select whose options have another template,
goes through Django's templates as before. Django's widget templates cannot be overridden
under this renderer (its own folder comes first), so nothing else can differ either."""

import html
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"
_OPTION_TEMPLATE = f"{_WIDGETS}select_option.html"
# The templates that are only `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = (
    "input",
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "search",
    "tel",
    "color",
    "checkbox",
    "file",
)
# How the templates print a value: the context Django's form renderer gives them (autoescape
# on, localisation and time zone as the settings say). Only read, never changed.
_CONTEXT = Context(autoescape=True)


def _shown(value: Any) -> str:
    """`{{ value }}`. A plain string (most labels and values) is only escaped: what
    render_value_in_context does to it, without its localisation and time zone checks."""
    if type(value) is str:
        return html.escape(value)
    return str(render_value_in_context(value, _CONTEXT))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe (is_safe)."""
    if type(value) is str:
        return html.escape(value)
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    if not attrs:
        return ""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_shown(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    # The template's own test (`!= None`), not `is not None`.
    shown_value = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


# One option of a select: its value, its attributes already written (`_attrs`) and its label.
Option = tuple[Any, str, Any]


def write_select(
    name: Any, attrs: Mapping[str, Any], groups: Iterable[tuple[Any, Iterable[Option]]]
) -> SafeString:
    """django/forms/widgets/select.html with select_option.html for each option, byte for
    byte (each included option keeps its template's closing newline): the one writer of a
    select for the form renderer, core.widgets.QuickSelect and |filter_field. `groups` are
    (group name or None, options), as Select.optgroups gives them."""
    parts = [f'<select name="{_shown(name)}"{_attrs(attrs)}>']
    for group_name, options in groups:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(
            f'\n  <option value="{_formatted(value)}"{option_attrs}>{_shown(label)}</option>\n'
            for value, option_attrs, label in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def write_widget_select(widget: Mapping[str, Any]) -> SafeString:
    """write_select for a select widget's template context (`get_context(...)["widget"]`):
    the attributes a widget gives its options (a DependentSelect's parents) are kept."""
    return write_select(
        widget["name"],
        widget["attrs"],
        (
            (
                group_name,
                ((option["value"], _attrs(option["attrs"]), option["label"]) for option in options),
            )
            for group_name, options, _index in widget["optgroups"]
        ),
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/select.html; None when an option has another template."""
    for _group_name, options, _index in widget["optgroups"]:
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
    return write_widget_select(widget)


_WRITTEN: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in _INPUT_TEMPLATES},
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}


class FormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        write = _WRITTEN.get(template_name)
        if write is not None and "widget" in context:
            html = write(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
