"""`manage.py bench_customers`: response times and query counts of the customer pages at
volume, measured through the real middleware, views and templates (django.test.Client).

    createdb -h 127.0.0.1 -U postgres crm_bench
    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py bench_customers            # seeds up to 100,000 first

Run it with DEBUG=1: then no SECRET_KEY and no collectstatic are needed. The command itself
adds "testserver" (the test client's host) to ALLOWED_HOSTS, turns the HTTPS redirect off
and sets DEBUG off while it measures (so Django does not log every query), which means it
also runs under production settings once collectstatic has been run.

It loads the demo data (idempotent) for the cities, centres and the `crm_staff` user, tops
the database up to --count customers with seed_customers, then measures each page
--repeat times after --warmup unmeasured requests and prints the median, the 95th
percentile (nearest rank) and the number of SQL queries of one request, against a budget.
"""

import csv
import io
import random
import re
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from core.benchmarking import time_page
from core.phones import format_saudi_mobile_local
from customers.exports import csv_lines
from customers.imports import preview_import
from customers.models import Customer, CustomerKind
from customers.selectors import search_customers

from .seed_customers import seed_customers

DEFAULT_COUNT = 100_000
BUDGET_MS = 150
IMPORT_ROWS = 10_000
IMPORT_BUDGET_S = 20
# Stored with a hamza (الأحمدي) and searched without it, as people type it.
FAMILY_NAME_SEARCH = ("الاحمدي", "الأحمدي")
# Stored with a ta marbuta (فاطمة) and searched with a final ha.
TA_MARBUTA_SEARCH = ("فاطمه", "فاطمة")


