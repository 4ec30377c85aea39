"""`{{ field|filter_field }}`: one field of a filter bar, written directly in Python with its
Bootstrap classes, as crispy's `|as_crispy_field` writes it (the same wrapper, label, ids,
classes, errors and help text) without crispy's nested templates, which cost 4-5 ms per
list page. Radio buttons and several checkboxes are written the same way (a fieldset with
its legend, a form-check per option), and a plain select's options without Django's
template per option. Forms whose fields are laid out one by one use it too where crispy's
templates cost most (the portfolio hand-over's 200 boxes, the programme form). A file
field is written as templates/bootstrap5/layout/field_file.html draws it (the site's file
picker) unless it shows a file already chosen; several inputs in one and forms with a
crispy helper still go through crispy.

`{{ form|form_fields }}` writes a whole form as crispy's `|crispy` does (the error summary,
then every field as above): the workflow steps' forms (includes/action_form.html) took a
third of a case page's time through crispy's templates."""

import html
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import (
    as_crispy_field,
    as_crispy_form,
    optgroups,
)
from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.form_renderer import write_widget_select

register = template.Library()

_CRISPY_ONLY = (forms.MultiWidget,)


def _widget_class(widget: forms.Widget, bootstrap: str, invalid: bool) -> str:
    """crispy's class attribute: the widget's own classes, its class name in lower case,
    then Bootstrap's (and is-invalid)."""
    class_name = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    css = own if own and class_name in own else f"{own} {class_name}".strip()
    for extra in (bootstrap, "is-invalid" if invalid else ""):
        if extra and extra not in css.split():
            css += f" {extra}"
    return css


def _errors_and_help(field: BoundField, errors: bool = True, help_text: bool = True) -> SafeString:
    html = SafeString("")
    if errors and field.errors:
        items = format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        )
        html += format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,  # type: ignore[attr-defined]  # set by BoundField.errors
            items,
        )
    if help_text and field.help_text:
        text = mark_safe(field.help_text)  # noqa: S308 - crispy shows it |safe too
        if field.auto_id:
            html += format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, text
            )
        else:
            html += format_html('<div class="form-text">{}</div>', text)
    return html


def _label_text(field: BoundField) -> SafeString:
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html("{}{}", field.label, asterisk)


def _escape(value: Any) -> str:
    """conditional_escape without its lazy-text wrapper: a list of 200 boxes calls it a
    thousand times."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _option_attrs(attrs: dict[str, Any]) -> str:
    """crispy's layout/attrs.html: False leaves the attribute out, True writes its name."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _choice_list(field: BoundField, extra_css: str) -> SafeString:
    """crispy's layout/radio_checkbox_select.html inside its field.html: the legend names
    the group, every option is a form-check whose label points at its own input, and the
    errors follow the last option."""
    start = (
        '<div class="form-check"><input type="{type}" class="form-check-input'
        + (" is-invalid" if field.errors else "")
        + '" name="'
        + _escape(field.html_name)
        + '" value="{value}"{attrs}><label for="{id}" class="form-check-label">{label}</label>'
    )
    options = []
    for group, group_options, _index in optgroups(field):
        if group:
            options.append(f"<strong>{_escape(group)}</strong>")
        options.extend(
            start.format(
                type=_escape(option["type"]),
                value=_escape(option["value"]),
                attrs=_option_attrs(option["attrs"]),
                id=_escape(option["attrs"].get("id", "")),
                label=_escape(option["label"]),
            )
            + "</div>"
            for option in group_options
        )
    if options and field.errors:  # inside the last option's form-check
        options[-1] = options[-1][: -len("</div>")] + _errors_and_help(field, help_text=False)
        options[-1] += "</div>"
    legend = SafeString("")
    if field.label:
        legend = format_html(
            '<legend class="form-label{} fs-6">{}</legend>',
            " requiredField" if field.field.required else "",
            _label_text(field),
        )
    help_text = _errors_and_help(field, errors=False)
    boxes = mark_safe("".join(options))  # noqa: S308 - every part escaped above
    body = format_html("{}<div>{}</div>{}", legend, boxes, help_text)
    if field.label:
        described_by = field.aria_describedby
        body = format_html(
            "<fieldset{}>{}</fieldset>",
            format_html(' aria-describedby="{}"', described_by) if described_by else "",
            body,
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}</div>',
        field.auto_id,
        f" {extra_css}" if extra_css else "",
        body,
    )


