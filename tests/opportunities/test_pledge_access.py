"""Issue 10 item 20: the signed pledge is opened only by those who work the opportunity:
CRM staff and manager, resource development, the pledging donor's point of contact, and the
sub-council secretary only while a decision of hers concerns it. Others get 403 and do not
see the link."""

import pytest
from django.urls import reverse

from customers.models import Customer
from opportunities import selectors, services

from .conftest import contacted, in_closing, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]

EXPECTED = {
    "staff": 200,
    "staff2": 200,
    "manager": 200,
    "resources": 200,
    "secretary": 403,
    "management": 403,
    "planning": 403,
    "quality": 403,
    "centres": 403,
    "nobody": 403,
}


@pytest.fixture
def closing(people, donors, programme):
    return in_closing(people, programme, donors)


@pytest.mark.parametrize(("who", "status"), list(EXPECTED.items()))
def test_who_opens_the_signed_pledge(client, people, closing, who, status):
    client.force_login(people[who])
    response = client.get(reverse("opportunities:pledge_file", args=[closing.pk]))
    assert response.status_code == status
    detail = client.get(reverse("opportunities:detail", args=[closing.pk]))
    if detail.status_code == 200:
        link = reverse("opportunities:pledge_file", args=[closing.pk])
        assert (link in detail.content.decode()) == (status == 200)


def test_anonymous_visitors_are_sent_to_login(client, closing):
    response = client.get(reverse("opportunities:pledge_file", args=[closing.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_pledging_donors_point_of_contact_opens_it(people, closing, donors):
    planner = people["planning"]
    assert not selectors.may_open_pledge(planner, closing)
    # Designated by direct write here: the designation workflow has its own tests.
    Customer.objects.filter(pk=donors["free"].pk).update(point_of_contact=planner)
    closing.pledge_donor.refresh_from_db()
    assert selectors.may_open_pledge(planner, closing)


def test_the_secretary_opens_it_only_while_her_approval_is_pending(
    client, people, donors, programme, closing
):
    url = reverse("opportunities:pledge_file", args=[closing.pk])
    client.force_login(people["secretary"])
    assert client.get(url).status_code == 403
    # The pledging donor gets a point of contact; someone else asks to contact the donor.
    Customer.objects.filter(pk=donors["free"].pk).update(point_of_contact=people["staff"])
    donors["free"].refresh_from_db()
    contact = contacted(closing, people["staff2"], donors["free"])
    assert client.get(url).status_code == 200
    for who in ("manager", "resources"):
        services.donor_contact_decide(contact=contact, actor=people[who], approve=True)
    assert client.get(url).status_code == 200
    services.donor_contact_decide(contact=contact, actor=people["secretary"], approve=True)
    assert client.get(url).status_code == 403  # decided: no longer hers to read


def test_a_pending_designation_for_the_pledging_donor_opens_it_to_the_secretary(
    people, donors, closing
):
    assert not selectors.may_open_pledge(people["secretary"], closing)
    designation = services.designation_propose(
        donor=donors["free"], staff=people["staff2"], reason="متابعة التعهد", actor=people["staff"]
    )
    assert selectors.may_open_pledge(people["secretary"], closing)
    services.designation_decide(designation=designation, actor=people["secretary"], approve=True)
    assert not selectors.may_open_pledge(people["secretary"], closing)


def test_a_pending_approval_elsewhere_does_not_open_it(people, donors, programme, closing):
    other = new_opportunity(people, programme, [donors["with_point"]])
    contacted(other, people["staff2"], donors["with_point"])
    assert not selectors.may_open_pledge(people["secretary"], closing)
