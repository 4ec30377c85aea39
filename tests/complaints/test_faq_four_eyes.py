"""FAQ four-eyes rule (issue 10 item 15): whoever wrote the text being published, the
proposer or anyone who edited its question or answer since, cannot publish it; every edit
is kept (who changed what, when) and the entry credits its proposer, editors and publisher."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext, override

from complaints import faq, selectors
from complaints.errors import FaqError
from complaints.models import FaqEntry, FaqState
from tests.concurrency import run_together
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db

QUESTION = "ما مواعيد استلام السلال الغذائية؟"
ANSWER = "من الأحد إلى الخميس"


def propose(actor, question=QUESTION, answer=ANSWER):
    return faq.faq_propose(actor=actor, question=question, answer=answer)


def edit(entry, actor, question=None, answer=None, category=None):
    """Save the edit form of the entry as it is now, with these changes."""
    current = FaqEntry.objects.get(pk=entry.pk)
    return faq.faq_update(
        entry=current,
        actor=actor,
        question=question or current.question,
        answer=answer or current.answer,
        category=category,
    )


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- the rule -----------------------------------------------------------------------------


def test_a_manager_who_edited_the_answer_cannot_publish_it(people):
    """The bypass of the issue: a manager rewrites a staff member's answer, then publishes
    it as if the staff member's text had been checked by a second person."""
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="من الأحد إلى الخميس، من الثامنة حتى الرابعة")
    entry.refresh_from_db()
    with override("en"), pytest.raises(FaqError) as error:
        faq.faq_publish(entry=entry, actor=people["crm_manager"])
    assert "you wrote" in str(error.value)
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED
    assert not entry.transitions.exists()
    assert "publish" not in faq.available_actions(entry, people["crm_manager"])
    # Another manager, who wrote none of it, publishes it.
    assert "publish" in faq.available_actions(entry, people["centres_manager"])
    faq.faq_publish(entry=entry, actor=people["centres_manager"])
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED
    assert entry.decided_by == people["centres_manager"]


def test_editing_the_question_also_makes_an_author(people):
    entry = propose(people["crm"])
    edit(entry, people["centres_manager"], question="متى تُسلَّم السلال الغذائية؟")
    entry.refresh_from_db()
    assert set(entry.text_authors.all()) == {people["crm"], people["centres_manager"]}
    with pytest.raises(FaqError):
        faq.faq_publish(entry=entry, actor=people["centres_manager"])
    faq.faq_publish(entry=entry, actor=people["crm_manager"])


def test_a_manager_who_only_changed_the_category_may_publish(people):
    from complaints.models import CaseCategory

    category = CaseCategory.objects.create(name="التوزيع")
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], category=category)
    entry.refresh_from_db()
    assert entry.category == category
    assert list(entry.text_authors.all()) == [people["crm"]]
    faq.faq_publish(entry=entry, actor=people["crm_manager"])
    assert entry.state == FaqState.PUBLISHED


def test_saving_the_same_text_again_changes_nobody_s_credit(people):
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"])  # the form sent back unchanged
    entry.refresh_from_db()
    assert list(entry.text_authors.all()) == [people["crm"]]
    assert entry.history.count() == 1  # only the proposal
    faq.faq_publish(entry=entry, actor=people["crm_manager"])


def test_when_both_managers_edited_neither_publishes(people, make_user):
    from association import roles

    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="جواب المدير الأول")
    edit(entry, people["centres_manager"], answer="جواب المدير الثاني")
    entry.refresh_from_db()
    for manager in ("crm_manager", "centres_manager"):
        with pytest.raises(FaqError):
            faq.faq_publish(entry=entry, actor=people[manager])
    third = make_user(roles.CRM_MANAGER, username="crm_manager_2")
    faq.faq_publish(entry=entry, actor=third)
    entry.refresh_from_db()
    assert entry.state == FaqState.PUBLISHED


def test_the_proposer_of_a_manager_s_entry_still_cannot_publish_it(people):
    entry = propose(people["crm_manager"])
    with pytest.raises(FaqError):
        faq.faq_publish(entry=entry, actor=people["crm_manager"])
    assert list(entry.text_authors.all()) == [people["crm_manager"]]


def test_my_work_does_not_offer_a_manager_the_proposals_they_edited(people):
    entry = propose(people["crm"], question="سؤال الموظف")
    edit(entry, people["crm_manager"], answer="جواب عدله المدير")
    assert faq.faq_proposals_to_approve(people["crm_manager"]) is None
    other = faq.faq_proposals_to_approve(people["centres_manager"])
    assert [item.title for item in other.items] == [entry.question]
    assert list(selectors.faq_proposals_awaiting(people["crm_manager"])) == []


def test_a_publication_of_a_text_changed_since_the_page_was_opened_is_refused(people):
    """The publisher approves the text they read: an edit made after they opened the page
    (the revision they saw) stops the publication."""
    entry = propose(people["crm"])
    seen = FaqEntry.objects.get(pk=entry.pk).revision
    edit(entry, people["crm"], answer="جواب معدل بعد فتح الصفحة")
    with override("en"), pytest.raises(FaqError) as error:
        faq.faq_publish(
            entry=FaqEntry.objects.get(pk=entry.pk), actor=people["crm_manager"], revision=seen
        )
    assert "changed since you opened" in str(error.value)
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED
    faq.faq_publish(entry=entry, actor=people["crm_manager"], revision=entry.revision)
    assert entry.state == FaqState.PUBLISHED


