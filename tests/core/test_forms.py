"""Numbers and dates typed the way Saudi staff type them (issue 10, items 17 and 21): one
behaviour for every numeric and date field of every form of the project, including the
admin's and the list filters'."""

import datetime
import importlib
import inspect
import pkgutil
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from core.forms import FilterSet, Form, LocalisedInputMixin, is_localised

PROJECT_APPS = (*settings.PROJECT_APPS, "crm_site")


class Sample(LocalisedInputMixin, forms.Form):
    whole = forms.IntegerField(required=False)
    amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2)
    ratio = forms.FloatField(required=False)
    day = forms.DateField(required=False)
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    both = forms.SplitDateTimeField(required=False)
    text = forms.CharField(required=False)


def cleaned(**data):
    form = Sample(data=data)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def errors(**data):
    form = Sample(data=data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("١٢٥٠٠٫٥٠", Decimal("12500.50")),  # the issue's opportunity amount
        ("١٢٬٥٠٠٫٥", Decimal("12500.5")),  # Arabic thousands separator
        ("۱۲۵۰۰", Decimal("12500")),  # Persian digits
        ("12,500.50", Decimal("12500.50")),
        ("1,234,567", Decimal("1234567")),
        ("12 500", Decimal("12500")),
        ("١٢\u00a0٥٠٠", Decimal("12500")),  # a no-break space groups the thousands
        ("\u200f١٢٥\u200f", Decimal("125")),  # right-to-left marks pasted with the number
        ("\u061c-١٥\u2066", Decimal("-15")),
        (" 7 ", Decimal("7")),
    ],
)
def test_amounts_typed_with_arabic_digits_and_separators_are_read(typed, expected):
    assert cleaned(amount=typed)["amount"] == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("٢٠", 20), ("۲۰", 20), ("١٬٠٠٠", 1000), ("1,000", 1000), ("\u200e٣\u200e", 3)],
)
def test_whole_numbers_typed_with_arabic_digits_are_read(typed, expected):
    assert cleaned(whole=typed)["whole"] == expected


def test_floats_typed_with_the_arabic_decimal_separator_are_read():
    assert cleaned(ratio="٠٫٢٥")["ratio"] == 0.25


@pytest.mark.parametrize("typed", ["1,5", "12,50", "1,2345", "١٢٬٥", "12..5", "abc"])
def test_a_comma_that_does_not_group_thousands_is_refused_not_guessed(typed):
    # "1,5" could be one and a half or fifteen: the person is asked, nothing is guessed.
    assert "amount" in errors(amount=typed)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_dates_typed_with_arabic_digits_and_direction_marks_are_read(language):
    with translation.override(language):
        data = cleaned(
            day="\u200f٢٠٢٥-٠٧-٠٤\u200f",
            moment="٠٤/٠٧/٢٠٢٥ ١٤:٣٠",
            hour="٠٩:٠٥",
            both_0="٠٤/٠٧/٢٠٢٥",
            both_1="١٤:٣٠",
        )
    assert data["day"] == datetime.date(2025, 7, 4)
    moment = data["moment"].astimezone(datetime.timezone(datetime.timedelta(hours=3)))
    assert moment.replace(tzinfo=None) == datetime.datetime(2025, 7, 4, 14, 30)
    assert data["hour"] == datetime.time(9, 5)
    assert data["both"].date() == datetime.date(2025, 7, 4)


def test_free_text_keeps_the_digits_and_separators_as_typed():
    assert cleaned(text=" رقم ١٢٬٥٠٠٫٥ ")["text"] == "رقم ١٢٬٥٠٠٫٥"


def test_typed_text_is_shown_again_after_an_error():
    form = Sample(data={"amount": "١٢٫٥٫٥"})
    assert not form.is_valid()
    assert 'value="١٢٫٥٫٥"' in str(form["amount"])


def test_number_fields_are_text_boxes_with_a_numeric_keyboard():
    # A browser's <input type="number"> throws Arabic-Indic digits away before sending.
    form = Sample()
    amount, whole = str(form["amount"]), str(form["whole"])
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount
    assert 'type="text"' in whole and 'inputmode="numeric"' in whole
    assert "step=" not in amount and 'dir="ltr"' in amount


