"""The customer 360: the consent badge and the «الموافقات» card read the latest consent of
each channel and purpose inside the page's one query of badge counts, and each change is
in the timeline (who, when, how): the page costs no more queries with consents."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.services import consent_withdraw_by_link, consents_record, day_start

# The page as it is built (its queries, its context), not as customers.profile_cache keeps it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("profile_built")]


def page(client, customer, **query):
    response = client.get(reverse("customers:detail", args=[customer.pk]), query)
    assert response.status_code == 200
    return response


def queries_of(client, customer):
    with CaptureQueriesContext(connection) as queries:
        page(client, customer)
    return [query["sql"] for query in queries]


def give_and_withdraw(customer, people):
    consents_record(
        customer_id=customer.pk,
        changes={"sms.marketing": True, "email.surveys": True},
        at=day_start(datetime.date(2026, 11, 2)),
        source="form",
        evidence="النموذج رقم 7",
        actor=people["steward"],
    )
    consents_record(
        customer_id=customer.pk,
        changes={"email.marketing": True},
        at=timezone.now(),
        source="phone",
        actor=people["staff"],
    )
    consent_withdraw_by_link(customer_id=customer.pk, channel="email", purpose="marketing")


def test_the_card_lists_the_current_consent_of_each_channel_and_purpose(client, people, customer):
    give_and_withdraw(customer, people)
    client.force_login(people["staff"])
    response = page(client, customer)
    content = response.content.decode()
    card = content[content.index('data-testid="consents-panel"') :]
    card = card[: card.index("</table>")]
    assert "الموافقات" in content
    assert card.count("text-bg-success") == 2  # SMS marketing, email surveys
    assert card.count("text-bg-secondary") == 1  # email marketing, withdrawn by the link
    assert "رابط إلغاء الاشتراك" in card
    assert "مسموح ما لم تُسحب" in card  # service notices with no answer
    header = content[
        content.index('data-testid="c360-header"') : content.index("anchored-tabs-nav")
    ]
    assert "التسويق عبر: رسائل الجوال القصيرة" in header


def test_without_any_consent_the_badge_says_so(client, people, customer):
    client.force_login(people["staff"])
    content = page(client, customer).content.decode()
    assert "لا موافقة على رسائل التسويق" in content
    assert "غير ممنوحة" in content


def test_each_change_is_in_the_timeline_with_who_and_how(client, people, customer):
    give_and_withdraw(customer, people)
    client.force_login(people["staff"])
    entries = page(client, customer, kind="consents").context["timeline"].entries
    titles = [entry.title for entry in entries]
    assert "سحب الموافقة: التسويق والحملات عبر البريد الإلكتروني" in titles
    assert "منح الموافقة: التسويق والحملات عبر رسائل الجوال القصيرة" in titles
    given = next(e for e in entries if e.title.startswith("منح الموافقة: الاستبيانات"))
    assert given.detail == "نموذج إنشاء وتعديل معلومات العملاء · النموذج رقم 7"
    assert given.actor == people["steward"].get_full_name() or people["steward"].username
    assert given.when == day_start(datetime.date(2026, 11, 2))
    withdrawn = next(e for e in entries if e.title.startswith("سحب"))
    assert withdrawn.actor == ""  # the person, by the link


def test_the_page_costs_no_more_queries_with_consents(client, people, customer):
    """The badge and the card read the consents in the badges' one query; the timeline
    reads them in its two queries, shared with every other source (forms, cases…)."""
    consents_record(
        customer_id=customer.pk, changes={"sms.surveys": True}, at=timezone.now(), source="phone"
    )
    client.force_login(people["staff"])
    page(client, customer)  # the session, the permissions and the cached rows
    few = queries_of(client, customer)
    give_and_withdraw(customer, people)
    consent_withdraw_by_link(customer_id=customer.pk, channel="sms", purpose="surveys")
    many = queries_of(client, customer)
    assert len(many) == len(few)
    reading = [sql for sql in many if "messaging_consent" in sql]
    assert len(reading) == 3, reading
    badges, dates, rows = reading
    assert "badge_" in badges and "customers_customerrequest" in badges
    assert "customers_requesttransition" in dates  # one UNION ALL with the other sources
    assert "timeline_row" in rows


def test_a_sent_message_with_its_own_values_reads_on_the_timeline(client, people, customer):
    """A message's placeholder values (a survey invitation's link) come back from the
    timeline's JSON rows as a mapping on SQLite and PostgreSQL alike."""
    from messaging.choices import MessageState, RecipientStatus
    from messaging.models import Message, Recipient

    message = Message.objects.create(
        channel="sms",
        purpose="surveys",
        customer=customer,
        body="{الاسم}، رأيك يهمنا: {الرابط}",
        values={"link": "https://crm.example.org/public/surveys/i/abc/"},
        state=MessageState.SENT,
        created_by=people["staff"],
    )
    Recipient.objects.create(
        message=message,
        customer=customer,
        address=customer.mobile,
        status=RecipientStatus.DELIVERED,
        sent_at=timezone.now(),
    )
    client.force_login(people["manager"])
    html = page(client, customer, kind="messages").content.decode()
    assert "رأيك يهمنا: https://crm.example.org/public/surveys/i/abc/" in html
