"""FAQ (manual 5.1.10): staff propose, a manager approves, only published answers are used;
an inquiry is answered from a published entry and the entry counts its uses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext, override

from complaints import faq, selectors, services
from complaints.errors import FaqError
from complaints.models import Case, CaseCategory, CaseState, FaqEntry, FaqState
from core.workflow import CONFLICT_MESSAGE
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

from .conftest import register

pytestmark = pytest.mark.django_db

ROLES = ["crm", "centres", "crm_manager", "centres_manager", "quality", "steward"]
READERS = {"crm", "centres", "crm_manager", "centres_manager", "quality"}
PUBLISHERS = {"crm_manager", "centres_manager"}


def propose(actor, question="ما مواعيد استلام السلال الغذائية؟", answer="من الأحد إلى الخميس"):
    return faq.faq_propose(actor=actor, question=question, answer=answer)


def published(people, **texts):
    entry = propose(people["crm"], **texts)
    return faq.faq_publish(entry=entry, actor=people["crm_manager"])


def inquiry(people, **fields):
    return register(people["crm"], None, kind="inquiry", contact_name="زائر", **fields)


@pytest.fixture
def english(client, settings):
    """Pages in English (the language switch's cookie), to compare messages with gettext."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- workflow ---------------------------------------------------------------------------


def test_staff_propose_and_a_manager_publishes(people):
    entry = propose(people["crm"])
    assert entry.state == FaqState.PROPOSED
    assert entry.proposed_by == people["crm"]
    assert entry.search_text  # normalised for the search
    faq.faq_publish(entry=entry, actor=people["crm_manager"], note="مناسب")
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED
    assert entry.decided_by == people["crm_manager"]
    assert entry.decided_at is not None
    assert entry.decision_note == "مناسب"
    step = entry.transitions.get()
    assert (step.source, step.target, step.actor) == ("proposed", "published", entry.decided_by)


def test_a_manager_cannot_approve_their_own_proposal(people):
    entry = propose(people["crm_manager"])
    with override("en"), pytest.raises(FaqError) as error:
        faq.faq_publish(entry=entry, actor=people["crm_manager"])
    assert "proposed yourself" in str(error.value)
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED
    assert "publish" not in faq.available_actions(entry, people["crm_manager"])
    faq.faq_publish(entry=entry, actor=people["centres_manager"])
    assert entry.state == FaqState.PUBLISHED


def test_proposing_needs_both_texts_and_the_permission(people):
    with pytest.raises(FaqError):
        propose(people["crm"], answer="  ")
    with pytest.raises(PermissionDenied):
        propose(people["steward"])
    assert not FaqEntry.objects.exists()


def test_reject_needs_a_note(people):
    entry = propose(people["crm"])
    with pytest.raises(FaqError):
        faq.faq_reject(entry=entry, actor=people["crm_manager"], note=" ")
    assert FaqEntry.objects.get().state == FaqState.PROPOSED
    faq.faq_reject(entry=entry, actor=people["crm_manager"], note="الجواب غير دقيق")
    entry.refresh_from_db()
    assert entry.state == FaqState.REJECTED
    assert entry.decision_note == "الجواب غير دقيق"


def test_withdraw_takes_a_published_entry_off_with_a_reason(people):
    entry = published(people)
    with pytest.raises(FaqError):
        faq.faq_withdraw(entry=entry, actor=people["centres_manager"], note="")
    faq.faq_withdraw(entry=entry, actor=people["centres_manager"], note="تغيرت المواعيد")
    entry.refresh_from_db()
    assert entry.state == FaqState.WITHDRAWN
    assert [step.target for step in entry.transitions.all()] == ["published", "withdrawn"]


def test_a_proposal_cannot_be_withdrawn_and_a_published_entry_cannot_be_rejected(people):
    entry = propose(people["crm"])
    with pytest.raises(FaqError):
        faq.faq_withdraw(entry=entry, actor=people["crm_manager"], note="x")
    faq.faq_publish(entry=entry, actor=people["crm_manager"])
    with pytest.raises(FaqError):
        faq.faq_reject(entry=entry, actor=people["crm_manager"], note="x")


@pytest.mark.parametrize("who", sorted(set(ROLES) - PUBLISHERS))
def test_only_managers_publish_reject_and_withdraw(people, who):
    entry = propose(people["crm"])
    for decide in (faq.faq_publish, faq.faq_reject):
        with pytest.raises(PermissionDenied):
            decide(entry=entry, actor=people[who], note="x")
    faq.faq_publish(entry=entry, actor=people["crm_manager"])
    with pytest.raises(PermissionDenied):
        faq.faq_withdraw(entry=entry, actor=people[who], note="x")


def test_update_only_while_proposed_by_its_proposer_or_a_publisher(people):
    entry = propose(people["crm"])
    faq.faq_update(entry=entry, actor=people["crm"], question="سؤال معدل", answer="جواب")
    faq.faq_update(entry=entry, actor=people["centres_manager"], question="سؤال", answer="ج")
    for who in ("centres", "quality", "steward"):
        with pytest.raises(PermissionDenied):
            faq.faq_update(entry=entry, actor=people[who], question="س", answer="ج")
    with pytest.raises(FaqError):
        faq.faq_update(entry=entry, actor=people["crm"], question="", answer="ج")
    faq.faq_publish(entry=entry, actor=people["crm_manager"])
    with pytest.raises(FaqError):
        faq.faq_update(entry=entry, actor=people["crm"], question="س", answer="ج")
    entry.refresh_from_db()
    assert (entry.question, entry.answer) == ("سؤال", "ج")


def test_a_stale_publish_gets_the_concurrent_message(people):
    """Two managers open the same proposal; the second one's click finds it decided."""
    entry = propose(people["crm"])
    first, second = FaqEntry.objects.get(pk=entry.pk), FaqEntry.objects.get(pk=entry.pk)
    faq.faq_publish(entry=first, actor=people["crm_manager"])
    with override("en"), pytest.raises(FaqError) as error:
        faq.faq_reject(entry=second, actor=people["centres_manager"], note="لا")
    with override("en"):
        assert str(error.value) == str(CONFLICT_MESSAGE)
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED
    assert entry.transitions.count() == 1


def test_a_stale_edit_does_not_change_a_decided_entry(people):
    entry = propose(people["crm"])
    stale = FaqEntry.objects.get(pk=entry.pk)
    faq.faq_publish(entry=entry, actor=people["crm_manager"])
    with pytest.raises(FaqError):
        faq.faq_update(entry=stale, actor=people["crm"], question="تغيير", answer="تغيير")
    entry.refresh_from_db()
    assert entry.question != "تغيير"


@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_one_wins(people):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    entry = propose(people["crm"])

    def publish(who):
        return lambda: faq.faq_publish(entry=FaqEntry.objects.get(pk=entry.pk), actor=people[who])

    outcomes = run_together(publish("crm_manager"), publish("centres_manager"))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, FaqError)
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED
    assert entry.transitions.count() == 1


