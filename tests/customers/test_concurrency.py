"""Real concurrency on PostgreSQL: two connections act on the same form, or two entries
allocate codes, at the same instant."""

import pytest
from django.db import connection

from customers import services
from customers.models import Customer, CustomerRequest, RequestKind, RequestState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from .conftest import blank_values

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")


def new_form(actor, **values):
    return services.customer_request_create(
        actor=actor,
        kind=RequestKind.CREATE,
        reason="طلب",
        lines=[(None, blank_values(**values), None)],
    )


def test_concurrent_approve_and_reject_one_wins(people):
    form = new_form(people["staff"])

    def approve():
        return services.customer_request_approve(
            request=CustomerRequest.objects.get(pk=form.pk), actor=people["manager"]
        )

    def reject():
        return services.customer_request_reject(
            request=CustomerRequest.objects.get(pk=form.pk), actor=people["manager"], note="لا"
        )

    outcomes = run_together(approve, reject)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.RequestError)
    form.refresh_from_db()
    assert form.state in (RequestState.APPROVED, RequestState.REJECTED)
    assert form.transitions.exclude(target="submitted").count() == 1


def test_concurrent_entries_get_different_codes(people):
    forms = []
    for index in range(2):
        form = new_form(people["staff"], name=f"عميل {index}", mobile=f"+96650000010{index}")
        services.customer_request_approve(request=form, actor=people["manager"])
        forms.append(form.pk)

    def enter(pk):
        return lambda: services.customer_request_enter(
            request=CustomerRequest.objects.get(pk=pk), actor=people["steward"]
        )

    outcomes = run_together(*(enter(pk) for pk in forms))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    codes = sorted(Customer.objects.values_list("code", flat=True))
    assert codes == [100001, 100002]


def test_double_click_on_enter_creates_one_customer(people):
    form = new_form(people["staff"])
    services.customer_request_approve(request=form, actor=people["manager"])

    def enter():
        return services.customer_request_enter(
            request=CustomerRequest.objects.get(pk=form.pk), actor=people["steward"]
        )

    outcomes = run_together(enter, enter)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    assert Customer.objects.count() == 1
