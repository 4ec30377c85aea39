"""The pages of 3.1.21: a contact and its three approvals, the request to contact, recording
the contact made under an approved request; who may open and post each (permission matrix,
refused posts change nothing)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities import services
from opportunities.models import ContactApproval, ContactApprovalStep, DonorContact

from .conftest import new_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WHO: tuple[str, ...]
WHO = ("staff", "staff2", "manager", "resources", "secretary", "management", "planning")
WHO += ("quality", "centres", "nobody")


@pytest.fixture
def request_to_contact(people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    return services.donor_contact_request(
        actor=people["staff2"],
        donor=donors["with_point"],
        opportunity=opportunity,
        proposed_date=timezone.localdate(),
        channel="phone",
        purpose="عرض برنامج محو الأمية",
    )


DETAIL = dict.fromkeys(WHO, 200) | {"quality": 403, "centres": 403, "nobody": 403}
PENDING = dict.fromkeys(WHO, 403) | {"manager": 200, "resources": 200, "secretary": 200}
REQUEST_PAGE = dict.fromkeys(WHO, 403) | {
    "staff": 200,
    "staff2": 200,
    "manager": 200,
    "resources": 200,
}


@pytest.mark.parametrize("who", WHO)
def test_get_matrix(client, people, donors, request_to_contact, who):
    client.force_login(people[who])
    detail = reverse("opportunities:contact_detail", args=[request_to_contact.pk])
    assert client.get(detail).status_code == DETAIL[who]
    assert client.get(reverse("opportunities:contacts_pending")).status_code == PENDING[who]
    page = reverse("opportunities:donor_contact_request", args=[donors["with_point"].pk])
    assert client.get(page).status_code == REQUEST_PAGE[who]


DECIDE = dict.fromkeys(WHO, 403) | {"manager": 302, "resources": 302, "secretary": 302}
# staff2 asked, and holds no approving permission.
DECIDE["staff2"] = 403


@pytest.mark.parametrize("who", WHO)
def test_decide_matrix_and_refused_posts_change_nothing(client, people, request_to_contact, who):
    client.force_login(people[who])
    url = reverse("opportunities:contact_decide", args=[request_to_contact.pk, "approve"])
    response = client.post(url, {"note": ""})
    assert response.status_code == DECIDE[who]
    decided = ContactApprovalStep.objects.exclude(decision="pending").count()
    assert decided == (1 if DECIDE[who] == 302 else 0)


@pytest.mark.parametrize("who", WHO)
def test_recording_made_is_for_the_requester_only(client, people, request_to_contact, who):
    for approver in ("manager", "resources", "secretary"):
        services.donor_contact_decide(
            contact=request_to_contact, actor=people[approver], approve=True
        )
    client.force_login(people[who])
    url = reverse("opportunities:contact_made", args=[request_to_contact.pk])
    data = {"contact_date": timezone.localdate().isoformat(), "summary": "تم الاتصال"}
    response = client.post(url, data)
    expected = 302 if who == "staff2" else (404 if DETAIL[who] == 404 else 403)
    assert response.status_code == expected
    assert DonorContact.objects.filter(made_under=request_to_contact).exists() == (who == "staff2")


def test_anonymous_visitors_are_sent_to_login(client, donors, request_to_contact):
    urls = [
        reverse("opportunities:contact_detail", args=[request_to_contact.pk]),
        reverse("opportunities:contacts_pending"),
        reverse("opportunities:donor_contact_request", args=[donors["with_point"].pk]),
    ]
    for url in urls:
        assert client.get(url).url.startswith(reverse("login"))
    post = reverse("opportunities:contact_decide", args=[request_to_contact.pk, "approve"])
    assert client.post(post).status_code == 302
    assert not ContactApprovalStep.objects.exclude(decision="pending").exists()


def test_ask_decide_and_record_over_http(client, people, donors, programme):
    donor = donors["with_point"]
    client.force_login(people["staff2"])
    profile = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    ask = reverse("opportunities:donor_contact_request", args=[donor.pk])
    assert ask in profile
    response = client.post(
        ask,
        {
            "purpose": "دعوة لحفل التكريم",
            "proposed_date": timezone.localdate().isoformat(),
            "channel": "phone",
        },
        follow=True,
    )
    request = DonorContact.objects.get()
    assert request.is_request and request.approval == ContactApproval.PENDING
    assert "was sent to the CRM manager" in response.content.decode()
    detail = reverse("opportunities:contact_detail", args=[request.pk])
    assert 'data-testid="made-form"' not in client.get(detail).content.decode()
    for who in ("manager", "resources", "secretary"):
        client.force_login(people[who])
        page = client.get(detail).content.decode()
        assert 'data-testid="decide-form"' in page
        client.post(reverse("opportunities:contact_decide", args=[request.pk, "approve"]))
    request.refresh_from_db()
    assert request.approval == ContactApproval.APPROVED
    client.force_login(people["staff2"])
    assert 'data-testid="made-form"' in client.get(detail).content.decode()
    response = client.post(
        reverse("opportunities:contact_made", args=[request.pk]),
        {"contact_date": timezone.localdate().isoformat(), "summary": "وافق على الحضور"},
        follow=True,
    )
    made = DonorContact.objects.get(made_under=request)
    assert made.summary == "وافق على الحضور"
    assert 'data-testid="made-contact"' in client.get(detail).content.decode()
    assert response.status_code == 200


def test_a_refusal_without_reason_is_a_message(client, people, request_to_contact):
    client.force_login(people["secretary"])
    url = reverse("opportunities:contact_decide", args=[request_to_contact.pk, "refuse"])
    response = client.post(url, {"note": ""}, follow=True)
    assert "Write the reason for refusing the contact." in response.content.decode()
    assert not ContactApprovalStep.objects.exclude(decision="pending").exists()