class Command(BaseCommand):
    help = "Measure the customer pages at volume (list, searches, profile, statistics)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--count",
            type=int,
            default=DEFAULT_COUNT,
            help="customers the database must hold; the missing ones are seeded",
        )
        parser.add_argument("--repeat", type=int, default=30, help="measured requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first")
        parser.add_argument("--budget-ms", type=float, default=BUDGET_MS, help="p95 budget")
        parser.add_argument("--username", default="crm_staff", help="user the pages are read as")
        parser.add_argument("--seed", type=int, default=None, help="random seed for seeding")

    def handle(self, *args, count, repeat, warmup, budget_ms, username, seed, **options):
        if repeat < 1 or warmup < 0 or count < 1:
            raise CommandError("--repeat and --count must be at least 1, --warmup 0 or more.")
        from association.demo import load_demo_data

        load_demo_data()
        self._top_up(count, seed)
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.has_perm("customers.view_customer"):
            raise CommandError(f"User {username!r} is missing or cannot read customers.")
        overrides = {
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            "SECURE_SSL_REDIRECT": False,
            "DEBUG": False,
        }
        with override_settings(**overrides):
            client = Client()
            client.force_login(user)
            pages = self._pages()
            self._print_header(username, repeat, warmup, budget_ms)
            results = [
                self._measure(client, label, url, repeat, warmup, budget_ms) for label, url in pages
            ]
            self._print_row_independence(client)
        results.append(self._measure_import_dry_run(IMPORT_ROWS))
        failures = [label for label, passed in results if not passed]
        if failures:
            self.stdout.write(
                self.style.WARNING(f"{len(failures)} page(s) over budget: {', '.join(failures)}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Every page within {budget_ms:g} ms at p95."))

    def _measure_import_dry_run(self, rows):
        """Time the dry run of a spreadsheet of `rows` customers: a third modified, a third
        new, a third unchanged (an export of existing customers, edited)."""
        label = f"import dry run, {rows:,} CSV rows"
        content = _import_file(rows)
        started = time.perf_counter()
        preview = preview_import(content, "bench.csv")
        elapsed = time.perf_counter() - started
        passed = elapsed < IMPORT_BUDGET_S
        self.stdout.write(
            f"{label}: {elapsed:.1f} s ({dict(preview.counts)}), "
            f"budget {IMPORT_BUDGET_S} s: {'PASS' if passed else 'FAIL'}"
        )
        return label, passed

    # --- set-up -------------------------------------------------------------------------

    def _top_up(self, count, seed):
        existing = Customer.objects.count()
        missing = count - existing
        if missing <= 0:
            self.stdout.write(f"{existing:,} customers present (at least {count:,}).")
            return
        self.stdout.write(f"{existing:,} customers present; seeding {missing:,}…")
        started = time.perf_counter()
        seed_customers(missing, rng=random.Random(seed))
        self.stdout.write(f"Seeded {missing:,} customers in {time.perf_counter() - started:.1f} s.")

    def _pages(self):
        """(label, url) of every measured request."""
        list_url = reverse("customers:list")
        sample = self._sample_customer()
        mobile_typed = format_saudi_mobile_local(sample.mobile)
        statistics_url = reverse("customers:statistics")
        return [
            ("customer list (page 1, 25 rows)", list_url),
            (
                f"name search {FAMILY_NAME_SEARCH[0]} (family, hamza)",
                _with_query(list_url, q=FAMILY_NAME_SEARCH[0]),
            ),
            (
                f"name search {TA_MARBUTA_SEARCH[0]} (ta marbuta)",
                _with_query(list_url, q=TA_MARBUTA_SEARCH[0]),
            ),
            (f"mobile search {mobile_typed}", _with_query(list_url, q=mobile_typed)),
            (f"customer profile {sample.code}", reverse("customers:detail", args=[sample.pk])),
            ("statistics by type", statistics_url),
            ("statistics by month", _with_query(statistics_url, group_by="month")),
            (
                "statistics by centre, beneficiaries",
                _with_query(statistics_url, group_by="centre", kind=CustomerKind.BENEFICIARY),
            ),
        ]

    def _sample_customer(self):
        """A customer from the middle of the table that has a mobile number and history."""
        with_mobile = Customer.objects.exclude(mobile="").order_by("code")
        total = with_mobile.count()
        if not total:
            raise CommandError("No customer has a mobile number; seed some first.")
        return with_mobile[total // 2]

    # --- measuring ----------------------------------------------------------------------

    def _get(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}, not 200.")
        return response

    def _measure(self, client, label, url, repeat, warmup, budget_ms):
        timing = time_page(lambda page: self._get(client, page), url, repeat=repeat, warmup=warmup)
        passed = timing.p95_ms < budget_ms
        verdict = self.style.SUCCESS("PASS") if passed else self.style.ERROR("FAIL")
        self.stdout.write(
            f"{label:<46} {timing.median_ms:>9.1f} {timing.p95_ms:>9.1f} "
            f"{timing.queries:>8}   {verdict}"
        )
        return label, passed

    def _print_header(self, username, repeat, warmup, budget_ms):
        total = Customer.objects.count()
        self.stdout.write(
            f"\nDatabase: {connection.vendor} ({connection.settings_dict.get('NAME')}), "
            f"{total:,} customers; read as {username}; "
            f"{repeat} requests per page after {warmup} warm-up(s).\n"
        )
        self._print_normalisation_proof()
        self.stdout.write(
            f"\n{'page':<46} {'median ms':>9} {'p95 ms':>9} {'queries':>8}   p95 < {budget_ms:g} ms"
        )
        self.stdout.write("-" * 90)

    def _print_normalisation_proof(self):
        """The searches find names stored with hamza / ta marbuta although typed without."""
        for typed, stored in (FAMILY_NAME_SEARCH, TA_MARBUTA_SEARCH):
            found = search_customers(Customer.objects.all(), typed).count()
            literal = Customer.objects.filter(name__contains=typed).count()
            self.stdout.write(
                f"Search {typed!r}: {found:,} customers found (names stored as {stored!r}); "
                f"a plain substring match on the typed text finds {literal:,}."
            )

    def _print_row_independence(self, client):
        """Queries per list page with 25 rows and with fewer: the count must not grow."""
        list_url = reverse("customers:list")
        sample = self._sample_customer()
        cases = [
            ("list, 25 rows", list_url),
            ("list filtered to government entities", _with_query(list_url, kind="government")),
            ("list searched by one customer code", _with_query(list_url, q=str(sample.code))),
        ]
        # One link to a profile per row (response.context is only filled inside tests).
        detail_link = re.compile(re.escape(list_url) + r'\d+/"')
        self.stdout.write("\nQueries per list page (must not grow with the rows shown):")
        for label, url in cases:
            with CaptureQueriesContext(connection) as queries:
                response = self._get(client, url)
            rows = len(detail_link.findall(response.content.decode()))
            self.stdout.write(f"  {label:<40} rows {rows:>3}   queries {len(queries)}")


def _with_query(url, **params):
    return f"{url}?{urlencode(params)}"


def _import_file(rows):
    """CSV bytes: exported customers, one in three with a new address, one in three turned
    into a new customer (no code, a new mobile)."""
    queryset = Customer.objects.order_by("code")[:rows]
    lines = list(csv.reader(io.StringIO("".join(csv_lines(queryset)).lstrip("\ufeff"))))
    header, body = lines[0], lines[1:]
    columns = {name: position for position, name in enumerate(header)}
    code, address, mobile, national_id, email = (
        columns[str(Customer._meta.get_field(name).verbose_name)]
        for name in ("code", "address", "mobile", "national_id", "email")
    )
    for number, row in enumerate(body):
        if number % 3 == 0:
            row[address] = f"{row[address]} - مبنى {number}"
        elif number % 3 == 1:
            row[code] = row[national_id] = row[email] = ""
            row[mobile] = f"0599{number:06d}"
    output = io.StringIO()
    csv.writer(output).writerows([header, *body])
    return output.getvalue().encode("utf-8")
