"""`manage.py bench` (make bench): every staff page, the admin's big lists, the public pages,
the imports and the report production, measured against two floor pages in the same
interleaved rounds, at each size asked; then a bounded load of logged-in users on gunicorn.

It lives in `reports`, the last app, because it reads every app. The pages come from the
permission table the sweep visits (tests/permissions/table.py: every URL, with the roles
that may open it) and its world of objects (tests/permissions/world.py), built inside a
transaction that is rolled back after the measuring; the load's mix is each role's menu
(core.navigation), on committed data only. `make bench` installs the dev dependencies the
table's world needs (factory_boy).

A floor page is a logged-in request that fetches one customer and renders a one-line
template (reports.views_bench), alone and inside the site's base layout. The ratio of a
page's median to the floor's says what the page costs beyond what every page costs, and it
holds better than milliseconds on a shared machine.
"""

import datetime
import json
import logging
import os
import platform
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from core.benchmarking import (
    Item,
    LoadResult,
    Measured,
    Skip,
    drive_load,
    local_gunicorn,
    measure_interleaved,
    process_tree_cpu_seconds,
)
from messaging.tokens import unsubscribe_token

# Who reads a page that several roles may open: the first of these allowed (the table's
# SIGNED_IN pages are read by CRM staff, pages of no role by the administrator).
ROLE_PREFERENCE = (
    "crm_staff",
    "crm_manager",
    "quality",
    "centres_staff",
    "centres_manager",
    "steward",
    "deputy_steward",
    "management",
    "planning",
    "resources",
    "secretary",
)


@dataclass(frozen=True)
class AdminList:
    """The admin's changelist of a big model, held against the site's own page of the same
    rows (issue 13: an admin list or search at most 3 times its own page). `own_list` and
    the page of `own_search` are ids of the permission table (read as the staff items are);
    `own_search` is that page and its parameter searching what the admin's box searches."""

    app_label: str
    model: str
    own_list: str
    search: str | None = None  # typed in the admin's search box (None: it has none)
    own_search: tuple[str, str] | None = None


ADMIN_LISTS: tuple[AdminList, ...] = (
    AdminList("customers", "customer", "customers:list", "محمد", ("customers:list", "q")),
    AdminList("customers", "customerrequest", "customers:request_list"),
    AdminList("complaints", "case", "complaints:list", "تأخر", ("complaints:list", "q")),
    AdminList(
        "opportunities", "opportunity", "opportunities:list", "فرصة", ("opportunities:list", "q")
    ),
    # The site has no list of every donor contact (only those awaiting approval, a few):
    # the list of the donors' donations is its nearest, of the same shape and volume. It
    # finds donors (not their contacts or donations) by name: the admin's box runs that
    # customer search.
    AdminList(
        "opportunities", "donorcontact", "finance:donation_list", "محمد", ("customers:list", "q")
    ),
    AdminList("finance", "donation", "finance:donation_list", "محمد", ("customers:list", "q")),
    AdminList("programmes", "portfoliocycle", "programmes:cycle_list"),
)
HTML = "text/html"


@dataclass
class SizeResult:
    size: int
    counts: dict[str, int]
    seeding_seconds: float
    measured: list[Measured]
    skipped: list[tuple[str, str]]
    load: LoadResult | None = None

    def floor(self, label: str) -> Measured:
        return next(row for row in self.measured if row.group == "floor" and row.label == label)


@dataclass
class Options:
    rounds: int = 12
    heavy_rounds: int = 3
    import_rows: int = 10_000
    load_users: int = 30
    load_requests: int = 3000
    load_seconds: float = 60.0
    load_port: int = 8107
    # gunicorn's processes and threads: gunicorn.conf.py's defaults unless given.
    load_workers: int | None = None
    load_threads: int | None = None
    seed: int = 7
    # Only the items whose label holds one of these (the floors always): a quick look at a few
    # pages while working on them; the full table needs every item.
    match: tuple[str, ...] = ()
    write: Callable[[str], None] = print


FLOOR_BARE = "floor: one customer, one-line template"
FLOOR_LAYOUT = "floor: the same in the base layout"


# --- the data ---------------------------------------------------------------------------------


