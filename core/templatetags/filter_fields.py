"""`{{ field|filter_field }}`: one field of a filter bar, written directly in Python with its
Bootstrap classes, as crispy's `|as_crispy_field` writes it (the same wrapper, label, ids,
classes, errors and help text) without crispy's nested templates, which cost 4-5 ms per
list page. Widgets it does not write the same way (radio buttons, several checkboxes,
files, several inputs in one) and forms with a crispy helper still go through crispy.

`{{ form|form_fields }}` writes a whole form as crispy's `|crispy` does (the error summary,
then every field as above): the workflow steps' forms (includes/action_form.html) took a
third of a case page's time through crispy's templates."""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CRISPY_ONLY = (
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


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


def _errors_and_help(field: BoundField) -> SafeString:
    html = SafeString("")
    if field.errors:
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
    if field.help_text:
        help_text = mark_safe(field.help_text)  # noqa: S308 - crispy shows it |safe too
        if field.auto_id:
            html += format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text
            )
        else:
            html += format_html('<div class="form-text">{}</div>', help_text)
    return html


def _label_text(field: BoundField) -> SafeString:
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html("{}{}", field.label, asterisk)


@register.filter
def filter_field(field: BoundField) -> Any:
    widget = field.field.widget
    if getattr(field.form, "helper", None) is not None or isinstance(widget, _CRISPY_ONLY):
        return as_crispy_field(field)
    if field.is_hidden:
        return field.as_widget()
    invalid = bool(field.errors)
    required = " requiredField" if field.field.required else ""
    extra_css = field.css_classes()
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
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    control = field.as_widget(attrs={"class": _widget_class(widget, bootstrap, invalid)})
    label = SafeString("")
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            required,
            _label_text(field),
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>',
        field.auto_id,
        f" {extra_css}" if extra_css else "",
        label,
        control,
        _errors_and_help(field),
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