def test_a_field_added_after_the_form_was_made_is_read_the_same_way():
    form = Sample(data={"late": "٥"})
    form.fields["late"] = forms.IntegerField()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["late"] == 5


# --- the project's forms ------------------------------------------------------------------


def test_the_opportunity_amount_of_the_issue_is_accepted(db):
    from opportunities.forms import OpportunityCreateForm
    from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus

    programme = Programme.objects.create(
        code="P-1",
        name="سلة رمضان",
        category=ProgrammeCategory.objects.create(name="إغاثة"),
        status=ProgrammeStatus.ACTIVE,
    )
    form = OpportunityCreateForm(
        data={
            "title": "دعم سلة رمضان",
            "programme": programme.pk,
            "expected_amount": "١٢٥٠٠٫٥٠",
            "probability": "٤٠",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["expected_amount"] == Decimal("12500.50")
    assert form.cleaned_data["probability"] == 40


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_consent_date_of_the_issue_is_accepted(db, language):
    from customers.forms import CustomerDataForm

    data = {
        "name": "مريم خالد",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "٠٥٠١٢٣٤٥٦٧",
        "contact_channel": "phone",
        "consent_sms_marketing": "on",
        "consent_date": "٠٤/٠٧/٢٠٢٥",
        "consent_source": "استمارة ورقية",
        "is_active": "on",
    }
    with translation.override(language):
        form = CustomerDataForm(data=data)
        form.is_valid()
    assert "consent_date" not in form.errors
    assert form.cleaned_data["consent_date"] == datetime.date(2025, 7, 4)


def test_the_register_filter_reads_arabic_dates(db):
    from complaints.filters import CaseFilterForm

    form = CaseFilterForm(data={"date_from": "٠١/٠٦/٢٠٢٥", "date_to": "٣٠/٠٦/٢٠٢٥"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_from"] == datetime.date(2025, 6, 1)
    assert form.cleaned_data["date_to"] == datetime.date(2025, 6, 30)


def _project_modules():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or info.name.endswith(("settings", "wsgi")):
                continue
            yield importlib.import_module(info.name)


def _classes_defined_in_the_project(base):
    found = {}
    for module in _project_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__.split(".")[0] in PROJECT_APPS and issubclass(cls, base):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_form_of_the_project_reads_numbers_and_dates_the_same_way():
    """A new form must derive from core.forms.Form or ModelForm (or LocalisedInputMixin)."""
    found = _classes_defined_in_the_project(forms.BaseForm)
    assert len(found) > 30  # the walk really found the project's forms
    missing = sorted(
        name
        for name, cls in found.items()
        if not issubclass(cls, LocalisedInputMixin) and cls is not Sample
    )
    assert not missing, f"forms not deriving from core.forms.Form/ModelForm: {missing}"


def test_every_filter_set_of_the_project_reads_numbers_and_dates_the_same_way():
    found = _classes_defined_in_the_project(django_filters.FilterSet)
    assert len(found) >= 5
    missing = sorted(name for name, cls in found.items() if not issubclass(cls, FilterSet))
    assert not missing, f"filter sets not deriving from core.forms.FilterSet: {missing}"


def test_a_filter_sets_form_reads_arabic_digits(db):
    from finance.models import Donation

    class Amounts(FilterSet):
        amount = django_filters.NumberFilter(field_name="amount")
        received = django_filters.DateFromToRangeFilter(field_name="received_on")

        class Meta:
            model = Donation
            fields = ["amount", "received"]

    filters = Amounts(
        data={"amount": "١٬٥٠٠", "received_after": "٠١/٠٧/٢٠٢٥", "received_before": "2025-07-31"},
        queryset=Donation.objects.all(),
    )
    assert filters.form.is_valid(), filters.form.errors
    assert filters.form.cleaned_data["amount"] == Decimal("1500")
    assert filters.form.cleaned_data["received"].start.date() == datetime.date(2025, 7, 1)


def _admin_forms():
    request = RequestFactory().get("/admin/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin.get_form(request)()
        for inline in model_admin.get_inline_instances(request):
            yield model, inline.get_formset(request).form()


def _numeric_and_date_fields(form):
    kinds = (
        forms.IntegerField,
        forms.DecimalField,
        forms.FloatField,
        forms.DateField,
        forms.DateTimeField,
        forms.TimeField,
    )
    for name, field in form.fields.items():
        parts = field.fields if isinstance(field, forms.MultiValueField) else [field]
        for part in parts:
            if isinstance(part, kinds):
                yield name, part


def test_every_admin_form_reads_numbers_and_dates_the_same_way(db, rf):
    checked, missing = 0, []
    for model, form in _admin_forms():
        for name, field in _numeric_and_date_fields(form):
            checked += 1
            if not is_localised(field):
                missing.append(f"{model._meta.label}.{name}")
    assert checked > 10
    assert not missing, missing


def test_the_admin_reads_a_public_holiday_typed_in_arabic(db):
    from association.models import PublicHoliday

    model_admin = admin.site._registry[PublicHoliday]
    request = RequestFactory().get("/admin/")
    form_class = model_admin.get_form(request)
    date_fields = [
        name for name, field in form_class.base_fields.items() if isinstance(field, forms.DateField)
    ]
    assert date_fields == ["start_date", "end_date"]
    form = form_class(data=dict.fromkeys(date_fields, "٢٣/٠٩/٢٠٢٥"))
    form.is_valid()
    for name in date_fields:
        assert name not in form.errors
        assert form.cleaned_data[name] == datetime.date(2025, 9, 23)


# --- date input formats (item 21) ----------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("typed", ["04/07/2025", "04-07-2025", "04.07.2025", "2025-07-04"])
def test_a_date_is_read_day_first_in_both_languages(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == datetime.date(2025, 7, 4)


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("typed", ["07/15/2025", "07/15/25", "Jul 15 2025", "2025-15-07"])
def test_a_us_month_first_date_is_refused(language, typed):
    with translation.override(language), pytest.raises(forms.ValidationError):
        forms.DateField().clean(typed)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_datetime_is_read_day_first_in_both_languages(language):
    with translation.override(language):
        moment = forms.DateTimeField().clean("04/07/2025 09:15")
        assert (moment.day, moment.month, moment.hour) == (4, 7, 9)
        with pytest.raises(forms.ValidationError):
            forms.DateTimeField().clean("07/15/2025 09:15")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_date_box_shows_its_value_in_iso(language):
    # <input type="date"> only understands yyyy-mm-dd; the admin shows the same.
    with translation.override(language):
        rendered = forms.DateInput(attrs={"type": "date"}).render("d", datetime.date(2025, 7, 4))
    assert 'value="2025-07-04"' in rendered


@pytest.mark.parametrize(("language", "expected"), [("ar", "4 يوليو 2025"), ("en", "4 July 2025")])
def test_dates_are_displayed_day_first_as_the_pages_write_them(language, expected):
    from django.utils import formats

    with translation.override(language):
        assert formats.date_format(datetime.date(2025, 7, 4)) == expected
        short = formats.date_format(datetime.date(2025, 7, 4), "SHORT_DATE_FORMAT")
    # ISO, isolated left to right so that Arabic text before it cannot reorder its digits.
    assert short == "\u20662025-07-04\u2069"


class _Choices(Form):
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)


class _LazyChoices(FilterSet):
    calls: list[int] = []

    def _years():  # type: ignore[misc]  # a plain function the filter calls, not a method
        _LazyChoices.calls.append(1)
        return [("2026", "2026")]

    year = django_filters.ChoiceFilter(field_name="portfolio_year", choices=_years)

    class Meta:
        from programmes.models import Programme

        model = Programme
        fields = ["year"]


def test_an_empty_choice_reads_choose_never_dashes():
    with translation.override("ar"):
        labels = [str(label) for _, label in _Choices().fields["kind"].choices]
    assert labels == ["اختر…", "A"]


def test_choices_computed_by_a_function_are_not_read_when_the_form_is_made(db):
    _LazyChoices.calls.clear()
    _LazyChoices({}).form  # noqa: B018 - making the form is the point
    assert _LazyChoices.calls == []


def test_no_staff_page_shows_dashes_for_an_empty_choice(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(admin)
    for url in ["/customers/forms/new/", "/customers/", "/programmes/", "/opportunities/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "---------" not in response.content.decode(), url
