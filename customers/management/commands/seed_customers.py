"""`manage.py seed_customers --count 100000`: add realistic synthetic customers, fast.

For load tests and demos. Rows are bulk-created in batches (save() and signals do not run),
so this command does by hand what Customer.save() and the services would do: it sets
name_normalized, takes a contiguous block of customer codes from CustomerCodeCounter in the
same transaction (later codes never collide), and writes one "created" history row per
customer. It is not idempotent: every run adds --count customers.
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from association import roles
from association.models import Centre, City
from core.cache import bump
from core.choices import ContactChannel
from core.identity import make_valid_national_id
from core.text import normalize_arabic
from customers.consents import seed_consents
from customers.models import Customer, CustomerCodeCounter, CustomerKind, EntityType
from customers.statistics import STATISTICS_TOPIC

BATCH_SIZE = 5000
HISTORY_DAYS = 3 * 365
SEED_CHANGE_REASON = "seed_customers"

# Arabic first names with the Latin spelling used for e-mail addresses. Several carry a
# hamza or ta marbuta (أحمد، إبراهيم، أسامة، فاطمة…) so that normalised search has work.
MALE_NAMES = [
    ("محمد", "mohammed"),
    ("أحمد", "ahmed"),
    ("عبدالله", "abdullah"),
    ("عبدالرحمن", "abdulrahman"),
    ("خالد", "khalid"),
    ("فهد", "fahad"),
    ("سعد", "saad"),
    ("سلطان", "sultan"),
    ("ماجد", "majed"),
    ("إبراهيم", "ibrahim"),
    ("يوسف", "yousef"),
    ("عمر", "omar"),
    ("علي", "ali"),
    ("حسن", "hassan"),
    ("صالح", "saleh"),
    ("ناصر", "nasser"),
    ("تركي", "turki"),
    ("بندر", "bandar"),
    ("فيصل", "faisal"),
    ("عبدالعزيز", "abdulaziz"),
    ("أسامة", "osama"),
    ("حمزة", "hamza"),
    ("مصطفى", "mustafa"),
    ("إسماعيل", "ismail"),
    ("مشعل", "mishal"),
    ("نايف", "naif"),
    ("بدر", "badr"),
    ("هاني", "hani"),
    ("وليد", "waleed"),
    ("زياد", "ziyad"),
]
FEMALE_NAMES = [
    ("فاطمة", "fatimah"),
    ("نورة", "noura"),
    ("سارة", "sara"),
    ("مريم", "maryam"),
    ("عائشة", "aisha"),
    ("خديجة", "khadijah"),
    ("هند", "hind"),
    ("ريم", "reem"),
    ("لمى", "lama"),
    ("منى", "mona"),
    ("أمل", "amal"),
    ("هيفاء", "haifa"),
    ("جواهر", "jawaher"),
    ("أسماء", "asma"),
    ("رنا", "rana"),
    ("عبير", "abeer"),
    ("غادة", "ghada"),
    ("حصة", "hessa"),
    ("لطيفة", "latifa"),
    ("شيماء", "shaima"),
    ("بشرى", "bushra"),
    ("آمنة", "amna"),
    ("رقية", "ruqayya"),
    ("دانة", "dana"),
]
FAMILY_NAMES = [
    ("الغامدي", "alghamdi"),
    ("الزهراني", "alzahrani"),
    ("الحربي", "alharbi"),
    ("العتيبي", "alotaibi"),
    ("القحطاني", "alqahtani"),
    ("الشهري", "alshehri"),
    ("المالكي", "almalki"),
    ("الثقفي", "althaqafi"),
    ("الجهني", "aljohani"),
    ("السلمي", "alsulami"),
    ("العمري", "alomari"),
    ("القرشي", "alqurashi"),
    ("البقمي", "albaqami"),
    ("الدوسري", "aldosari"),
    ("الشمري", "alshammari"),
    ("المطيري", "almutairi"),
    ("السبيعي", "alsubaie"),
    ("اللحياني", "allihyani"),
    ("الأحمدي", "alahmadi"),
    ("العسيري", "alasiri"),
    ("الهذلي", "alhudhali"),
    ("باعشن", "baashen"),
    ("بخاري", "bukhari"),
    ("فلاتة", "fallatah"),
    ("هوساوي", "hawsawi"),
    ("آل سعيد", "alsaeed"),
    ("الأنصاري", "alansari"),
    ("العنزي", "alanazi"),
]
NEIGHBOURHOODS = [
    "الصفا",
    "النسيم",
    "الروضة",
    "العوالي",
    "الزاهر",
    "الشرائع",
    "الشهداء",
    "الفيصلية",
    "السلامة",
    "الربوة",
    "البوادي",
    "العزيزية",
]
STREETS = ["الأمير سلطان", "الملك فهد", "التحلية", "فلسطين", "الستين", "الحرمين", "الأندلس"]
COMPANY_PATTERNS = [
    "شركة {family} للتجارة",
    "شركة {family} للمقاولات",
    "مؤسسة {first} {family} الخيرية",
    "مؤسسة {family} التجارية",
    "مجموعة {family} القابضة",
    "شركة {first} {family} وشركاه",
]
GOVERNMENT_PATTERNS = [
    "أمانة {city}",
    "بلدية {neighbourhood} الفرعية",
    "إدارة التعليم ب{city}",
    "مستشفى {city} العام",
    "الدفاع المدني ب{city}",
    "فرع وزارة الموارد البشرية والتنمية الاجتماعية ب{city}",
    "الشؤون الصحية ب{city}",
]
OTHER_ORGANISATION_PATTERNS = [
    "جمعية البر الخيرية ب{city}",
    "جمعية تحفيظ القرآن الكريم بحي {neighbourhood}",
    "نادي حي {neighbourhood}",
    "مدارس {family} الأهلية",
    "جمعية الأيتام ب{city}",
]
CONSENT_SOURCES = ["نموذج التسجيل في المركز", "الموقع الإلكتروني", "اتصال هاتفي"]
# Saudi mobile prefixes that phonenumbers accepts as mobile for every following 7 digits.
MOBILE_PREFIXES = ["50", "53", "54", "55", "56", "58", "59"]

KIND_WEIGHTS = {
    CustomerKind.BENEFICIARY: 72,
    CustomerKind.DONOR: 12,
    CustomerKind.COUNCIL_MEMBER: 5,
    CustomerKind.GOVERNMENT: 3,
    CustomerKind.OTHER: 8,
}
# Share of each kind that is an organisation rather than a person.
ORGANISATION_SHARE = {
    CustomerKind.BENEFICIARY: 0.0,
    CustomerKind.DONOR: 0.3,
    CustomerKind.COUNCIL_MEMBER: 0.0,
    CustomerKind.GOVERNMENT: 1.0,
    CustomerKind.OTHER: 0.4,
}
CHANNEL_WEIGHTS = {
    ContactChannel.PHONE: 30,
    ContactChannel.FACE_TO_FACE: 25,
    ContactChannel.SMS: 12,
    ContactChannel.SOCIAL_MEDIA: 8,
    ContactChannel.EMAIL: 6,
    ContactChannel.WEBSITE: 4,
    ContactChannel.BRANCH_REPRESENTATIVE: 3,
    ContactChannel.LETTER: 2,
    "": 10,
}
# Roles whose members are donors' points of contact.
CONTACT_ROLES = (roles.CRM_STAFF, roles.CRM_MANAGER, roles.RESOURCE_DEVELOPMENT)


class Command(BaseCommand):
    help = "Bulk-create realistic synthetic customers (load tests, demos). Adds --count rows."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="customers to add")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable)")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="skip the 'created' history rows (twice as fast)",
        )

    def handle(self, *args, count, batch_size, seed, no_history, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be 0 or more and --batch-size at least 1.")
        started = time.perf_counter()
        first, last = seed_customers(
            count,
            batch_size=batch_size,
            rng=random.Random(seed),
            with_history=not no_history,
            progress=lambda done: self.stdout.write(f"  {done:,} / {count:,}"),
        )
        elapsed = time.perf_counter() - started
        if not count:
            self.stdout.write("Nothing to add.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count:,} customers (codes {first}–{last}) in {elapsed:.1f} s."
            )
        )


def seed_customers(
    count, *, batch_size=BATCH_SIZE, rng=None, with_history=True, progress=None, kind=None
):
    """Add `count` synthetic customers, all of `kind` if given; returns (first code, last
    code), or (None, None)."""
    if count <= 0:
        return None, None
    rng = rng or random.Random()
    with transaction.atomic():
        first_code = _reserve_codes(count)
        generator = _CustomerGenerator(rng, kind)
        created_times = _creation_times(rng, count)
        with _timestamps_as_given():
            for start in range(0, count, batch_size):
                customers = [
                    generator.customer(first_code + index, created_times[index])
                    for index in range(start, min(start + batch_size, count))
                ]
                Customer.objects.bulk_create(customers)
                seed_consents(
                    [
                        (customer.pk, key, at, how)
                        for customer in customers
                        if customer.code in generator.consents
                        for keys, at, how in [generator.consents.pop(customer.code)]
                        for key in keys
                    ]
                )
                if with_history:
                    _copy_to_history(customers[0].code, customers[-1].code)
                if progress:
                    progress(start + len(customers))
    _refresh_planner_statistics()
    bump(STATISTICS_TOPIC)  # bulk_create sends no signal: the statistics count again
    return first_code, first_code + count - 1


def _refresh_planner_statistics():
    """Tell PostgreSQL about the new rows now rather than whenever autovacuum passes: the
    planner needs the statistics, and index-only scans (COUNT(*), GROUP BY kind) need the
    visibility map that VACUUM sets. VACUUM cannot run inside a transaction (tests, a
    caller's atomic block): ANALYZE alone then."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = (Customer._meta.db_table, Customer.history.model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


def _reserve_codes(count):
    """Advance the counter by `count` under its row lock; return the first code of the block.

    The block also starts above any existing code, in case the counter was ever behind."""
    counter = CustomerCodeCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        raise CommandError("The customer code counter row is missing (migration 0002).")
    highest = Customer.objects.aggregate(highest=Max("code"))["highest"] or 0
    first_code = max(counter.last_code, highest) + 1
    counter.last_code = first_code + count - 1
    counter.save(update_fields=["last_code"])
    return first_code


def _copy_to_history(first_code, last_code):
    """One "created" history row per new customer, dated when it was created, as the
    services' save() would have written. Copied by the database in one INSERT … SELECT:
    building a historical object per row in Python took longer than the customers."""
    history_model = Customer.history.model
    quote = connection.ops.quote_name
    columns = [field.column for field in history_model.tracked_fields]
    source = Customer._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_model._meta.db_table)} "
            f"({', '.join(quote(column) for column in columns)}, "
            f"{quote('history_date')}, {quote('history_change_reason')}, "
            f"{quote('history_type')}) "
            f"SELECT {', '.join(quote(column) for column in columns)}, "
            f"{quote('created_at')}, %s, %s FROM {quote(source.db_table)} "
            f"WHERE {quote('code')} BETWEEN %s AND %s",
            [SEED_CHANGE_REASON, "+", first_code, last_code],
        )


