"""Issue 10 item 10: a wrong manual donation match can be undone by those who may match. The
donation goes back among the rows waiting to be matched; the undone match is kept (what it
said, who matched and when, who undid it, when and why)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from finance import selectors, services
from finance.models import Donation, UndoneDonationMatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def matched(people, donor, programme):
    donation = Donation.objects.create(
        receipt_number="FIN-9001",
        received_on=datetime.date(2026, 3, 1),
        amount=Decimal("2500"),
        donor_code_as_imported="77",
        programme_code_as_imported="X",
    )
    return services.donation_match(
        donation=donation, donor=donor, programme=programme, actor=people["manager"]
    )


def test_undoing_a_match_puts_the_donation_back_and_keeps_its_history(
    people, donor, other_donor, programme, matched
):
    assert selectors.donations_received_for(donor=donor) == Decimal("2500")
    undone = services.donation_unmatch(
        donation=matched, actor=people["manager2"], reason="رقم المانح خاطئ"
    )
    matched.refresh_from_db()
    assert (matched.donor, matched.programme, matched.matched_by, matched.matched_at) == (
        None,
        None,
        None,
        None,
    )
    assert matched in selectors.unmatched_donations()
    assert selectors.donations_received_for(donor=donor) == Decimal("0")
    assert (undone.donor, undone.programme, undone.matched_by) == (
        donor,
        programme,
        people["manager"],
    )
    assert undone.matched_at and undone.undone_at
    assert (undone.undone_by, undone.reason) == (people["manager2"], "رقم المانح خاطئ")
    # It can be matched again, and undone again: the history keeps both.
    again = services.donation_match(
        donation=matched, donor=other_donor, programme=programme, actor=people["manager"]
    )
    services.donation_unmatch(donation=again, actor=people["manager"], reason="مرة أخرى")
    assert UndoneDonationMatch.objects.filter(donation=matched).count() == 2


def test_refusals(people, matched, donor, programme):
    with pytest.raises(services.DonationError, match="Write why the match is wrong."):
        services.donation_unmatch(donation=matched, actor=people["manager"], reason=" ")
    for who in ("staff", "resources", "secretary", "management", "nobody"):
        with pytest.raises(PermissionDenied):
            services.donation_unmatch(donation=matched, actor=people[who], reason="x")
    # A donation the import matched by its codes was not matched by hand.
    imported = Donation.objects.create(
        receipt_number="FIN-9002",
        received_on=datetime.date(2026, 3, 2),
        amount=Decimal("10"),
        donor=donor,
        programme=programme,
    )
    with pytest.raises(services.DonationError, match="not matched by hand"):
        services.donation_unmatch(donation=imported, actor=people["manager"], reason="x")
    assert not UndoneDonationMatch.objects.exists()
    matched.refresh_from_db()
    assert matched.donor == donor


MATRIX = {
    "manager": 200,
    "staff": 403,
    "resources": 403,
    "secretary": 403,
    "management": 403,
    "planning": 403,
    "quality": 403,
    "centres": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("who", "status"), list(MATRIX.items()))
def test_the_undo_page_matrix_and_a_refused_post_changes_nothing(
    client, people, matched, who, status
):
    client.force_login(people[who])
    url = reverse("finance:donation_unmatch", args=[matched.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"reason": "خطأ"})
    assert response.status_code == (302 if status == 200 else status)
    matched.refresh_from_db()
    assert (matched.donor is None) == (status == 200)
    assert UndoneDonationMatch.objects.exists() == (status == 200)


def test_anonymous_visitors_are_sent_to_login(client, matched):
    url = reverse("finance:donation_unmatch", args=[matched.pk])
    assert client.get(url).url.startswith(reverse("login"))
    assert client.post(url, {"reason": "x"}).status_code == 302
    assert not UndoneDonationMatch.objects.exists()


def test_undo_from_the_list_then_see_it_among_those_to_match(client, people, matched):
    client.force_login(people["manager"])
    listing = client.get(reverse("finance:donation_list")).content.decode()
    url = reverse("finance:donation_unmatch", args=[matched.pk])
    assert url in listing
    page = client.get(url).content.decode()
    assert 'data-testid="unmatch-form"' in page  # a confirmation before undoing
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"reason": "رقم المانح خاطئ"}, follow=True)
    page = response.content.decode()
    assert "was undone" in page
    assert 'data-testid="undone-match"' in page and "رقم المانح خاطئ" in page
    # Readers of donations without the right to match see no undo link.
    client.force_login(people["staff"])
    assert url not in client.get(reverse("finance:donation_list")).content.decode()
