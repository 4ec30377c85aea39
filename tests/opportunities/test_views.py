"""The opportunity pages: who may open what, the actions over HTTP, the pledge upload and
its private download, filters, the board's columns and the number of queries per page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from opportunities import selectors, services
from opportunities.models import (
    ContactApproval,
    DonorContact,
    DonorInterest,
    Opportunity,
    OpportunityState,
    PotentialDonor,
)
from programmes.models import Programme, ProgrammeCategory

from .conftest import (
    SMALL_PDF,
    WINDOWS_EXE,
    contacted,
    days_ago,
    donation,
    in_closing,
    new_opportunity,
    pdf_upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media_root")]


# --- permission matrix ------------------------------------------------------------------

PAGES = {
    "board": lambda ids: reverse("opportunities:board"),
    "list": lambda ids: reverse("opportunities:list"),
    "detail": lambda ids: reverse("opportunities:detail", args=[ids["opportunity"]]),
    "create": lambda ids: reverse("opportunities:create"),
    "pending": lambda ids: reverse("opportunities:contacts_pending"),
    "interests": lambda ids: reverse("opportunities:donor_interests", args=[ids["donor"]]),
    "contact": lambda ids: reverse("opportunities:donor_contact_new", args=[ids["donor"]]),
    "pledge": lambda ids: reverse("opportunities:pledge_file", args=[ids["opportunity"]]),
}
ALL_200 = dict.fromkeys(PAGES, 200)
# The signed pledge is for those who work the opportunity (item 20): not for readers.
READ_ONLY = {**ALL_200, "create": 403, "pending": 403, "contact": 403, "pledge": 403}
NOTHING = dict.fromkeys(PAGES, 403)
MATRIX = {
    "staff": {**ALL_200, "pending": 403},
    "manager": ALL_200,
    # Resource development and the secretary each approve contacts with others' donors.
    "resources": {**ALL_200, "create": 403},
    "management": READ_ONLY,
    "planning": READ_ONLY,
    "secretary": {**READ_ONLY, "pending": 200},
    # The quality officer and centres staff have no part in opportunities (association.roles).
    "quality": NOTHING,
    "centres": NOTHING,
    "nobody": NOTHING,
}


@pytest.fixture
def ids(people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    return {"opportunity": opportunity.pk, "donor": donors["free"].pk}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client, people, ids, who, page):
    client.force_login(people[who])
    response = client.get(PAGES[page](ids))
    assert response.status_code == MATRIX[who][page]


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_login(client, ids, page):
    response = client.get(PAGES[page](ids))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_beneficiary_has_no_interests_or_contact_page(client, people, donors):
    client.force_login(people["staff"])
    beneficiary = donors["beneficiary"].pk
    assert (
        client.get(reverse("opportunities:donor_interests", args=[beneficiary])).status_code == 404
    )
    assert (
        client.get(reverse("opportunities:donor_contact_new", args=[beneficiary])).status_code
        == 404
    )


ACTIONS = {
    "log_contact": lambda pk: reverse("opportunities:log_contact", args=[pk]),
    "probability": lambda pk: reverse("opportunities:update_probability", args=[pk]),
    "add_donor": lambda pk: reverse("opportunities:add_donor", args=[pk]),
    "move": lambda pk: reverse("opportunities:move", args=[pk, "cancel"]),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_actions_are_post_only(client, people, donors, programme, action):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people["manager"])
    assert client.get(ACTIONS[action](opportunity.pk)).status_code == 405


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("staff", "move", 403),
        ("resources", "move", 403),
        ("resources", "probability", 403),
        ("resources", "add_donor", 403),
        ("management", "log_contact", 403),
        ("management", "probability", 403),
        ("quality", "log_contact", 403),
        ("quality", "move", 403),
    ],
)
def test_actions_need_the_right_role(client, people, donors, programme, who, action, status):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people[who])
    response = client.post(ACTIONS[action](opportunity.pk), {"cancel-reason": "x"})
    assert response.status_code == status
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.IDENTIFICATION
    assert not DonorContact.objects.exists()


def test_an_unknown_transition_is_refused(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people["manager"])
    url = reverse("opportunities:move", args=[opportunity.pk, "delete"])
    assert client.post(url).status_code == 403


# --- the detail page shows what this user may do now ------------------------------------


def test_detail_buttons_follow_the_role(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"], donors["free"]])
    url = reverse("opportunities:detail", args=[opportunity.pk])
    client.force_login(people["staff"])
    page = client.get(url).content.decode()
    assert 'data-testid="contact-form"' in page and 'data-testid="probability-form"' in page
    assert 'data-testid="actions"' not in page
    client.force_login(people["manager"])
    page = client.get(url).content.decode()
    assert 'data-testid="form-start_follow_up"' in page and 'data-testid="form-cancel"' in page
    assert 'data-testid="form-close_with_pledge"' not in page
    assert "data-confirm=" in page  # cancelling asks first (static/js/confirm.js)
    client.force_login(people["management"])
    page = client.get(url).content.decode()
    assert "contact-form" not in page and "probability-form" not in page and "actions" not in page


def test_detail_shows_suggested_badges_and_each_points_of_contact(
    client, people, donors, programme
):
    opportunity = new_opportunity(people, programme, [donors["with_point"], donors["uninterested"]])
    client.force_login(people["resources"])
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    donors_table = page[page.index('data-testid="donors"') :]
    assert donors_table.count('data-testid="suggested"') == 1
    assert people["staff"].get_full_name() in donors_table
    assert "None recorded" in donors_table
    # Warned before recording a contact with another's donor.
    assert "Each donor has one point of contact" in page


def test_detail_timeline_newest_first(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    contacted(opportunity, people["staff"], donors["free"], summary="المكالمة الأولى")
    services.opportunity_update_probability(
        opportunity=opportunity, actor=people["staff"], probability=55, success_factors="زيارة"
    )
    services.opportunity_start_follow_up(
        opportunity=opportunity, actor=people["manager"], note="إلى المتابعة"
    )
    client.force_login(people["staff"])
    response = client.get(reverse("opportunities:detail", args=[opportunity.pk]))
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == ["transition", "probability", "contact", "created"]
    page = response.content.decode()
    assert page.index("إلى المتابعة") < page.index("المكالمة الأولى")


# --- the journey over HTTP --------------------------------------------------------------


def test_create_page_ticks_the_suggested_donors(client, people, donors, programme):
    client.force_login(people["staff"])
    url = reverse("opportunities:create")
    assert "Choose the programme" in client.get(url).content.decode()
    response = client.get(url, {"programme": programme.pk, "title": "وقف تعليمي"})
    page = response.content.decode()
    for key in ("with_point", "free"):
        assert re.search(rf'value="{donors[key].pk}"[^>]*checked', page), key
    assert donors["archived"].name not in page and donors["uninterested"].name not in page
    assert 'value="وقف تعليمي"' in page  # what was typed comes back


def test_the_suggest_button_without_script_reloads_with_the_programme(client, people, programme):
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:create"),
        {"suggest": "1", "programme": programme.pk, "title": "وقف", "csrfmiddlewaretoken": "x"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("opportunities:create") + "?")
    assert f"programme={programme.pk}" in response.url and "csrf" not in response.url
    assert not Opportunity.objects.exists()


def test_create_over_http(client, people, donors, programme):
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:create"),
        {
            "title": "تمويل برنامج محو الأمية",
            "programme": programme.pk,
            "expected_amount": "250000",
            "probability": "30",
            "success_factors": "علاقة سابقة",
            "donors": [donors["free"].pk],
            "other_donors": f"{donors['uninterested'].code}، ٢٠٠٠٠١",
        },
    )
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("opportunities:detail", args=[opportunity.pk])
    rows = dict(
        PotentialDonor.objects.filter(opportunity=opportunity).values_list("donor", "suggested")
    )
    assert rows == {
        donors["free"].pk: True,
        donors["uninterested"].pk: False,
        donors["with_point"].pk: True,  # typed by code, and suggested all the same
    }


def test_create_refuses_unknown_codes(client, people, programme):
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:create"),
        {
            "title": "x",
            "programme": programme.pk,
            "expected_amount": "1",
            "probability": "10",
            "other_donors": "999999, abc",
        },
    )
    assert response.status_code == 200
    assert "These are not customer codes: abc" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_staff_log_a_contact_and_resources_are_flagged(
    client, people, donors, programme, django_capture_on_commit_callbacks
):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    url = reverse("opportunities:log_contact", args=[opportunity.pk])
    data = {
        "contact-donor": donors["with_point"].pk,
        "contact-contact_date": timezone.localdate().isoformat(),
        "contact-channel": "face_to_face",
        "contact-summary": "زيارة المانح",
    }
    client.force_login(people["staff"])
    client.post(url, data)
    client.force_login(people["resources"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert "your contact awaits the approval of the CRM manager, resource development" in page
    contacts = list(DonorContact.objects.order_by("pk").values_list("staff", "approval"))
    assert contacts == [
        (people["staff"].pk, ContactApproval.NOT_NEEDED),
        (people["resources"].pk, ContactApproval.PENDING),
    ]
    assert [email.to for email in mail.outbox] == [[people["staff"].email]]


def test_an_invalid_contact_form_is_shown_again_with_errors(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people["staff"])
    response = client.post(
        reverse("opportunities:log_contact", args=[opportunity.pk]),
        {"contact-donor": donors["free"].pk, "contact-channel": "phone"},
    )
    assert response.status_code == 200
    assert response.context["contact_form"].errors.keys() == {"contact_date", "summary"}
    assert not DonorContact.objects.exists()


def test_the_manager_approves_on_the_pending_page(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["staff2"], donors["with_point"])
    client.force_login(people["manager"])
    page = client.get(reverse("opportunities:contacts_pending")).content.decode()
    assert donors["with_point"].name in page and "عرض البرنامج على المانح" in page
    response = client.post(
        reverse("opportunities:contact_decide", args=[contact.pk, "approve"]),
        {"note": "بعلم نقطة الاتصال"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "opportunities:contact_detail", args=[contact.pk]
    )
    assert "Your approval of the contact" in response.content.decode()
    contact.refresh_from_db()
    assert contact.approval == ContactApproval.PENDING  # two parties still to decide
    step = contact.approval_steps.get(party="crm_manager")
    assert (step.decision, step.decided_by, step.note) == (
        "approved",
        people["manager"],
        "بعلم نقطة الاتصال",
    )
    # A second click only says it is decided already.
    response = client.post(
        reverse("opportunities:contact_decide", args=[contact.pk, "refuse"]),
        {"note": "x"},
        follow=True,
    )
    assert "not awaiting your decision any more" in response.content.decode()
    assert contact.approval_steps.get(party="crm_manager").decision == "approved"


def test_an_unknown_decision_is_not_found(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    contact = contacted(opportunity, people["resources"], donors["with_point"])
    client.force_login(people["manager"])
    response = client.post(reverse("opportunities:contact_decide", args=[contact.pk, "ignore"]))
    assert response.status_code == 404
    assert not contact.approval_steps.filter(decided_by=people["manager"]).exists()


def test_the_full_journey_over_http(client, people, donors, programme, media_root):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    detail = reverse("opportunities:detail", args=[opportunity.pk])
    contacted(opportunity, people["staff"], donors["free"])
    client.force_login(people["manager"])

    def move(transition, data):
        return client.post(
            reverse("opportunities:move", args=[opportunity.pk, transition]), data, follow=True
        )

    response = move("start_follow_up", {"start_follow_up-note": "بدأنا"})
    assert "moved to follow-up" in response.content.decode()

    response = move(
        "close_with_pledge",
        {
            "close_with_pledge-pledge_donor": donors["free"].pk,
            "close_with_pledge-pledged_amount": "80000",
            "close_with_pledge-pledge_date": timezone.localdate().isoformat(),
            "close_with_pledge-pledge_file": pdf_upload("setup.pdf", WINDOWS_EXE),
        },
    )
    page = response.content.decode()
    assert "is not a real PDF, JPEG or PNG file" in page
    assert Opportunity.objects.get().state == OpportunityState.FOLLOW_UP

    response = move(
        "close_with_pledge",
        {
            "close_with_pledge-pledge_donor": donors["free"].pk,
            "close_with_pledge-pledged_amount": "80000",
            "close_with_pledge-pledge_date": timezone.localdate().isoformat(),
            "close_with_pledge-pledge_file": pdf_upload(),
        },
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == detail
    assert 'data-testid="pledge"' in page
    pledge_url = reverse("opportunities:pledge_file", args=[opportunity.pk])
    assert pledge_url in page and "/media/" not in page

    response = move("mark_successful", {})
    assert "Only 0.00 of the 80,000.00 SAR pledged has been received" in response.content.decode()
    donation(donors["free"], programme, "50000")
    page = client.get(detail).content.decode()
    assert "50,000.00" in page and "30,000.00" in page  # received, outstanding
    donation(donors["free"], programme, "30000")
    response = move("mark_successful", {"mark_successful-note": "وصل المبلغ كاملاً"})
    assert "marked successful" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.SUCCESSFUL


def test_cancel_over_http_needs_a_reason(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people["manager"])
    url = reverse("opportunities:move", args=[opportunity.pk, "cancel"])
    response = client.post(url, {"cancel-reason": ""})
    assert response.status_code == 200
    assert response.context["panel"].others[-1].form.errors
    response = client.post(url, {"cancel-reason": "المانح اعتذر"}, follow=True)
    assert "was cancelled" in response.content.decode()
    assert 'data-testid="cancel-reason"' in response.content.decode()
    assert Opportunity.objects.get().cancel_reason == "المانح اعتذر"


def test_a_guard_refusal_is_a_message_not_an_error_page(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]])
    client.force_login(people["manager"])
    response = client.post(
        reverse("opportunities:move", args=[opportunity.pk, "start_follow_up"]), follow=True
    )
    assert response.status_code == 200
    assert "Record at least one contact made with a donor" in response.content.decode()
    assert Opportunity.objects.get().state == OpportunityState.IDENTIFICATION


def test_probability_and_add_donor_over_http(client, people, donors, programme):
    opportunity = new_opportunity(people, programme)
    client.force_login(people["staff"])
    client.post(
        reverse("opportunities:update_probability", args=[opportunity.pk]),
        {"probability-probability": "75", "probability-success_factors": "وعد شفهي"},
    )
    client.post(
        reverse("opportunities:add_donor", args=[opportunity.pk]),
        {"donor-donor": str(donors["free"].code)},
    )
    opportunity.refresh_from_db()
    assert opportunity.probability == 75
    assert list(opportunity.potential_donors.all()) == [donors["free"]]
    response = client.post(
        reverse("opportunities:add_donor", args=[opportunity.pk]), {"donor-donor": "1"}
    )
    assert "No active donor has these customer codes: 1" in response.content.decode()


# --- the pledge file is private ---------------------------------------------------------


def test_the_pledge_is_streamed_to_those_who_work_it_only(client, people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    url = reverse("opportunities:pledge_file", args=[opportunity.pk])
    client.force_login(people["resources"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == SMALL_PDF
    client.force_login(people["quality"])
    assert client.get(url).status_code == 403


def test_no_pledge_file_is_a_404(client, people, donors, programme):
    opportunity = new_opportunity(people, programme)
    client.force_login(people["manager"])
    url = reverse("opportunities:pledge_file", args=[opportunity.pk])
    assert client.get(url).status_code == 404


# --- list filters and the board ---------------------------------------------------------


@pytest.fixture
def several(people, donors, programme, category):
    other = Programme.objects.create(code="HLT-01", name="عيادة الحي", category=category)
    made = {
        "mine": new_opportunity(people, programme, [donors["free"]], title="وقف الأمية"),
        "theirs": new_opportunity(
            people, other, [donors["with_point"]], title="عيادة متنقلة", actor=people["staff2"]
        ),
        "stale": new_opportunity(people, other, title="فرصة منسية"),
        "closing": in_closing(people, programme, donors),
    }
    Opportunity.objects.filter(pk=made["stale"].pk).update(last_activity_at=days_ago(8))
    return made


def listed(client, **params):
    response = client.get(reverse("opportunities:list"), params)
    return {opportunity.title for opportunity in response.context["page"]}


def test_list_filters(client, people, programme, several):
    client.force_login(people["management"])
    assert len(listed(client)) == 4
    assert listed(client, state="closing") == {several["closing"].title}
    assert listed(client, programme=programme.pk) == {"وقف الأمية", several["closing"].title}
    assert listed(client, owner=people["staff2"].pk) == {"عيادة متنقلة"}
    assert listed(client, stale="1") == {"فرصة منسية"}
    assert "فرصة منسية" not in listed(client, stale="0")
    # Arabic search ignores hamza forms and ta marbuta.
    assert listed(client, q="وقف الامية") == {"وقف الأمية"}
    assert len(listed(client, q="الاميه")) == 2
    assert listed(client, q="عياده") == {"عيادة متنقلة"}


def test_the_filter_offers_the_programmes_and_owners_of_the_opportunities(
    client, people, programme, category
):
    """The options are cached: a new opportunity's programme and owner appear at once."""
    client.force_login(people["staff"])
    new_opportunity(people, programme)
    other = Programme.objects.create(code="HLT-09", name="عيادة متنقلة", category=category)
    page = client.get(reverse("opportunities:board")).content.decode()
    assert f'<option value="{programme.pk}">EDU-01 · برنامج محو الأمية</option>' in page
    assert f'<option value="{other.pk}">' not in page
    assert f'<option value="{people["staff2"].pk}">' not in page
    new_opportunity(people, other, actor=people["staff2"])
    page = client.get(reverse("opportunities:list"), {"programme": other.pk}).content.decode()
    assert f'<option value="{other.pk}" selected>HLT-09 · عيادة متنقلة</option>' in page
    assert f'<option value="{people["staff2"].pk}">' in page


