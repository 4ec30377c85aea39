"""The site's form renderer (core.form_renderer) writes Django's input, textarea and select
templates in Python: every widget and every form page gives byte for byte the HTML of
Django's own renderer (labels, values, selected and disabled options, escaping, the
attributes crispy adds, errors and RTL come from the same places as before). The site's
crispy field template (templates/bootstrap5/field.html: the package's with its help text
and errors pasted in place) draws every field as the package's own does."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.apps import apps
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import Context, Engine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from association import roles
from association.models import Centre
from core.form_renderer import FormRenderer
from core.widgets import DependentSelect
from tests.factories import CentreFactory, CityFactory

DJANGO = DjangoTemplates()
SITE = FormRenderer()

CHOICES = [
    ("", gettext_lazy("Choose…")),
    ("a", "<b>ألف</b> & co"),
    (gettext_lazy("Customers"), [("b", "باء"), (3, 'say "three"')]),
    ("c", "جيم"),
]


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="مساعدة")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"readonly": True}))
    number = forms.IntegerField(min_value=0)
    amount = forms.DecimalField(max_digits=9, decimal_places=2, localize=True)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "data-x": ("a", 1)}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": False}))
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    agreed = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    attachment = forms.FileField(required=False, widget=forms.ClearableFileInput)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "title": mark_safe("<i>")}))
    kind = forms.ChoiceField(choices=CHOICES)
    kinds = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)
    checks = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )
    fixed = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)
    maybe = forms.NullBooleanField()


VALUES = [
    {},
    {
        "text": 'x" onmouseover="<script>',
        "number": "12",
        "amount": "1234.5",
        "day": "2026-01-31",
        "email": "a@b.sa",
        "url": "https://x.sa/?a=1&b=2",
        "secret": "s&s",
        "hidden": "7",
        "agreed": "on",
        "notes": "سطر\n</textarea><b>",
        "kind": "b",
        "kinds": ["a", "3"],
        "radio": "c",
        "checks": ["b"],
        "maybe": "true",
    },
    {"number": "-1", "email": "not an address", "kind": "zzz", "maybe": "unknown"},
]


def _both(field):
    field.form.renderer = DJANGO
    expected = field.as_widget()
    field.form.renderer = SITE
    return expected, field.as_widget()


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("data", VALUES)
def test_every_widget_is_drawn_as_django_draws_it(language, data):
    initial = {"text": "أولي", "number": 5, "amount": Decimal("9.50"), "day": date(2026, 3, 1)}
    with translation.override(language):
        form = EveryWidget(data=data or None, initial=initial)
        form.is_valid()
        for name in form.fields:
            expected, drawn = _both(form[name])
            assert drawn == expected, name
        # The attributes crispy adds, and a field drawn with its errors.
        form["kind"].field.widget.attrs.update({"class": "form-select is-invalid", "x": 0})
        expected, drawn = _both(form["kind"])
        assert drawn == expected
        form.renderer = DJANGO
        whole = str(form)
        form.renderer = SITE
        assert str(form) == whole


@pytest.mark.django_db
def test_a_dependent_select_keeps_its_parents_and_the_chosen_centre():
    city = CityFactory()
    centres = [CentreFactory(city=city) for _ in range(3)]

    class CentreForm(forms.Form):
        centre = forms.ModelChoiceField(
            Centre.objects.order_by("pk"), widget=DependentSelect(follows="city", key="city_id")
        )

    form = CentreForm(initial={"centre": centres[1].pk}, prefix="p")
    expected, drawn = _both(form["centre"])
    assert drawn == expected
    assert f'data-parent="{city.pk}"' in drawn and 'data-follows="p-city"' in drawn


def test_the_site_uses_it_and_other_templates_go_through_django():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert settings.FORM_RENDERER == "core.form_renderer.FormRenderer"
    # A template it does not write (the form's own layout) is Django's.
    form = EveryWidget()
    context = form.get_context()
    assert SITE.render(form.template_name, context) == DJANGO.render(form.template_name, context)


def _page(client, url):
    html = client.get(url).content.decode()
    # The tokens differ on every request.
    return re.sub(r'(csrfmiddlewaretoken|submission_token)" value="[^"]+"', r"\1", html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["complaints:new", "opportunities:create", "customers:request_new"]
)
def test_form_pages_are_the_same_html(make_user, settings, url_name):
    city = CityFactory()
    CentreFactory.create_batch(3, city=city)
    client = Client()
    client.force_login(make_user(roles.CRM_STAFF))
    url = reverse(url_name)
    drawn = _page(client, url)
    get_default_renderer.cache_clear()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    try:
        assert _page(client, url) == drawn
    finally:
        get_default_renderer.cache_clear()
    assert "<select" in drawn and "<textarea" in drawn


PACKAGE_FIELD = (
    Path(apps.get_app_config("crispy_bootstrap5").path) / "templates/bootstrap5/field.html"
)


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("data", VALUES)
@pytest.mark.parametrize(
    "helper",
    [None, {"help_text_inline": True}, {"error_text_inline": False}, {"form_show_labels": False}],
)
def test_every_crispy_field_is_drawn_as_the_package_draws_it(language, data, helper):
    engine = Engine.get_default()
    package_field = engine.from_string(PACKAGE_FIELD.read_text(encoding="utf-8"))
    assert engine.get_template("bootstrap5/field.html").origin.name.startswith(
        str(settings.BASE_DIR / "templates")
    )
    with translation.override(language):
        form = EveryWidget(data=data or None)
        form.is_valid()
        if helper is not None:
            form.helper = FormHelper()
            for name, value in helper.items():
                setattr(form.helper, name, value)
        for name in form.fields:
            drawn = as_crispy_field(form[name])
            context = {
                "field": form[name],
                "form_show_errors": True,
                "form_show_labels": True,
                "label_class": "",
                "field_class": "",
            }
            if helper is not None:
                context.update(form.helper.get_attributes("bootstrap5"))
            assert drawn == package_field.render(Context(context)), name
        if "email" in form.errors:
            assert "invalid-feedback" in str(as_crispy_field(form["email"]))
