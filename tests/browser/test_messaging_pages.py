"""In Chromium, in Arabic: the messaging pages. The SMS counter under the text gives the same
characters, encoding, parts and remaining as messaging/sms.py for Arabic, Latin, the GSM
extension characters and an emoji, typed or pasted; the compose page counts the chosen
segment's audience live (no reload) and the estimated cost; the message page shows its step
bar, its action card, the test to oneself and, once sent, the progress and the recipients.
Screenshots at 1280 and 390 px (no sideways scroll, no "None")."""

import datetime
import itertools

import pytest
from django.utils import timezone

from association.demo import load_demo_data
from association.models import StaffProfile
from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.models import Consent, Message, MessagingSettings
from messaging.sending import sms_unsubscribe_lines
from messaging.sms import sms_length
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "",
    "Hello",
    "مرحبا",
    "L" * 160,
    "L" * 161,
    "ع" * 70,
    "ع" * 71,
    "Price [10] {x} € ~ ^ |" * 7,
    "Hello 👋",
    "سلام Hello",
    "line one\nline two\r\nthree",
]
codes = itertools.count(720001)


def _world():
    load_demo_data()
    MessagingSettings.objects.update_or_create(
        pk=1,
        defaults={
            "quiet_start": datetime.time(0, 0),
            "quiet_end": datetime.time.max,
            "price_per_part": "0.0500",
        },
    )
    for index, name in enumerate(["سارة القحطاني", "خالد العمري", "منى الحربي"]):
        person = Customer.objects.create(
            code=next(codes), name=name, kind="donor", mobile=f"+96650000003{index}"
        )
        Consent.objects.create(
            customer=person,
            channel=ConsentChannel.SMS,
            purpose=ConsentPurpose.MARKETING,
            given=index < 2,
            at=timezone.now(),
            source=ConsentSource.FORM,
        )
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="crm_staff")
    StaffProfile.objects.update_or_create(user=staff, defaults={"mobile": "+966511111111"})
    return services.segment_create(name="المانحون", criteria={"kind": ["donor"]}, actor=staff)


def _counter(page):
    return {
        name: page.locator(f'[data-sms-counter] [data-sms="{name}"]').first.inner_text()
        for name in ("characters", "encoding", "parts", "remaining")
    }


def _expected(text, footer=""):
    """The counter's figures for a typed text: the characters typed, the rest of the text as
    sent (a promotional SMS with its unsubscribe line)."""
    typed = text.replace("\r\n", "\n")
    found = sms_length(typed + footer)
    return {
        "characters": str(len(typed)),
        "encoding": found.encoding,
        "parts": str(found.parts),
        "remaining": str(found.remaining),
    }


def _no_sideways_scroll(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        shot(page, f"messaging-{name}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            name,
            width,
        )
        text = page.locator("main").inner_text()
        assert "None" not in text and "---------" not in text, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_sms_counter_follows_sms_length(as_user, live_server):
    _world()
    page = as_user("crm_staff")
    page.goto(f"{live_server.url}/messaging/new/")
    page.select_option("#id_purpose", "service")  # a notice: no unsubscribe line
    body = page.locator("#id_body")
    # Typed, key by key: Arabic then Latin.
    body.press_sequentially("مرحبا {الاسم} Hi", delay=10)
    assert _counter(page) == _expected("مرحبا {الاسم} Hi")
    assert page.locator("[data-sms-footer-note]").is_hidden()
    for text in TEXTS:
        body.fill(text)
        assert _counter(page) == _expected(text), repr(text)
    # Marketing: the unsubscribe line every such SMS ends with is counted as the gateway bills it.
    page.select_option("#id_purpose", "marketing")
    footer = sms_unsubscribe_lines()["marketing"]
    for text in ("x" * 10, "مرحبا {الاسم}"):
        body.fill(text)
        assert _counter(page) == _expected(text, footer), repr(text)
    note = page.locator("[data-sms-footer-note]").inner_text()
    assert f"{len(footer)} حرفًا أخرى لسطر إلغاء الاشتراك" in note
    # The counter's own function over more texts at once.
    texts = (
        TEXTS + ["x" * n for n in (152, 153, 154, 306, 307)] + ["ب" * n for n in (66, 67, 134, 135)]
    )
    answers = page.evaluate("texts => texts.map(t => window.smsLength(t))", texts)
    for text, answer in zip(texts, answers, strict=True):
        found = sms_length(text)
        assert (answer["encoding"], answer["parts"], answer["remaining"], answer["characters"]) == (
            found.encoding,
            found.parts,
            found.remaining,
            found.characters,
        ), repr(text)


def test_compose_count_live_and_send(as_user, live_server):
    segment = _world()
    page = as_user("crm_staff")
    page.goto(f"{live_server.url}/messaging/new/")
    assert page.locator("[data-count-button]").first.is_hidden()  # counted live instead
    page.select_option("#id_segment", str(segment.pk))
    page.wait_for_selector('[data-audience][data-recipients="2"]')
    page.locator("[data-insert-into] [data-insert='{الاسم}']").click()
    page.locator("#id_body").press_sequentially(" السلام عليكم، حملة الشتاء بدأت", delay=5)
    assert page.locator("#id_body").input_value().startswith("{الاسم}")
    assert page.locator('[data-sms="recipients"]').first.inner_text() == "2"
    # Two parts each: the text and its unsubscribe line are more than one Arabic part.
    assert page.locator('[data-sms="parts"]').first.inner_text() == "2"
    assert page.locator('[data-sms="cost"]').first.inner_text() == "0.20"
    _no_sideways_scroll(page, "compose")
    page.select_option("#id_channel", "email")
    assert page.locator("#id_html_body").is_visible()
    page.wait_for_selector('[data-audience][data-recipients="0"]')
    page.select_option("#id_channel", "sms")
    page.locator("button[type=submit]", has_text="حفظ المسودة").click()
    page.wait_for_selector("[data-testid=step-bar], .step-bar, [data-testid=actions]")
    message = Message.objects.get()
    assert page.url.endswith(f"/messaging/{message.pk}/")
    _no_sideways_scroll(page, "message-draft")
    page.locator("[data-testid=test-send] button").click()
    page.wait_for_selector(".alert-success")
    form = page.locator("[data-testid=action-schedule]")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    message.refresh_from_db()
    assert message.state == "sent"
    page.reload()
    assert page.locator("[data-testid=recipient-row]").count() == 3
    assert "050 000 0030" in page.locator("[data-testid=recipients]").inner_text()
    _no_sideways_scroll(page, "message-sent")