# --- selectors --------------------------------------------------------------------------


def test_search_normalises_arabic_spelling_and_digits(people):
    entry = published(people, question="متى تُصرف المساعدة الشهرية؟", answer="في اليوم ١٥")
    published(people, question="كيف أتبرع؟", answer="عبر الموقع")
    queryset = FaqEntry.objects.all()
    assert list(selectors.search_faq_entries(queryset, "المساعده")) == [entry]
    assert list(selectors.search_faq_entries(queryset, "تصرف الشهريه")) == [entry]
    assert list(selectors.search_faq_entries(queryset, "15")) == [entry]
    assert selectors.search_faq_entries(queryset, "").count() == 2


def test_my_work_lists_proposals_for_the_other_managers(people):
    own = propose(people["crm_manager"], question="سؤال المدير")
    theirs = propose(people["crm"], question="سؤال الموظف")
    section = faq.faq_proposals_to_approve(people["crm_manager"])
    assert [item.title for item in section.items] == [theirs.question]
    other = faq.faq_proposals_to_approve(people["centres_manager"])
    assert {item.title for item in other.items} == {own.question, theirs.question}
    assert faq.faq_proposals_to_approve(people["crm"]) is None


# --- pages: permission matrix -----------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url_name", ["complaints:faq_list", "complaints:faq_new"])
def test_list_and_new_pages_matrix(client, people, who, url_name):
    client.force_login(people[who])
    assert client.get(reverse(url_name)).status_code == (200 if who in READERS else 403)


@pytest.mark.parametrize("who", ROLES)
def test_detail_page_matrix(client, people, who):
    entry = propose(people["crm"])
    client.force_login(people[who])
    response = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    assert response.status_code == (200 if who in READERS else 403)


EDITORS = {"crm", "crm_manager", "centres_manager"}  # the proposer and the publishers


