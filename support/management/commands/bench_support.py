"""`manage.py bench_support`: the beneficiary support requests at scale on PostgreSQL.

Tops the tables up to --requests support requests and --deliveries deliveries (COPY in
batches of 50,000, spread over the demo's centres and support types, two years and every
state; --beneficiaries beneficiaries of their own), VACUUM ANALYZE, then measures in-process,
in interleaved rounds against the two floor pages of `manage.py bench` (reports.bench_urls:
one customer and a one-line template, alone and in the base layout), the queue (default,
searched, filtered), the request page (in service with its deliveries, and open), and one
distribution-day entry (a new beneficiary each run, the JSON answer the page's script
reads). Prints the table and writes it to docs/bench/support.md. Run after
`manage.py load_demo_data` (the demo's users, centres and support types)."""

import datetime
import io
import os
import platform
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from association.models import Centre
from core.benchmarking import Item, Measured, measure_interleaved
from core.cache import bump_all
from customers.models import Customer
from support import selectors
from support.models import (
    TRACKING_ALPHABET,
    Delivery,
    DistributionDay,
    RequestState,
    SupportRequest,
    SupportType,
    request_search_text,
)

BATCH = 50_000
FLOOR_BARE = "floor: one customer, one-line template"
FLOOR_LAYOUT = "floor: the same in the base layout"
OUTPUT = Path(settings.BASE_DIR) / "docs" / "bench" / "support.md"
BENCH_CODE_START = 7_000_000_000
# The states of the seeded requests and their weights: most requests of two years are
# decided and served; a few percent are open work.
STATES = (
    (RequestState.CLOSED, 30),
    (RequestState.IN_SERVICE, 25),
    (RequestState.REJECTED, 15),
    (RequestState.REGISTERED, 4),
    (RequestState.ACCEPTED, 2),
    (RequestState.WITHDRAWN, 6),
    (RequestState.RECEIVED, 4),
    (RequestState.INCOMPLETE, 4),
    (RequestState.RESEARCH, 3),
    (RequestState.AWAITING_DECLARATION, 3),
    (RequestState.READY, 2),
    (RequestState.ON_AGENDA, 1),
    (RequestState.APPEALED, 1),
)
CHANNELS = ("face_to_face", "phone", "website", "social_media", "letters", "branch_office")
FIRST = ("محمد", "فاطمة", "عبدالله", "نورة", "خالد", "سارة", "أحمد", "مريم", "سعد", "هدى")
LAST = ("الغامدي", "الزهراني", "العتيبي", "القحطاني", "الحربي", "الشهري", "المالكي", "الدوسري")


def national_id(serial: int) -> str:
    body = f"2{serial % 10**8:08d}"
    total = 0
    for index, digit in enumerate(body):
        value = int(digit)
        if index % 2 == 0:
            doubled = value * 2
            total += doubled // 10 + doubled % 10
        else:
            total += value
    return body + str((10 - total % 10) % 10)


def tracking(serial: int) -> str:
    """A tracking number of the bench: «S» then 8 characters of the alphabet, by serial."""
    base = len(TRACKING_ALPHABET)
    characters = []
    for _position in range(8):
        serial, rest = divmod(serial, base)
        characters.append(TRACKING_ALPHABET[rest])
    return "S" + "".join(reversed(characters))


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def copy_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY the rows into the model's table: each row gives some columns by attribute name
    (`customer_id`); the others take their field's default (auto_now fields: now)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    buffer = io.StringIO()
    pending = 0

    def flush() -> None:
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())

    for row in rows:
        buffer.write(
            "\t".join(_text(row.get(field.attname, defaults[field.attname])) for field in fields)
        )
        buffer.write("\n")
        pending += 1
        written += 1
        if pending == BATCH:
            flush()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        flush()
    return written


def vacuum_analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