def test_the_list_highlights_stale_opportunities(client, people, several):
    client.force_login(people["staff"])
    page = client.get(reverse("opportunities:list")).content.decode()
    assert page.count('data-stale="1"') == 1


def test_the_board_has_a_column_per_state_with_stale_cards_marked(client, people, several):
    client.force_login(people["staff"])
    response = client.get(reverse("opportunities:board"))
    columns = {column.state: column for column in response.context["columns"]}
    assert list(columns) == [
        "identification",
        "follow_up",
        "closing",
        "successful",
        "cancelled",
    ]
    assert columns["identification"].count == 3
    assert columns["identification"].stale_count == 1
    assert columns["closing"].count == 1
    assert [card.title for card in columns["closing"].cards] == [several["closing"].title]
    page = response.content.decode()
    assert page.count('data-stale="1"') == 1
    assert "pledging donor" in page  # the closing card shows its pledging donor


def test_the_board_caps_each_column_and_links_to_the_list(
    client, people, donors, programme, monkeypatch
):
    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_COLUMN", 3)
    for number in range(5):
        new_opportunity(people, programme, title=f"فرصة {number}")
    client.force_login(people["staff"])
    response = client.get(reverse("opportunities:board"), {"programme": programme.pk})
    column = response.context["columns"][0]
    assert (column.count, len(column.cards), column.more) == (5, 3, 2)
    # The newest activity first.
    assert [card.title for card in column.cards] == ["فرصة 4", "فرصة 3", "فرصة 2"]
    page = response.content.decode()
    assert f"?state=identification&amp;programme={programme.pk}" in page
    assert "2 more in the list" in page