@pytest.mark.parametrize("who", ROLES)
def test_edit_page_matrix(client, people, who):
    entry = propose(people["crm"])
    client.force_login(people[who])
    url = reverse("complaints:faq_edit", args=[entry.pk])
    assert client.get(url).status_code == (200 if who in EDITORS else 403)
    response = client.post(url, {"question": f"سؤال {who}", "answer": "جواب"})
    entry.refresh_from_db()
    if who in EDITORS:
        assert response.status_code == 302
        assert entry.question == f"سؤال {who}"
    else:
        assert response.status_code == 403
        assert entry.question != f"سؤال {who}"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ["publish", "reject"])
def test_decision_actions_matrix(client, people, who, action):
    entry = propose(people["crm"])
    client.force_login(people[who])
    response = client.post(
        reverse("complaints:faq_action", args=[entry.pk, action]), {"note": "سبب"}
    )
    entry.refresh_from_db()
    if who in PUBLISHERS:
        assert response.status_code == 302
        assert entry.state == {"publish": "published", "reject": "rejected"}[action]
    else:
        assert response.status_code == 403
        assert entry.state == FaqState.PROPOSED


@pytest.mark.parametrize("who", ROLES)
def test_withdraw_action_matrix(client, people, who):
    entry = published(people)
    client.force_login(people[who])
    response = client.post(
        reverse("complaints:faq_action", args=[entry.pk, "withdraw"]), {"note": "قديم"}
    )
    entry.refresh_from_db()
    expected = FaqState.WITHDRAWN if who in PUBLISHERS else FaqState.PUBLISHED
    assert response.status_code == (302 if who in PUBLISHERS else 403)
    assert entry.state == expected


def test_anonymous_is_sent_to_login_everywhere(client, people):
    entry = propose(people["crm"])
    urls = [
        reverse("complaints:faq_list"),
        reverse("complaints:faq_new"),
        reverse("complaints:faq_detail", args=[entry.pk]),
        reverse("complaints:faq_edit", args=[entry.pk]),
    ]
    for url in urls:
        assert reverse("login") in client.get(url)["Location"]
    response = client.post(reverse("complaints:faq_action", args=[entry.pk, "publish"]))
    assert reverse("login") in response["Location"]
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED


def test_unknown_action_and_get_on_actions_are_refused(client, people):
    entry = propose(people["crm"])
    client.force_login(people["crm_manager"])
    assert (
        client.post(reverse("complaints:faq_action", args=[entry.pk, "delete"])).status_code == 403
    )
    assert (
        client.get(reverse("complaints:faq_action", args=[entry.pk, "publish"])).status_code == 405
    )
    assert client.get(reverse("complaints:faq_detail", args=[99999])).status_code == 404


# --- pages: behaviour -------------------------------------------------------------------


def test_propose_through_the_page(client, people):
    category = CaseCategory.objects.create(name="المساعدات")
    client.force_login(people["centres"])
    response = client.post(
        reverse("complaints:faq_new"),
        {"question": "كيف أسجل؟", "answer": "بزيارة المركز", "category": category.pk},
    )
    entry = FaqEntry.objects.get()
    assert response["Location"] == reverse("complaints:faq_detail", args=[entry.pk])
    assert (entry.proposed_by, entry.category, entry.state) == (
        people["centres"],
        category,
        FaqState.PROPOSED,
    )


