"""Content-Security-Policy (issue 10 item 19): every HTML page carries it, and no template
has an inline script, an on*= event attribute, a <style> block or a style attribute, so the
policy can forbid them all."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.core.personal_files import build_personal_files
from tests.reports.support import fake_documents, media_root  # noqa: F401 (fixtures)
from tests.site.beat import any_periodic_task

BASE_DIR = Path(__file__).resolve().parents[2]
# Templates rendered by WeasyPrint into PDFs, never shown by a browser.
PDF_TEMPLATES = {
    "customers/templates/customers/request_pdf.html",
    "links/templates/links/poster.html",
    # An e-mail's HTML body: read by mail clients, which need inline styles.
    "messaging/templates/messaging/email.html",
}
PDF_FOLDERS = (
    "reports/templates/reports/pdf/",
    "campaigns/templates/campaigns/pdf/",
    "manual/templates/manual/pdf/",
)

EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
}


def policy(response):
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def project_templates():
    for path in sorted(BASE_DIR.glob("**/templates/**/*.html")):
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative.startswith((".venv/", "staticfiles/", "build/")):
            continue
        if relative in PDF_TEMPLATES or relative.startswith(PDF_FOLDERS):
            continue
        yield relative, path.read_text(encoding="utf-8")


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def test_templates_have_no_inline_script_event_attribute_or_inline_style():
    found = []
    for name, text in project_templates():
        for label, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on*= attribute", EVENT_ATTRIBUTE),
            ("<style> block", STYLE_BLOCK),
            ("style attribute", STYLE_ATTRIBUTE),
        ):
            found += [f"{name}: {label}" for _match in pattern.finditer(text)]
    assert found == []


def test_the_template_scan_sees_the_templates():
    names = {name for name, _text in project_templates()}
    assert "templates/base.html" in names
    assert "reports/templates/reports/report_detail.html" in names
    assert "customers/templates/customers/request_pdf.html" not in names


def _parameterless_urls(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue
            yield from _parameterless_urls(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            try:
                yield reverse(f"{namespace}{entry.name}")
            except Exception:  # noqa: BLE001 - a pattern with a regex group: not walked
                continue


@pytest.mark.django_db
def test_every_html_page_carries_the_policy(fake_documents, superuser):  # noqa: F811
    built = build_personal_files()
    urls = set(_parameterless_urls())
    urls |= {
        reverse("customers:detail", args=[built["donor"].pk]),
        reverse("customers:request_detail", args=[built["form"].pk]),
        reverse("complaints:detail", args=[built["case"].pk]),
        reverse("opportunities:detail", args=[built["opportunity"].pk]),
        reverse("reports:detail", args=[built["report"].pk]),
        reverse("admin:index"),
        reverse("admin:customers_customer_change", args=[built["donor"].pk]),
        reverse("admin:customers_stewarddesignation_changelist"),
        reverse(
            "admin:django_celery_beat_periodictask_change",
            args=[any_periodic_task().pk],
        ),
        "/no-such-page/",
    }
    seen = 0
    for user in (None, built["people"]["crm_manager"], superuser):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in sorted(urls):
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            directives = policy(response)
            content = response.content.decode()
            scripts = [
                tag
                for tag in INLINE_SCRIPT.findall(content)
                if 'type="application/json"' not in tag
            ]
            assert scripts == [], (url, scripts)
            assert not EVENT_ATTRIBUTE.search(
                re.sub(r"<script.*?</script>", "", content, flags=re.S)
            ), url
            for name, values in EXPECTED.items():
                assert directives.get(name) == values, (url, name, directives.get(name))
            seen += 1
    assert seen > 60
