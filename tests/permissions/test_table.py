"""Every cell of the permission table (tests/permissions/table.py): each URL, each method,
each role, a staff user holding no role, and the anonymous visitor. A refused POST must leave
the database as it was: it sends no INSERT, UPDATE or DELETE to a project table, and every
project table keeps its row count.

The world is built once for the module inside a transaction that is rolled back at the end;
each cell runs in a savepoint of its own, so an allowed POST does not leak into the next.
"""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from association.roles import ALL_ROLES

from .table import NOT_SERVED, PUBLIC, SIGNED_IN, TABLE
from .world import ANONYMOUS, NO_ROLE, build_world

PRINCIPALS = [role.code for role in ALL_ROLES] + [NO_ROLE, ANONYMOUS]
PROJECT_APPS = {"association", "customers", "programmes", "opportunities", "complaints"}
PROJECT_APPS |= {"reports", "links", "core", "auth", "campaigns", "messaging"}

ALLOWED, LOGIN, SOFT = "allowed", "login", "refused with a message"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def expected_outcome(row, method, principal):
    if principal == ANONYMOUS:
        return LOGIN
    allowed = row.get if method == "GET" else row.post
    if allowed is NOT_SERVED:
        return 405
    if allowed == SIGNED_IN:
        return ALLOWED
    role = next((role for role in ALL_ROLES if role.code == principal), None)
    if role is not None and role in allowed:
        return ALLOWED
    if role is not None and role in row.soft:
        return SOFT
    if (role or principal) in row.hidden:
        return 404
    return 403


def cells():
    for row in TABLE:
        for method in ("GET", "POST"):
            for principal in PRINCIPALS:
                yield pytest.param(row, method, principal, id=f"{row.id}|{method}|{principal}")


def url_of(row, world):
    kwargs = {}
    for name, value in row.args.items():
        kwargs[name] = getattr(world.get(value), "pk", world.get(value, value))
    url = reverse(row.url_name, kwargs=kwargs)
    if row.query:
        url += "?" + world[f"{row.query}_query"]
    return url


def project_tables():
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    ]


def database_snapshot():
    """The row count of every project table, in one round trip."""
    parts = []
    for table in project_tables():
        quoted = connection.ops.quote_name(table)
        parts.append(f"(SELECT COUNT(*) FROM {quoted})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def writes_to_project_tables(queries):
    """The INSERT, UPDATE and DELETE statements a request sent to the project's tables (the
    session table is not the project's): a refused POST must send none."""
    tables = {connection.ops.quote_name(table) for table in project_tables()}
    tables |= set(project_tables())
    writes = []
    for query in queries:
        sql = query["sql"].lstrip()
        verb = sql.split(" ", 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and any(
            f" {table} " in f" {sql} ".replace("(", " ") for table in tables
        ):
            writes.append(sql[:120])
    return writes


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "method", "principal"), list(cells()))
def test_cell(world, row, method, principal):
    client = Client()
    if principal != ANONYMOUS:
        client.force_login(world[principal])
    url = url_of(row, world)
    expected = expected_outcome(row, method, principal)
    refused_post = method == "POST" and expected != ALLOWED
    before = database_snapshot() if refused_post else None

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "GET" else client.post(url, {})

    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        assert status == 302 and location.startswith(reverse("login")), (status, location)
    elif expected == ALLOWED:
        assert status < 400, status
        if row.url_name != "logout":  # which sends everyone to the login page
            assert not (status == 302 and location.startswith(reverse("login"))), location
    elif expected == SOFT:
        assert status in (200, 302), status
    else:
        assert status == expected, (status, location)
    if refused_post:
        assert writes_to_project_tables(queries) == [], "a refused POST wrote"
        assert database_snapshot() == before, "a refused POST changed the row counts"


def _tracked_link_code():
    from links.models import TrackedLink

    return {"code": TrackedLink.objects.create(code="PublicPerm1", label="x", target="/").code}


