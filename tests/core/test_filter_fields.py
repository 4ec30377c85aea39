"""The filter bars' fields are written by core.templatetags.filter_fields without crispy's
per-field templates: the same HTML as crispy's |as_crispy_field, field by field (labels,
ids, classes, errors, help text), and the filter card of the list pages unchanged."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse

from core.forms import DayFirstDateInput, Form, MonthInput
from core.templatetags.filter_fields import filter_field, form_fields
from core.widgets import DependentSelect, QuickSelect
from tests.helpers import same_markup


class SampleFilter(Form):
    q = forms.CharField(
        label="بحث", required=False, widget=forms.TextInput(attrs={"placeholder": "الاسم"})
    )
    kind = forms.ChoiceField(label="النوع", choices=[("", "الكل"), ("a", "أ"), ("b", "ب")])
    city = forms.ChoiceField(label="المدينة", choices=[("1", "جدة")], required=False)
    centre = forms.ChoiceField(
        label="المركز",
        choices=[("", "الكل"), ("1", "الصفا")],
        required=False,
        widget=DependentSelect(follows="city", key="city_id"),
    )
    date_from = forms.DateField(
        label="من", required=False, widget=DayFirstDateInput, help_text="اليوم أولًا"
    )
    month = forms.CharField(label="الشهر", required=False, widget=MonthInput)
    overdue = forms.BooleanField(label="المتأخرة فقط", required=False)
    year = forms.TypedChoiceField(
        label="السنة", choices=[(2026, 2026), (12000, 12000)], coerce=int, required=False
    )
    grouped = forms.ChoiceField(
        label="المجموعة",
        choices=[("", "الكل"), ("أيتام & أسر", [("1", "<b>كفالة</b>"), ("2", "سلة")])],
        required=False,
        widget=forms.Select(attrs={"data-kind": "x", "disabled": False, "autofocus": True}),
    )
    answered = forms.NullBooleanField(label="أجيب", required=False)
    confirmed = forms.BooleanField(label="مؤكد", required=True)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": "سارة", "kind": "a", "date_from": "15/03/2025", "overdue": "on"},
        {"kind": "zz", "date_from": "not a date", "month": "2026-10", "year": "12000"},
        {"grouped": "2", "answered": "true", "year": "7"},
    ],
)
def test_each_field_is_written_as_crispy_writes_it(data):
    for name in SampleFilter.base_fields:
        # Two forms: crispy writes its classes into the widget it renders.
        ours = SampleFilter(data)[name]
        theirs = SampleFilter(data)[name]
        if data is not None:
            ours.form.is_valid()
            theirs.form.is_valid()
        assert same_markup(filter_field(ours)) == same_markup(as_crispy_field(theirs)), name


SELECT = re.compile(r"<select.*?</select>", re.S)


@pytest.mark.parametrize("data", [None, {"kind": "b", "grouped": "1", "answered": "false"}])
def test_each_select_is_djangos_markup_byte_for_byte(data):
    """The <select> of every select field, character for character what crispy writes
    through Django's own templates (not the site's renderer, which shares the writer)."""
    selects = 0
    for name in SampleFilter.base_fields:
        ours = SampleFilter(data)[name]
        theirs = SampleFilter(data, renderer=DjangoTemplates())[name]
        if data is not None:
            ours.form.is_valid()
            theirs.form.is_valid()
        expected = SELECT.findall(str(as_crispy_field(theirs)))
        assert SELECT.findall(str(filter_field(ours))) == expected, name
        selects += len(expected)
    assert selects == 6


class SampleChoices(Form):
    programmes = forms.MultipleChoiceField(
        label="البرامج",
        choices=[("1", "كفالة يتيم"), ("2", "سلة غذائية & كسوة"), ("3", "<b>ترميم</b>")],
        widget=forms.CheckboxSelectMultiple,
    )
    grouped = forms.MultipleChoiceField(
        label="مجمعة",
        required=False,
        choices=[("أيتام", [("a", "أ"), ("b", "ب")]), ("أسر", [("c", "ج")])],
        widget=forms.CheckboxSelectMultiple(attrs={"data-kind": "box"}),
        help_text="اختر ما يلزم",
    )
    half = forms.TypedChoiceField(
        label="الفترة", choices=[(0, "السنة"), (1, "الأول")], coerce=int, widget=forms.RadioSelect
    )
    unlabelled = forms.ChoiceField(
        label="", required=False, choices=[("x", "س")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"programmes": ["1", "3"], "grouped": ["c"], "half": "1"},
        {"programmes": ["9"], "grouped": ["z"], "half": "7", "unlabelled": "q"},
    ],
)
def test_radio_buttons_and_checkbox_lists_are_written_as_crispy_writes_them(data):
    for name in SampleChoices.base_fields:
        ours = SampleChoices(data)[name]
        theirs = SampleChoices(data)[name]
        if data is not None:
            ours.form.is_valid()
            theirs.form.is_valid()
        assert same_markup(filter_field(ours)) == same_markup(as_crispy_field(theirs)), name


@pytest.mark.django_db
def test_the_list_pages_filter_cards_keep_their_fields_labels_and_ids(admin_client):
    content = admin_client.get(reverse("customers:list") + "?kind=donor").content.decode()
    card = content[content.index('class="card card-body mb-3 filter-card"') :]
    card = card[: card.index("</form>")]
    assert 'id="div_id_kind" class="mb-3"' in card
    assert '<label for="id_kind" class="form-label">' in card
    assert '<select name="kind" class="select form-select" id="id_kind">' in card
    assert '<option value="donor" selected>' in card
    assert 'class="dependentselect form-select" id="id_centre" data-follows="city"' in card
    content = admin_client.get(reverse("complaints:list") + "?date_from=x").content.decode()
    assert 'class="date-input dayfirstdateinput form-control is-invalid"' in content
    assert 'class="checkboxinput form-check-input" id="id_overdue"' in content


class StepForm(Form):
    """The fields of a workflow step's form (includes/action_form.html)."""

    note = forms.CharField(label="ملاحظة", widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ChoiceField(
        label="إلى", choices=[("crm", "العملاء"), ("centres", "المراكز")], widget=QuickSelect
    )
    kind = forms.ChoiceField(
        label="النوع", choices=[("a", "أ"), ("b", "ب")], widget=forms.RadioSelect, required=False
    )
    due = forms.DateField(label="الموعد", required=False, widget=DayFirstDateInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("تغيّرت الحالة")


@pytest.mark.parametrize(
    "data", [None, {"note": "", "department": "zz", "seen": "crm"}, {"note": "نص", "kind": "a"}]
)
def test_a_whole_form_is_written_as_crispy_writes_it(data):
    """|form_fields: the error summary, then each field (the radios through crispy)."""
    ours, theirs = StepForm(data), StepForm(data)
    if data is not None:
        ours.is_valid()
        theirs.is_valid()
    assert same_markup(form_fields(ours)) == same_markup(as_crispy_form(theirs))
    if data is not None:
        assert 'data-testid="form-errors"' in form_fields(ours)


@pytest.mark.parametrize("value", [None, "", "2", "<b>"])
def test_the_quick_select_writes_djangos_select(value):
    choices = [("", "اختر…"), ("1", "جدة"), ("2", "الرياض & ما حولها"), ("<b>", "<i>")]
    attrs = {"id": "id_city", "class": "form-select", "required": True}
    ours = QuickSelect(choices=choices).render("city", value, attrs)
    theirs = forms.Select(choices=choices).render("city", value, attrs, DjangoTemplates())
    assert ours == theirs


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesForm(Form):
    uploads = forms.FileField(
        label="إضافة ملفات",
        help_text="صور أو <b>PDF</b>",
        widget=MultipleFiles(attrs={"accept": "image/png,.pdf", "class": "extra"}),
    )
    document = forms.FileField(label="المستند", required=False)
    locked = forms.FileField(label="مقفل", required=False, disabled=True)
    plain = forms.FileField(label="ملف", required=False, widget=forms.FileInput)


class StoredFile:
    """A file already stored (FieldFile's name and url): crispy draws its link and clear box."""

    name = "old.pdf"
    url = "/media/old.pdf"


@pytest.mark.parametrize(
    ("data", "initial"),
    [(None, None), ({}, None), (None, {"document": StoredFile()})],
)
def test_file_fields_are_written_as_the_sites_file_picker(data, initial):
    """The file picker (templates/bootstrap5/layout/field_file.html, through crispy) and
    |filter_field write the same markup: label, input and its attributes, button, errors
    and help text; a stored file is still drawn by crispy."""
    for name in FilesForm.base_fields:
        ours = FilesForm(data, {} if data is not None else None, initial=initial)[name]
        theirs = FilesForm(data, {} if data is not None else None, initial=initial)[name]
        if data is not None:
            ours.form.is_valid()
            theirs.form.is_valid()
        mine = filter_field(ours)
        assert same_markup(mine) == same_markup(as_crispy_field(theirs)), name
        assert "file-picker" in mine