def make_many(people, donors, programme, count):
    for number in range(count):
        opportunity = new_opportunity(
            people, programme, [donors["free"], donors["with_point"]], title=f"فرصة {number}"
        )
        contacted(opportunity, people["staff"], donors["with_point"])
        if number % 3 == 0:
            services.opportunity_start_follow_up(opportunity=opportunity, actor=people["manager"])


@pytest.mark.parametrize("page", ["board", "list"])
def test_board_and_list_queries_do_not_grow_with_the_opportunities(
    client, people, donors, programme, django_assert_max_num_queries, page
):
    make_many(people, donors, programme, 4)
    client.force_login(people["manager"])
    url = reverse(f"opportunities:{page}")
    with django_assert_max_num_queries(14) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("فرصة ") >= 3  # the cards or rows
    make_many(people, donors, programme, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "فرصة 29" in response.content.decode()  # the newest


def test_detail_queries_are_bounded(
    client, people, donors, programme, django_assert_max_num_queries
):
    opportunity = in_closing(people, programme, donors)
    for number in range(20):
        contacted(opportunity, people["staff"], donors["free"], summary=f"اتصال {number}")
        services.opportunity_update_probability(
            opportunity=opportunity,
            actor=people["staff"],
            probability=number + 1,
            success_factors="",
        )
    donation(donors["free"], programme, "1000")
    client.force_login(people["manager"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("opportunities:detail", args=[opportunity.pk]))
    assert response.status_code == 200
    assert len(response.context["timeline"]) == 20 + 20 + 3 + 1
    assert "اتصال 19" in response.content.decode()


# --- donor interests and the profile panel ----------------------------------------------


def test_staff_tick_a_donors_interests(client, people, donors, category):
    health = ProgrammeCategory.objects.create(name="صحة")
    donor = donors["uninterested"]
    url = reverse("opportunities:donor_interests", args=[donor.pk])
    client.force_login(people["staff"])
    response = client.post(url, {"categories": [category.pk, health.pk]}, follow=True)
    assert "2 added, 0 removed" in response.content.decode()
    assert set(DonorInterest.objects.filter(donor=donor).values_list("category", flat=True)) == {
        category.pk,
        health.pk,
    }
    client.force_login(people["management"])
    page = client.get(url).content.decode()
    assert "disabled" in page and "Save the interests" not in page
    assert client.post(url, {"categories": []}).status_code == 403
    assert DonorInterest.objects.filter(donor=donor).count() == 2


def test_the_donor_profile_shows_contacts_and_open_opportunities(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["free"]], title="وقف الأمية")
    contacted(opportunity, people["staff"], donors["free"], summary="اتصال للتعريف بالبرنامج")
    client.force_login(people["staff"])
    page = client.get(reverse("customers:detail", args=[donors["free"].pk])).content.decode()
    panel = page[page.index('data-testid="contacts-panel"') :]
    assert "وقف الأمية" in panel and "اتصال للتعريف بالبرنامج" in panel
    assert reverse("opportunities:donor_interests", args=[donors["free"].pk]) in panel
    assert reverse("opportunities:donor_contact_new", args=[donors["free"].pk]) in panel
    # Not on a beneficiary's profile, nor for those who do not see opportunities.
    page = client.get(reverse("customers:detail", args=[donors["beneficiary"].pk]))
    assert 'data-testid="contacts-panel"' not in page.content.decode()
    client.force_login(people["quality"])
    page = client.get(reverse("customers:detail", args=[donors["free"].pk]))
    assert 'data-testid="contacts-panel"' not in page.content.decode()


def test_a_contact_from_the_donor_page(client, people, donors, programme):
    opportunity = new_opportunity(people, programme, [donors["with_point"]])
    url = reverse("opportunities:donor_contact_new", args=[donors["with_point"].pk])
    client.force_login(people["resources"])
    page = client.get(url).content.decode()
    assert 'data-testid="flag-warning"' in page
    response = client.post(
        url,
        {
            "opportunity": opportunity.pk,
            "contact_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "channel": "letter",
            "summary": "خطاب شكر",
        },
    )
    assert response.url == reverse("opportunities:detail", args=[opportunity.pk])
    contact = DonorContact.objects.get()
    assert contact.opportunity == opportunity and contact.approval == ContactApproval.PENDING
    response = client.post(
        url,
        {"contact_date": timezone.localdate().isoformat(), "channel": "sms", "summary": "تهنئة"},
    )
    assert response.url == reverse("customers:detail", args=[donors["with_point"].pk])
    assert Customer.objects.get(pk=donors["with_point"].pk).contacts.count() == 2


def test_received_amount_annotation_agrees_with_the_finance_rule(people, donors, programme):
    from opportunities.selectors import pledge_received_amount

    opportunity = in_closing(people, programme, donors)
    donation(donors["free"], programme, "1234.50")
    donation(
        donors["free"],
        programme,
        "10",
        received_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    annotated = selectors.with_received_amount(Opportunity.objects.filter(pk=opportunity.pk)).get()
    assert annotated.received_amount == pledge_received_amount(opportunity) == Decimal("1234.50")


def test_the_admin_reads_opportunities_and_contacts(client, superuser, people, donors, programme):
    opportunity = in_closing(people, programme, donors)
    contact = DonorContact.objects.get()
    client.force_login(superuser)
    for url in (
        reverse("admin:opportunities_opportunity_changelist"),
        reverse("admin:opportunities_opportunity_change", args=[opportunity.pk]),
        reverse("admin:opportunities_donorcontact_changelist"),
        reverse("admin:opportunities_donorcontact_change", args=[contact.pk]),
        reverse("admin:opportunities_donorinterest_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:opportunities_opportunity_add")).status_code == 403
