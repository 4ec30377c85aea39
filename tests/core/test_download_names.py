"""Every downloaded file is named one way (issue 12 item 8): the Arabic title, what it is
about, then the date, whoever downloads it (core.http.download_name)."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from core.http import download_name


def test_the_title_is_arabic_in_either_language():
    for language in ("ar", "en"):
        with translation.override(language):
            name = download_name(gettext_lazy("Customers"), extension="xlsx")
        assert name == "العملاء.xlsx"


def test_a_date_and_a_moment_in_riyadh_time():
    moment = datetime.datetime(2026, 12, 6, 11, 5, tzinfo=datetime.UTC)
    assert download_name("سجل", when=moment, extension="xlsx") == "سجل 2026-12-06 1405.xlsx"
    day = datetime.date(2026, 10, 1)
    assert download_name("تقرير", "الأداء", when=day, extension=".pdf") == (
        "تقرير الأداء 2026-10-01.pdf"
    )
    assert timezone.is_aware(moment)


def test_characters_a_file_system_refuses_are_replaced():
    assert download_name("شكاوى/اقتراحات", 'a:b"c', extension="pdf") == "شكاوى-اقتراحات a-b-c.pdf"
    assert download_name("نموذج", None, "", 7, extension="pdf") == "نموذج 7.pdf"
