"""In Chromium: a Latin customer name interpolated in a translated sentence is isolated in
<bdi> (the |bdi filter), so the words before and after it keep their places, in English as
in Arabic."""

import pytest

from association.demo import load_demo_data
from customers.models import Customer
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "John Smith-2"

# The <bdi> holding `name`, its sentence, and the boxes of the word just before it and of
# the word just after it (the text nodes beside the element).
SENTENCE = """(name) => {
    const bdi = [...document.querySelectorAll('main bdi')].find(b => b.textContent === name);
    if (!bdi) return null;
    const box = (node, last) => {
        const text = node.textContent, range = document.createRange();
        if (last) {
            const end = text.trimEnd().length;
            range.setStart(node, text.trimEnd().lastIndexOf(' ') + 1);
            range.setEnd(node, end);
        } else {
            const start = text.length - text.trimStart().length;
            const space = text.indexOf(' ', start);
            range.setStart(node, start);
            range.setEnd(node, space < 0 ? text.length : space);
        }
        const r = range.getBoundingClientRect();
        return {text: range.toString(), left: r.left, right: r.right, top: r.top};
    };
    const r = bdi.getBoundingClientRect();
    return {
        name: bdi.textContent,
        sentence: bdi.parentElement.textContent.replace(/\\s+/g, ' ').trim(),
        direction: getComputedStyle(bdi.parentElement).direction,
        bdi: {left: r.left, right: r.right, top: r.top},
        before: box(bdi.previousSibling, true),
        after: box(bdi.nextSibling, false),
    };
}"""


def test_a_latin_name_keeps_its_place_in_an_english_and_an_arabic_sentence(as_user, live_server):
    load_demo_data()
    customer = Customer.objects.create(
        code=900123, name=NAME, kind="donor", entity_type="individual"
    )
    url = f"{live_server.url}/customers/{customer.pk}/modify/"

    staff = as_user("crm_staff")
    staff.goto(url)
    arabic = staff.evaluate(SENTENCE, NAME)
    assert arabic is not None, "the name is not isolated in <bdi>"
    assert arabic["direction"] == "rtl"
    assert f"تعديل بيانات العميل الحالي {NAME} (رقم العميل 900123)" in arabic["sentence"]
    assert (arabic["before"]["text"], arabic["after"]["text"]) == ("الحالي", "(رقم")
    # Right to left: the word before the name is on its right, the word after on its left.
    assert abs(arabic["before"]["top"] - arabic["bdi"]["top"]) < 12, arabic
    assert abs(arabic["after"]["top"] - arabic["bdi"]["top"]) < 12, arabic
    assert arabic["before"]["left"] >= arabic["bdi"]["right"] - 1, arabic
    assert arabic["after"]["right"] <= arabic["bdi"]["left"] + 1, arabic
    shot(staff, "bidi-sentence-arabic-latin-name-1280")

    staff.locator("[data-testid=language-switch] button").first.click()
    staff.wait_for_load_state()
    staff.goto(url)
    assert staff.evaluate("document.documentElement.dir") == "ltr"
    english = staff.evaluate(SENTENCE, NAME)
    assert english is not None, "the name is not isolated in <bdi>"
    assert english["direction"] == "ltr"
    assert f"Modify the existing customer {NAME} (code 900123)." in english["sentence"]
    assert (english["before"]["text"], english["after"]["text"]) == ("customer", "(code")
    # Left to right: the word before the name is on its left, the word after on its right.
    assert abs(english["before"]["top"] - english["bdi"]["top"]) < 12, english
    assert english["before"]["right"] <= english["bdi"]["left"] + 1, english
    assert english["after"]["left"] >= english["bdi"]["right"] - 1, english
    shot(staff, "bidi-sentence-english-latin-name-1280")
