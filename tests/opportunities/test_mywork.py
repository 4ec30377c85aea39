"""What opportunities add to the navigation bar and the my-work page: stale opportunities
for the weekly review, contacts for the manager to approve, and the point of contact's view
of others' contacts with their donors."""

import pytest
from django.urls import reverse

from core.mywork import work_sections_for
from core.navigation import navigation_for
from opportunities import services
from opportunities.models import DonorContact, Opportunity

from .conftest import contacted, days_ago, new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def section(user, title):
    return next((s for s in work_sections_for(user) if s.title == title), None)


def titles(user, title):
    found = section(user, title)
    return [item.title for item in found.items] if found else []


STALE = "Opportunities with no activity for a week"
TO_APPROVE = "Donor contacts awaiting your approval"
MY_DONORS = "Contacts by others with your donors"


def make_stale(opportunity, days=8):
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=days_ago(days))


def test_owners_see_their_stale_opportunities_and_the_manager_sees_all(people, donors, programme):
    mine = new_opportunity(people, programme, title="فرصتي القديمة")
    theirs = new_opportunity(people, programme, title="فرصة زميلي", actor=people["staff2"])
    new_opportunity(people, programme, title="فرصة نشطة")
    closed = new_opportunity(people, programme, title="فرصة ملغاة")
    services.opportunity_cancel(opportunity=closed, actor=people["manager"], reason="x")
    for opportunity in (mine, theirs, closed):
        make_stale(opportunity)
    assert titles(people["staff"], STALE) == ["فرصتي القديمة"]
    assert titles(people["staff2"], STALE) == ["فرصة زميلي"]
    assert set(titles(people["manager"], STALE)) == {"فرصتي القديمة", "فرصة زميلي"}
    assert section(people["quality"], STALE) is None
    item = section(people["staff"], STALE).items[0]
    assert item.is_overdue  # the weekly review is overdue
    assert item.url == reverse("opportunities:detail", args=[mine.pk])
    assert "owner=" in section(people["staff"], STALE).list_url
    assert "owner=" not in section(people["manager"], STALE).list_url


def test_six_days_without_activity_is_not_stale_yet(people, programme):
    make_stale(new_opportunity(people, programme), days=6)
    assert section(people["staff"], STALE) is None


def test_recording_work_takes_an_opportunity_off_the_stale_list(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    make_stale(opportunity)
    assert titles(people["staff"], STALE)
    contacted(opportunity, people["staff"], donors["free"])
    assert section(people["staff"], STALE) is None


def test_the_manager_sees_contacts_to_approve(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contacted(opportunity, people["resources"], donors["with_point"])
    found = section(people["manager"], TO_APPROVE)
    assert len(found.items) == 1
    assert donors["with_point"].name in found.items[0].title
    assert found.list_url == reverse("opportunities:contacts_pending")
    assert section(people["staff"], TO_APPROVE) is None
    services.donor_contact_decide(
        contact=DonorContact.objects.get(), actor=people["manager"], approve=True
    )
    assert section(people["manager"], TO_APPROVE) is None


def test_the_point_of_contact_sees_others_contacts_for_two_weeks(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contacted(opportunity, people["staff"], donors["with_point"], summary="own contact")
    recent = contacted(opportunity, people["resources"], donors["with_point"])
    old = contacted(opportunity, people["staff2"], donors["with_point"])
    DonorContact.objects.filter(pk=old.pk).update(created_at=days_ago(15))
    found = section(people["staff"], MY_DONORS)
    assert [item.title for item in found.items] == [
        f"{people['resources'].get_full_name()} contacted {donors['with_point'].name}"
    ]
    assert found.items[0].url == reverse("opportunities:detail", args=[opportunity.pk])
    assert "Awaiting the CRM manager" in found.items[0].detail
    # Still shown once decided, with the decision.
    services.donor_contact_decide(contact=recent, actor=people["manager"], approve=True)
    assert "Approved" in section(people["staff"], MY_DONORS).items[0].detail
    assert section(people["resources"], MY_DONORS) is None


def test_the_home_page_shows_the_sections(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contacted(opportunity, people["resources"], donors["with_point"])
    make_stale(opportunity)
    client.force_login(people["staff"])
    page = client.get(reverse("home")).content.decode()
    assert MY_DONORS in page and STALE in page
    client.force_login(people["manager"])
    page = client.get(reverse("home")).content.decode()
    assert TO_APPROVE in page and STALE in page


NAV = {
    "Opportunities board",
    "Opportunities list",
    "New opportunity",
    "Donor contacts awaiting approval",
}


def marketing_links(user):
    pillars = {pillar.code: links for pillar, links in navigation_for(user)}
    return {str(item.label) for item, _url in pillars["marketing"]} & NAV


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", NAV),
        ("staff", NAV - {"Donor contacts awaiting approval"}),
        ("resources", {"Opportunities board", "Opportunities list"}),
        ("secretary", {"Opportunities board", "Opportunities list"}),
        ("quality", set()),
    ],
)
def test_navigation_items(people, who, expected):
    assert marketing_links(people[who]) == expected