def top_up(size: int, options: Options) -> tuple[dict[str, int], float]:
    """Bring the database up to `size` customers and `size` cases, `size` // 10
    opportunities, `size` donations and `size` // 20 donors (bulk inserts: the bench_*
    seeders), then refresh the planner's statistics. Returns the counts and the seconds."""
    from complaints.management.commands.bench_complaints import Command as ComplaintsSeeder
    from complaints.models import Case
    from customers.management.commands.seed_customers import seed_customers
    from customers.models import Customer
    from finance.models import Donation
    from opportunities.management.commands.bench_opportunities import (
        Command as OpportunitiesSeeder,
    )
    from opportunities.models import Opportunity

    started = time.perf_counter()
    rng = random.Random(options.seed + size)
    call_command("load_demo_data", stdout=StringIO())
    missing = size - Customer.objects.count()
    if missing > 0:
        options.write(f"  seeding {missing:,} customers…")
        seed_customers(missing, rng=rng)
    options.write("  opportunities, donors and donations…")
    opportunities = OpportunitiesSeeder(stdout=StringIO())
    opportunities.rng = rng
    manager = get_user_model().objects.get(username="crm_manager")
    opportunities._top_up(
        manager,
        {"donors": max(size // 20, 10), "opportunities": size // 10, "donations": size},
    )
    missing = size - Case.objects.count()
    options.write(f"  seeding {max(missing, 0):,} cases…")
    complaints = ComplaintsSeeder(stdout=StringIO())
    complaints.rng = rng
    complaints._top_up(size)
    counts = {
        "customers": Customer.objects.count(),
        "cases": Case.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "donations": Donation.objects.count(),
    }
    return counts, time.perf_counter() - started


# --- what is measured -------------------------------------------------------------------------


def _page_reader(clients: dict[str, Client]) -> Callable[[str, str], Callable[[], object]]:
    def reader(username: str, url: str) -> Callable[[], object]:
        def run() -> object:
            response = clients[username].get(url)
            if response.status_code != 200:
                raise Skip(f"answers {response.status_code}")
            if not response.get("Content-Type", "").startswith(HTML):
                raise Skip(f"a download ({response['Content-Type']})")
            return response

        return run

    return reader


def profiles_built_afresh(
    pages: list[tuple[str, str, str]], read: Callable[[str, str], Callable[[], object]]
) -> list[Item]:
    """The customer 360 is kept until something about the customer changes
    (customers.profile_cache): each profile also measured as its first view after a change,
    the customer's kept pages forgotten before each request."""
    from django.urls import resolve

    from customers.profile_cache import renew_customers

    def afresh(pk: int, page: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            renew_customers([pk])
            return page()

        return run

    return [
        Item(
            "staff",
            f"{label.replace('customers:detail', 'customers:detail built afresh')} ({username})",
            afresh(int(resolve(url).kwargs["pk"]), read(username, url)),
        )
        for label, username, url in pages
        if label.startswith("customers:detail ")
    ]


def staff_pages(world: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, username, url) of every URL of the permission table a role may GET, read by
    the first role of ROLE_PREFERENCE allowed (the administrator when no role is)."""
    from association.demo import ADMIN_USERNAME
    from tests.permissions.table import NOT_SERVED, SIGNED_IN, TABLE
    from tests.permissions.world import DEMO_USERNAME

    username_of = dict(DEMO_USERNAME)
    pages = []
    for row in TABLE:
        if row.get is NOT_SERVED:
            continue
        if row.get == SIGNED_IN:
            username = ROLE_PREFERENCE[0]
        else:
            allowed = {username_of[role] for role in row.get}
            username = next((name for name in ROLE_PREFERENCE if name in allowed), ADMIN_USERNAME)
        kwargs = {
            name: getattr(world.get(value), "pk", world.get(value, value))
            for name, value in row.args.items()
        }
        url = reverse(row.url_name, kwargs=kwargs)
        if row.query:
            url += "?" + world[f"{row.query}_query"]
        pages.append((row.id, username, url))
    return pages


def page_items(world: dict[str, Any], clients: dict[str, Client]) -> list[Item]:
    from complaints.models import Case
    from customers.models import Customer
    from tests.permissions.table import PUBLIC

    read = _page_reader(clients)
    customer = Customer.objects.order_by("pk")[Customer.objects.count() // 2]
    items = [
        Item("floor", FLOOR_BARE, read("crm_staff", f"/bench-floor/{customer.pk}/")),
        Item("floor", FLOOR_LAYOUT, read("crm_staff", f"/bench-floor/{customer.pk}/layout/")),
    ]
    pages = staff_pages(world)
    items += [
        Item("staff", f"{label} ({username})", read(username, url))
        for label, username, url in pages
    ]
    items += profiles_built_afresh(pages, read)
    items += admin_items(pages, read, customer)
    for name, method in sorted(PUBLIC.items()):
        if name == "shortlink:follow":
            code = world["tracked_link"].code
            items.append(
                Item("public", "shortlink:follow, a counted visit", _link_visit(clients, code))
            )
        elif name == "unsubscribe:page":
            token = unsubscribe_token(customer.pk, "sms", "marketing")
            url = reverse(name, args=[token])
            items.append(Item("public", "unsubscribe:page, the question", read("", url)))
        elif name in SURVEY_PAGES:
            token = _survey_token(name)
            if token:  # a round collecting answers (the demo's, or none in a bare database)
                items.append(Item("public", name, read("", reverse(name, args=[token]))))
        elif method == "GET":
            items.append(Item("public", name, read("", reverse(name))))
    case = Case.objects.exclude(contact_mobile="").order_by("-pk").first()
    if case is not None:
        items.append(Item("public", "public:track, a lookup (POST)", _public_lookup(clients, case)))
    return items


# The survey answer pages take a round's centre token or an invitation's (bench_surveys
# measures the answer's submit).
SURVEY_PAGES = ("surveys_public:answer", "surveys_public:invitation")


def _survey_token(name: str) -> str:
    from surveys.models import Invitation, RoundCentre

    if name == "surveys_public:answer":
        link = RoundCentre.objects.filter(round__state="collecting").order_by("pk").first()
        return link.token if link else ""
    invitation = (
        Invitation.objects.filter(round__state="collecting", response__isnull=True)
        .order_by("pk")
        .first()
    )
    return invitation.token if invitation else ""


def admin_items(
    pages: list[tuple[str, str, str]],
    read: Callable[[str, str], Callable[[], object]],
    customer: Any,
) -> list[Item]:
    """The admin's lists and searches of ADMIN_LISTS and a customer's change page, each
    compared to the site's own page (a staff item, or an "own" item added here for a search
    the staff items do not make)."""
    from association.demo import ADMIN_USERNAME

    staff = {page_id: (username, url) for page_id, username, url in pages}
    admin: list[Item] = []
    own: dict[str, Item] = {}

    def own_item(page_id: str, query: dict[str, str] | None = None) -> str:
        username, url = staff[page_id]
        if not query:
            return f"{page_id} ({username})"
        typed = "&".join(f"{name}={value}" for name, value in query.items())
        label = f"{page_id}?{typed} ({username})"
        own.setdefault(label, Item("own", label, read(username, f"{url}?{urlencode(query)}")))
        return label

    for entry in ADMIN_LISTS:
        changelist = reverse(f"admin:{entry.app_label}_{entry.model}_changelist")
        admin.append(
            Item(
                "admin",
                f"admin {entry.model} list",
                read(ADMIN_USERNAME, changelist),
                compare_to=own_item(entry.own_list),
            )
        )
        if entry.search is None or entry.own_search is None:
            continue
        page_id, parameter = entry.own_search
        admin.append(
            Item(
                "admin",
                f"admin {entry.model} search «{entry.search}»",
                read(ADMIN_USERNAME, f"{changelist}?{urlencode({'q': entry.search})}"),
                compare_to=own_item(page_id, {parameter: entry.search}),
            )
        )
    # The change page against the customer's page on the site (its profile).
    profile = f"customers:detail, the same customer ({ROLE_PREFERENCE[0]})"
    own[profile] = Item(
        "own", profile, read(ROLE_PREFERENCE[0], reverse("customers:detail", args=[customer.pk]))
    )
    admin.append(
        Item(
            "admin",
            "admin customer change page",
            read(ADMIN_USERNAME, reverse("admin:customers_customer_change", args=[customer.pk])),
            compare_to=profile,
        )
    )
    return admin + list(own.values())


# A browser's user agent: the redirect counts no visit from an empty one (a bot).
BROWSER_AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari"


def _link_visit(clients: dict[str, Client], code: str) -> Callable[[], object]:
    url = reverse("shortlink:follow", kwargs={"code": code})

    def run() -> object:
        response = clients[""].get(url, HTTP_USER_AGENT=BROWSER_AGENT)
        if response.status_code != 302:
            raise RuntimeError(f"The tracked link {code} answered {response.status_code}.")
        return response

    return run


def _public_lookup(clients: dict[str, Client], case: Any) -> Callable[[], object]:
    url = reverse("public:track")
    data = {"tracking_number": case.tracking_number, "mobile": case.contact_mobile}

    def run() -> object:
        response = clients[""].post(url, data)
        if response.status_code != 200 or case.subject.encode() not in response.content:
            raise RuntimeError(f"The public lookup of {case.tracking_number} failed.")
        return response

    return run


def import_items(options: Options, clients: dict[str, Client]) -> list[Item]:
    """The customer and finance dry runs (heavy), and the upload's web request."""
    from core.management.commands.bench_imports import csv_bytes, customer_rows, finance_file
    from customers.imports import preview_import
    from opportunities.donations import import_donations

    rows = options.import_rows
    header, body = customer_rows(rows)
    customers_csv = csv_bytes([header, *body])
    finance_csv = finance_file(rows)
    actor = get_user_model().objects.get(username="crm_manager")
    upload_url = reverse("customers:import")

    def upload() -> object:
        from django.core.files.uploadedfile import SimpleUploadedFile

        with mock.patch("core.jobs._enqueue"):
            response = clients["crm_staff"].post(
                upload_url,
                {"file": SimpleUploadedFile("list.csv", customers_csv, content_type="text/csv")},
            )
        if response.status_code != 302:
            raise RuntimeError(f"The upload answered {response.status_code}.")
        return response

    items = [
        Item(
            "import",
            f"customer dry run, {rows:,} rows",
            lambda: preview_import(customers_csv, "list.csv"),
            heavy=True,
            rows=rows,
        ),
        Item("import", f"customer upload request, {rows:,} rows", upload),
    ]
    if finance_csv is not None:
        items.append(
            Item(
                "import",
                f"finance dry run, {rows:,} rows",
                lambda: import_donations(
                    content=finance_csv, filename="receipts.csv", actor=actor, dry_run=True
                ),
                heavy=True,
                rows=rows,
            )
        )
    return items


def report_items() -> list[Item]:
    """The production of last month's performance report (figures, PDF, XLSX) and of last
    week's opportunity report, built as the worker builds them; nothing stored."""
    from .documents import document_for
    from .models import Report, ReportType
    from .periods import previous_period

    items = []
    for report_type in (ReportType.MONTHLY_PERFORMANCE, ReportType.WEEKLY_OPPORTUNITIES):
        start, end = previous_period(report_type, timezone.localdate())
        report = Report(report_type=report_type, period_start=start, period_end=end)
        document = document_for(report_type)

        def pdf(report: Report = report, document: Any = document) -> object:
            with translation.override("ar"):
                return document.render(report, document.figures(report))

        def xlsx(report: Report = report, document: Any = document) -> object:
            with translation.override("ar"):
                path = document.write_xlsx(report, document.figures(report))
            path.unlink(missing_ok=True)
            return path

        name = report_type.value
        items.append(Item("report", f"{name} {start}–{end}: figures + PDF", pdf, heavy=True))
        items.append(Item("report", f"{name} {start}–{end}: figures + XLSX", xlsx, heavy=True))
    return items


class _Rollback(Exception):
    pass


@contextmanager
def _measuring_settings() -> Iterator[None]:
    with (
        tempfile.TemporaryDirectory(prefix="crm-bench-media-") as media,
        override_settings(
            ROOT_URLCONF="reports.bench_urls",
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            SECURE_SSL_REDIRECT=False,
            DEBUG=False,
            RATELIMIT_ENABLE=False,
            MEDIA_ROOT=media,
        ),
    ):
        yield


def measure_size(size: int, options: Options) -> SizeResult:
    options.write(f"\n== {size:,} ==")
    counts, seeding = top_up(size, options)
    options.write(
        "  "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items())
        + f" (data ready in {seeding:.0f} s)"
    )
    rng = random.Random(options.seed)
    result: SizeResult | None = None
    # django-axes logs every login at INFO; the bench logs a dozen in per size.
    logging.getLogger("axes").setLevel(logging.WARNING)
    with _measuring_settings():
        try:
            with transaction.atomic():
                from association.demo import ADMIN_USERNAME
                from tests.permissions.world import DEMO_USERNAME, build_world

                world = build_world()
                clients = {"": Client()}
                for username in [*DEMO_USERNAME.values(), ADMIN_USERNAME]:
                    client = Client()
                    client.force_login(get_user_model().objects.get(username=username))
                    clients[username] = client
                items = page_items(world, clients)
                items += import_items(options, clients)
                items += report_items()
                items = _matching(items, options.match)
                options.write(f"  {len(items)} items, warming up…")
                measured, skipped = measure_interleaved(
                    items,
                    rounds=options.rounds,
                    heavy_rounds=options.heavy_rounds,
                    rng=rng,
                    progress=lambda text: options.write(f"  {text}"),
                )
                result = SizeResult(
                    size,
                    counts,
                    seeding,
                    measured,
                    [(item.label, reason) for item, reason in skipped],
                )
                raise _Rollback
        except _Rollback:
            pass
    assert result is not None
    return result


def _matching(items: list[Item], match: tuple[str, ...]) -> list[Item]:
    """The floors, the items whose label holds a part of `match`, and the items those are
    compared to (an admin list's own page: an "own" item comes only so)."""
    if not match:
        return items
    named = {
        id(item)
        for item in items
        if item.group != "own" and any(part in item.label for part in match)
    }
    compared = {item.compare_to for item in items if id(item) in named}
    return [
        item
        for item in items
        if item.group == "floor" or id(item) in named or item.label in compared
    ]


# --- the load ---------------------------------------------------------------------------------


def _counts_as_they_are() -> tuple[int, dict[str, int]]:
    """The size (customers) and the counts of the database as it is, for a load alone."""
    from complaints.models import Case
    from customers.models import Customer
    from finance.models import Donation
    from opportunities.models import Opportunity

    counts = {
        "customers": Customer.objects.count(),
        "cases": Case.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "donations": Donation.objects.count(),
    }
    return counts["customers"], counts


def _navigation_paths(user: User) -> list[str]:
    from core.navigation import navigation_for

    return ["/", *(url for _pillar, links in navigation_for(user) for _item, url in links)]


def run_load(options: Options) -> LoadResult:
    """Start gunicorn on 127.0.0.1 (production settings: DEBUG off, the static manifest
    collected), log `load_users` users in (the roles' demo users in turn, one session
    each), drive each user's menu, stop the server and end the sessions."""
    from tests.permissions.world import DEMO_USERNAME

    User = get_user_model()
    users = [User.objects.get(username=name) for name in DEMO_USERNAME.values()]
    users = [user for user in users if len(_navigation_paths(user)) > 1]
    # gunicorn.conf.py reads these.
    env = {}
    if options.load_workers:
        env["WEB_CONCURRENCY"] = str(options.load_workers)
    if options.load_threads:
        env["GUNICORN_THREADS"] = str(options.load_threads)
    sessions, mix = [], []
    for number in range(options.load_users):
        user = users[number % len(users)]
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        sessions.append(cookie.value)
        mix.append((f"{settings.SESSION_COOKIE_NAME}={cookie.value}", _navigation_paths(user)))
    try:
        with local_gunicorn(options.load_port, env=env) as server_pid:
            # One unmeasured pass: each worker compiles its templates and opens its connection.
            drive_load(
                "127.0.0.1",
                options.load_port,
                mix,
                max_requests=len(mix) * 4,
                max_seconds=30,
                rng=random.Random(options.seed),
            )
            cpu_before = process_tree_cpu_seconds(server_pid)
            result = drive_load(
                "127.0.0.1",
                options.load_port,
                mix,
                max_requests=options.load_requests,
                max_seconds=options.load_seconds,
                rng=random.Random(options.seed),
            )
            cpu_after = process_tree_cpu_seconds(server_pid)
    finally:
        Session.objects.filter(session_key__in=sessions).delete()
    if cpu_before is not None and cpu_after is not None:
        result.server_cpu_seconds = cpu_after - cpu_before
    return result


# --- the table --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    database = "?"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = connection.vendor
    try:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        load = "?"
    return {
        "date": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node(),
        "cpu": _cpu_name(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "database": database,
        "load average at start": load,
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def table(results: list[SizeResult], about: dict[str, str]) -> str:
    """The markdown table: one line per item, for each size its median, p95, queries and
    ratio to the floor in the base layout (the bare floor's ratio is given on its line)."""
    sizes = [result.size for result in results]
    lines = [
        "# Benchmark (`make bench`)",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in about.items()) + ".",
        "",
        "Each size: " + "; ".join(_size_line(result) for result in results) + ".",
        "",
        "Times in ms: median and p95 of the rounds, wall clock; CPU = the median CPU time of "
        "this process (the test client included, the database server and the machine's other "
        "work left out); queries of one request; × floor = the median over the median of the "
        "floor page in the base layout, measured in the same interleaved rounds.",
        "",
        "| group | item | "
        + " | ".join(f"{size:,}: median | p95 | CPU | queries | × floor" for size in sizes)
        + " |",
        "|---|---|" + "---:|---:|---:|---:|---:|" * len(sizes),
    ]
    by_label = [{(row.group, row.label): row for row in result.measured} for result in results]
    keys = list(dict.fromkeys(key for rows in by_label for key in rows))
    for key in keys:
        cells = []
        for result, rows in zip(results, by_label, strict=True):
            row = rows.get(key)
            if row is None:
                cells.append("— | — | — | — | —")
                continue
            ratio = row.ratio(result.floor(FLOOR_LAYOUT))
            cells.append(
                f"{row.median_ms:,.1f} | {row.p95_ms:,.1f} | {row.cpu_ms:,.1f} | {row.queries} "
                f"| {ratio:.1f}"
            )
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    lines += _comparisons(results)
    lines += _throughputs(results)
    loads = [result for result in results if result.load is not None]
    if loads:
        lines += [
            "",
            "Load (target 3: at least 140 requests a second, p95 under 400 ms, no errors): "
            "gunicorn on 127.0.0.1, production settings, each user logged in as one of the "
            "roles' demo users in turn and requesting home and its role's menu pages in a "
            "random order, one request at a time; the client's own CPU is on the same cores. "
            "Server CPU = the CPU gunicorn's processes took per request served (the database "
            "server left out): read it, not requests/s, on a busy machine.",
            "",
            "| size | users | pages in the mix | requests | seconds | requests/s | median ms "
            "| p95 ms | errors | client CPU s | server CPU ms/request |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for result in loads:
            load = result.load
            assert load is not None
            server_cpu = load.server_cpu_ms_per_request
            lines.append(
                f"| {result.size:,} | {load.users} | {load.pages} | {load.requests:,} "
                f"| {load.seconds:.1f} | {load.per_second:.0f} | {load.median_ms:.0f} "
                f"| {load.p95_ms:.0f} | {load.errors} | {load.client_cpu_seconds:.1f} "
                f"| {'—' if server_cpu is None else f'{server_cpu:.1f}'} |"
            )
        for result in loads:
            load = result.load
            assert load is not None
            if load.slowest:
                lines += [
                    "",
                    f"The slowest pages under the load at {result.size:,} (median ms):",
                    "",
                ]
                lines += [
                    f"- `{path}`: {median:,.0f} ({count} requests)"
                    for path, median, count in load.slowest
                ]
    skipped = {label: reason for result in results for label, reason in result.skipped}
    if skipped:
        lines += ["", "Not measured (not an HTML page with 200):", ""]
        lines += [f"- {label}: {reason}" for label, reason in skipped.items()]
    return "\n".join(lines) + "\n"


def _comparisons(results: list[SizeResult]) -> list[str]:
    """The items held against another (the admin's lists against the site's own pages,
    target 4 of issue 13: at most 3 times): both medians and their ratio at each size."""
    sizes = [result.size for result in results]
    pairs = list(
        dict.fromkeys(
            (row.label, row.compare_to)
            for result in results
            for row in result.measured
            if row.compare_to
        )
    )
    if not pairs:
        return []
    lines = [
        "",
        "Against the site's own page of the same rows (target: the admin at most 3 times): "
        "median ms of the item, of its own page, and their ratio.",
        "",
        "| item | own page | "
        + " | ".join(f"{size:,}: ms | own ms | × own page" for size in sizes)
        + " |",
        "|---|---|" + "---:|---:|---:|" * len(sizes),
    ]
    for label, own in pairs:
        cells = []
        for result in results:
            rows = {row.label: row for row in result.measured}
            item, own_row = rows.get(label), rows.get(own)
            if item is None or own_row is None:
                cells.append("— | — | —")
                continue
            cells.append(
                f"{item.median_ms:,.1f} | {own_row.median_ms:,.1f} | {item.ratio(own_row):.1f}"
            )
        lines.append(f"| {label} | {own} | " + " | ".join(cells) + " |")
    return lines


def _ratio_to_compared(row: Measured, result: SizeResult) -> float | None:
    compared = next((other for other in result.measured if other.label == row.compare_to), None)
    return None if compared is None else round(row.ratio(compared), 2)


def _throughputs(results: list[SizeResult]) -> list[str]:
    """Rows a second of the imports (target 5: the customer dry run at least 10,000 rows a
    second, duplicate checks included), from the median wall clock and the median CPU."""
    lines = []
    for result in results:
        for row in result.measured:
            if row.rows and row.median_ms and row.cpu_ms:
                lines.append(
                    f"- {row.label} at {result.size:,}: {row.rows / row.median_ms * 1000:,.0f} "
                    f"rows/s ({row.rows / row.cpu_ms * 1000:,.0f} rows/s of this process's CPU)"
                )
    return ["", "Imports:", "", *lines] if lines else []


def _size_line(result: SizeResult) -> str:
    counts = ", ".join(f"{count:,} {name}" for name, count in result.counts.items())
    return f"{result.size:,}: {counts}"


def write_results(
    results: list[SizeResult], about: dict[str, str], folder: Path, *, name: str = "latest"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{name}.md"
    markdown.write_text(table(results, about), encoding="utf-8")
    data = {
        "machine": about,
        "sizes": [
            {
                "size": result.size,
                "counts": result.counts,
                "seeding_seconds": round(result.seeding_seconds, 1),
                "items": [
                    {
                        **asdict(row),
                        "ratio_to_floor": round(row.ratio(result.floor(FLOOR_LAYOUT)), 2),
                        "ratio_to_bare_floor": round(row.ratio(result.floor(FLOOR_BARE)), 2),
                        "ratio_to_compared": _ratio_to_compared(row, result),
                    }
                    for row in result.measured
                ],
                "skipped": dict(result.skipped),
                "load": None
                if result.load is None
                else {
                    **asdict(result.load),
                    "per_second": round(result.load.per_second, 1),
                    "server_cpu_ms_per_request": result.load.server_cpu_ms_per_request,
                },
            }
            for result in results
        ],
    }
    (folder / f"{name}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return markdown


def run(
    sizes: list[int], options: Options, *, load: bool, folder: Path, pages: bool = True
) -> Path:
    """Measure each size (seeded up to it) and put the load on it; with `pages` off, only the
    load, on the data already in the database (one run, whatever the sizes)."""
    about = machine()
    started = time.perf_counter()
    results = []
    # A load alone does not replace the full figures (latest.md): it goes to load.md.
    name = "latest" if pages else "load"
    for size in sorted(sizes) if pages else [0]:
        result = (
            measure_size(size, options)
            if pages
            else SizeResult(*_counts_as_they_are(), seeding_seconds=0.0, measured=[], skipped=[])
        )
        if load:
            options.write(
                f"  load: {options.load_users} users, at most {options.load_requests:,} "
                f"requests or {options.load_seconds:.0f} s, gunicorn on "
                f"127.0.0.1:{options.load_port} (workers {options.load_workers or 'default'}, "
                f"threads {options.load_threads or 'default'})…"
            )
            result.load = run_load(options)
            options.write(
                f"  load: {result.load.per_second:.0f} requests/s, p95 "
                f"{result.load.p95_ms:.0f} ms, {result.load.errors} errors"
                + (
                    ""
                    if result.load.server_cpu_ms_per_request is None
                    else f", server CPU {result.load.server_cpu_ms_per_request:.1f} ms a request"
                )
            )
        results.append(result)
        write_results(results, about, folder, name=name)
    about["duration"] = str(datetime.timedelta(seconds=round(time.perf_counter() - started)))
    return write_results(results, about, folder, name=name)