def test_propose_form_shows_errors(client, people):
    client.force_login(people["crm"])
    response = client.post(reverse("complaints:faq_new"), {"question": "", "answer": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"question", "answer"}
    assert not FaqEntry.objects.exists()


def test_self_approval_through_the_page_shows_the_message(client, people, english):
    entry = propose(people["crm_manager"])
    client.force_login(people["crm_manager"])
    page = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    assert page.context["actions"] == ["edit", "reject"]
    assert 'data-testid="self-proposed"' in page.content.decode()
    response = client.post(
        reverse("complaints:faq_action", args=[entry.pk, "publish"]), follow=True
    )
    expected = gettext(
        "You cannot approve an FAQ entry you proposed yourself: another manager approves it."
    )
    assert messages_of(response) == [expected]
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED


def test_reject_without_a_note_through_the_page(client, people):
    """The message is in the user's language (Arabic unless they switched)."""
    entry = propose(people["crm"])
    client.force_login(people["crm_manager"])
    response = client.post(reverse("complaints:faq_action", args=[entry.pk, "reject"]), follow=True)
    with override("ar"):
        assert messages_of(response) == [gettext("Write the reason for rejecting the proposal.")]
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED


def test_editing_a_published_entry_is_refused_with_a_message(client, people):
    entry = published(people)
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:faq_edit", args=[entry.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("complaints:faq_detail", args=[entry.pk])
    assert response.context["actions"] == []


def test_list_filters_searches_and_puts_proposals_first_for_publishers(client, people):
    old = published(people, question="سؤال منشور عن الدوام")
    old.times_used = 3
    FaqEntry.objects.filter(pk=old.pk).update(times_used=3)
    waiting = propose(people["centres"], question="سؤال مقترح عن الدوام")
    rejected = propose(people["crm"], question="سؤال مرفوض")
    faq.faq_reject(entry=rejected, actor=people["crm_manager"], note="لا")
    url = reverse("complaints:faq_list")

    client.force_login(people["crm_manager"])
    response = client.get(url)
    assert list(response.context["page"])[0] == waiting
    assert response.context["awaiting_count"] == 1
    assert list(client.get(url, {"state": "rejected"}).context["page"]) == [rejected]
    assert set(client.get(url, {"q": "الدوام"}).context["page"]) == {old, waiting}

    client.force_login(people["crm"])
    response = client.get(url)
    assert list(response.context["page"])[0] == old  # the most used first
    assert response.context["awaiting_count"] == 0
    assert 'data-testid="awaiting"' not in response.content.decode()


def test_list_is_paginated_and_shows_an_empty_state(client, people):
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:faq_list"), {"q": "لا شيء"})
    assert "empty-state" in response.content.decode()
    for number in range(27):
        propose(people["crm"], question=f"سؤال {number}")
    response = client.get(reverse("complaints:faq_list"), {"page": 2})
    assert len(response.context["page"]) == 2


def test_detail_shows_history_and_the_inquiries_answered(client, people):
    entry = published(people)
    case = inquiry(people)
    services.case_answer_from_faq(case=case, actor=people["crm"], entry=entry)
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    content = response.content.decode()
    assert list(response.context["answered_cases"]) == [case]
    assert case.tracking_number in content
    assert len(response.context["transitions"]) == 1
    # Centres staff do not see the CRM queue's inquiry, only the count.
    client.force_login(people["centres"])
    response = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    assert list(response.context["answered_cases"]) == []
    assert case.tracking_number not in response.content.decode()


def test_withdraw_form_asks_for_confirmation(client, people):
    entry = published(people)
    client.force_login(people["crm_manager"])
    content = client.get(reverse("complaints:faq_detail", args=[entry.pk])).content.decode()
    assert 'data-testid="form-withdraw"' in content
    # Asked by static/js/confirm.js (loaded by base.html): no inline handler (CSP).
    assert 'data-confirm="' in content
    assert "onsubmit=" not in content and "onclick=" not in content


# --- answering an inquiry from the FAQ --------------------------------------------------


def test_answer_a_received_inquiry_from_the_faq(people):
    entry = published(people)
    case = inquiry(people)
    services.case_answer_from_faq(case=case, actor=people["crm"], entry=entry)
    case.refresh_from_db()
    entry.refresh_from_db()
    assert case.state == CaseState.REPLIED
    assert case.immediate_answer == entry.answer
    assert case.replied_at is not None
    assert case.faq_entry == entry
    assert entry.times_used == 1
    step = case.transitions.get()
    assert (step.source, step.target, step.note) == ("received", "replied", entry.answer)


@pytest.mark.parametrize("first_step", ["promise_callback", "start_study"])
def test_answer_after_a_callback_or_a_study_records_the_reply(people, first_step):
    entry = published(people)
    case = inquiry(people)
    if first_step == "promise_callback":
        services.case_promise_callback(case=case, actor=people["crm"])
    else:
        services.case_start_study(
            case=case, actor=people["crm"], causes="يحتاج مراجعة", assignee=people["crm"]
        )
    services.case_answer_from_faq(case=case, actor=people["crm"], entry=entry)
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    assert case.reply == entry.answer
    assert case.transitions.last().target == CaseState.REPLIED
    services.case_close(case=case, actor=people["crm"])


def test_only_inquiries_are_answered_from_the_faq(people, customers):
    entry = published(people)
    complaint = register(people["crm"], customers["donor"])
    with pytest.raises(services.CaseError):
        services.case_answer_from_faq(case=complaint, actor=people["crm"], entry=entry)
    complaint.refresh_from_db()
    entry.refresh_from_db()
    assert complaint.state == CaseState.RECEIVED
    assert entry.times_used == 0


@pytest.mark.parametrize("state", ["proposed", "rejected", "withdrawn"])
def test_only_published_entries_answer(people, state):
    entry = propose(people["crm"])
    if state == "rejected":
        faq.faq_reject(entry=entry, actor=people["crm_manager"], note="لا")
    elif state == "withdrawn":
        faq.faq_publish(entry=entry, actor=people["crm_manager"])
        faq.faq_withdraw(entry=entry, actor=people["crm_manager"], note="قديم")
    case = inquiry(people)
    with pytest.raises(services.CaseError):
        services.case_answer_from_faq(case=case, actor=people["crm"], entry=entry)
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert case.faq_entry is None


def test_an_entry_withdrawn_meanwhile_rolls_the_answer_back(people):
    entry = published(people)
    stale = FaqEntry.objects.get(pk=entry.pk)
    faq.faq_withdraw(entry=entry, actor=people["crm_manager"], note="قديم")
    case = inquiry(people)
    with pytest.raises(services.CaseError):
        services.case_answer_from_faq(case=case, actor=people["crm"], entry=stale)
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.RECEIVED
    assert not case.transitions.exists()


def test_times_used_increments_once_on_a_double_click(people):
    entry = published(people)
    case = inquiry(people)
    services.case_answer_from_faq(case=case, actor=people["crm"], entry=entry)
    with pytest.raises(services.CaseError):
        services.case_answer_from_faq(
            case=Case.objects.get(pk=case.pk), actor=people["crm"], entry=entry
        )
    entry.refresh_from_db()
    assert entry.times_used == 1
    other = inquiry(people)
    services.case_answer_from_faq(case=other, actor=people["crm"], entry=entry)
    entry.refresh_from_db()
    assert entry.times_used == 2


def test_answering_from_the_faq_needs_a_handler_of_the_queue(people, customers):
    entry = published(people)
    case = inquiry(people)
    for who in ("quality", "centres", "steward"):
        with pytest.raises(PermissionDenied):
            services.case_answer_from_faq(case=case, actor=people[who], entry=entry)
    beneficiary = register(people["centres"], customers["beneficiary"], kind="inquiry")
    services.case_answer_from_faq(case=beneficiary, actor=people["centres"], entry=entry)


def test_case_page_searches_the_published_faq_and_answers(client, people, english):
    entry = published(people, question="ما أوقات الدوام؟", answer="من الثامنة إلى الرابعة")
    propose(people["crm"], question="أوقات الدوام في رمضان")  # not published: not offered
    case = inquiry(people)
    client.force_login(people["crm"])
    url = reverse("complaints:detail", args=[case.pk])
    response = client.get(url)
    assert response.context["may_answer_from_faq"]
    assert response.context["faq_matches"] == []
    response = client.get(url, {"faq_q": "اوقات الدوام"})
    assert response.context["faq_matches"] == [entry]
    assert 'data-testid="faq-match"' in response.content.decode()
    response = client.post(
        reverse("complaints:action", args=[case.pk, "answer_from_faq"]),
        {"entry": entry.pk},
        follow=True,
    )
    assert messages_of(response) == [gettext("The inquiry was answered from the FAQ.")]
    case.refresh_from_db()
    assert case.faq_entry == entry
    assert case.state == CaseState.REPLIED
    assert not response.context["may_answer_from_faq"]
    assert 'data-testid="faq-entry"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.times_used == 1


def test_case_page_proposes_the_categorys_answers(client, people):
    category = CaseCategory.objects.create(name="المواعيد")
    entry = published(people)
    FaqEntry.objects.filter(pk=entry.pk).update(category=category)
    case = inquiry(people, category=category)
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:detail", args=[case.pk]))
    assert response.context["faq_matches"] == [entry]


def test_no_faq_box_for_complaints_or_for_the_quality_officer(client, people, customers):
    published(people)
    complaint = register(people["crm"], customers["donor"])
    client.force_login(people["crm"])
    assert not client.get(reverse("complaints:detail", args=[complaint.pk])).context[
        "may_answer_from_faq"
    ]
    case = inquiry(people)
    client.force_login(people["quality"])
    response = client.get(reverse("complaints:detail", args=[case.pk]))
    assert not response.context["may_answer_from_faq"]
    assert 'data-testid="faq-answer"' not in response.content.decode()


@pytest.mark.parametrize("who", ["quality", "steward"])
def test_answer_from_faq_action_is_refused_to_non_handlers(client, people, who):
    entry = published(people)
    case = inquiry(people)
    client.force_login(people[who])
    response = client.post(
        reverse("complaints:action", args=[case.pk, "answer_from_faq"]), {"entry": entry.pk}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.times_used == 0


def test_answer_from_faq_action_with_a_bad_entry_shows_a_message(client, people):
    case = inquiry(people)
    client.force_login(people["crm"])
    for value in ("", "abc", "99999"):
        response = client.post(
            reverse("complaints:action", args=[case.pk, "answer_from_faq"]),
            {"entry": value},
            follow=True,
        )
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