# --- the edit history ---------------------------------------------------------------------


def test_every_edit_is_kept_with_its_editor_and_what_changed(people):
    entry = propose(people["crm"])
    edit(entry, people["crm"], question="ما مواعيد توزيع السلال؟")
    edit(entry, people["crm_manager"], answer="كل يوم أحد")
    entry.refresh_from_db()
    faq.faq_publish(entry=entry, actor=people["centres_manager"])
    changes = faq.edit_history(entry)
    assert [(change.user, change.kind) for change in changes] == [
        (people["centres_manager"], "published"),
        (people["crm_manager"], "edited"),
        (people["crm"], "edited"),
        (people["crm"], "proposed"),
    ]
    answer_change = changes[1].fields
    assert [(field.name, field.old, field.new) for field in answer_change] == [
        ("answer", ANSWER, "كل يوم أحد")
    ]
    assert [field.name for field in changes[2].fields] == ["question"]


def test_credit_lists_the_proposer_the_editors_and_the_publisher(people):
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="جواب المدير")
    entry.refresh_from_db()
    faq.faq_publish(entry=entry, actor=people["centres_manager"])
    credit = faq.credit(entry)
    assert credit.proposed_by == people["crm"]
    assert credit.edited_by == [people["crm_manager"]]
    assert credit.decided_by == people["centres_manager"]


# --- pages --------------------------------------------------------------------------------


def test_edit_then_publish_through_the_pages_is_refused(client, people, english):
    entry = propose(people["crm"])
    client.force_login(people["crm_manager"])
    response = client.post(
        reverse("complaints:faq_edit", args=[entry.pk]),
        {"question": entry.question, "answer": "جواب كتبه المدير"},
    )
    assert response.status_code == 302
    page = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    assert "publish" not in page.context["actions"]
    content = page.content.decode()
    assert 'data-testid="self-authored"' in content
    response = client.post(
        reverse("complaints:faq_action", args=[entry.pk, "publish"]),
        {"revision": FaqEntry.objects.get(pk=entry.pk).revision},
        follow=True,
    )
    assert messages_of(response) == [
        gettext(
            "You cannot publish an FAQ entry whose text you wrote or edited: "
            "another manager publishes it."
        )
    ]
    entry.refresh_from_db()
    assert entry.state == FaqState.PROPOSED
    assert not entry.transitions.exists()


def test_the_publish_form_carries_the_revision_read(client, people, english):
    entry = propose(people["crm"])
    client.force_login(people["centres_manager"])
    page = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    assert f'name="revision" value="{entry.revision}"' in page.content.decode()
    edit(entry, people["crm"], answer="جواب جديد")
    response = client.post(
        reverse("complaints:faq_action", args=[entry.pk, "publish"]),
        {"revision": entry.revision},
        follow=True,
    )
    assert "changed since you opened" in messages_of(response)[0]
    assert FaqEntry.objects.get(pk=entry.pk).state == FaqState.PROPOSED


def test_the_entry_page_shows_the_credit_and_the_edit_history(client, people):
    people["crm"].first_name, people["crm"].last_name = "خالد", "الحربي"
    people["crm"].save()
    people["crm_manager"].first_name = "منيرة"
    people["crm_manager"].save()
    people["centres_manager"].first_name = "سارة"
    people["centres_manager"].save()
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="جواب عدلته منيرة")
    entry.refresh_from_db()
    faq.faq_publish(entry=entry, actor=people["centres_manager"])
    client.force_login(people["crm"])
    response = client.get(reverse("complaints:faq_detail", args=[entry.pk]))
    content = response.content.decode()
    assert 'data-testid="credit-proposed"' in content
    assert 'data-testid="credit-edited"' in content and "منيرة" in content
    assert 'data-testid="credit-published"' in content and "سارة" in content
    assert 'data-testid="edit-history"' in content
    assert "جواب عدلته منيرة" in content and ANSWER in content  # new and old texts
    assert "None" not in content


def test_the_list_shows_who_proposed_and_who_edited(client, people):
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="جواب المدير")
    client.force_login(people["centres_manager"])
    response = client.get(reverse("complaints:faq_list"))
    assert 'data-testid="edited-badge"' in response.content.decode()


def test_the_admin_shows_the_history(admin_client, people):
    entry = propose(people["crm"])
    edit(entry, people["crm_manager"], answer="جواب المدير")
    response = admin_client.get(reverse("admin:complaints_faqentry_history", args=[entry.pk]))
    assert response.status_code == 200
    assert "جواب المدير" in response.content.decode()


# --- two at once (PostgreSQL) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_edit_and_a_publication_at_once_never_publish_an_unread_text(people):
    """A manager edits while another publishes the revision they read: either the
    publication comes first (the edit then finds a published entry) or the edit does (the
    publication then finds another revision); never both."""
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent transactions need PostgreSQL (SQLite serialises writers)")
    entry = propose(people["crm"])
    seen = entry.revision

    def publish():
        return faq.faq_publish(
            entry=FaqEntry.objects.get(pk=entry.pk), actor=people["centres_manager"], revision=seen
        )

    def rewrite():
        return edit(entry, people["crm_manager"], answer="نص كتبه المدير في اللحظة نفسها")

    outcomes = run_together(publish, rewrite)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    entry.refresh_from_db()
    if entry.state == FaqState.PUBLISHED:
        assert entry.answer == ANSWER
    else:
        assert entry.answer.startswith("نص كتبه المدير")
