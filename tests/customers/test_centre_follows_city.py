"""A centre list follows the chosen city (issue 12, item 3): the customer form and the
customer list's filters draw each centre with its city (core.widgets.DependentSelect, read
by static/js/dependent-select.js), and the form refuses a centre of another city."""

import pytest

from customers.filters import CustomerFilter
from customers.forms import CustomerDataForm
from tests.factories import CentreFactory, CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres():
    jeddah, makkah = CityFactory(name="جدة"), CityFactory(name="مكة المكرمة", name_en="Makkah")
    return {"jeddah": CentreFactory(city=jeddah), "makkah": CentreFactory(city=makkah)}


def test_each_centre_option_carries_its_city(centres):
    html = str(CustomerDataForm()["centre"])
    assert 'data-follows="city"' in html
    for centre in centres.values():
        assert f'value="{centre.pk}" data-parent="{centre.city_id}"' in html


def test_a_prefixed_form_follows_its_own_city_field(centres):
    assert 'data-follows="line-city"' in str(CustomerDataForm(prefix="line")["centre"])


def test_the_filter_s_centres_follow_its_city(centres):
    html = str(CustomerFilter().form["centre"])
    assert 'data-follows="city"' in html
    assert f'data-parent="{centres["makkah"].city_id}"' in html


def test_the_form_refuses_a_centre_of_another_city(centres):
    form = CustomerDataForm(
        data={
            "name": "أحمد محمد الغامدي",
            "entity_type": "individual",
            "kind": "beneficiary",
            "mobile": "0501234567",
            "city": centres["jeddah"].city_id,
            "centre": centres["makkah"].pk,
        }
    )
    assert not form.is_valid()
    assert form.errors["centre"] == ["لا يقع مركز الحي هذا في المدينة المختارة."]
