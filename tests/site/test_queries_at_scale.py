"""Issue 13: pages whose number of queries does not depend on the data. On the demo data
grown by N customers and N cases, then by 2N more (3N), each role's home page («عملي»,
its work providers and headline figures), a donor's profile and the customer statistics
run the same number of queries; the home page stays under its budget."""

import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.management.commands.bench_complaints import Command as BenchComplaints
from complaints.models import Case
from core import mywork
from core.cache import bump
from customers.management.commands.seed_customers import seed_customers
from customers.models import Customer
from customers.selectors import customers_visible_to
from customers.statistics import GROUPINGS, STATISTICS_TOPIC

pytestmark = pytest.mark.django_db

N = 40
DONOR = "مؤسسة عبدالله الخيرية"  # the demo donor with cases, forms, contacts, problems…


def _grow(count, seed):
    """`count` more customers and `count` more cases (all states, some overdue, some
    waiting for today's register entry), as the benchmarks seed them."""
    seed_customers(count, rng=random.Random(seed), with_history=False)
    bench = BenchComplaints(stdout=StringIO())
    bench.rng = random.Random(seed)
    bench._seed(count)


def _queries(client, url):
    client.get(url)  # the session, the permissions, the cached places and holidays
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _measure(users):
    donor = Customer.objects.get(name=DONOR)
    counts = {}
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        counts[("home", username)] = _queries(client, reverse("home"))
        fresh = get_user_model().objects.get(pk=user.pk)
        mywork.work_sections_for(fresh)  # permissions and roles read once
        with CaptureQueriesContext(connection) as work:
            sections = mywork.work_sections_for(fresh)
        counts[("mywork", username)] = len(work)
        assert all(len(section.items) <= 20 for section in sections)
        if customers_visible_to(fresh).filter(pk=donor.pk).exists():
            profile = reverse("customers:detail", args=[donor.pk])
            counts[("profile", username)] = _queries(client, profile)
    client = Client()
    client.force_login(users["crm_manager"])
    for grouping in GROUPINGS:
        url = f"{reverse('customers:statistics')}?group_by={grouping}"
        client.get(url)
        bump(STATISTICS_TOPIC)  # counted afresh, not read from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[("statistics", grouping)] = len(queries)
    return counts


@pytest.fixture
def demo():
    call_command("load_demo_data", stdout=StringIO())
    return {user.username: user for user in get_user_model().objects.all()}


def test_each_page_runs_as_many_queries_at_3n_rows_as_at_n(demo):
    _grow(N, seed=1)
    at_n = _measure(demo)
    cases = Case.objects.count()
    _grow(2 * N, seed=2)
    assert Case.objects.count() == cases + 2 * N
    at_3n = _measure(demo)
    assert at_3n == at_n
    home = {user: count for (page, user), count in at_3n.items() if page == "home"}
    assert max(count for user, count in home.items() if user != "admin") <= 37, home
    assert home["admin"] <= 51, home
