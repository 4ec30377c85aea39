"""Client addresses behind the reverse proxy (issue 10 item 13): django-axes and the public
pages' rate limits read the visitor's address through django-ipware."""

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
PROXY = "10.0.0.2"  # the reverse proxy: every request reaches Django from it
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.9"


@pytest.fixture
def behind_one_proxy(settings):
    """The settings crm_site.settings derives from AXES_PROXY_COUNT=1 (checked below)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    return settings


def _login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def _fail_from(client, username, times, **headers):
    for _attempt in range(times):
        _login(client, username, "wrong", **headers)


def test_behind_the_proxy_a_lock_on_one_client_leaves_another_free(
    behind_one_proxy, crm_staff, settings
):
    client_a, client_b = Client(), Client()
    _fail_from(
        client_a,
        crm_staff.username,
        settings.AXES_FAILURE_LIMIT,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=CLIENT_A,
    )

    locked = _login(
        client_a,
        crm_staff.username,
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=CLIENT_A,
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client_a.session

    free = _login(
        client_b,
        crm_staff.username,
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=CLIENT_B,
    )
    assert free.status_code == 302
    assert client_b.session["_auth_user_id"] == str(crm_staff.pk)

    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT_A]


def test_a_forged_header_behind_the_proxy_does_not_dodge_the_lock(behind_one_proxy, crm_staff):
    """A visitor who sends their own X-Forwarded-For arrives with two addresses in it (the
    proxy appends the real one): the chain is not what one proxy makes, so the proxy's own
    address counts, and every such visitor shares that one lock."""
    attacker = Client()
    for number in range(5):
        _login(
            attacker,
            crm_staff.username,
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {CLIENT_A}",
        )
    refused = _login(
        attacker,
        crm_staff.username,
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {CLIENT_A}",
    )
    assert refused.status_code == 429
    # The real client A, through the proxy, still logs in.
    honest = Client()
    ok = _login(
        honest,
        crm_staff.username,
        TEST_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=CLIENT_A,
    )
    assert ok.status_code == 302


def test_without_a_trusted_proxy_a_forged_header_does_not_dodge_the_lock(crm_staff, settings):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)
    attacker = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(
            attacker,
            crm_staff.username,
            "wrong",
            REMOTE_ADDR=CLIENT_A,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    refused = _login(
        attacker,
        crm_staff.username,
        TEST_PASSWORD,
        REMOTE_ADDR=CLIENT_A,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_public_rate_limits_use_the_same_client_address(behind_one_proxy, rf):
    from django_ratelimit.core import _get_ip

    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_B)
    assert _get_ip(request) == CLIENT_B
    behind_one_proxy.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    assert _get_ip(request) == PROXY


def _settings_values(env_overrides, expression):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AXES_", "RATELIMIT_"))}
    env.update(
        env_overrides,
        DJANGO_SETTINGS_MODULE="crm_site.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
    )
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_proxy_count_in_the_environment_configures_ipware():
    expression = (
        "s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.RATELIMIT_IP_META_KEY"
    )
    assert _settings_values({}, expression) == ("('REMOTE_ADDR',) None core.client_ip.client_ip")
    assert _settings_values({"AXES_PROXY_COUNT": "1"}, expression) == (
        "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') 0 core.client_ip.client_ip"
    )
    assert _settings_values({"AXES_PROXY_COUNT": "2"}, expression) == (
        "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') 1 core.client_ip.client_ip"
    )