def _unsubscribe_token():
    from customers.models import Customer
    from messaging.tokens import unsubscribe_token

    customer = Customer.objects.create(code=900991, name="عميل", kind="donor", mobile="")
    return {"token": unsubscribe_token(customer.pk, "sms", "marketing")}


def _collecting_round():
    from tests.surveys.helpers import collecting_round

    return collecting_round()


def _survey_link_token():
    return {"token": _collecting_round().centres.get().token}


def _survey_invitation_token():
    from tests.surveys.helpers import invitation_for

    return {"token": invitation_for(_collecting_round()).token}


# The public URLs that take arguments: what they are called with.
PUBLIC_KWARGS = {
    "shortlink:follow": _tracked_link_code,
    "unsubscribe:page": _unsubscribe_token,
    "surveys_public:answer": _survey_link_token,
    "surveys_public:invitation": _survey_invitation_token,
}


# The gateway's webhooks: their proof, a signature of the body or the token in the path.
WEBHOOK_SECRET, WEBHOOK_TOKEN = "table-secret", "table-token-0123456789"


@pytest.mark.parametrize(
    "url_name", sorted(name for name, m in PUBLIC.items() if m == "signed POST")
)
def test_webhooks_answer_only_a_proven_post(client, db, settings, url_name):
    from messaging.webhooks import sign

    settings.SMS_WEBHOOK_SECRET, settings.SMS_WEBHOOK_TOKEN = WEBHOOK_SECRET, WEBHOOK_TOKEN
    with_token = url_name.endswith("_token")
    proven = reverse(url_name, kwargs={"token": WEBHOOK_TOKEN} if with_token else {})
    unproven = reverse(url_name, kwargs={"token": "guess"} if with_token else {})
    body = b'{"messageId": "none", "status": "Sent", "from": "0500000001", "body": "hi"}'
    signature = {} if with_token else {"HTTP_X_SIGNATURE": sign(body, WEBHOOK_SECRET)}
    assert client.get(proven).status_code == 405
    assert client.post(unproven, body, content_type="application/json").status_code == 403
    response = client.post(proven, body, content_type="application/json", **signature)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url_name", sorted(name for name, m in PUBLIC.items() if m == "basic-auth POST")
)
def test_email_tracking_webhooks_refuse_an_unproven_call(client, db, settings, url_name):
    """Each provider's tracking webhook (django-anymail): refused without ANYMAIL's
    WEBHOOK_SECRET whatever the call carries; with it, a call without the basic auth is
    refused too (the provider's own checks, or its keys missing, answer 400, 401 or 403)."""
    from messaging.models import Suppression

    url = reverse(url_name)
    body = b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": "a@example.org"}'
    suppressed = Suppression.objects.count()  # the world's demo data has some
    settings.ANYMAIL = {}
    assert client.get(url).status_code == 403
    assert client.post(url, body, content_type="application/json").status_code == 403
    settings.ANYMAIL = {"WEBHOOK_SECRET": "table:secret"}
    assert client.post(url, body, content_type="application/json").status_code in (400, 401, 403)
    assert Suppression.objects.count() == suppressed


@pytest.mark.parametrize(
    "url_name", sorted(name for name, m in PUBLIC.items() if not m.endswith(" POST"))
)
def test_public_pages_answer_the_anonymous_visitor(client, db, url_name):
    method = PUBLIC[url_name]
    kwargs = PUBLIC_KWARGS[url_name]() if url_name in PUBLIC_KWARGS else {}
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code < 400
    assert not response.get("Location", "").startswith(reverse("login"))


def project_url_names(patterns=None, namespace=""):
    """Every named URL of the project's urlconf but the Django admin's."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name
        else:
            yield f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_of_the_project_has_a_row_in_the_table():
    in_table = {row.url_name for row in TABLE} | set(PUBLIC)
    missing = sorted(set(project_url_names()) - in_table)
    assert missing == [], f"URLs without a row in tests/permissions/table.py: {missing}"
    assert not set(PUBLIC) & {row.url_name for row in TABLE}


def test_every_row_names_an_existing_url():
    assert {row.url_name for row in TABLE} <= set(project_url_names())
