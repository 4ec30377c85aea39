"""Sessions last a working day, set in the environment (issue 10 item 19)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

BASE_DIR = Path(__file__).resolve().parents[2]


def _settings(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_") and k != "DEBUG"}
    env.update(env_overrides, DEBUG="0", SECRET_KEY="x" * 60)
    env["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_session_lasts_nine_hours_by_default():
    assert _settings({}) == f"{9 * 3600} False"


def test_the_session_length_comes_from_the_environment():
    assert _settings({"SESSION_HOURS": "4"}) == f"{4 * 3600} False"
    assert _settings({"SESSION_HOURS": "0.5", "SESSION_EXPIRE_AT_BROWSER_CLOSE": "1"}) == (
        "1800 True"
    )


@pytest.mark.django_db
def test_the_login_cookie_expires_after_the_session_length(client, crm_staff, settings):
    response = client.post(
        reverse("login"), {"username": crm_staff.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 9 * 3600
    assert client.session.get_expiry_age() == 9 * 3600
