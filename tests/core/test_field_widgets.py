"""Date boxes and file pickers in the page's language (issue 12 item 9): the browser's own
date, datetime-local and file inputs speak the browser's language, not the page's."""

import datetime

from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from core.forms import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    DayFirstDateInput,
    DayFirstDateTimeInput,
    Form,
)


class Dated(Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "max": "2030-01-01"}))
    moment = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    typed = forms.DateField(required=False)  # Django's box, which shows ISO: day first too
    upload = forms.FileField(required=False)


def test_browser_date_boxes_become_day_first_text_boxes():
    form = Dated()
    day, moment = form.fields["day"].widget, form.fields["moment"].widget
    assert isinstance(day, DayFirstDateInput) and day.input_type == "text"
    assert isinstance(moment, DayFirstDateTimeInput) and moment.input_type == "text"
    assert "max" not in day.attrs
    assert day.attrs["pattern"] == DATE_PATTERN and moment.attrs["pattern"] == DATETIME_PATTERN
    assert isinstance(form.fields["typed"].widget, DayFirstDateInput)


def test_the_box_shows_the_value_day_first_with_an_arabic_hint():
    with translation.override("ar"):
        form = Dated(
            initial={
                "day": datetime.date(2026, 3, 15),
                "moment": timezone.make_aware(datetime.datetime(2026, 3, 15, 14, 30)),
            }
        )
        html = str(form["day"]) + str(form["moment"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="15/03/2026"' in html and 'value="15/03/2026 14:30"' in html
    assert 'placeholder="يوم/شهر/سنة"' in html


def test_what_the_box_shows_and_what_people_type_is_read_back():
    for typed in ("15/03/2026", "٢٠٢٦-٠٣-١٥", "2026-03-15", "\u200f١٥/٠٣/٢٠٢٦"):
        form = Dated(data={"day": typed, "moment": "15/03/2026 14:30"})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["day"] == datetime.date(2026, 3, 15)
    assert timezone.localtime(form.cleaned_data["moment"]).hour == 14


def test_file_fields_are_drawn_with_a_button_in_the_page_language():
    with translation.override("ar"):
        html = Template("{% load crispy_forms_tags %}{{ form.upload|as_crispy_field }}").render(
            Context({"form": Dated()})
        )
    assert 'type="file"' in html and "file-picker-input" in html
    assert 'class="btn btn-outline-secondary file-picker-button" for="id_upload"' in html
    assert "اختر ملفًا" in html and 'data-none="لم يُختر أي ملف"' in html
