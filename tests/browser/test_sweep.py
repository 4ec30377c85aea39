"""The sweep (issue 12, "Done means"): every page every principal may open, in Arabic, at
1280 px and on a 390 px phone, with a screenshot of each under artifacts/screenshots/sweep/.

The pages come from the permission table (tests/permissions/table.py) and its world of objects
(tests/permissions/world.py): each row a principal may GET is visited with real objects, so a
new URL is swept as soon as it has its row. The principals are the eleven roles, the demo
administrator, a staff user holding no role, and the anonymous visitor (the public pages).
Downloads (PDF, XLSX, CSV, JSON) are not pages and are left out.

A page fails on:
- horizontal overflow: the document is wider than the viewport (it scrolls sideways);
- "None" or "---------" in the visible text or in a list's choices;
- an untranslated word: a visible Latin word of three letters or more, or one in a
  placeholder, title or aria-label, that is not data: e-mail addresses, usernames, file
  names and codes are data, and so is what a page marks as such (class ltr-value, dir="ltr",
  translate="no", <code>); ALLOWED_LATIN lists the few words that may stay;
- a console error or an uncaught page error (a script error, a blocked resource, a CSP
  violation).
Every failure of every page is collected and reported together at the end.
"""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from association.demo import ADMIN_USERNAME
from association.roles import ALL_ROLES
from complaints.models import TRACKING_ALPHABET, TRACKING_LENGTH
from messaging.tokens import unsubscribe_token
from tests.browser.conftest import SCREENSHOTS
from tests.permissions.table import NOT_SERVED, PUBLIC, SIGNED_IN, TABLE
from tests.permissions.test_table import url_of
from tests.permissions.world import ANONYMOUS, DEMO_USERNAME, NO_ROLE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SWEEP = SCREENSHOTS / "sweep"
WIDTHS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
ADMIN = "admin"
# Latin words an Arabic page may show and why:
# Chromium cannot always capture a page taller than its largest texture (16,384 px; the
# whole manual on a phone is 25,000 px): the screenshot keeps the top of such a page.
MAX_SHOT_HEIGHT = 16_000

ALLOWED_LATIN = {
    # the language switch names the other language in that language
    "English",
    # file formats on download buttons
    "PDF",
    "XLSX",
    "CSV",
    "JPEG",
    "PNG",
    "SVG",
    # the tracked links' campaign parameters, named as every analytics tool names them
    "UTM",
    # product names in the import instructions ("Excel", "Windows Arabic (1256)")
    "Excel",
    "Windows",
    # the keys named on the paper-entry screen, as printed on keyboards
    "Tab",
    "Enter",
}
# Tokens that are data, not wording: e-mail addresses, usernames, file names, URLs, codes
# (anything with a digit, "@", "_", "/" or a file extension) and date formats (YYYY-MM-DD).
DATA_TOKEN = re.compile(r"[@_/\d]|\.(pdf|xlsx|csv|png|jpe?g|docx?|txt)\b|YYYY", re.IGNORECASE)
# A case's tracking number ("MCMMEHJV") may hold no digit.
TRACKING_NUMBER = re.compile(rf"^[{TRACKING_ALPHABET}]{{{TRACKING_LENGTH}}}$")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")

# What the page shows: its visible text, the texts of its lists' choices, and its size.
READ_PAGE = """() => {
  const DATA = 'script, style, template, noscript, code, kbd, samp, '
    + '.ltr-value, [dir="ltr"], [translate="no"]';
  const wording = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest(DATA) && parent.checkVisibility()) {
      wording.push(walker.currentNode.textContent);
    }
  }
  for (const element of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (!element.closest(DATA) && element.checkVisibility()) {
      for (const name of ['placeholder', 'title', 'aria-label']) {
        wording.push(element.getAttribute(name) || '');
      }
    }
  }
  return {
  text: document.body.innerText,
  wording: wording.join(' '),
  options: Array.from(document.querySelectorAll('select option'), (o) => o.textContent),
  scrollWidth: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
  wide: Array.from(document.body.querySelectorAll('*'))
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
    })
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.')),
};}"""


def _survey_link(world):
    from surveys.models import RoundCentre

    link = RoundCentre.objects.filter(round__state="collecting").order_by("pk").first()
    return {"token": link.token}


def _survey_invitation(world):
    from surveys.models import Invitation, Round
    from tests.surveys.helpers import customer

    survey_round = Round.objects.filter(state="collecting").order_by("pk").first()
    invitation = Invitation.objects.create(
        round=survey_round,
        customer=customer(mobile="+966501119999"),
        channel="sms",
        centre=survey_round.centres.order_by("pk").first().centre,
    )
    return {"token": invitation.token}


# Public URLs that take arguments, from the world (a tracked link leads to its target page;
# the demo's survey round collecting answers).
PUBLIC_KWARGS = {
    "shortlink:follow": lambda world: {"code": world["tracked_link"].code},
    "unsubscribe:page": lambda world: {
        "token": unsubscribe_token(world["donor"].pk, "sms", "marketing")
    },
    "surveys_public:answer": _survey_link,
    "surveys_public:invitation": _survey_invitation,
}