class Command(BaseCommand):
    help = "Fill support requests and deliveries and measure the support pages (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=200_000)
        parser.add_argument("--deliveries", type=int, default=1_000_000)
        parser.add_argument("--beneficiaries", type=int, default=50_000)
        parser.add_argument("--rounds", type=int, default=20)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--no-write", action="store_true", help="print only")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_support runs on PostgreSQL.")
        users = {
            user.username: user
            for user in get_user_model().objects.filter(
                username__in=("crm_staff", "centres_staff", "centres_manager")
            )
        }
        centres = list(Centre.objects.filter(is_active=True).order_by("pk"))
        types = list(SupportType.objects.filter(is_active=True).order_by("pk"))
        if len(users) < 3 or not centres or not types:
            raise CommandError("Load the demo first: manage.py load_demo_data.")
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        beneficiaries = self._beneficiaries(options["beneficiaries"], centres, rng)
        self._requests(options["requests"], beneficiaries, centres, types, users, rng)
        self._deliveries(options["deliveries"], beneficiaries, centres, types, users, rng)
        vacuum_analyze("customers_customer", "support_supportrequest", "support_delivery")
        bump_all()
        seeded = time.perf_counter() - started
        self.stdout.write(f"data ready in {seeded:.0f} s")
        measured = self._measure(users, centres, types, beneficiaries, options, rng)
        text = self._table(measured, seeded)
        self.stdout.write(text)
        if not options["no_write"]:
            OUTPUT.parent.mkdir(parents=True, exist_ok=True)
            OUTPUT.write_text(text, encoding="utf-8")
            self.stdout.write(f"written to {OUTPUT}")

    # --- the data ------------------------------------------------------------------------

    def _beneficiaries(
        self, count: int, centres: list[Centre], rng: random.Random
    ) -> list[tuple[int, int, int]]:
        """(pk, code, centre pk) of the bench's beneficiaries, topped up to `count`."""
        existing = Customer.objects.filter(code__gte=BENCH_CODE_START).count()
        if existing < count:
            rows = []
            for serial in range(existing, count):
                name = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}"
                centre = centres[serial % len(centres)]
                rows.append(
                    {
                        "code": BENCH_CODE_START + serial,
                        "name": name,
                        "name_normalized": name,
                        "kind": "beneficiary",
                        "national_id": national_id(serial),
                        "city_id": centre.city_id,
                        "centre_id": centre.pk,
                        "mobile": f"+9665{serial % 10**8:08d}",
                    }
                )
            copy_rows(Customer, rows)
            self.stdout.write(f"beneficiaries: {count - existing:,} written")
        return list(
            Customer.objects.filter(code__gte=BENCH_CODE_START)
            .order_by("pk")
            .values_list("pk", "code", "centre_id")[:count]
        )

    def _requests(
        self,
        count: int,
        beneficiaries: list[tuple[int, int, int]],
        centres: list[Centre],
        types: list[SupportType],
        users: dict[str, Any],
        rng: random.Random,
    ) -> None:
        existing = SupportRequest.objects.count()
        missing = count - existing
        if missing <= 0:
            return
        states = [state for state, _weight in STATES]
        weights = [weight for _state, weight in STATES]
        now = timezone.now()
        staff = users["centres_staff"].pk

        def rows() -> Iterator[dict[str, Any]]:
            for serial in range(existing, count):
                state = rng.choices(states, weights)[0]
                customer_pk, _code, centre_pk = beneficiaries[serial % len(beneficiaries)]
                received = now - datetime.timedelta(
                    days=rng.randrange(730), seconds=rng.randrange(86400)
                )
                decided = state in (
                    RequestState.CLOSED,
                    RequestState.IN_SERVICE,
                    RequestState.REJECTED,
                    RequestState.REGISTERED,
                    RequestState.ACCEPTED,
                )
                linked = state in (
                    RequestState.CLOSED,
                    RequestState.IN_SERVICE,
                    RequestState.REGISTERED,
                )
                name = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}"
                number = tracking(10**9 + serial)
                identity = national_id(5 * 10**7 + serial)
                mobile = f"+9665{(serial * 7) % 10**8:08d}"
                received_day = timezone.localdate(received)
                yield {
                    "tracking_number": number,
                    "channel": rng.choice(CHANNELS),
                    "received_at": received,
                    "earliest_answer_on": received_day + datetime.timedelta(days=14),
                    "committee_due_on": received_day + datetime.timedelta(days=30),
                    "customer_id": customer_pk if linked else None,
                    "applicant_name": name,
                    "applicant_national_id": identity,
                    "applicant_mobile": mobile,
                    "search_text": request_search_text(number, name, identity, mobile),
                    "support_type_id": rng.choice(types).pk,
                    "centre_id": centre_pk if linked else rng.choice(centres).pk,
                    "need": "تحتاج الأسرة إلى الدعم.",
                    "state": state,
                    "registered_by_id": staff,
                    "handler_id": staff,
                    "last_activity_at": received,
                    "decided_at": received + datetime.timedelta(days=rng.randrange(10, 40))
                    if decided
                    else None,
                    "granted_amount": Decimal(rng.randrange(5, 60) * 100) if decided else None,
                }

        written = copy_rows(SupportRequest, rows())
        self.stdout.write(f"support requests: {written:,} written")

    def _deliveries(
        self,
        count: int,
        beneficiaries: list[tuple[int, int, int]],
        centres: list[Centre],
        types: list[SupportType],
        users: dict[str, Any],
        rng: random.Random,
    ) -> None:
        existing = Delivery.objects.count()
        missing = count - existing
        if missing <= 0:
            return
        served = list(
            SupportRequest.objects.filter(
                state__in=(RequestState.IN_SERVICE, RequestState.CLOSED), customer__isnull=False
            ).values_list("pk", "customer_id", "centre_id", "support_type_id")[:200_000]
        )
        if not served:
            raise CommandError("No request in service to deliver on.")
        today = timezone.localdate()
        staff = users["centres_staff"].pk
        now = timezone.now()

        def rows() -> Iterator[dict[str, Any]]:
            for _serial in range(missing):
                request_pk, customer_pk, centre_pk, type_pk = rng.choice(served)
                yield {
                    "customer_id": customer_pk,
                    "request_id": request_pk,
                    "support_type_id": type_pk,
                    "amount": Decimal(rng.randrange(1, 30) * 100),
                    "delivered_on": today - datetime.timedelta(days=rng.randrange(730)),
                    "centre_id": centre_pk,
                    "delivered_by_id": staff,
                    "created_at": now,
                }

        written = copy_rows(Delivery, rows())
        self.stdout.write(f"deliveries: {written:,} written")

    # --- the measuring ---------------------------------------------------------------------

    def _measure(
        self,
        users: dict[str, Any],
        centres: list[Centre],
        types: list[SupportType],
        beneficiaries: list[tuple[int, int, int]],
        options: dict[str, Any],
        rng: random.Random,
    ) -> list[Measured]:
        clients: dict[str, Client] = {}
        for username, user in users.items():
            client = Client()
            client.force_login(user)
            clients[username] = client

        def read(username: str, url: str) -> Callable[[], object]:
            def run() -> object:
                response = clients[username].get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                return response

            return run

        served = (
            SupportRequest.objects.filter(state=RequestState.IN_SERVICE)
            .annotate(n=models.Count("deliveries"))
            .order_by("-n")
            .values_list("pk", "n")
            .first()
        )
        open_request = (
            SupportRequest.objects.filter(state=RequestState.READY).order_by("-received_at").first()
        )
        customer = Customer.objects.order_by("pk").first()
        if served is None or open_request is None or customer is None:
            raise CommandError("The seeded data lack a request in service or ready.")
        own = selectors.staff_centre_ids(users["centres_manager"])
        centre = next((c for c in centres if c.pk in own), centres[0])
        basket = next((t for t in types if t.unit == "items"), types[0])
        day = DistributionDay.objects.create(
            title="bench distribution",
            day=timezone.localdate(),
            centre=centre,
            support_type=basket,
            quantity=1,
            created_by=users["centres_manager"],
        )
        codes = iter([code for _pk, code, centre_pk in beneficiaries if centre_pk == centre.pk])
        entry_url = reverse("support:distribution_detail", args=[day.pk])

        def entry() -> object:
            response = clients["centres_manager"].post(
                entry_url, {"key": str(next(codes))}, HTTP_X_REQUESTED_WITH="fetch"
            )
            if response.json().get("status") != "recorded":
                raise CommandError(f"entry not recorded: {response.content[:200]!r}")
            return response

        queue = reverse("support:request_list")
        items = [
            Item("floor", FLOOR_BARE, read("crm_staff", f"/bench-floor/{customer.pk}/")),
            Item("floor", FLOOR_LAYOUT, read("crm_staff", f"/bench-floor/{customer.pk}/layout/")),
            Item("queue", "queue, open requests (default)", read("crm_staff", queue)),
            Item("queue", "queue, all states", read("crm_staff", queue + "?state=all")),
            Item(
                "queue",
                "queue, search «الغامدي»",
                read("crm_staff", queue + "?q=الغامدي&state=all"),
            ),
            Item("queue", "queue, overdue", read("crm_staff", queue + "?overdue=on")),
            Item(
                "queue",
                "queue, centres-affairs employee (own centres)",
                read("centres_staff", queue),
            ),
            Item(
                "request",
                f"request page in service ({served[1]:,} deliveries)",
                read("crm_staff", reverse("support:request_detail", args=[served[0]])),
            ),
            Item(
                "request",
                "request page ready for the committee",
                read("crm_staff", reverse("support:request_detail", args=[open_request.pk])),
            ),
            Item("distribution", "distribution day: one entry (JSON)", entry),
            Item(
                "distribution",
                "distribution day page (running list)",
                read("centres_manager", entry_url),
            ),
            Item(
                "statistics",
                "statistics, last 12 months",
                read("centres_manager", reverse("support:statistics")),
            ),
        ]
        with override_settings(
            ROOT_URLCONF="reports.bench_urls",
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            SECURE_SSL_REDIRECT=False,
            DEBUG=False,
            RATELIMIT_ENABLE=False,
        ):
            measured, skipped = measure_interleaved(
                items,
                rounds=options["rounds"],
                heavy_rounds=3,
                rng=rng,
                progress=self.stdout.write,
            )
        for item, reason in skipped:
            self.stdout.write(f"set aside: {item.label}: {reason}")
        Delivery.objects.filter(distribution_day=day).delete()
        day.delete()
        return measured

    def _table(self, measured: list[Measured], seeded: float) -> str:
        floor = next(row for row in measured if row.label == FLOOR_LAYOUT)
        requests = SupportRequest.objects.count()
        deliveries = Delivery.objects.count()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        try:
            load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        except OSError:
            load = "?"
        lines = [
            "# Support requests benchmark (`manage.py bench_support`)",
            "",
            f"Machine: date {timezone.now():%Y-%m-%d %H:%M} UTC; cores {os.cpu_count()}; "
            f"python {platform.python_version()}; database {database}; load average {load}.",
            "",
            f"Data: {requests:,} support requests, {deliveries:,} deliveries "
            f"(top-up and VACUUM ANALYZE in {seeded:.0f} s).",
            "",
            "Interleaved rounds: each round runs every item once in a new random order, "
            "through Django's test client with DEBUG off. × floor = the median over the "
            "median of the floor page in the base layout, in the same rounds. Targets: the "
            "queue and the request page p95 under 150 ms with a bounded number of queries; "
            "one distribution-day entry under 100 ms of server time.",
            "",
            "| item | median ms | p95 ms | CPU ms | queries | × floor | runs |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in measured:
            lines.append(
                f"| {row.label} | {row.median_ms:,.1f} | {row.p95_ms:,.1f} | {row.cpu_ms:,.1f} | "
                f"{row.queries} | {row.ratio(floor):.1f} | {row.samples} |"
            )
        lines.append("")
        return "\n".join(lines)
