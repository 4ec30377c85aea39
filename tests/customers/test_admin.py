"""Customers in the admin: read-only, except a recorded superuser break-glass correction."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from customers.models import Customer, CustomerRequest, StewardDesignation

pytestmark = pytest.mark.django_db


def test_staff_in_the_admin_cannot_change_or_delete_customers(
    client, management_user, existing_customer
):
    management_user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_customer", "delete_customer", "add_customer"]
        )
    )
    client.force_login(management_user)
    url = reverse("admin:customers_customer_change", args=[existing_customer.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    response = client.post(url, {"name": "تغيير مباشر"})
    assert response.status_code == 403
    assert client.get(reverse("admin:customers_customer_add")).status_code == 403
    delete = reverse("admin:customers_customer_delete", args=[existing_customer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    existing_customer.refresh_from_db()
    assert existing_customer.name == "سارة عبدالله القحطاني"


def test_superuser_break_glass_is_recorded_and_bumps_the_version(
    client, superuser, existing_customer
):
    client.force_login(superuser)
    url = reverse("admin:customers_customer_change", args=[existing_customer.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data["name"] = "سارة عبدالله القحطاني (مصحح)"
    for flag in ("is_active",):
        if not data.get(flag):
            data.pop(flag, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    existing_customer.refresh_from_db()
    assert existing_customer.name.endswith("(مصحح)")
    assert existing_customer.version == 2
    record = existing_customer.history.first()
    assert record.history_user == superuser
    assert record.history_change_reason


def test_forms_are_read_only_in_the_admin(client, superuser, people):
    from customers import services
    from customers.models import RequestKind

    from .conftest import blank_values

    form = services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.CREATE,
        reason="طلب",
        lines=[(None, blank_values(), None)],
    )
    client.force_login(superuser)
    url = reverse("admin:customers_customerrequest_change", args=[form.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert CustomerRequest.objects.get().reason == "طلب"


def test_only_one_steward_designation(client, superuser, people):
    client.force_login(superuser)
    assert StewardDesignation.objects.count() == 1
    assert client.get(reverse("admin:customers_stewarddesignation_add")).status_code == 403
    assert Customer.objects.count() == 0


# --- the changelist at volume (core.admin.LargeTableAdminMixin) ----------------------------


def _changelist(client, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:customers_customer_changelist"), params)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def _customer(code, name, **fields):
    return Customer.objects.create(code=code, name=name, kind="donor", **fields)


def test_the_changelist_counts_once_and_stops_at_the_cap(client, superuser, monkeypatch):
    from core import pagination

    for number in range(4):
        _customer(900100 + number, f"عميل رقم {number}")
    client.force_login(superuser)
    response, queries = _changelist(client)
    changelist = response.context["cl"]
    assert changelist.show_full_result_count is False
    assert changelist.full_result_count is None
    assert changelist.result_count == 4
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and "customers_customer" in sql]
    # One count of the filtered list, over a LIMITed subquery; never the whole table again.
    assert len(counts) == 1
    assert "LIMIT" in counts[0].upper()

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.cookies["django_language"] = "ar"
    response, _queries = _changelist(client)
    assert response.context["cl"].result_count == 3
    assert 'data-testid="capped-count"' in response.content.decode()
    assert "أكثر من 3 سجلات" in response.content.decode()
    # Searched: the count beside the search box says so too.
    response, _queries = _changelist(client, q="عميل")
    assert response.content.decode().count("أكثر من 3 سجلات") == 2


def test_the_admin_search_is_the_customer_list_s_normalised_search(client, superuser):
    wanted = _customer(900201, "فاطمة الزهراء الأحمدي", mobile="+966551234567")
    _customer(900202, "خالد العتيبي")
    client.force_login(superuser)
    for typed in ("فاطمه", "الاحمدي", "الأحْمَدي", "فاطـمة", "0551234567", "900201"):
        response, queries = _changelist(client, q=typed)
        assert list(response.context["cl"].result_list) == [wanted], typed
        # The stored normalised column, not UPPER(column) LIKE over six columns.
        assert not any("UPPER(" in sql.upper() for sql in queries), typed


def test_the_changelist_count_is_kept_until_a_customer_changes(client, superuser):
    """The admin counts as the customer list does (count_selector: statistics.list_count):
    the same search counted once, again after a customer is saved."""
    for number in range(3):
        _customer(900300 + number, f"عميل رقم {number}")
    client.force_login(superuser)

    def counts(queries):
        return [sql for sql in queries if "COUNT(" in sql.upper() and "customers_customer" in sql]

    response, queries = _changelist(client, q="عميل")
    assert (response.context["cl"].result_count, len(counts(queries))) == (3, 1)
    response, queries = _changelist(client, q="عميل")
    assert (response.context["cl"].result_count, len(counts(queries))) == (3, 0)
    _customer(900310, "عميل آخر")
    response, queries = _changelist(client, q="عميل")
    assert (response.context["cl"].result_count, len(counts(queries))) == (4, 1)
