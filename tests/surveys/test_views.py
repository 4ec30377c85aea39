"""The staff's pages: the rounds list (filters, search, pages, empty state), the round page
(steps by role, links, counts, part 2's panels), the form's revision, the paper entry
screen (one POST per form, duplicate safe, running count), invitations, the poster."""

import pytest
from django.urls import reverse

from surveys import plugins
from surveys.models import Response, RoundState

from .helpers import collecting_round, prepared_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_list_filters_searches_and_says_when_empty(client, people):
    collecting_round(activity_name="ورشة الخط العربي")
    prepared_round(activity_name="دورة الإسعافات")
    client.force_login(people["quality"])
    url = reverse("surveys:round_list")
    html = client.get(url).content.decode()
    assert "ورشة الخط العربي" in html and "دورة الإسعافات" in html
    html = client.get(url, {"q": "الخط"}).content.decode()
    assert "ورشة الخط العربي" in html and "دورة الإسعافات" not in html
    html = client.get(url, {"state": RoundState.PREPARING}).content.decode()
    assert "دورة الإسعافات" in html and "ورشة الخط العربي" not in html
    assert "No survey round matches." in client.get(url, {"q": "لا شيء"}).content.decode()


def test_the_round_page_offers_each_role_its_own_step(client, people):
    survey_round = prepared_round()
    url = reverse("surveys:round_detail", args=[survey_round.pk])
    client.force_login(people["quality"])
    html = client.get(url).content.decode()
    assert 'data-testid="action-submit_for_review"' in html
    client.force_login(people["crm_manager"])
    assert 'data-testid="action-submit_for_review"' not in client.get(url).content.decode()


def test_a_step_by_post_and_a_second_click_reads_a_message(client, people):
    survey_round = prepared_round()
    client.force_login(people["quality"])
    step = reverse("surveys:round_step", args=[survey_round.pk, "submit_for_review"])
    first = client.post(step, {"note": "جاهز"}, follow=True)
    assert "The survey was sent for review." in first.content.decode()
    second = client.post(step, {"note": "مرة ثانية"}, follow=True)
    assert "no longer at this step" in second.content.decode()
    assert survey_round.transitions.filter(target="in_review").count() == 1


def test_recommending_changes_without_writing_them_comes_back_with_the_form(client, people):
    survey_round = prepared_round()
    client.force_login(people["quality"])
    client.post(reverse("surveys:round_step", args=[survey_round.pk, "submit_for_review"]))
    client.force_login(people["centres_manager"])
    response = client.post(
        reverse("surveys:round_step", args=[survey_round.pk, "recommend_changes"]), {"note": ""}
    )
    assert response.status_code == 200
    survey_round.refresh_from_db()
    assert survey_round.state == RoundState.IN_REVIEW


@pytest.mark.usefixtures("without_part_two")
def test_part_two_panels_show_on_the_round_page(client, people):
    survey_round = collecting_round()

    def panel(record, user):
        return plugins.RoundPanel("surveys/tests_panel.html", step="analysing")

    plugins.register_round_panel(panel)
    try:
        assert [p.template for p in plugins.round_panels(survey_round, people["quality"])] == [
            "surveys/tests_panel.html"
        ]
    finally:
        plugins._panels.remove(panel)


def test_the_form_is_revised_from_the_round_page(client, people):
    survey_round = prepared_round()
    client.force_login(people["quality"])
    url = reverse("surveys:version_revise", args=[survey_round.pk])
    page = client.get(url).content.decode()
    assert "أعتقد بأن مكان تقديم الخدمة ذو جودة عالية" in page
    data = {f"text_{item.code}": item.text for item in survey_round.version.items.all()}
    data.update(text_venue="أعتقد بأن مكان تقديم الخدمة مناسب", change_note="توصية")
    response = client.post(url, data)
    assert response.status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.version.number == 2


def paper_row(survey_round, digits="54345432154", **extra):
    data = {"centre": survey_round.centres.get().centre_id, "submission_token": "c" * 32}
    for position, digit in enumerate(digits, 1):
        data[f"item_{position}"] = digit
    data.update(extra)
    return data


