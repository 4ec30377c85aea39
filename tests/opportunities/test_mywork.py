"""What opportunities add to the navigation bar and the my-work page: stale opportunities
for the weekly review, contacts for the manager to approve, and the point of contact's view
of others' contacts with their donors."""

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_each_of_the_three_approvers_sees_the_contact_with_its_deadline(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["staff2"], donors["with_point"])
    for who in ("manager", "resources", "secretary"):
        found = section(people[who], TO_APPROVE)
        [item] = found.items
        assert donors["with_point"].name in item.title
        assert item.due == contact.approval_steps.first().due_at
        assert item.url == reverse("opportunities:contact_detail", args=[contact.pk])
        assert found.list_url == reverse("opportunities:contacts_pending")
    assert section(people["staff"], TO_APPROVE) is None
    assert section(people["staff2"], TO_APPROVE) is None  # not on their own contact
    services.donor_contact_decide(contact=contact, actor=people["manager"], approve=True)
    assert section(people["manager"], TO_APPROVE) is None
    assert section(people["secretary"], TO_APPROVE) is not None  # in parallel


def test_the_requester_follows_the_approvals_and_learns_the_decision(people, donors):
    request = services.donor_contact_request(
        actor=people["staff2"],
        donor=donors["with_point"],
        proposed_date=timezone.localdate(),
        channel="phone",
        purpose="تهنئة",
    )
    mine = "Your contacts with others' donors"
    [item] = section(people["staff2"], mine).items
    assert item.detail == "Approved by 0 of 3"
    for who in ("manager", "resources", "secretary"):
        services.donor_contact_decide(contact=request, actor=people[who], approve=True)
    [item] = section(people["staff2"], mine).items
    assert item.detail == "Approved: record the contact once made"
    services.donor_contact_record_made(
        request=request, actor=people["staff2"], contact_date=timezone.localdate(), summary="تم"
    )
    assert section(people["staff2"], mine) is None


def test_the_point_of_contact_sees_others_contacts_for_two_weeks(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contacted(opportunity, people["staff"], donors["with_point"], summary="own contact")
    recent = contacted(opportunity, people["staff2"], donors["with_point"])
    old = contacted(opportunity, people["staff2"], donors["with_point"])
    DonorContact.objects.filter(pk=old.pk).update(created_at=days_ago(15))
    found = section(people["staff"], MY_DONORS)
    assert [item.title for item in found.items] == [
        f"{people['staff2'].get_full_name()} contacted {donors['with_point'].name}"
    ]
    assert found.items[0].url == reverse("opportunities:contact_detail", args=[recent.pk])
    assert "Awaiting approval" in found.items[0].detail
    # Still shown once decided, with the decision.
    for who in ("manager", "resources", "secretary"):
        services.donor_contact_decide(contact=recent, actor=people[who], approve=True)
    assert "Approved" in section(people["staff"], MY_DONORS).items[0].detail
    assert section(people["staff2"], MY_DONORS) is None


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
        # Resource development and the secretary are two of the three approvers (3.1.21).
        (
            "resources",
            {"Opportunities board", "Opportunities list", "Donor contacts awaiting approval"},
        ),
        (
            "secretary",
            {"Opportunities board", "Opportunities list", "Donor contacts awaiting approval"},
        ),
        ("quality", set()),
    ],
)
def test_navigation_items(people, who, expected):
    assert marketing_links(people[who]) == expected
