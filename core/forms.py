"""How every form of the project reads the numbers and dates people type.

Staff type on Arabic keyboards: Arabic-Indic digits (٠-٩) or Persian ones (۰-۹), the Arabic
decimal separator ٫ and thousands separator ٬, and text pasted from a right-to-left page
carries invisible direction marks. Django's fields refuse all of these. Every form of the
project derives from `Form`, `ModelForm` or `FilterSet` below (the admin's forms get the same
through core.admin), and their numeric and date fields then read:

- numbers: "١٢٥٠٠٫٥٠", "١٢٬٥٠٠", "12,500.50", "12 500": digits folded to ASCII, ٫ read as
  the decimal point, ٬, commas and spaces dropped where they group the digits by threes. A
  comma anywhere else ("1,5") is left for Django to refuse: one and a half or fifteen is
  the person's to say, not ours to guess.
- dates, datetimes and times: digits folded, spaces and direction marks trimmed, then the
  language's DATE_INPUT_FORMATS (crm_site/formats: ISO first, then day first, never US
  month first).

Django validates the folded text as usual. Free text (names, notes, codes typed in a
CharField) is never touched. Number fields are drawn as text boxes with a numeric keyboard:
a browser's <input type="number"> drops Arabic-Indic digits before the form is sent.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.choices import BaseChoiceIterator, BlankChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from core.text import normalize_digits

# Invisible characters that come with text copied from right-to-left pages.
DIRECTION_MARKS = "\u200e\u200f\u061c\u200b\u200c\u200d\ufeff" + "".join(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)
_WITHOUT_MARKS = dict.fromkeys(map(ord, DIRECTION_MARKS))
_NUMBER_SIGNS = {ord("٫"): ".", ord("\u2212"): "-"}  # Arabic decimal separator, minus sign
# Characters that group thousands: comma, Arabic thousands separator, spaces.
_GROUP = ",٬ \u00a0\u2007\u2009\u202f"
_GROUPED_NUMBER = re.compile(rf"[-+]?\d{{1,3}}(?:[{_GROUP}]\d{{3}})+(?:\.\d*)?")
_GROUP_TABLE = dict.fromkeys(map(ord, _GROUP))

# The mixins below go in front of a Django field or form: mypy is told so, Python needs no base.
if TYPE_CHECKING:
    _FieldBase = forms.Field
    _FormBase = forms.BaseForm
else:
    _FieldBase = _FormBase = object

FieldClass = TypeVar("FieldClass", bound=forms.Field)


def fold_number(text: str) -> str:
    """ "١٢٬٥٠٠٫٥٠" -> "12500.50"; text that is not a number is returned for Django to refuse."""
    text = normalize_digits(text).translate(_WITHOUT_MARKS).translate(_NUMBER_SIGNS).strip()
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.translate(_GROUP_TABLE)
    return text


def fold_date(text: str) -> str:
    """ "\u200f٠٤/٠٧/٢٠٢٥" -> "04/07/2025"."""
    return normalize_digits(text).translate(_WITHOUT_MARKS).strip()


class _ReadsNumbers(_FieldBase):
    def to_python(self, value: Any) -> Any:
        return super().to_python(fold_number(value) if isinstance(value, str) else value)


class _ReadsDates(_FieldBase):
    def to_python(self, value: Any) -> Any:
        return super().to_python(fold_date(value) if isinstance(value, str) else value)


_NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
_DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.TimeField)
_localised_classes: dict[type[forms.Field], type[forms.Field]] = {}


def _localised_class(field_class: type[FieldClass]) -> type[FieldClass]:
    """The field's own class with the folding in front of its to_python, made once per
    class. Building the field again instead would lose what the form set on it (label,
    queryset, bounds, widget attributes)."""
    if field_class not in _localised_classes:
        reader = _ReadsNumbers if issubclass(field_class, _NUMBER_FIELDS) else _ReadsDates
        _localised_classes[field_class] = type(field_class.__name__, (reader, field_class), {})
    return cast(type[FieldClass], _localised_classes[field_class])


def is_localised(field: forms.Field) -> bool:
    return isinstance(field, (_ReadsNumbers, _ReadsDates))


def localise_field(field: forms.Field | None) -> forms.Field | None:
    """Make one form field read Arabic digits and separators (see the module's docstring).
    Fields that are neither numbers nor dates are returned untouched; so is None."""
    if isinstance(field, forms.MultiValueField):  # e.g. the admin's date and time pair
        for part in field.fields:
            localise_field(part)
        return field
    if not isinstance(field, _NUMBER_FIELDS + _DATE_FIELDS) or is_localised(field):
        return field
    field.__class__ = _localised_class(type(field))
    if isinstance(field, _NUMBER_FIELDS) and isinstance(field.widget, forms.NumberInput):
        field.widget = _number_text_box(field)
    if isinstance(field, forms.DateField) and _browser_or_plain(field.widget, "date"):
        field.widget = _date_text_box(field)
    if isinstance(field, forms.DateTimeField) and _browser_or_plain(field.widget, "datetime-local"):
        field.widget = _date_text_box(field, with_time=True)
    return field


# A date box shown and read day first, "15/03/2025" ("15/03/2025 14:30" with the time), in
# the page's language and direction: the browser's <input type="date"> and
# "datetime-local" follow the browser's language (month first, left to right, English month
# names and AM/PM in an Arabic page) and drop Arabic-Indic digits.
DAY_FIRST_FORMAT = "%d/%m/%Y"
DAY_FIRST_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
_DIGIT = "[0-9\\u0660-\\u0669\\u06f0-\\u06f9]"
_DATE = f"{_DIGIT}{{1,4}}[\\/\\-.]{_DIGIT}{{1,2}}[\\/\\-.]{_DIGIT}{{1,4}}"
DATE_PATTERN = f"\\s*{_DATE}\\s*"
DATETIME_PATTERN = f"\\s*{_DATE}(?:[\\sT]+{_DIGIT}{{1,2}}:{_DIGIT}{{2}})?\\s*"


class DayFirstDateInput(forms.DateInput):
    """A text box for a date, shown day first with a "DD/MM/YYYY" hint; it reads what
    core.forms reads (ISO, day first, any digits). Every DateField drawn with
    <input type="date"> or Django's default box in a project form gets this box instead."""

    input_type = "text"
    default_format = DAY_FIRST_FORMAT
    placeholder = _("DD/MM/YYYY")
    hint = _("Day, month and year: 15/03/2025")
    pattern = DATE_PATTERN

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        attrs = {key: value for key, value in (attrs or {}).items() if key not in ("min", "max")}
        attrs.setdefault("placeholder", self.placeholder)
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("pattern", self.pattern)
        attrs.setdefault("title", self.hint)
        attrs["class"] = f"{attrs.get('class', '')} date-input".strip()
        super().__init__(attrs=attrs, format=format or self.default_format)


class MonthInput(forms.TextInput):
    """A text box for a month written "2026-10": the browser's own month picker speaks the
    browser's language and shows "---------- ----" while empty, whatever the page's."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        attrs = dict(attrs or {})
        attrs.setdefault("placeholder", "2026-10")
        attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("title", _("Year and month: 2026-10"))
        attrs["class"] = f"{attrs.get('class', '')} ltr-value".strip()
        super().__init__(attrs=attrs)


class DayFirstDateTimeInput(DayFirstDateInput):
    """The same for a date and a time: "15/03/2025 14:30" (24 hours)."""

    default_format = DAY_FIRST_DATETIME_FORMAT
    placeholder = _("DD/MM/YYYY HH:MM")
    hint = _("Day, month, year and time: 15/03/2025 14:30")
    pattern = DATETIME_PATTERN


def _browser_or_plain(widget: forms.Widget, input_type: str) -> bool:
    """The browser's own picker, or Django's default box, which shows the date as ISO
    ("2026-12-07"): both become the day-first box. A widget of its own (the admin's) stays."""
    return getattr(widget, "input_type", "") == input_type or type(widget) in (
        forms.DateInput,
        forms.DateTimeInput,
    )


def _date_text_box(field: forms.Field, with_time: bool = False) -> forms.DateInput:
    old = field.widget
    box = DayFirstDateTimeInput if with_time else DayFirstDateInput
    widget = box(attrs=dict(old.attrs))
    widget.is_required, widget.is_localized = old.is_required, old.is_localized
    return widget


def _number_text_box(field: forms.Field) -> forms.TextInput:
    old = field.widget
    attrs = {key: value for key, value in old.attrs.items() if key not in ("min", "max", "step")}
    # DecimalField and FloatField derive from IntegerField.
    whole = not isinstance(field, (forms.DecimalField, forms.FloatField))
    attrs.setdefault("inputmode", "numeric" if whole else "decimal")
    attrs.setdefault("dir", "ltr")
    widget = forms.TextInput(attrs=attrs)
    widget.is_required, widget.is_localized = old.is_required, old.is_localized
    return widget


def localise_fields(fields: Mapping[str, forms.Field]) -> None:
    for field in fields.values():
        localise_field(field)
        name_the_empty_choice(field)


_DASHES = BLANK_CHOICE_DASH[0][1]


def name_the_empty_choice(field: forms.Field | None) -> None:
    """A select left empty reads "Choose…", never Django's "---------". Lazy choices
    (a function's, django-filter's, which name their own empty choice) are left alone:
    reading them here would query the database each time a form is made."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = _("Choose…")
    elif isinstance(field, forms.ChoiceField) and _fixed_choices(field.choices):
        choices = list(field.choices)
        if any(value == "" and label == _DASHES for value, label in choices):
            field.choices = [
                (value, _("Choose…") if value == "" and label == _DASHES else label)
                for value, label in choices
            ]


def _fixed_choices(choices: object) -> TypeGuard[Iterable[tuple[Any, Any]]]:
    """A list, or a model field's choices behind its blank one; not choices that are worked
    out when read."""
    return isinstance(choices, BlankChoiceIterator) or not isinstance(choices, BaseChoiceIterator)


class CachedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The options of a ModelChoiceField over rows that rarely change (cities, centres,
    categories, programmes: a core.cache topic), read from the cache instead of one query
    per form shown. Choosing still checks the value against the queryset."""

    def _rows(self) -> list[Any] | None:
        from core import cache as shared_cache

        queryset = self.queryset
        # Read once per form: the widget asks for the options, their number and whether
        # there are any, each through a new iterator over the same queryset.
        read = self.field.__dict__.get("_cached_options")
        if read is not None and read[0] is queryset:
            return cast("list[Any] | None", read[1])
        topic = shared_cache.topic_of(queryset.model)
        rows: list[Any] | None = None
        if topic is not None:
            try:
                sql, params = queryset.query.sql_with_params()
            except EmptyResultSet:
                rows = []
            else:
                key = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
                rows = shared_cache.cached(topic, f"choices:{key}", lambda: list(queryset))
        self.field.__dict__["_cached_options"] = (queryset, rows)
        return rows

    def __iter__(self) -> Any:
        rows: Iterable[Any] | None = self._rows()
        if rows is None:
            # Read at once, not through Django's queryset.iterator(): on PostgreSQL that
            # opens a server-side cursor, three round trips for a few options.
            rows = self.queryset.all()
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        null_label = getattr(self.field, "null_label", None)  # django-filter's "None" option
        if null_label is not None:
            yield (getattr(self.field, "null_value", "null"), null_label)
        for obj in rows:
            yield self.choice(obj)

    def __len__(self) -> int:
        rows = self._rows()
        if rows is None:
            return super().__len__()
        extra = int(self.field.empty_label is not None)
        extra += int(getattr(self.field, "null_label", None) is not None)
        return len(rows) + extra

    def __bool__(self) -> bool:
        rows = self._rows()
        if rows is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(rows)


def cache_model_choices(fields: Mapping[str, forms.Field]) -> None:
    """Read the options of these fields' model choices through CachedModelChoiceIterator
    (those of a model under a core.cache topic; the others are read as before)."""
    for field in fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.iterator in (
            forms.models.ModelChoiceIterator,
            django_filters.fields.ModelChoiceIterator,
        ):
            field.iterator = CachedModelChoiceIterator
            field.widget.choices = field.choices  # the widget keeps the iterator it was given


class LocalisedInputMixin(_FormBase):
    """For a Django form class: its numeric and date fields read Arabic digits and
    separators. Fields are converted when the form is made and again before it is cleaned
    (a field added by a subclass after __init__ is read the same way)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localise_fields(self.fields)
        cache_model_choices(self.fields)

    def full_clean(self) -> None:
        localise_fields(self.fields)
        super().full_clean()


class Form(LocalisedInputMixin, forms.Form):
    """The base of every plain form of the project."""


class ModelForm(LocalisedInputMixin, forms.ModelForm):
    """The base of every model form of the project."""


class FilterSet(django_filters.FilterSet):
    """The base of every django-filter FilterSet of the project: its form reads numbers and
    dates like every other form."""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            _name_the_empty_yes_no(field)
        if issubclass(form_class, LocalisedInputMixin):
            return form_class
        return type(form_class.__name__, (LocalisedInputMixin, form_class), {})


def _name_the_empty_yes_no(field: forms.Field) -> None:
    """A yes/no filter left empty reads «الكل», not django-filter's «غير معروف» (Unknown)."""
    widget = field.widget
    if isinstance(widget, BooleanWidget):
        widget.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def text_step_form(
    label: Any, *, required: bool = True, name: str = "note", rows: int = 3, help_text: Any = ""
) -> type[Form]:
    """The form of a workflow step whose only field is a text (a note, a reason): one class
    per step of an action card (core.steps.Action), so each step shows only its own field."""
    field = forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
    return type("TextStepForm", (Form,), {name: field})
