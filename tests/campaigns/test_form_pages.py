"""The campaign form's page writes its fields without crispy's templates (|form_fields):
the same labels, ids, values, classes, boxes, options, help texts and errors as crispy."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.urls import reverse

from campaigns.forms import CampaignForm
from campaigns.models import Campaign
from tests.factories import CentreFactory, CityFactory
from tests.helpers import same_markup

from .conftest import make_campaign, make_plan

pytestmark = pytest.mark.django_db

REFUSED = {
    "title": "<b>حملة</b>",
    "objectives": "أهداف",
    "starts_on": "10/01/2026",
    "ends_on": "01/01/2026",
    "budget": "مئة",
    "channels": ["social", "nowhere"],
    "customer_kinds": ["donor"],
}


@pytest.mark.parametrize("page", ["create", "create_in_plan", "edit", "refused"])
def test_the_campaign_form_fields_are_written_as_crispy_writes_them(client, people, page):
    plan = make_plan(people)
    city = CityFactory()
    centre = CentreFactory(name="مركز حي الصفا", city=city)
    campaign = make_campaign(people, plan, cities=[city], centres=[centre])
    client.force_login(people["manager"])
    if page == "create":
        response = client.get(reverse("campaigns:campaign_create"))
        fresh = CampaignForm()
    elif page == "create_in_plan":
        response = client.get(reverse("campaigns:campaign_create"), {"plan": plan.pk})
        fresh = CampaignForm(initial={"plan": str(plan.pk)})
    elif page == "edit":
        response = client.get(reverse("campaigns:campaign_edit", args=[campaign.pk]))
        fresh = CampaignForm(instance=Campaign.objects.get(pk=campaign.pk))
    else:
        response = client.post(reverse("campaigns:campaign_create"), REFUSED)
        fresh = CampaignForm(REFUSED)
        fresh.is_valid()
    assert response.status_code == 200
    content = same_markup(response.content.decode())
    form = response.context["form"]
    assert bool(form.errors) == (page == "refused")
    assert list(form.fields) == list(fresh.fields)
    for name in fresh.fields:
        assert same_markup(as_crispy_field(fresh[name])) in content, name
