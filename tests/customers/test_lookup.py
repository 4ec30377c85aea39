"""The customer lookup (issue 12, item 5): /customers/lookup/ finds customers with the
customer list's search (Arabic-normalised names, codes, mobiles however typed, national
IDs), only those the user may see, at most 20; CustomerChoiceField accepts a code of its
queryset and refuses any other with a message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.lookup import CustomerChoiceField, donor_choice_field, lookup_label
from customers.models import Customer, CustomerKind
from customers.selectors import LOOKUP_LIMIT

pytestmark = pytest.mark.django_db

URL = reverse("customers:lookup")


def _customer(code, name, kind=CustomerKind.DONOR, **fields):
    fields.setdefault("entity_type", "organisation")
    customer = Customer(code=code, name=name, kind=kind, **fields)
    customer.save()
    return customer


@pytest.fixture
def donor():
    return _customer(
        500001, "مؤسسة عبدالله الخيرية", mobile="+966501234567", national_id="1234567897"
    )


def _found(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "typed",
    [
        "عبدالله",
        "عَبْدُالله",  # tashkeel
        "مؤسسه",  # ة typed as ه
        "موسسة",  # hamza on waw left out
        "500001",
        "٥٠٠٠٠١",  # the code in Arabic-Indic digits
        "0501234567",
        "٠٥٠١٢٣٤٥٦٧",
        "+966 50 123 4567",
        "1234567",  # the last digits of the mobile
        "1234567897",  # national ID
    ],
)
def test_the_lookup_finds_by_name_code_mobile_and_national_id(client, people, donor, typed):
    client.force_login(people["staff"])
    assert _found(client, q=typed) == [str(donor.code)]


def test_each_suggestion_shows_name_code_and_the_local_mobile(client, people, donor):
    client.force_login(people["staff"])
    row = client.get(URL, {"q": "عبدالله"}).json()["results"][0]
    assert row["text"] == "مؤسسة عبدالله الخيرية — 500001 — 050 123 4567" == lookup_label(donor)
    assert row["name"] == donor.name and row["details"] == "500001 · 050 123 4567"


def test_the_lookup_filters_kinds_and_archived_customers(client, people, donor):
    _customer(500002, "عبدالله المستفيد", kind=CustomerKind.BENEFICIARY)
    _customer(500003, "عبدالله السابق", is_active=False)
    client.force_login(people["staff"])
    assert set(_found(client, q="عبدالله")) == {"500001", "500002", "500003"}
    assert set(_found(client, q="عبدالله", kind="donor")) == {"500001", "500003"}
    assert _found(client, q="عبدالله", kind="donor", active="1") == ["500001"]
    assert _found(client, q="") == [] and _found(client, q=" ") == []


def test_the_lookup_is_limited(client, people):
    for index in range(LOOKUP_LIMIT + 5):
        _customer(600000 + index, f"متبرع رقم {index}")
    client.force_login(people["staff"])
    assert len(_found(client, q="متبرع")) == LOOKUP_LIMIT


def test_centres_staff_find_only_their_centres_beneficiaries(client, people, donor):
    from association.models import Centre, City, Department, StaffProfile

    staff = people["centres"]
    city = City.objects.create(name="جدة")
    own = Centre.objects.create(name="مركز حي الصفا", city=city)
    profile = StaffProfile.objects.create(
        user=staff, department=Department.objects.get_or_create(code="centres")[0]
    )
    profile.centres.add(own)
    _customer(500010, "عبدالله من مركزي", kind=CustomerKind.BENEFICIARY, centre=own)
    client.force_login(staff)
    assert _found(client, q="عبدالله") == ["500010"]
    assert _found(client, q="500001") == []


def test_the_new_customer_link_only_for_those_who_prepare_forms(client, people, donor):
    client.force_login(people["staff"])
    assert client.get(URL, {"q": "عبد"}).json()["new_url"] == reverse("customers:request_new")
    client.force_login(people["quality"])
    assert client.get(URL, {"q": "عبد"}).json()["new_url"] is None


def test_the_lookup_needs_the_right_to_read_customers(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(URL, {"q": "عبد"}).status_code == 403
    client.logout()
    assert client.get(URL, {"q": "عبد"}).status_code == 302
    assert client.post(URL).status_code == 302


# --- the field --------------------------------------------------------------------------


def test_the_field_accepts_a_code_in_any_digits_and_refuses_others(donor):
    field = CustomerChoiceField()
    assert field.clean("500001") == donor
    assert field.clean("٥٠٠٠٠١") == donor
    assert field.clean(donor) == donor
    with pytest.raises(ValidationError) as unknown:
        field.clean("424242")
    assert "424242" in str(unknown.value)
    with pytest.raises(ValidationError) as wrong:
        field.clean("abc")
    assert "abc" in str(wrong.value)
    with pytest.raises(ValidationError):
        field.clean("500001, 424242")
    with pytest.raises(ValidationError):
        field.clean("")
    assert CustomerChoiceField(required=False).clean("") is None


def test_the_field_speaks_arabic(donor):
    from django.utils import translation

    with translation.override("ar"), pytest.raises(ValidationError) as unknown:
        CustomerChoiceField().clean("424242")
    assert "424242" in str(unknown.value) and "customer" not in str(unknown.value)


def test_a_multiple_field_keeps_the_order_and_drops_repeats(donor):
    other = _customer(500004, "شركة الوفاء للتجارة")
    field = donor_choice_field(multiple=True, required=False)
    assert field.clean("500004، 500001 500004") == [other, donor]
    assert field.clean("") == []


def test_a_donor_field_refuses_other_kinds_and_archived_donors(donor):
    _customer(500002, "مستفيد", kind=CustomerKind.BENEFICIARY)
    _customer(500003, "مانح سابق", is_active=False)
    field = donor_choice_field()
    assert field.clean("500001") == donor
    for code in ("500002", "500003"):
        with pytest.raises(ValidationError):
            field.clean(code)


def test_limit_to_refuses_customers_the_user_may_not_see(people, donor):
    field = CustomerChoiceField()
    field.limit_to(people["centres"])
    with pytest.raises(ValidationError):
        field.clean("500001")


def test_the_widget_draws_the_chosen_customer_for_the_script(donor):
    field = CustomerChoiceField()
    html = field.widget.render("customer", "500001")
    assert 'value="500001"' in html and "data-customer-lookup" in html
    assert lookup_label(donor) in html.replace("&quot;", '"')
    # A code the field would refuse is kept as typed but never named.
    assert "مؤسسة" not in CustomerChoiceField(kinds=["beneficiary"]).widget.render("c", "500001")
