"""Measure the opportunity pages at volume on the configured database (PostgreSQL in
`make bench`): 20,000 opportunities, 5,000 donors, 200,000 donations, and a 50,000-row
finance import. Run with DEBUG=1 (no SECRET_KEY or collectstatic needed); the command turns
the HTTPS redirect off and accepts the test client's host while it measures."""

import csv
import io
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core import cache
from core.admin import dates_topic
from core.benchmarking import time_page
from core.text import normalize_arabic
from customers.management.commands.seed_customers import seed_customers
from customers.models import Customer, CustomerKind
from finance.models import Donation
from opportunities.models import (
    DonorContact,
    Opportunity,
    OpportunityState,
    PotentialDonor,
)
from opportunities.selectors import BOARD_TOPIC, FILTER_OPTIONS_TOPIC
from programmes import funding
from programmes.models import Programme, ProgrammeCategory

BUDGET_MS = 150
IMPORT_BUDGET_S = 30
BATCH = 5000
CATEGORIES = ("تعليم", "صحة", "إسكان", "أيتام", "كبار السن", "شباب", "مرأة", "بيئة")
STATE_WEIGHTS = {
    OpportunityState.IDENTIFICATION: 30,
    OpportunityState.FOLLOW_UP: 30,
    OpportunityState.CLOSING: 15,
    OpportunityState.SUCCESSFUL: 15,
    OpportunityState.CANCELLED: 10,
}


