"""The case page's centre selects (the referral's and the registration request's) draw the
active centres from the `places` cache, read once for the page: the same options, in the same
order and language, as their queryset's, renewed when a centre changes."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from association.models import Centre
from complaints import forms as case_forms
from complaints.forms import ReferralForm, RegistrationRequestForm
from core.widgets import QuickSelect
from tests.factories import CentreFactory

from .conftest import register

pytestmark = pytest.mark.django_db


def _as_the_queryset_draws_it(form):
    """The select a ModelChoiceField over the field's own queryset draws."""
    field = form.fields["centre"]
    plain = forms.ModelChoiceField(
        queryset=field.queryset, empty_label=field.empty_label, widget=QuickSelect
    )
    return plain.widget.render("centre", form["centre"].value(), {"id": "id_centre"})


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("form_class", [ReferralForm, RegistrationRequestForm])
def test_the_options_are_the_querysets(places, language, form_class):
    CentreFactory(name="مركز مغلق", is_active=False)
    CentreFactory(name="مركز", name_en="A centre")
    with translation.override(language):
        form = form_class(initial={"centre": places["mine"].pk})
        drawn = form.fields["centre"].widget.render(
            "centre", form["centre"].value(), {"id": "id_centre"}
        )
        assert drawn == _as_the_queryset_draws_it(form)
    assert "مركز مغلق" not in drawn
    assert ("A centre" in drawn) == (language == "en")


def test_a_changed_centre_is_offered_at_once(places):
    assert places["other"].name in str(ReferralForm()["centre"])
    places["other"].is_active = False
    places["other"].save()
    assert places["other"].name not in str(ReferralForm()["centre"])


def test_the_case_page_reads_the_centres_once_for_both_selects(people, client, monkeypatch):
    reads = []

    def counted():
        reads.append(1)
        return list(Centre.objects.filter(is_active=True).values_list("pk", "name"))

    monkeypatch.setattr(case_forms, "active_centre_choices", counted)
    # Someone not in the database who left a mobile: the page offers the registration too.
    case = register(people["crm"], contact_mobile="+966500000001", contact_kind="other")
    client.force_login(people["crm"])
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'id="id_refer_centre"' in page
    assert 'data-testid="request-registration"' in page
    assert len(reads) == 1
