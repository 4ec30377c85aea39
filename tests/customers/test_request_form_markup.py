"""The customer create/modify form page writes its fields without crispy's templates
(|filter_field): the same labels, ids, values, classes, options, help texts and errors as
crispy's |as_crispy_field, for a new customer, a change and a refused form."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.consent import FORM_PAIRS, field_name
from customers.forms import CustomerDataForm, RequestReasonForm
from tests.factories import CentreFactory
from tests.helpers import same_markup

pytestmark = pytest.mark.django_db

REFUSED = {
    "name": "<b>سارة</b>",
    "entity_type": "individual",
    "kind": "beneficiary",
    "mobile": "12345",
    "national_id": "1111111111",
    "email": "not an e-mail",
    "consent_sms_marketing": "on",
    "contact_channel": "nowhere",
    "reason": "",
}


@pytest.mark.parametrize("page", ["new", "modify", "refused"])
def test_the_request_form_fields_are_written_as_crispy_writes_them(
    client, people, existing_customer, page
):
    CentreFactory(name="مركز حي الصفا")
    client.force_login(people["staff"])
    if page == "new":
        response = client.get(reverse("customers:request_new"))
    elif page == "modify":
        response = client.get(reverse("customers:request_modify", args=[existing_customer.pk]))
    else:
        response = client.post(reverse("customers:request_new"), REFUSED)
    assert response.status_code == 200
    content = same_markup(response.content.decode())
    shown = response.context["data_form"]
    assert bool(shown.errors) == (page == "refused")
    # New forms: crispy writes its classes into the widget it renders.
    if page == "refused":
        forms = [CustomerDataForm(REFUSED), RequestReasonForm(REFUSED)]
        for form in forms:
            form.is_valid()
    else:
        forms = [CustomerDataForm(instance=shown.instance), RequestReasonForm()]
    # The consent boxes are a compact grid (a checkbox per channel and purpose, named by
    # its aria-label): tests/messaging/test_form_path.py checks them.
    grid = {field_name(key) for key in FORM_PAIRS}
    for form in forms:
        for name in form.fields:
            if name in grid:
                continue
            assert same_markup(as_crispy_field(form[name])) in content, name


def test_the_modify_page_reads_the_customer_once_without_its_places(
    client, people, existing_customer
):
    url = reverse("customers:request_modify", args=[existing_customer.pk])
    client.force_login(people["staff"])
    client.get(url)  # the session, the permissions and the cached places
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if '"customers_customer"' in q["sql"]]
    assert len(reads) == 1
    assert "JOIN" not in reads[0]
    # The form validates a detached copy: the customer shown keeps its own key.
    assert response.context["customer"].pk == existing_customer.pk
    assert response.context["data_form"].instance.pk is None
