"""The seeding command of the benchmark: seed_customers writes valid customers fast (the
pages are measured by `manage.py bench`, tests/reports/test_bench.py)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.text import normalize_arabic
from customers import services
from customers.models import Customer, CustomerCodeCounter, CustomerKind

pytestmark = pytest.mark.django_db


def seed(count, **options):
    out = StringIO()
    call_command("seed_customers", count=count, seed=7, stdout=out, **options)
    return out.getvalue()


def test_seed_customers_adds_valid_customers_with_a_contiguous_block_of_codes():
    counter_before = CustomerCodeCounter.objects.get(pk=1).last_code
    output = seed(50)
    customers = list(Customer.objects.order_by("code"))
    assert len(customers) == 50
    codes = [customer.code for customer in customers]
    assert codes == list(range(counter_before + 1, counter_before + 51))
    assert CustomerCodeCounter.objects.get(pk=1).last_code == codes[-1]
    assert f"Added 50 customers (codes {codes[0]}–{codes[-1]})" in output
    for customer in customers:
        # Model validation: national ID check digit, Saudi mobile, e-mail, choices.
        customer.full_clean()
        assert customer.name_normalized == normalize_arabic(customer.name)
        assert customer.mobile == "" or re.fullmatch(r"\+9665\d{8}", customer.mobile)
    mobiles = [customer.mobile for customer in customers if customer.mobile]
    assert len(mobiles) == len(set(mobiles))
    national_ids = [customer.national_id for customer in customers if customer.national_id]
    assert national_ids and len(national_ids) == len(set(national_ids))


def test_seeded_customers_are_realistic():
    seed(200)
    customers = Customer.objects.all()
    kinds = {kind: customers.filter(kind=kind).count() for kind in CustomerKind.values}
    assert kinds[CustomerKind.BENEFICIARY] > 200 / 2  # mostly beneficiaries
    assert customers.filter(entity_type="organisation").exists()
    assert customers.exclude(email="").exists()
    # Beneficiaries belong to a centre of the city they are in (demo cities and centres).
    beneficiary = customers.filter(kind=CustomerKind.BENEFICIARY).exclude(centre=None).first()
    assert beneficiary.city_id == beneficiary.centre.city_id
    # Created over the last three years, not all at once.
    now = timezone.now()
    dates = list(customers.values_list("created_at", flat=True))
    assert min(dates) > now - timedelta(days=3 * 365 + 1)
    assert max(dates) <= now
    assert max(dates) - min(dates) > timedelta(days=365)


def test_seeded_customers_have_a_created_history_row_dated_when_they_were_created():
    seed(20)
    for customer in Customer.objects.all():
        record = customer.history.get()
        assert record.history_type == "+"
        assert record.history_date == customer.created_at
        assert record.name == customer.name


def test_codes_handed_out_after_seeding_never_collide():
    seed(30)
    highest = Customer.objects.order_by("-code").values_list("code", flat=True).first()
    assert services.allocate_customer_code() == highest + 1
    seed(10)  # a second run continues after the code just handed out
    assert Customer.objects.order_by("-code").first().code == highest + 11
    assert Customer.objects.values("code").distinct().count() == Customer.objects.count()


def test_seeding_nothing_is_harmless():
    assert "Nothing to add" in seed(0)
    assert not Customer.objects.exists()
