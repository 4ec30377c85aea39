"""The public tracking page draws the case's own step bar (Case.STEP_PATH, the shared
includes/step_bar.html) in the public's words: right to left, the step reached marked for
screen readers, none of the staff's words or work shown; a lookup sent back with a mistake
keeps what was typed and shows no steps."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import override

from complaints import services
from complaints.models import CASE_STEP_PATH, Case

pytestmark = pytest.mark.django_db

TRACK_URL = reverse("public:track")
MOBILE = "0559876543"
# The staff's step labels, which the public never reads.
STAFF_WORDS = ("التسجيل", "الدراسة", "الرد", "الإغلاق")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def filed_case(client, places):
    client.post(
        reverse("public:file"),
        {
            "kind": "complaint",
            "contact_kind": "other",
            "name": "أم خالد",
            "mobile": MOBILE,
            "centre": "",
            "subject": "تأخر السلة الغذائية",
            "description": "لم تصل السلة",
            "website": "",
        },
    )
    return Case.objects.get()


def track(client, number, mobile=MOBILE):
    return client.post(TRACK_URL, {"tracking_number": number, "mobile": mobile})


def step_bar(html):
    match = re.search(r'<nav class="step-bar[^>]*>.*?</nav>', html, re.S)
    assert match, "no step bar"
    return match.group(0)


def steps(html):
    """(status, label) of each step of the bar."""
    return [
        (status, " ".join(re.sub(r"<[^>]+>", "", label).split()))
        for status, label in re.findall(
            r'class="step-bar-step is-(\w+)".*?<span class="step-bar-label">(.*?)</span>\s*</li>',
            step_bar(html),
            re.S,
        )
    ]


def test_a_new_request_is_at_its_first_step_in_the_public_s_words(client, filed_case):
    html = track(client, filed_case.tracking_number).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    bar = step_bar(html)
    assert 'aria-label="مراحل الطلب"' in bar and 'data-testid="step-bar"' in bar
    assert steps(html) == [
        ("current", "تم الاستلام"),
        ("todo", "قيد المعالجة"),
        ("todo", "تمت الإجابة"),
        ("todo", "تم الإغلاق"),
    ]
    assert bar.count('aria-current="step"') == 1
    assert not {label for _status, label in steps(html)} & set(STAFF_WORDS)


def test_the_bar_follows_the_case_and_shows_nothing_of_the_staff_s_work(client, people, filed_case):
    services.case_start_study(
        case=filed_case, actor=people["crm"], causes="سبب داخلي سري", assignee=people["crm"]
    )
    html = track(client, filed_case.tracking_number).content.decode()
    assert steps(html) == [
        ("done", "تم الاستلام (مكتملة)"),
        ("current", "قيد المعالجة"),
        ("todo", "تمت الإجابة"),
        ("todo", "تم الإغلاق"),
    ]
    assert "سبب داخلي سري" not in html and people["crm"].get_full_name() not in html
    filed_case.refresh_from_db()
    services.case_record_reply(case=filed_case, actor=people["crm"], reply="ستصل يوم الأحد")
    filed_case.refresh_from_db()
    services.case_close(case=filed_case, actor=people["crm"])
    html = track(client, filed_case.tracking_number).content.decode()
    assert [status for status, _label in steps(html)] == ["done"] * 4
    assert not {label.split(" (")[0] for _status, label in steps(html)} & set(STAFF_WORDS)


def test_the_public_words_are_only_the_public_page_s(client, people, filed_case):
    """The staff's case page keeps the staff's step labels."""
    client.force_login(people["crm"])
    html = client.get(reverse("complaints:detail", args=[filed_case.pk])).content.decode()
    with override("ar"):
        staff_labels = [str(step.label) for step in CASE_STEP_PATH.steps]
    assert [label.split(" (")[0] for _status, label in steps(html)] == staff_labels


def test_a_lookup_with_a_mistake_keeps_what_was_typed_and_shows_no_steps(client, filed_case):
    response = track(client, "AB", "0559")
    html = response.content.decode()
    assert response.context["form"].errors.keys() == {"tracking_number", "mobile"}
    assert 'value="AB"' in html and 'value="0559"' in html
    assert 'data-testid="step-bar"' not in html
    unknown = track(client, "ZZZZ2222").content.decode()
    assert 'data-testid="not-found"' in unknown and 'data-testid="step-bar"' not in unknown