def _creation_times(rng, count):
    """Creation instants spread over the last three years, oldest first, so that codes grow
    with the creation date as they do for real entries."""
    now = timezone.now()
    span = HISTORY_DAYS * 24 * 3600
    return sorted(now - timedelta(seconds=rng.randrange(span)) for _ in range(count))


@contextmanager
def _timestamps_as_given():
    """bulk_create would stamp created_at/updated_at with now (auto_now_add / auto_now);
    switch that off for the duration so the spread-out dates are kept."""
    created = Customer._meta.get_field("created_at")
    updated = Customer._meta.get_field("updated_at")
    saved = created.auto_now_add, updated.auto_now
    created.auto_now_add = updated.auto_now = False
    try:
        yield
    finally:
        created.auto_now_add, updated.auto_now = saved


class _CustomerGenerator:
    """Builds unsaved Customer objects with plausible, valid values."""

    def __init__(self, rng, kind=None):
        self.rng = rng
        self.only_kind = kind
        self.consents = {}  # code → (pair keys given, when, how)
        self.centres = list(self._centres())
        self.cities = list(City.objects.all())
        self.contacts = list(
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[role.group_name for role in CONTACT_ROLES]
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        self.used_mobiles = set(
            Customer.objects.exclude(mobile="").values_list("mobile", flat=True)
        )
        self.used_national_ids = set(
            Customer.objects.exclude(national_id="").values_list("national_id", flat=True)
        )
        self.columns = [
            (field.attname, field.get_default()) for field in Customer._meta.concrete_fields
        ]
        self.kinds = list(KIND_WEIGHTS)
        self.kind_weights = list(accumulate(KIND_WEIGHTS.values()))
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_weights = list(accumulate(CHANNEL_WEIGHTS.values()))

    @staticmethod
    def _centres():
        centres = Centre.objects.filter(is_active=True).select_related("city")
        if not centres.exists():
            from association.demo import load_demo_data

            load_demo_data()
        return Centre.objects.filter(is_active=True).select_related("city")

    def customer(self, code, created_at):
        rng = self.rng
        kind = self.only_kind or rng.choices(self.kinds, cum_weights=self.kind_weights)[0]
        is_organisation = rng.random() < ORGANISATION_SHARE[kind]
        centre, city = self._place(kind)
        city_name = (city or rng.choice(self.cities)).name
        if is_organisation:
            name, latin = self._organisation_name(kind, city_name)
        else:
            name, latin = self._person_name()
        mobile = self._mobile() if rng.random() < (0.6 if is_organisation else 0.92) else ""
        email = self._email(latin, code, is_organisation)
        if not (mobile or email):
            mobile = self._mobile()  # the form requires one way to reach every customer
        sms_consent = bool(mobile) and rng.random() < 0.6
        email_consent = bool(email) and rng.random() < 0.4
        # Consents to marketing (and service notices) per channel, written as records once
        # the customers have ids (customers.consents.seed_consents).
        given = [
            f"{channel}.{purpose}"
            for channel, agreed in (("sms", sms_consent), ("email", email_consent))
            if agreed
            for purpose in ("marketing", "service")
        ]
        if given:
            self.consents[code] = (given, created_at, rng.choice(CONSENT_SOURCES))
        return self._build(
            code=code,
            name=name,
            name_normalized=normalize_arabic(name),
            entity_type=EntityType.ORGANISATION if is_organisation else EntityType.INDIVIDUAL,
            kind=kind,
            national_id="" if is_organisation else self._national_id(kind),
            city_id=city.pk if city else None,
            centre_id=centre.pk if centre else None,
            address=self._address(centre) if rng.random() < 0.5 else "",
            phone=f"012{rng.randrange(10_000_000):07d}"
            if rng.random() < (0.7 if is_organisation else 0.1)
            else "",
            mobile=mobile,
            email=email,
            contact_channel=rng.choices(self.channels, cum_weights=self.channel_weights)[0],
            point_of_contact_id=rng.choice(self.contacts)
            if kind == CustomerKind.DONOR and self.contacts and rng.random() < 0.85
            else None,
            is_active=rng.random() < 0.96,
            created_at=created_at,
            updated_at=created_at,
        )

    def _build(self, **values):
        """Customer(**values), but through Model.__init__'s positional fast path (attnames,
        primary keys for relations), which is several times quicker at 100,000 rows."""
        return Customer(*[values.get(attname, default) for attname, default in self.columns])

    def _place(self, kind):
        """Beneficiaries belong to a centre (and its city); others mostly to a city only."""
        rng = self.rng
        if kind == CustomerKind.BENEFICIARY and rng.random() < 0.95:
            centre = rng.choice(self.centres)
            return centre, centre.city
        if rng.random() < 0.2:
            centre = rng.choice(self.centres)
            return centre, centre.city
        if rng.random() < 0.85:
            return None, rng.choice(self.cities)
        return None, None

    def _person_name(self):
        rng = self.rng
        first, first_latin = rng.choice(MALE_NAMES if rng.random() < 0.5 else FEMALE_NAMES)
        father = rng.choice(MALE_NAMES)[0]
        family, family_latin = rng.choice(FAMILY_NAMES)
        parts = [first, father]
        if rng.random() < 0.3:
            parts.append(rng.choice(MALE_NAMES)[0])  # grandfather
        parts.append(family)
        return " ".join(parts), f"{first_latin}.{family_latin}"

    def _organisation_name(self, kind, city_name):
        rng = self.rng
        patterns = {
            CustomerKind.GOVERNMENT: GOVERNMENT_PATTERNS,
            CustomerKind.DONOR: COMPANY_PATTERNS,
        }.get(kind, OTHER_ORGANISATION_PATTERNS)
        family, family_latin = rng.choice(FAMILY_NAMES)
        name = rng.choice(patterns).format(
            family=family,
            first=rng.choice(MALE_NAMES)[0],
            city=city_name,
            neighbourhood=rng.choice(NEIGHBOURHOODS),
        )
        return name, family_latin

    def _mobile(self):
        while True:
            mobile = f"+966{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000):07d}"
            if mobile not in self.used_mobiles:
                self.used_mobiles.add(mobile)
                return mobile

    def _national_id(self, kind):
        rng = self.rng
        if rng.random() >= (0.75 if kind == CustomerKind.BENEFICIARY else 0.4):
            return ""
        while True:
            prefix = ("1" if rng.random() < 0.85 else "2") + f"{rng.randrange(10**8):08d}"
            national_id = make_valid_national_id(prefix)
            if national_id not in self.used_national_ids:
                self.used_national_ids.add(national_id)
                return national_id

    def _email(self, latin, code, is_organisation):
        rng = self.rng
        if rng.random() >= (0.7 if is_organisation else 0.25):
            return ""
        if is_organisation:
            return f"info{code}@{latin}.org.sa"
        domain = rng.choice(["gmail.com", "hotmail.com", "outlook.sa", "yahoo.com"])
        return f"{latin}{code}@{domain}"

    def _address(self, centre):
        rng = self.rng
        neighbourhood = (
            centre.name.removeprefix("مركز حي ") if centre else rng.choice(NEIGHBOURHOODS)
        )
        return f"حي {neighbourhood}، شارع {rng.choice(STREETS)}"