def _plain_select(widget: forms.Widget) -> bool:
    """A select drawn by Django's own templates, which `_select` writes the same way."""
    return (
        isinstance(widget, forms.Select)
        and not isinstance(widget, forms.SelectMultiple)
        and type(widget).render is forms.Widget.render
        and widget.template_name == forms.Select.template_name
        and widget.option_template_name == forms.Select.option_template_name
    )


def _select(field: BoundField, css: str) -> SafeString:
    """Django's select.html and select_option.html written by core.form_renderer's
    write_select (as BoundField.as_widget draws them: the same attributes, options and
    groups), without a template per option."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({"class": css}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return write_widget_select(widget.get_context(field.html_name, field.value(), attrs)["widget"])


def _shows_a_chosen_file(field: BoundField) -> bool:
    """A file field whose file is already stored: crispy's template draws its link and its
    clear box."""
    return any(sub.data.get("is_initial") for sub in field.subwidgets)


def _file_picker(field: BoundField) -> SafeString:
    """templates/bootstrap5/layout/field_file.html for a field with no file stored yet: the
    input visually hidden, its label the button (in the page's language), the chosen names
    shown by static/js/fields.js, then the errors and help text."""
    invalid = " is-invalid" if field.errors else ""
    disabled = " disabled" if field.field.disabled else ""
    pickers = []
    for sub in field.subwidgets:
        data = sub.data
        attrs = data["attrs"]
        own = attrs.get("class")
        rest = _option_attrs({name: value for name, value in attrs.items() if name != "class"})
        button = gettext("Choose files") if attrs.get("multiple") else gettext("Choose a file")
        pickers.append(
            f'<div class="file-picker{invalid}">'
            f'<input type="{_escape(data["type"])}" name="{_escape(data["name"])}" '
            f'class="file-picker-input{" " + _escape(own) if own else ""}{invalid}"'
            f"{disabled}{rest}>"
            '<label class="btn btn-outline-secondary file-picker-button" '
            f'for="{_escape(attrs.get("id", ""))}">'
            f'<i class="bi bi-paperclip" aria-hidden="true"></i> {_escape(button)}</label>'
            '<span class="file-picker-names text-body-secondary small" data-file-names '
            f'data-none="{_escape(gettext("No file chosen"))}" aria-live="polite"></span>'
            f"{_errors_and_help(field)}</div>"
        )
    return mark_safe("".join(pickers))  # noqa: S308 - every part escaped above


@register.filter
def filter_field(field: BoundField) -> Any:
    widget = field.field.widget
    if (
        getattr(field.form, "helper", None) is not None
        or isinstance(widget, _CRISPY_ONLY)
        or (isinstance(widget, forms.FileInput) and _shows_a_chosen_file(field))
    ):
        return as_crispy_field(field)
    if field.is_hidden:
        return field.as_widget()
    invalid = bool(field.errors)
    required = " requiredField" if field.field.required else ""
    extra_css = field.css_classes()
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
        return _choice_list(field, extra_css)
    if isinstance(widget, forms.CheckboxInput):
        checkbox = field.as_widget(
            attrs={"class": _widget_class(widget, "form-check-input", invalid)}
        )
        inner = format_html(
            '{}<label for="{}" class="form-check-label{}">{}</label>{}',
            checkbox,
            field.id_for_label,
            required,
            _label_text(field),
            _errors_and_help(field),
        )
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}</div></div>',
            field.auto_id,
            f" {extra_css}" if extra_css else "",
            inner,
        )
    if isinstance(widget, forms.FileInput):
        return _labelled(field, extra_css, _file_picker(field))
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = _widget_class(widget, bootstrap, invalid)
    if _plain_select(widget):
        control = _select(field, css)
    else:
        control = field.as_widget(attrs={"class": css})
    return _labelled(field, extra_css, control + _errors_and_help(field))


def _labelled(field: BoundField, extra_css: str, control: SafeString) -> SafeString:
    """crispy's field.html around a control (with its errors and help text): the wrapper
    and the label."""
    required = " requiredField" if field.field.required else ""
    label = SafeString("")
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            required,
            _label_text(field),
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}</div>',
        field.auto_id,
        f" {extra_css}" if extra_css else "",
        label,
        control,
    )


@register.filter
def form_fields(form: forms.BaseForm) -> Any:
    if getattr(form, "helper", None) is not None:
        return as_crispy_form(form)
    html = SafeString("")
    if form.errors:
        # templates/bootstrap5/errors.html, which crispy writes first.
        html += render_to_string("includes/form_errors.html", {"form": form})
    for field in form:
        html += filter_field(field)
    return html
