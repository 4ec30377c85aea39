"""Issue 10, item 24: nobody decides on a form they prepared (rejecting included), the
preparer is not offered the decision buttons, and the code counter restarts above the
highest existing code when its row is missing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from association import roles
from customers import services
from customers.models import Customer, CustomerCodeCounter, RequestState, RequestTransition

from .test_workflow import new_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(people):
    from tests.factories import UserFactory

    manager = UserFactory(username="manager2")
    manager.groups.add(Group.objects.get(name=roles.CRM_MANAGER.group_name))
    return manager


def test_the_preparer_cannot_reject_their_own_form(people):
    form = new_form(people["manager"])
    with translation.override("en"), pytest.raises(services.RequestError) as refused:
        services.customer_request_reject(request=form, actor=people["manager"], note="خطأ")
    with translation.override("en"):
        assert str(refused.value) == "You cannot reject a form you prepared yourself."
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED
    assert form.decided_by is None


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_preparer_deciding_over_http_changes_nothing(client, people, action):
    form = new_form(people["manager"])
    transitions = RequestTransition.objects.count()
    client.force_login(people["manager"])

    response = client.post(
        reverse("customers:request_action", args=[form.pk, action]), {"note": "قرار"}, follow=True
    )

    assert response.status_code == 200
    assert "أعددته بنفسك" in response.content.decode()  # "…a form you prepared yourself."
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED and form.decided_by is None
    assert RequestTransition.objects.count() == transitions


def test_the_preparer_is_not_shown_the_decision_buttons(client, people, second_manager):
    form = new_form(people["manager"])
    approve = reverse("customers:request_action", args=[form.pk, "approve"])
    reject = reverse("customers:request_action", args=[form.pk, "reject"])

    client.force_login(people["manager"])
    page = client.get(reverse("customers:request_detail", args=[form.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert approve not in content and reject not in content
    assert 'data-testid="actions"' not in content

    client.force_login(second_manager)
    content = client.get(reverse("customers:request_detail", args=[form.pk])).content.decode()
    assert approve in content and reject in content


def _enter_new_customer(people, name, mobile):
    form = new_form(people["staff"], name=name, mobile=mobile)
    services.customer_request_approve(request=form, actor=people["manager"], note="")
    services.customer_request_enter(request=form, actor=people["steward"])
    return Customer.objects.get(name=name)


def test_a_missing_counter_restarts_after_the_highest_existing_code(people):
    Customer.objects.create(code=100007, name="عميل قديم", kind="donor")
    Customer.objects.create(code=100342, name="عميل مؤرشف", kind="donor", is_active=False)
    CustomerCodeCounter.objects.all().delete()

    customer = _enter_new_customer(people, "عميل بعد فقد العداد", "+966501111111")

    assert customer.code == 100343
    assert CustomerCodeCounter.objects.get(pk=1).last_code == 100343
    assert _enter_new_customer(people, "العميل التالي", "+966502222222").code == 100344


def test_a_missing_counter_with_no_customers_starts_at_the_first_code(people):
    CustomerCodeCounter.objects.all().delete()
    assert services.allocate_customer_code() == services.FIRST_CUSTOMER_CODE
    assert services.allocate_customer_code() == services.FIRST_CUSTOMER_CODE + 1


def test_a_missing_counter_gives_a_block_after_the_highest_code():
    Customer.objects.create(code=100050, name="عميل", kind="donor")
    CustomerCodeCounter.objects.all().delete()
    assert services.allocate_customer_codes(3) == 100051
    assert services.allocate_customer_code() == 100054


def test_a_missing_counter_restarts_after_the_highest_code_through_the_pages(client, people):
    Customer.objects.create(code=100900, name="عميل قديم", kind="donor")
    CustomerCodeCounter.objects.all().delete()
    form = new_form(people["staff"], name="عميل عبر الصفحات", mobile="+966503333333")

    client.force_login(people["manager"])
    client.post(reverse("customers:request_action", args=[form.pk, "approve"]), {"note": "تمام"})
    client.force_login(people["steward"])
    response = client.post(reverse("customers:request_action", args=[form.pk, "enter"]))

    assert response.status_code == 302
    assert Customer.objects.get(name="عميل عبر الصفحات").code == 100901