class Command(BaseCommand):
    help = "Seed opportunities, donors and donations, then time the opportunity pages."

    def add_arguments(self, parser):
        parser.add_argument("--opportunities", type=int, default=20_000)
        parser.add_argument("--donors", type=int, default=5_000)
        parser.add_argument("--donations", type=int, default=200_000)
        parser.add_argument("--import-rows", type=int, default=50_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--username", default="crm_manager")

    def handle(self, *args, **options):
        from association.demo import load_demo_data

        load_demo_data()
        self.rng = random.Random(7)
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.has_perm("opportunities.view_opportunity"):
            raise CommandError(f"User {options['username']!r} is missing or cannot read.")
        self._top_up(user, options)
        overrides = {
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            "SECURE_SSL_REDIRECT": False,
            "DEBUG": False,
        }
        with override_settings(**overrides):
            client = Client()
            client.force_login(user)
            results = [self._measure(client, label, url, options) for label, url in self._pages()]
        results.append(self._measure_import(user, options["import_rows"]))
        failures = [label for label, passed in results if not passed]
        if failures:
            self.stdout.write(self.style.WARNING(f"Over budget: {', '.join(failures)}"))
        else:
            self.stdout.write(self.style.SUCCESS("Every figure within its budget."))

    # --- seeding ------------------------------------------------------------------------

    def _top_up(self, user, options):
        started = time.perf_counter()
        donors_missing = (
            options["donors"] - Customer.objects.filter(kind=CustomerKind.DONOR).count()
        )
        if donors_missing > 0:
            seed_customers(donors_missing, rng=self.rng, kind=CustomerKind.DONOR)
        programmes = self._programmes()
        donors = list(Customer.objects.filter(kind=CustomerKind.DONOR).values_list("pk", flat=True))
        with transaction.atomic():
            self._seed_opportunities(options["opportunities"], programmes, donors, user)
            self._seed_donations(options["donations"], programmes, donors)
            # bulk_create sends no signal: the programmes' cached funding sums are renewed.
            funding.renew(funding.PLEDGED)
            funding.renew(funding.RECEIVED)
            # And the admin's date drill-downs of opportunities and contacts
            # (core.admin.LargeTableAdminMixin).
            cache.bump(dates_topic(Opportunity))
            cache.bump(dates_topic(DonorContact))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Opportunity, PotentialDonor, DonorContact, Donation):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(
            f"\nDatabase: {connection.vendor} ({connection.settings_dict.get('NAME')}): "
            f"{Opportunity.objects.count():,} opportunities, {len(donors):,} donors, "
            f"{Donation.objects.count():,} donations "
            f"(set-up {time.perf_counter() - started:.1f} s)."
        )

    def _programmes(self):
        categories = [ProgrammeCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES]
        existing = Programme.objects.count()
        Programme.objects.bulk_create(
            Programme(
                code=f"BENCH-{number:04d}",
                name=(name := f"برنامج {self.rng.choice(CATEGORIES)} رقم {number}"),
                name_normalized=normalize_arabic(name),
                category=self.rng.choice(categories),
                budget=Decimal(self.rng.randrange(50, 2000) * 1000),
            )
            for number in range(existing, 200)
        )
        cache.bump("programmes")  # a bulk insert sends no signal
        return list(Programme.objects.values_list("pk", flat=True))

    def _seed_opportunities(self, wanted, programmes, donors, user):
        missing = wanted - Opportunity.objects.count()
        if missing <= 0:
            return
        states = list(STATE_WEIGHTS)
        now = timezone.now()
        for start in range(0, missing, BATCH):
            batch = []
            for _ in range(min(BATCH, missing - start)):
                state = self.rng.choices(states, weights=list(STATE_WEIGHTS.values()))[0]
                pledged = state in (OpportunityState.CLOSING, OpportunityState.SUCCESSFUL)
                batch.append(
                    Opportunity(
                        title=(title := f"فرصة تمويل {self.rng.randrange(10**6)}"),
                        # bulk_create skips save(): the search column is filled here.
                        title_normalized=normalize_arabic(title),
                        programme_id=self.rng.choice(programmes),
                        owner=user,
                        state=state,
                        expected_amount=Decimal(self.rng.randrange(5, 500) * 1000),
                        probability=self.rng.randrange(5, 95),
                        pledge_donor_id=self.rng.choice(donors) if pledged else None,
                        pledged_amount=Decimal(self.rng.randrange(5, 300) * 1000)
                        if pledged
                        else None,
                        last_activity_at=now - timedelta(days=self.rng.randrange(0, 30)),
                    )
                )
            created = Opportunity.objects.bulk_create(batch)
            PotentialDonor.objects.bulk_create(
                PotentialDonor(opportunity=opportunity, donor_id=donor, added_by=user)
                for opportunity in created
                for donor in set(self.rng.sample(donors, 2))
            )
            DonorContact.objects.bulk_create(
                DonorContact(
                    donor_id=self.rng.choice(donors),
                    opportunity=opportunity,
                    staff=user,
                    contact_date=date.today() - timedelta(days=self.rng.randrange(60)),
                    channel="phone",
                    summary="اتصال متابعة مع المانح",
                )
                for opportunity in created
            )
        # A bulk insert sends no signal.
        cache.bump(FILTER_OPTIONS_TOPIC)
        cache.bump(BOARD_TOPIC)

    def _seed_donations(self, wanted, programmes, donors):
        missing = wanted - Donation.objects.count()
        if missing <= 0:
            return
        first = Donation.objects.count()
        for start in range(0, missing, BATCH):
            Donation.objects.bulk_create(
                Donation(
                    receipt_number=f"SEED-{first + start + index:08d}",
                    received_on=date.today() - timedelta(days=self.rng.randrange(3 * 365)),
                    amount=Decimal(self.rng.randrange(100, 100_000)),
                    donor_id=self.rng.choice(donors),
                    programme_id=self.rng.choice(programmes),
                )
                for index in range(min(BATCH, missing - start))
            )

    # --- measuring ----------------------------------------------------------------------

    def _pages(self):
        opportunity = Opportunity.objects.filter(state=OpportunityState.CLOSING).order_by("pk")[
            Opportunity.objects.filter(state=OpportunityState.CLOSING).count() // 2
        ]
        busiest_donor = (
            Donation.objects.values("donor").annotate(n=Count("id")).order_by("-n").first()["donor"]
        )
        return [
            ("opportunities board", reverse("opportunities:board")),
            ("opportunities list (page 1)", reverse("opportunities:list")),
            # The searches read the stored normalised title (trigram index on PostgreSQL):
            # words every seeded title holds (ة typed ه), then a number few hold.
            ("opportunities search «فرصه تمويل»", f"{reverse('opportunities:list')}?q=فرصه+تمويل"),
            ("opportunities search «تمويل 4242»", f"{reverse('opportunities:list')}?q=تمويل+4242"),
            ("donations list (page 1)", reverse("finance:donation_list")),
            ("opportunity page (closing)", reverse("opportunities:detail", args=[opportunity.pk])),
            ("donor profile (most donations)", reverse("customers:detail", args=[busiest_donor])),
        ]

    def _measure(self, client, label, url, options):
        def get(page):
            response = client.get(page)
            if response.status_code != 200:
                raise CommandError(f"{page} answered {response.status_code}")

        timing = time_page(get, url, repeat=options["repeat"], warmup=options["warmup"])
        passed = timing.p95_ms < BUDGET_MS
        self.stdout.write(
            f"{label:<36} median {timing.median_ms:7.1f} ms  p95 {timing.p95_ms:7.1f} ms  "
            f"queries {timing.queries:3}  {'PASS' if passed else 'FAIL'} (< {BUDGET_MS} ms)"
        )
        return label, passed

    def _measure_import(self, user, rows):
        """A finance file of `rows` new receipts: dry run then confirm; removed afterwards so
        the database stays the same size between runs."""
        from opportunities.donations import import_donations

        content = _finance_file(rows, self.rng)
        started = time.perf_counter()
        import_donations(content=content, filename="bench.csv", actor=user, dry_run=True)
        dry_run = time.perf_counter() - started
        import_donations(content=content, filename="bench.csv", actor=user, dry_run=False)
        total = time.perf_counter() - started
        Donation.objects.filter(receipt_number__startswith="BENCH-IMPORT-").delete()
        passed = total < IMPORT_BUDGET_S
        self.stdout.write(
            f"finance import of {rows:,} rows: dry run {dry_run:.1f} s, dry run + confirm "
            f"{total:.1f} s  {'PASS' if passed else 'FAIL'} (< {IMPORT_BUDGET_S} s)"
        )
        return "finance import", passed


def _finance_file(rows, rng):
    donor_codes = list(
        Customer.objects.filter(kind=CustomerKind.DONOR).values_list("code", flat=True)
    )
    programme_codes = list(Programme.objects.values_list("code", flat=True))
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["رقم الإيصال", "التاريخ", "المبلغ", "رقم العميل", "رمز البرنامج"])
    stamp = int(time.time())
    for index in range(rows):
        writer.writerow(
            [
                f"BENCH-IMPORT-{stamp}-{index:06d}",
                (date.today() - timedelta(days=rng.randrange(365))).isoformat(),
                f"{rng.randrange(100, 50_000)}.00",
                rng.choice(donor_codes),
                rng.choice(programme_codes),
            ]
        )
    return output.getvalue().encode("utf-8")
