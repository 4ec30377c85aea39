"""core.widgets.QuickSelect writes in Python exactly what Django's select template writes:
the same characters for plain options, groups, the chosen option, attributes (a bare
`required`, escaped values), labels that are numbers or dates (localised as the template
localises them) and options whose attributes a subclass adds; QuickSelectMultiple what
SelectMultiple writes (`multiple`, every chosen option selected). The reference is always
Django's own template renderer (the site's renderer writes selects with the same function
as QuickSelect, so it cannot be the judge)."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from core.widgets import DependentSelect, QuickSelect, QuickSelectMultiple
from programmes.models import Programme, ProgrammeCategory

CHOICES = [
    ("", "الكل"),
    ("a", 'أ & "ب"'),
    ("الفريق <الأول>", [("1", "واحد"), (2, "اثنان")]),
    ("b", "ب"),
]


DJANGO = DjangoTemplates()


class Quick(DependentSelect, QuickSelect):
    """A subclass that gives its options attributes: QuickSelect keeps them."""


def _pair(widget_class, **kwargs):
    class Sample(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=widget_class(**kwargs))

    return Sample


@pytest.mark.parametrize("value", [None, "", "a", "2", "<x>"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "data-x": 'a"b', "hidden": False}]
)
def test_the_markup_is_djangos(value, attrs):
    data = None if value is None else {"choice": value}
    ours = _pair(QuickSelect)(data)["choice"]
    theirs = _pair(forms.Select)(data, renderer=DJANGO)["choice"]
    assert str(ours.as_widget(attrs=attrs)) == str(theirs.as_widget(attrs=attrs))
    assert str(ours).startswith('<select name="choice" required')


def test_a_subclass_keeps_the_attributes_of_its_options():
    class City:
        def __init__(self, pk):
            self.city_id = pk

    class Value(str):
        instance = City(7)

    widget = Quick(follows="city", key="city_id")
    reference = DependentSelect(follows="city", key="city_id")
    widget.choices = reference.choices = [(Value("3"), "الصفا")]
    html = widget.render("centre", "3")
    assert html == reference.render("centre", "3", renderer=DJANGO)
    assert 'data-parent="7"' in html


@pytest.mark.django_db
def test_model_choices_are_written_the_same():
    category = ProgrammeCategory.objects.create(name="أيتام")
    for code, name in (("PRG-1", "كفالة الأيتام"), ("PRG-2", "السلة <الغذائية>")):
        Programme.objects.create(code=code, name=name, category=category, budget=Decimal(1000))
    field = forms.ModelChoiceField(queryset=Programme.objects.order_by("code"), widget=QuickSelect)
    reference = forms.ModelChoiceField(queryset=Programme.objects.order_by("code"))
    assert field.widget.render("programme", None) == reference.widget.render(
        "programme", None, renderer=DJANGO
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_labels_that_are_numbers_or_dates_are_localised_as_the_template_does(language):
    choices = [(1, Decimal("1234.50")), (2, 12000), (3, date(2026, 3, 1)), (4, 0.5), (5, True)]
    with translation.override(language):
        ours = QuickSelect(choices=choices).render("n", 2)
        assert ours == forms.Select(choices=choices).render("n", 2, renderer=DJANGO)


def _several(widget_class):
    class Sample(forms.Form):
        choice = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=widget_class)

    return Sample


@pytest.mark.parametrize("value", [None, [], ["a"], ["a", "2", "b"], ["<x>", "1"]])
@pytest.mark.parametrize("attrs", [None, {"class": "form-select", "data-x": 'a"b'}])
def test_several_choices_are_written_as_djangos_select_multiple(value, attrs):
    data = None if value is None else {"choice": value}
    ours = _several(QuickSelectMultiple)(data)["choice"]
    theirs = _several(forms.SelectMultiple)(data, renderer=DJANGO)["choice"]
    assert str(ours.as_widget(attrs=attrs)) == str(theirs.as_widget(attrs=attrs))
    assert str(ours).partition("\n")[0].endswith(" multiple>")
    # Every chosen option is selected, not only the first.
    assert str(ours).count(" selected") == len(
        [v for v in value or [] if v in ("a", "1", "2", "b")]
    )
