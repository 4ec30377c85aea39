"""Issue 13: the lists and analysis pages run as many queries on 3N rows as on N: the
recurring complaints (list and group), the programmes (list, detail, cycle hand-over), the
opportunities (board, list), the donations, the complaints register, a case, the new case
form and the weekly register review; and the admin's lists of the big models, searched and
not (core.admin.LargeTableAdminMixin). The data grows by customers, cases, opportunities,
donor contacts and donations as the benchmarks seed them."""

import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from association.demo import ADMIN_USERNAME
from complaints import recurring, register_reviews
from complaints.management.commands.bench_complaints import Command as BenchComplaints
from complaints.models import Case, CaseCategory, CaseRoute, new_tracking_number
from customers.management.commands.seed_customers import seed_customers
from finance.models import Donation
from opportunities.management.commands.bench_opportunities import Command as BenchOpportunities
from opportunities.models import Opportunity
from programmes.models import Programme

pytestmark = pytest.mark.django_db

N = 30


def _grow(count, seed):
    seed_customers(count, rng=random.Random(seed), with_history=False)
    complaints = BenchComplaints(stdout=StringIO())
    complaints.rng = random.Random(seed)
    complaints._seed(count)
    opportunities = BenchOpportunities(stdout=StringIO())
    opportunities.rng = random.Random(seed)
    opportunities._top_up(
        get_user_model().objects.get(username="crm_manager"),
        {
            "donors": 5 + count // 10,
            "opportunities": Opportunity.objects.count() + count,
            "donations": Donation.objects.count() + count,
        },
    )


def _pages():
    case = Case.objects.filter(routed_to=CaseRoute.CRM).order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    week = register_reviews.current_week().isoformat()
    # The group of the two complaints made first (no centre), in the period both times.
    group = recurring.category_centre_key(CaseCategory.objects.order_by("pk").first().pk, None)
    return {
        "recurring": ("crm_manager", reverse("complaints:recurring")),
        "recurring_group": (
            "crm_manager",
            f"{reverse('complaints:recurring_detail')}?{urlencode({'key': group})}",
        ),
        "new_case": ("crm_staff", reverse("complaints:new")),
        "register_review": (
            "crm_manager",
            reverse("complaints:register_review", kwargs={"department": "crm", "week": week}),
        ),
        "complaints_list": ("crm_staff", reverse("complaints:list")),
        "case": ("crm_staff", reverse("complaints:detail", args=[case.pk])),
        "programmes": ("crm_staff", reverse("programmes:list")),
        "programme": ("crm_staff", reverse("programmes:detail", args=[programme.pk])),
        "handover": ("planning", reverse("programmes:cycle_handover")),
        "board": ("crm_staff", reverse("opportunities:board")),
        "opportunities": ("crm_staff", reverse("opportunities:list")),
        "donations": ("crm_staff", reverse("finance:donation_list")),
        **_admin_pages(),
    }


def _admin_pages():
    pages = {}
    for model, search in (
        ("customers_customer", {"q": "محمد"}),
        ("customers_customerrequest", {"state": "submitted"}),
        ("complaints_case", {"q": "تأخر"}),
        ("opportunities_opportunity", {"q": "فرصة"}),
        ("opportunities_donorcontact", {"q": "محمد"}),
        ("finance_donation", {"q": "محمد"}),
        ("programmes_portfoliocycle", {"state": "handed_over"}),
    ):
        url = reverse(f"admin:{model}_changelist")
        pages[f"admin {model}"] = (ADMIN_USERNAME, url)
        pages[f"admin {model} {search}"] = (ADMIN_USERNAME, f"{url}?{urlencode(search)}")
    return pages


def _measure(clients):
    counts = {}
    for name, (username, url) in _pages().items():
        client = clients[username]
        client.get(url)  # the session, the permissions, the cached rows
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_the_lists_run_as_many_queries_at_3n_rows_as_at_n():
    call_command("load_demo_data", stdout=StringIO())
    clients = {}
    for username in ("crm_staff", "crm_manager", "planning", ADMIN_USERNAME):
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
    # Two alike complaints: the recurring page has groups of both kinds from the start (its
    # monthly counts and reviews are read only when there are groups).
    for _index in range(2):
        Case.objects.create(
            tracking_number=new_tracking_number(),
            kind="complaint",
            channel="phone",
            subject="تأخر صرف المساعدة الشهرية",
            description="—",
            contact_name="زائر",
            routed_to=CaseRoute.CRM,
            category=CaseCategory.objects.order_by("pk").first(),
            registered_by=get_user_model().objects.get(username="crm_staff"),
        )
    _grow(N, seed=1)
    at_n = _measure(clients)
    opportunities, donations = Opportunity.objects.count(), Donation.objects.count()
    _grow(2 * N, seed=2)
    assert Opportunity.objects.count() > opportunities and Donation.objects.count() > donations
    assert _measure(clients) == at_n
