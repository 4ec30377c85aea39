"""“Cancelled” is one English word but two Arabic ones: a programme (برنامج, masculine) is
ملغى, an opportunity (فرصة, feminine) is ملغاة (pgettext contexts)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from association import roles
from opportunities.models import OpportunityState
from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus
from tests.factories import UserFactory


def test_the_programme_status_and_the_opportunity_state_have_their_own_arabic():
    with translation.override("ar"):
        assert str(ProgrammeStatus.CANCELLED.label) == "ملغى"
        assert str(OpportunityState.CANCELLED.label) == "ملغاة"
    with translation.override("en"):
        assert str(ProgrammeStatus.CANCELLED.label) == "Cancelled"
        assert str(OpportunityState.CANCELLED.label) == "Cancelled"


@pytest.mark.django_db
def test_a_cancelled_programme_reads_ملغى_on_its_page(client):
    user = UserFactory(username="planner")
    user.groups.add(Group.objects.get(name=roles.PLANNING_DIRECTOR.group_name))
    programme = Programme.objects.create(
        code="CAN-01",
        name="برنامج موقوف",
        category=ProgrammeCategory.objects.create(name="تعليم"),
        status=ProgrammeStatus.CANCELLED,
    )
    client.force_login(user)
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "ملغى" in page
    assert "ملغاة" not in page
