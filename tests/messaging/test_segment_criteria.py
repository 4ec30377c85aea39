"""The criteria other apps register into messaging's segments: donors by recorded
interests (opportunities), by a donation in a period and by programme (finance)."""

import datetime
from decimal import Decimal

import pytest

from customers.models import Customer
from finance.models import Donation
from messaging.forms import SegmentForm
from messaging.segments import criteria, segment_customers
from opportunities.models import DonorInterest
from programmes.models import Programme, ProgrammeCategory


@pytest.fixture
def donors(make_user):
    staff = make_user()
    health = ProgrammeCategory.objects.create(name="صحة")
    youth = ProgrammeCategory.objects.create(name="شباب")
    programme = Programme.objects.create(code="P-01", name="سقيا الحي", category=health)
    first = Customer.objects.create(code=810001, name="مانح أول", kind="donor")
    second = Customer.objects.create(code=810002, name="مانح ثان", kind="donor")
    DonorInterest.objects.create(donor=first, category=health, recorded_by=staff)
    DonorInterest.objects.create(donor=second, category=youth, recorded_by=staff)
    Donation.objects.create(
        donor=first,
        programme=programme,
        amount=Decimal("500"),
        received_on=datetime.date(2026, 3, 10),
        receipt_number="D-1",
    )
    Donation.objects.create(
        donor=second,
        amount=Decimal("100"),
        received_on=datetime.date(2025, 3, 10),
        receipt_number="D-2",
    )
    return {"first": first, "second": second, "health": health, "programme": programme}


def test_every_app_registers_its_criteria():
    keys = [criterion.key for criterion in criteria()]
    assert {"kind", "city", "centre", "interests", "donated", "programmes"} <= set(keys)


def test_donors_by_interest_period_and_programme(donors):
    first = donors["first"]
    assert list(segment_customers({"interests": [donors["health"].pk]})) == [first]
    in_2026 = {"donated": {"from": "2026-01-01", "until": "2026-12-31"}}
    assert list(segment_customers(in_2026)) == [first]
    assert set(segment_customers({"donated": {"from": "", "until": "2025-12-31"}})) == {
        donors["second"]
    }
    assert list(segment_customers({"programmes": [donors["programme"].pk]})) == [first]


def test_the_segment_form_keeps_a_period_and_reads_it_back(donors):
    form = SegmentForm(
        data={"name": "مانحو 2026", "donated_from": "2026-01-01", "donated_until": "31/12/2026"}
    )
    assert form.is_valid(), form.errors
    saved = form.criteria_json()
    assert saved["donated"] == {"from": "2026-01-01", "until": "2026-12-31"}
    assert list(segment_customers(saved)) == [donors["first"]]
