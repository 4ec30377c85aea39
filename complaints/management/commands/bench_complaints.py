"""`manage.py bench_complaints`: the complaints register at volume (issue 5: 300,000 cases
on PostgreSQL), measured through the real middleware, views and templates.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \
        .venv/bin/python manage.py bench_complaints

It loads the demo data (idempotent), tops the database up to --count cases (bulk inserts:
the command sets what Case.save() and the services would set: text signature, deadlines,
audit trail for a sample), then times each page --repeat times after --warmup requests and
prints the median, the 95th percentile and the SQL queries of one request against the
budget. The public status lookup is measured with the rate limit off (it would rightly
refuse a benchmark's hundreds of lookups from one address).
"""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from association.models import Centre
from association.workdays import working_deadline
from core.benchmarking import time_page
from core.choices import ContactChannel
from customers.management.commands.seed_customers import MOBILE_PREFIXES
from customers.models import Customer, CustomerKind

from ... import complaint_tallies
from ...models import (
    Case,
    CaseCategory,
    CaseEntry,
    CaseKind,
    CaseRoute,
    CaseState,
    CaseTransition,
    ComplaintTally,
    case_search_text,
    new_tracking_number,
    text_signature,
)

DEFAULT_COUNT = 300_000
BUDGET_MS = 150
BATCH = 5000
HISTORY_DAYS = 2 * 365
VISITOR_NAME = "زائر من الحي"


def _visitor_mobile(rng: random.Random) -> str:
    """A mobile the public forms accept (not every "5X" prefix is a Saudi mobile)."""
    return f"+966{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


# One case in this many gets an audit trail and register entries like a handled case.
TRAIL_EVERY = 10
SUBJECTS = (
    "تأخر توزيع السلال الغذائية",
    "التأخر في توزيع السلة الغذائية",
    "سوء تعامل موظف الاستقبال",
    "استفسار عن موعد التسجيل في برنامج الأسر المنتجة",
    "اقتراح زيادة ساعات عمل المركز",
    "انقطاع التكييف في قاعة الأنشطة",
    "عدم الرد على الاتصالات",
    "طلب معرفة شروط الاستفادة من الحقيبة المدرسية",
    "تأخر صرف المساعدة الشهرية",
    "اقتراح إضافة دورات للحاسب الآلي",
)
CATEGORIES = ("التوزيع", "التعامل", "المرافق", "البرامج", "التواصل", "المساعدات")
STATE_WEIGHTS = {
    CaseState.CLOSED: 80,
    CaseState.REPLIED: 6,
    CaseState.UNDER_STUDY: 6,
    CaseState.CALLBACK_PROMISED: 4,
    CaseState.RECEIVED: 4,
}