def pages_of(principal, role, world):
    """(label, url) of every page the principal may GET, and of the error pages: the 404
    page for the visitor and the user without a role, who also meets the 403 page."""
    if principal == ANONYMOUS:
        pages = [
            (
                name,
                reverse(name, kwargs=PUBLIC_KWARGS[name](world) if name in PUBLIC_KWARGS else {}),
            )
            for name, method in sorted(PUBLIC.items())
            if method == "GET"
        ]
        return pages + [("404", "/no-such-page/")]
    pages = []
    for row in TABLE:
        allowed = row.get
        if allowed is NOT_SERVED:
            continue
        if principal == ADMIN or allowed == SIGNED_IN or (role is not None and role in allowed):
            pages.append((row.id, url_of(row, world)))
    if principal == NO_ROLE:
        pages += [("404", "/no-such-page/"), ("403", reverse("customers:list"))]
    return pages


def untranslated(text):
    words = set()
    for token in text.split():
        if DATA_TOKEN.search(token) or TRACKING_NUMBER.match(token.strip(".,:;()·-")):
            continue
        for word in LATIN_WORD.findall(token):
            if word not in ALLOWED_LATIN:
                words.add(word)
    return sorted(words)


def check(page, where, findings, data_words):
    seen = page.evaluate(READ_PAGE)
    if seen["scrollWidth"] > seen["viewport"]:
        findings.append(
            f"{where}: scrolls sideways ({seen['scrollWidth']} px > {seen['viewport']} px;"
            f" wide: {', '.join(seen['wide'])})"
        )
    shown = seen["text"] + "\n" + "\n".join(seen["options"])
    if re.search(r"\bNone\b", shown):
        findings.append(f'{where}: shows "None"')
    if "---------" in shown:
        findings.append(f'{where}: shows "---------"')
    words = [word for word in untranslated(seen["wording"]) if word not in data_words]
    if words:
        findings.append(f"{where}: untranslated words {words}")


def is_status_of(message, current):
    """The browser's own note that the page itself answered 403 or 404 (the error pages
    are swept on purpose): not a script error."""
    return message.location.get("url") == current.get("url") and "status of 40" in message.text


def slug(text):
    return re.sub(r"[^\w-]+", "_", text).strip("_")


def data_words_of():
    """Latin words of the world's own data: the users' names, usernames and e-mails, and the
    tracking numbers of the cases and support requests («عملي» names them in its items)."""
    from django.contrib.auth import get_user_model

    from complaints.models import Case
    from support.models import SupportRequest

    words = set()
    for user in get_user_model().objects.all():
        for part in (user.username, user.first_name, user.last_name, user.email):
            words.update(LATIN_WORD.findall(part or ""))
    for model in (Case, SupportRequest):
        for number in model.objects.values_list("tracking_number", flat=True):
            words.update(LATIN_WORD.findall(number or ""))
    return words


def test_every_page_for_every_principal_at_both_widths(browser, live_server, tmp_path, settings):
    started = time.monotonic()
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    data_words = data_words_of()
    SWEEP.mkdir(parents=True, exist_ok=True)
    for old in SWEEP.glob("*.png"):
        old.unlink()

    principals = [(DEMO_USERNAME[role], role, world[role.code]) for role in ALL_ROLES]
    from django.contrib.auth import get_user_model

    principals.append((ADMIN, None, get_user_model().objects.get(username=ADMIN_USERNAME)))
    principals.append((NO_ROLE, None, world[NO_ROLE]))
    principals.append((ANONYMOUS, None, None))

    findings = []
    visited = skipped = 0
    for name, role, user in principals:
        context = browser.new_context(locale="ar-SA", viewport=WIDTHS["desktop"])
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(30000)
        current = {"where": name}
        page.on(
            "console",
            lambda message, current=current: (
                message.type == "error"
                and not is_status_of(message, current)
                and findings.append(f"{current['where']}: console error: {message.text}")
            ),
        )
        page.on(
            "pageerror",
            lambda error, current=current: findings.append(
                f"{current['where']}: page error: {error}"
            ),
        )
        for label, url in pages_of(name, role, world):
            response = context.request.get(live_server.url + url)
            if "text/html" not in response.headers.get("content-type", ""):
                skipped += 1
                continue
            current["where"] = f"{name} {label} ({url})"
            current["url"] = live_server.url + url
            page.goto(live_server.url + url)
            visited += 1
            for width_name, size in WIDTHS.items():
                page.set_viewport_size(size)
                where = f"{name} {label} ({url}) at {size['width']} px"
                check(page, where, findings, data_words)
                height = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(
                    path=str(SWEEP / f"{slug(name)}--{slug(label)}--{width_name}.png"),
                    full_page=True,
                    clip={
                        "x": 0,
                        "y": 0,
                        "width": size["width"],
                        "height": min(height, MAX_SHOT_HEIGHT),
                    },
                )
            page.set_viewport_size(WIDTHS["desktop"])
        context.close()

    elapsed = time.monotonic() - started
    summary = (
        f"sweep: {visited} pages ({skipped} downloads left out) for {len(principals)}"
        f" principals at {len(WIDTHS)} widths in {elapsed:.0f} s; {len(findings)} findings"
    )
    print(summary)
    (SWEEP / "findings.txt").write_text(summary + "\n" + "\n".join(findings) + "\n")
    assert not findings, summary + "\n" + "\n".join(findings)
