"""The customer 360's body is kept per customer and reader (customers.profile_cache) and
renewed by any write about that customer: its own row, a row pointing to it, a row one step
away (a case's entry), a many-to-many link, and the writes that send no signal (consents'
bulk_create, a case referred with update())."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association import roles
from complaints import services as complaints
from complaints.models import CaseKind
from core.consent import ConsentSource
from customers.models import Customer
from customers.profile_cache import customers_of
from messaging.services import consents_record
from programmes.models import ProgrammeProposal, ProposalTransition
from tests.helpers import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return user_with(roles.CRM_STAFF, "profile_reader")


@pytest.fixture
def donor(db):
    return Customer.objects.create(code=910001, name="هند سالم الحربي", kind="donor")


@pytest.fixture
def other(db):
    return Customer.objects.create(code=910002, name="ماجد فهد الشهري", kind="donor")


def view(client, customer, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:detail", args=[customer.pk]), query)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries]


def without_tokens(page):
    """The layout's forms carry a CSRF token masked anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


# What every page reads (the session, the signed-in user) and the customer's own row.
EVERY_PAGE = ('FROM "django_session"', 'FROM "auth_user"', 'FROM "customers_customer"')


def kept(client, customer):
    """The page and what it read beyond every page's reads and the customer's row: nothing
    when served from what was kept."""
    page, queries = view(client, customer)
    return page, [sql for sql in queries if not any(part in sql for part in EVERY_PAGE)]


def test_a_second_view_reads_only_the_customer_and_shows_the_same_page(client, staff, donor):
    client.force_login(staff)
    first, built = view(client, donor)
    again, rest = kept(client, donor)
    assert without_tokens(again) == without_tokens(first)
    assert not rest, rest
    assert len(built) > 5  # the first view built it


def test_a_case_and_its_entry_renew_the_customer_s_profile_only(client, staff, donor, other):
    client.force_login(staff)
    view(client, donor)
    view(client, other)
    case = complaints.case_register(
        actor=staff,
        kind=CaseKind.INQUIRY,
        channel="phone",
        subject="موعد صرف السلة الغذائية",
        description="سؤال عن الموعد",
        customer=donor,
    )
    page, rest = kept(client, donor)
    assert "موعد صرف السلة الغذائية" in page and rest
    assert not kept(client, other)[1]  # another customer's page is still kept
    complaints.case_add_entry(case=case, actor=staff, text="اتصلنا بالمتبرعة وأبلغناها")
    page, rest = kept(client, donor)
    assert rest  # built again: the entry is one step away (through its case)


def test_consents_written_in_bulk_renew_the_profile(client, staff, donor):
    client.force_login(staff)
    view(client, donor)
    consents_record(
        customer_id=donor.pk,
        changes={"sms.marketing": True},
        at=donor.created_at,
        source=ConsentSource.PHONE,
        actor=staff,
    )
    assert kept(client, donor)[1]


def test_a_many_to_many_link_and_a_step_through_it_renew_the_profile(client, staff, donor, other):
    """A proposal names its donors many-to-many: adding one renews that donor's page; the
    proposal's own step reaches its donors through it."""
    client.force_login(staff)
    proposal = ProgrammeProposal.objects.create(
        title="برنامج تحفيظ", description="طلبه المتبرعون", reason="طلب متكرر", proposed_by=staff
    )
    view(client, donor)
    view(client, other)
    proposal.donors.add(donor)
    assert kept(client, donor)[1]
    assert not kept(client, other)[1]
    assert customers_of(ProposalTransition(proposal_id=proposal.pk)) == {donor.pk}


def test_each_reader_and_language_has_its_own_page(client, staff, donor, superuser):
    client.force_login(staff)
    arabic, _queries = view(client, donor)
    client.force_login(superuser)
    assert kept(client, donor)[1]  # other permissions: built for them
    client.force_login(staff)
    assert not kept(client, donor)[1]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english, queries = view(client, donor)
    assert english != arabic and "Customer information" in english
    assert [sql for sql in queries if not any(part in sql for part in EVERY_PAGE)]


def test_the_timeline_s_pages_are_kept_apart(client, staff, donor):
    client.force_login(staff)
    view(client, donor)
    _page, queries = view(client, donor, kind="cases")
    assert [sql for sql in queries if not any(part in sql for part in EVERY_PAGE)]