class Command(BaseCommand):
    help = "Seed cases up to --count, then time the complaints register pages."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--budget-ms", type=int, default=BUDGET_MS)

    def handle(self, *args, count, repeat, warmup, budget_ms, **options):
        from association.demo import load_demo_data

        load_demo_data()
        self.rng = random.Random(11)
        self._top_up(count)
        overrides = {
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            "SECURE_SSL_REDIRECT": False,
            "DEBUG": False,
            "RATELIMIT_ENABLE": False,
        }
        self.stdout.write(
            f"{'page':<52} {'median ms':>9} {'p95 ms':>9} {'queries':>8}   (budget "
            f"{budget_ms} ms at p95, {repeat} requests after {warmup} warm-up)"
        )
        results = []
        with override_settings(**overrides):
            for username, label, url in self._staff_pages():
                client = Client()
                client.force_login(get_user_model().objects.get(username=username))
                results.append(
                    self._measure(
                        label,
                        lambda page, c=client: self._get(c, page),
                        url,
                        repeat,
                        warmup,
                        budget_ms,
                    )
                )
            results.append(self._measure_public_lookup(repeat, warmup, budget_ms))
        failures = [label for label, passed in results if not passed]
        if failures:
            self.stdout.write(self.style.WARNING(f"Over budget: {', '.join(failures)}"))
        else:
            self.stdout.write(self.style.SUCCESS("Every page within its budget."))

    # --- seeding ------------------------------------------------------------------------

    def _top_up(self, count):
        started = time.perf_counter()
        missing = count - Case.objects.count()
        if missing > 0:
            self._seed(missing)
            # Bulk inserts skip Case.save(): the recurring complaints' roll-up is
            # counted again from every case.
            complaint_tallies.rebuild()
        if connection.vendor == "postgresql":
            # The visibility map too (VACUUM), as autovacuum keeps it in production: without
            # it the recurring groups cannot read their covering index alone and take 3-5
            # times as long. VACUUM cannot run inside a transaction: ANALYZE alone then.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in (Case, CaseTransition, CaseEntry, ComplaintTally):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"{command} {table}")
        self.stdout.write(
            f"\nDatabase: {connection.vendor} ({connection.settings_dict.get('NAME')}): "
            f"{Case.objects.count():,} cases, {CaseTransition.objects.count():,} transitions, "
            f"{CaseEntry.objects.count():,} register entries "
            f"(set-up {time.perf_counter() - started:.1f} s).\n"
        )

    def _seed(self, missing):
        User = get_user_model()
        staff = {
            CaseRoute.CRM: User.objects.get(username="crm_staff"),
            CaseRoute.CENTRES: User.objects.get(username="centres_staff"),
        }
        categories = [CaseCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES]
        centres = list(Centre.objects.values_list("pk", flat=True))
        customers = list(
            Customer.objects.values_list("pk", "kind", "centre_id").order_by("?")[:20_000]
        )
        if not customers or not centres:
            raise CommandError("Seed customers first (make bench seeds them).")
        signatures = {subject: text_signature(subject) for subject in SUBJECTS}
        states = list(STATE_WEIGHTS)
        weights = list(STATE_WEIGHTS.values())
        now = timezone.now()
        # Deadlines computed once per received day, not per case: working_deadline reads
        # the holidays from the database.
        deadlines = {}
        for start in range(0, missing, BATCH):
            with transaction.atomic():
                batch = [
                    self._case(
                        customers,
                        centres,
                        categories,
                        signatures,
                        states,
                        weights,
                        staff,
                        now,
                        deadlines,
                    )
                    for _ in range(min(BATCH, missing - start))
                ]
                created = Case.objects.bulk_create(batch)
                self._trail(created[::TRAIL_EVERY], staff)
            self.stdout.write(f"  seeded {start + len(batch):,} of {missing:,} cases", ending="\r")
        self.stdout.write("")

    def _case(
        self, customers, centres, categories, signatures, states, weights, staff, now, deadlines
    ):
        rng = self.rng
        received_at = now - timedelta(minutes=rng.randrange(HISTORY_DAYS * 24 * 60))
        day = timezone.localtime(received_at).date()
        if day not in deadlines:
            deadlines[day] = (working_deadline(received_at, 0), working_deadline(received_at, 1))
        same_day, next_day = deadlines[day]
        state = rng.choices(states, weights=weights)[0]
        # Old cases are mostly closed; the few left open are the overdue ones.
        if received_at < now - timedelta(days=14) and self.rng.random() < 0.9:
            state = CaseState.CLOSED
        customer_id, customer_kind, customer_centre = (
            rng.choice(customers) if rng.random() < 0.8 else (None, None, None)
        )
        route = CaseRoute.CENTRES if customer_kind == CustomerKind.BENEFICIARY else CaseRoute.CRM
        subject = rng.choice(SUBJECTS)
        replied = state in (CaseState.REPLIED, CaseState.CLOSED)
        replied_at = (
            received_at + timedelta(minutes=rng.randrange(5, 3 * 24 * 60)) if replied else None
        )
        closed_at = (
            replied_at + timedelta(hours=rng.randrange(1, 48))
            if state == CaseState.CLOSED
            else None
        )
        if state == CaseState.REPLIED:
            # Only a replied case waits on a deadline after its reply: computed for those
            # alone, once per day (working_deadline reads the holidays from the database).
            replied_day = ("replied", timezone.localtime(replied_at).date())
            if replied_day not in deadlines:
                deadlines[replied_day] = working_deadline(replied_at, 1)
            due_at = deadlines[replied_day]
        else:
            due_at = {
                CaseState.RECEIVED: same_day,
                CaseState.CALLBACK_PROMISED: same_day,
                CaseState.UNDER_STUDY: next_day,
                CaseState.CLOSED: None,
            }[state]
        return Case(
            tracking_number=new_tracking_number(),
            kind=rng.choices(list(CaseKind), weights=[60, 30, 10])[0],
            channel=rng.choice(list(ContactChannel)),
            received_at=received_at,
            customer_id=customer_id,
            contact_name="" if customer_id else VISITOR_NAME,
            contact_mobile="" if customer_id else _visitor_mobile(rng),
            centre_id=customer_centre or rng.choice(centres),
            category=rng.choice(categories),
            subject=subject,
            subject_signature=signatures[subject],
            search_text=case_search_text(subject, "" if customer_id else VISITOR_NAME),
            description="تفاصيل الحالة كما رواها المتصل، مع ما طلبه من الجمعية.",
            routed_to=route,
            state=state,
            due_at=due_at,
            answer_due_at=next_day,
            last_activity_at=closed_at or replied_at or received_at,
            registered_by=staff[route],
            reply="تم التواصل مع المستفيد وحل المشكلة." if replied else "",
            replied_at=replied_at,
            closed_at=closed_at,
        )

    def _trail(self, cases, staff):
        CaseTransition.objects.bulk_create(
            CaseTransition(
                case=case,
                source=CaseState.RECEIVED,
                target=CaseState.UNDER_STUDY,
                actor=staff[case.routed_to],
                note="تحليل الأسباب: تأخر المورد في التسليم",
            )
            for case in cases
        )
        CaseEntry.objects.bulk_create(
            CaseEntry(case=case, author=staff[case.routed_to], text="تمت المتابعة مع المركز")
            for case in cases
            for _ in range(2)
        )

    # --- measuring ----------------------------------------------------------------------

    def _staff_pages(self):
        register = reverse("complaints:list")
        busy_case = CaseTransition.objects.order_by("-case_id").values_list("case_id", flat=True)[0]
        category = CaseCategory.objects.get(name=CATEGORIES[0])
        month_ago = (timezone.localdate() - timedelta(days=30)).isoformat()
        tracking_number = Case.objects.values_list("tracking_number", flat=True)[0]
        filtered = urlencode(
            {"kind": "complaint", "state": "open", "category": category.pk, "date_from": month_ago}
        )
        return [
            ("quality", "register, everything (quality officer)", register),
            (
                "quality",
                "register, last page (quality officer)",
                f"{register}?page={Case.objects.count() // 25}",
            ),
            ("crm_staff", "register, CRM queue (CRM staff)", register),
            ("centres_staff", "register, own centres (centres staff)", register),
            (
                "quality",
                "register, filtered (open complaints, category, 30 days)",
                f"{register}?{filtered}",
            ),
            ("quality", "register, overdue only", f"{register}?overdue=on"),
            (
                "quality",
                "register, search by tracking number",
                f"{register}?{urlencode({'q': tracking_number})}",
            ),
            (
                "quality",
                "register, search by subject words «تكييف قاعة»",
                f"{register}?{urlencode({'q': 'تكييف قاعة'})}",
            ),
            (
                "quality",
                "case page (with trail and entries)",
                reverse("complaints:detail", args=[busy_case]),
            ),
        ]

    def _measure_public_lookup(self, repeat, warmup, budget_ms):
        case = Case.objects.exclude(contact_mobile="").order_by("-pk")[0]
        client = Client()
        url = reverse("public:track")
        data = {"tracking_number": case.tracking_number, "mobile": case.contact_mobile}

        def post(page):
            response = client.post(page, data)
            if response.status_code != 200 or case.subject.encode() not in response.content:
                raise CommandError(f"The public lookup of {case.tracking_number} failed.")

        return self._measure(
            "public status lookup (tracking number + mobile)", post, url, repeat, warmup, budget_ms
        )

    def _get(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}, not 200.")

    def _measure(self, label, request, url, repeat, warmup, budget_ms):
        timing = time_page(request, url, repeat=repeat, warmup=warmup)
        passed = timing.p95_ms < budget_ms
        verdict = self.style.SUCCESS("PASS") if passed else self.style.ERROR("FAIL")
        self.stdout.write(
            f"{label:<52} {timing.median_ms:>9.1f} {timing.p95_ms:>9.1f} "
            f"{timing.queries:>8}   {verdict}"
        )
        return label, passed