def test_paper_entry_saves_one_form_per_post_and_counts(client, people):
    survey_round = collecting_round()
    client.force_login(people["centres_staff"])
    url = reverse("surveys:paper_entry", args=[survey_round.pk])
    response = client.post(url, paper_row(survey_round))
    assert response.status_code == 302 and "centre=" in response["Location"]
    saved = Response.objects.get()
    assert saved.channel == "paper" and saved.entered_by == people["centres_staff"]
    assert [a.value for a in saved.answers.order_by("item__position")] == [
        5,
        4,
        3,
        4,
        5,
        4,
        3,
        2,
        1,
        5,
        4,
    ]
    again = client.post(url, paper_row(survey_round), follow=True)
    assert "This form was already saved." in again.content.decode()
    assert Response.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="running-count"' in page and "<strong>1</strong>" in page


def test_paper_entry_reads_arabic_digits_and_refuses_bad_ones(client, people):
    survey_round = collecting_round()
    client.force_login(people["quality"])
    url = reverse("surveys:paper_entry", args=[survey_round.pk])
    bad = client.post(url, paper_row(survey_round, "5434543215x"))
    assert bad.status_code == 200 and "Type a digit from 1 to 5." in bad.content.decode()
    short = client.post(url, paper_row(survey_round, "5434", submission_token="d" * 32))
    assert "still without an answer" in short.content.decode()
    assert not Response.objects.exists()
    client.post(url, paper_row(survey_round, "٥٤٣٤٥٤٣٢١٥٤", submission_token="e" * 32))
    assert Response.objects.get().answers.get(item__position=1).value == 5


def test_the_poster_is_a_pdf(client, people):
    survey_round = collecting_round()
    client.force_login(people["quality"])
    centre = survey_round.centres.get().centre
    response = client.get(reverse("surveys:poster", args=[survey_round.pk, centre.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_invitations_page_sends_and_reports_the_tally(client, people):
    from django.utils import timezone

    from messaging.services import consents_record

    from .helpers import customer

    survey_round = collecting_round()
    person = customer()
    consents_record(
        customer_id=person.pk, changes={"sms.surveys": True}, at=timezone.now(), source="form"
    )
    client.force_login(people["quality"])
    url = reverse("surveys:invitations", args=[survey_round.pk])
    assert "{الرابط}" in client.get(url).content.decode()
    response = client.post(
        url,
        {"channel": "sms", "customers": str(person.code), "body": "رأيك يهمنا {الرابط}"},
        follow=True,
    )
    assert "1 invitation sent." in response.content.decode()


def test_the_case_a_low_score_opened_links_back_to_its_round(client, people, make_user):
    """The follow-up case's page names the survey it came from, with the round's page for who
    may open it; a case that came another way reads nothing more for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from association import roles
    from complaints.models import Case
    from complaints.origins import case_origins
    from surveys import services

    from .helpers import full_answers

    survey_round = collecting_round(activity_name="أمسية الأسرة")
    response = services.response_submit(
        survey_round=survey_round,
        channel="link",
        values=full_answers(survey_round, 4, overall=1),
        personal={"name": "سلمان", "mobile": "+966502223344", "may_contact": True},
        centre=survey_round.centres.get().centre,
    )
    case = response.follow_up_case
    client.force_login(people["crm_manager"])
    html = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "opened from" in html and "أمسية الأسرة" in html
    assert f'href="{reverse("surveys:round_detail", args=[survey_round.pk])}"' in html
    reader = make_user(roles.COUNCIL_SECRETARY)  # reads cases, not the surveys
    assert not reader.has_perm("surveys.view_round")
    assert [origin.url for origin in case_origins(case, reader)] == [""]
    other = Case.objects.exclude(pk=case.pk).first() or Case(channel="phone")
    with CaptureQueriesContext(connection) as queries:
        assert case_origins(other, reader) == []
    assert queries.captured_queries == []
