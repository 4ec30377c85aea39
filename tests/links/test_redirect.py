"""/c/<code>: the redirect with its UTM parameters, one INSERT per visit and no other
write, bots not counted, no IP stored, unique visitors per day, and the friendly Arabic
pages of unknown, stopped and expired codes."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from links import selectors, services
from links.models import LinkVisit

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/124 Mobile"


def visit(link, *, ip="203.0.113.7", agent=PHONE, client=None):
    client = client or Client()
    return client.get(link.short_path, HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)


def test_a_visit_redirects_with_the_utm_parameters_and_keeps_the_target_s_own(make_link):
    link = make_link(
        target="/public/faq/?q=سلة&utm_source=old",
        utm_source="billboard",
        utm_medium="qr",
        utm_campaign="ramadan-1448",
        utm_content="tahlia-street",
    )
    response = visit(link)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/public/faq/"
    assert parse_qsl(target.query) == [
        ("q", "سلة"),
        ("utm_source", "billboard"),
        ("utm_medium", "qr"),
        ("utm_campaign", "ramadan-1448"),
        ("utm_content", "tahlia-street"),
    ]
    assert LinkVisit.objects.filter(link=link).count() == 1


def test_recording_a_visit_costs_one_insert_and_no_other_write(make_link):
    link = make_link(utm_source="leaflet")
    with CaptureQueriesContext(connection) as queries:
        response = visit(link)
    assert response.status_code == 302
    statements = [query["sql"].lstrip().split(" ", 1)[0].upper() for query in queries]
    writes = [sql for sql in statements if sql in {"INSERT", "UPDATE", "DELETE", "REPLACE"}]
    assert writes == ["INSERT"]
    insert = next(q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT"))
    assert "links_linkvisit" in insert
    # The link's SELECT and the visit's INSERT: nothing else (no session row).
    assert len(queries) == 2, [query["sql"][:80] for query in queries]


def test_an_outside_target_on_the_allow_list_redirects_there(make_link, allowed_host):
    link = make_link(target="https://www.example.org/donate?x=1", utm_medium="sms")
    response = visit(link)
    assert response.status_code == 302
    assert response["Location"] == "https://www.example.org/donate?x=1&utm_medium=sms"


def test_a_host_removed_from_the_allow_list_stops_its_links(make_link, allowed_host):
    link = make_link(target="https://www.example.org/donate")
    allowed_host.delete()
    response = visit(link)
    assert response.status_code == 410
    assert LinkVisit.objects.count() == 0


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "WhatsApp/2.23.20.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0",
    ],
)
def test_bots_are_redirected_but_not_counted(make_link, agent):
    link = make_link()
    response = visit(link, agent=agent)
    assert response.status_code == 302
    assert LinkVisit.objects.count() == 0


def test_the_ip_address_is_never_stored(make_link):
    link = make_link()
    ip = "198.51.100.23"
    visit(link, ip=ip)
    row = LinkVisit.objects.values().get()
    assert ip not in " ".join(str(value) for value in row.values())
    assert set(row) == {"id", "link_id", "visited_at", "day", "visitor"}
    assert isinstance(row["visitor"], int)


def test_the_visitor_hash_changes_with_the_day(settings):
    today = datetime.date(2026, 12, 6)
    same = services.visitor_hash("203.0.113.7", PHONE, today)
    assert same == services.visitor_hash("203.0.113.7", PHONE, today)
    assert same != services.visitor_hash("203.0.113.7", PHONE, today + datetime.timedelta(1))
    assert same != services.visitor_hash("203.0.113.8", PHONE, today)
    assert same != services.visitor_hash("203.0.113.7", ANDROID, today)
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert same != services.visitor_hash("203.0.113.7", PHONE, today)


def test_behind_the_proxy_the_client_address_is_the_visitor(make_link, settings):
    """Two people behind the proxy (one REMOTE_ADDR) are two visitors."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    link = make_link()
    for forwarded in ("203.0.113.1", "203.0.113.2"):
        Client().get(
            link.short_path,
            HTTP_USER_AGENT=PHONE,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    assert LinkVisit.objects.values("visitor").distinct().count() == 2


def test_unique_visitors_are_counted_per_day(make_link):
    link = make_link()
    visit(link, ip="203.0.113.1")
    visit(link, ip="203.0.113.1")
    visit(link, ip="203.0.113.2")
    visit(link, ip="203.0.113.2", agent=ANDROID)
    # Yesterday: the same person again counts on that day too.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    LinkVisit.objects.bulk_create(
        [
            LinkVisit(
                link=link,
                visited_at=timezone.now() - datetime.timedelta(days=1),
                day=yesterday,
                visitor=services.visitor_hash("203.0.113.1", PHONE, yesterday),
            )
        ]
    )
    days = selectors.visits_per_day(selectors.days_of(link))
    assert [(row.day, row.visits, row.unique_visitors) for row in days] == [
        (timezone.localdate(), 4, 3),
        (yesterday, 1, 1),
    ]
    assert selectors.link_totals(days) == {"visits": 5, "unique_visitors": 4}
    # Today is counted live; the closed days come from the cache.
    visit(link, ip="203.0.113.9")
    assert selectors.link_totals(selectors.days_of(link)) == {"visits": 6, "unique_visitors": 5}


def test_over_the_rate_limit_the_visitor_still_arrives_but_is_not_counted(make_link):
    link = make_link()
    client = Client()
    for _ in range(35):
        response = visit(link, client=client)
        assert response.status_code == 302
    assert LinkVisit.objects.count() == 30


def _arabic_page(response):
    return response.content.decode()


def test_an_unknown_code_gets_a_friendly_arabic_page(client):
    response = client.get("/c/NoSuchCode", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    page = _arabic_page(response)
    assert "لم نجد هذا الرابط" in page
    assert 'data-testid="link-unavailable"' in page
    assert "Traceback" not in page


@pytest.mark.parametrize("code", ["../admin", "a" * 40, "كود"])
def test_odd_codes_are_unknown(client, code):
    assert client.get(f"/c/{code}").status_code == 404


def test_an_expired_link_gets_the_ended_page(make_link, client):
    link = make_link(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(link.short_path, HTTP_USER_AGENT=PHONE)
    assert response.status_code == 410
    assert "انتهى هذا الرابط" in _arabic_page(response)
    assert LinkVisit.objects.count() == 0


def test_a_stopped_link_gets_the_ended_page(make_link, manager, client):
    link = make_link()
    services.link_update(link=link, actor=manager, is_active=False)
    response = client.get(link.short_path, HTTP_USER_AGENT=PHONE)
    assert response.status_code == 410
    assert "انتهى هذا الرابط" in _arabic_page(response)


def test_the_redirect_answers_get_only(make_link, client):
    link = make_link()
    assert client.post(link.short_path).status_code == 405


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's synchronous_commit")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_visit_does_not_wait_for_the_disk_and_nothing_else_changes(make_link):
    """Outside a transaction (as in production) the visit's single INSERT turns
    synchronous_commit off for its own commit only."""
    link = make_link()
    with CaptureQueriesContext(connection) as queries:
        response = visit(link)
    assert response.status_code == 302
    assert LinkVisit.objects.filter(link=link).count() == 1
    inserts = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "synchronous_commit" in inserts[0]
    assert len(queries) == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
