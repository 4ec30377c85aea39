"""Arabic error pages, CSRF, login throttling and the settings' security rules."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def test_404_page_is_arabic_for_staff(client, crm_staff):
    client.force_login(crm_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "الصفحة غير موجودة" in content
    assert 'dir="rtl"' in content


def test_404_page_is_arabic_for_visitors(client):
    response = client.get("/static-missing/none/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "الصفحة غير موجودة" in content
    # A visitor is offered the public pages and the login, not a staff home behind it.
    assert f'href="{reverse("public:file")}"' in content
    assert f'href="{reverse("login")}"' in content
    assert "العودة إلى عملي" not in content


@pytest.mark.urls("tests.site.urls_errors")
def test_403_page_is_arabic(client, crm_staff):
    client.force_login(crm_staff)
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "غير مصرح لك بالدخول" in response.content.decode()


@pytest.mark.urls("tests.site.urls_errors")
def test_500_page_is_arabic_and_standalone(crm_staff):
    client = Client(raise_request_exception=False)
    client.force_login(crm_staff)
    response = client.get("/broken/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "خطأ في الخادم" in content
    assert 'dir="rtl"' in content


@pytest.mark.urls("tests.site.urls_errors")
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/no-such-page/", 404, "الصفحة غير موجودة"),
        ("/customers/999999/", 404, "الصفحة غير موجودة"),
        ("/forbidden/", 403, "غير مصرح لك بالدخول"),
    ],
    ids=["unknown address", "a view's Http404", "refused"],
)
def test_with_debug_on_the_site_s_own_error_pages_answer(
    client, crm_staff, settings, url, status, text
):
    """`make run` (DEBUG=1): a newcomer sees the Arabic 404 and 403 pages, never Django's
    English technical page."""
    settings.DEBUG = True
    client.force_login(crm_staff)
    response = client.get(url)
    assert response.status_code == status
    content = response.content.decode()
    assert text in content
    assert 'dir="rtl"' in content
    assert "DEBUG = True" not in content
    assert "Page not found" not in content


@pytest.mark.urls("tests.site.urls_errors")
def test_with_debug_on_a_crash_keeps_the_technical_page_for_developers(crm_staff, settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(crm_staff)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "deliberate failure for the 500 page test" in response.content.decode()


def test_with_debug_on_a_missing_slash_still_redirects(client, crm_staff, settings):
    settings.DEBUG = True
    client.force_login(crm_staff)
    response = client.get("/customers")
    assert response.status_code == 301
    assert response["Location"] == "/customers/"


def test_form_without_csrf_token_is_refused_with_an_arabic_page(crm_staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": crm_staff.username, "password": "x"})
    assert response.status_code == 403
    assert "انتهت صلاحية النموذج" in response.content.decode()


def _fail_login(client, username, ip):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=ip
    )


def test_repeated_failures_lock_the_username_from_that_address_only(client, crm_staff, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, crm_staff.username, "10.1.1.1")
    locked = client.post(
        reverse("login"),
        {"username": crm_staff.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert locked.status_code == 429
    assert "الحساب مقفل مؤقتًا" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # The same user from another address still logs in: an attacker cannot lock staff out.
    other = Client()
    response = other.post(
        reverse("login"),
        {"username": crm_staff.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.2.2.2",
    )
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(crm_staff.pk)


def _run_settings(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="crm_site.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _run_settings({"DEBUG": "0", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = _run_settings({"DEBUG": "1", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_settings_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="crm_site.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True True Asia/Riyadh ar"
