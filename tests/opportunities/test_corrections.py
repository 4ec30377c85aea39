"""Issue 10 item 10: the owner (and the CRM manager) correct an open opportunity's title,
expected amount and programme; every change is kept (who, when, old → new) and shown on the
opportunity's timeline."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from opportunities import selectors, services
from opportunities.models import Opportunity, OpportunityCorrection
from programmes.models import Programme, ProgrammeStatus

from .conftest import new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def health(category):
    return Programme.objects.create(
        code="HLT-02", name="عيادة الحي", category=category, status=ProgrammeStatus.ACTIVE
    )


def correct(opportunity, actor, **changes):
    values = {
        "title": opportunity.title,
        "expected_amount": opportunity.expected_amount,
        "programme": opportunity.programme,
        **changes,
    }
    return services.opportunity_correct(opportunity=opportunity, actor=actor, **values)


def test_the_owner_corrects_and_every_change_is_kept(people, programme, health):
    opportunity = new_opportunity(people, programme)
    changed = correct(
        opportunity,
        people["staff"],
        title="تمويل عيادة الحي",
        expected_amount=Decimal("90000"),
        programme=health,
        note="خطأ في الإدخال",
    )
    assert changed == ["title", "expected_amount", "programme"]
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.expected_amount, opportunity.programme) == (
        "تمويل عيادة الحي",
        Decimal("90000"),
        health,
    )
    rows = list(OpportunityCorrection.objects.values_list("field", "old_value", "new_value"))
    assert rows == [
        ("title", "تمويل برنامج محو الأمية", "تمويل عيادة الحي"),
        ("expected_amount", "150,000.00", "90,000.00"),
        ("programme", "EDU-01 · برنامج محو الأمية", "HLT-02 · عيادة الحي"),
    ]
    assert all(
        row.actor == people["staff"] and row.at and row.note == "خطأ في الإدخال"
        for row in OpportunityCorrection.objects.all()
    )
    kinds = [entry.kind for entry in selectors.history(opportunity).timeline]
    assert kinds.count("correction") == 3


def test_the_list_s_filter_offers_the_programme_an_opportunity_is_moved_to(
    people, programme, health
):
    """The correction writes with update(), which sends no signal: the cached filter options
    (the programmes some opportunity has) are renewed by the service."""
    opportunity = new_opportunity(people, programme)
    offered = [pk for pk, _label in selectors.filter_options()[0]]
    assert health.pk not in offered
    correct(opportunity, people["staff"], programme=health, note="خطأ في البرنامج")
    offered = [pk for pk, _label in selectors.filter_options()[0]]
    assert health.pk in offered and programme.pk not in offered


def test_who_may_correct(people, programme):
    opportunity = new_opportunity(people, programme)
    correct(opportunity, people["manager"], title="عنوان من المدير")
    for who in ("staff2", "resources", "secretary", "management", "planning", "nobody"):
        with pytest.raises(PermissionDenied):
            correct(opportunity, people[who], title="محاولة")
    assert Opportunity.objects.get().title == "عنوان من المدير"


def test_refusals(people, programme, category):
    opportunity = new_opportunity(people, programme)
    refusals = {
        "Nothing changed: the title, amount and programme are the same.": {},
        "Write a title for the opportunity.": {"title": " "},
        "The expected amount cannot be negative.": {"expected_amount": Decimal("-1")},
    }
    for message, changes in refusals.items():
        with pytest.raises(services.RequestError, match=message):
            correct(opportunity, people["staff"], **changes)
    finished = Programme.objects.create(
        code="OLD-1", name="برنامج منتهٍ", category=category, status=ProgrammeStatus.COMPLETED
    )
    with pytest.raises(services.RequestError, match="choose a planned or running programme"):
        correct(opportunity, people["staff"], programme=finished)
    services.opportunity_cancel(opportunity=opportunity, actor=people["manager"], reason="x")
    with pytest.raises(services.RequestError, match="closed"):
        correct(opportunity, people["staff"], title="بعد الإلغاء")
    assert not OpportunityCorrection.objects.exists()


MATRIX = {
    "staff": 200,  # the owner
    "manager": 200,
    "staff2": 403,
    "resources": 403,
    "secretary": 403,
    "management": 403,
    "planning": 403,
    "quality": 403,
    "centres": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("who", "status"), list(MATRIX.items()))
def test_the_correction_page_matrix(client, people, programme, who, status):
    opportunity = new_opportunity(people, programme)
    url = reverse("opportunities:correct", args=[opportunity.pk])
    client.force_login(people[who])
    assert client.get(url).status_code == status
    data = {"title": "عنوان جديد", "expected_amount": "1000", "programme": programme.pk}
    response = client.post(url, data)
    assert response.status_code == (302 if status == 200 else status)
    assert Opportunity.objects.get().title == (
        "عنوان جديد" if status == 200 else "تمويل برنامج محو الأمية"
    )


def test_anonymous_and_the_page_journey(client, people, programme, health):
    opportunity = new_opportunity(people, programme)
    url = reverse("opportunities:correct", args=[opportunity.pk])
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(people["staff"])
    detail = reverse("opportunities:detail", args=[opportunity.pk])
    assert url in client.get(detail).content.decode()
    response = client.post(
        url,
        {"title": "تمويل العيادة", "expected_amount": "150000", "programme": health.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "The opportunity was corrected." in page
    assert 'data-testid="correction"' in page and "HLT-02 · عيادة الحي" in page
    response = client.post(url, {"title": "", "expected_amount": "x", "programme": health.pk})
    assert response.status_code == 200 and response.context["form"].errors
