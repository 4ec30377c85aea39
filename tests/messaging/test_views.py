"""The staff's messaging pages: who may open them, segments with their live audience, the
compose form and its refusals, the message page's steps, the test to oneself, the progress
and recipients fragments, «عملي» and the customer's timeline."""

import datetime
import itertools

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from association import roles
from association.models import StaffProfile
from core.consent import ConsentChannel, ConsentPurpose, ConsentSource
from customers.models import Customer
from messaging import services
from messaging.backends import locmem
from messaging.choices import MessageState, RecipientStatus
from messaging.models import Consent, Message, MessageTransition, MessagingSettings, Segment

codes = itertools.count(710001)


def customer(name="عميل", mobile="", email="", kind="beneficiary", consent=True, city=None):
    person = Customer.objects.create(
        code=next(codes), name=name, kind=kind, mobile=mobile, email=email, city=city
    )
    if consent is not None:
        for channel in (ConsentChannel.SMS, ConsentChannel.EMAIL):
            Consent.objects.create(
                customer=person,
                channel=channel,
                purpose=ConsentPurpose.MARKETING,
                given=consent,
                at=timezone.now(),
                source=ConsentSource.FORM,
            )
    return person


@pytest.fixture(autouse=True)
def _clean_outbox():
    locmem.outbox.clear()


@pytest.fixture(autouse=True)
def _sending_all_day(db):
    """Whatever the hour the tests run at, promotional messages may go out."""
    MessagingSettings.objects.update_or_create(
        pk=1,
        defaults={"quiet_start": datetime.time(0, 0), "quiet_end": datetime.time.max},
    )


@pytest.fixture
def crowd(db):
    return {
        "sara": customer("سارة", "+966500000021"),
        "khalid": customer("خالد", "+966500000022", kind="donor"),
        "mona": customer("منى", "+966500000023", consent=False),
        "ali": customer("علي", email="ali@example.org"),
    }


@pytest.fixture
def writer(make_user):
    user = make_user(roles.CRM_STAFF, username="writer")
    StaffProfile.objects.create(user=user, mobile="+966511111111")
    return user


@pytest.fixture
def manager(make_user):
    return make_user(roles.CRM_MANAGER, username="manager")


@pytest.fixture
def segment(writer):
    return services.segment_create(name="الجميع", criteria={}, actor=writer)


def draft(writer, segment=None, body="السلام عليكم {الاسم}", **extra):
    return services.message_create(
        channel=extra.pop("channel", "sms"),
        purpose=extra.pop("purpose", "marketing"),
        body=body,
        segment=segment,
        actor=writer,
        **extra,
    )


# --- who may open what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.CRM_STAFF, True),
        (roles.CRM_MANAGER, True),
        (roles.CENTRES_STAFF, False),
        (roles.CENTRES_MANAGER, False),
        (roles.QUALITY_OFFICER, False),
        (roles.MANAGEMENT, False),
        (roles.DATA_STEWARD, False),
    ],
    ids=lambda value: getattr(value, "code", str(value)),
)
def test_the_pages_open_for_the_crm_department_only(client, make_user, role, allowed, segment):
    client.force_login(make_user(role))
    message = draft(segment.created_by, segment)
    for url in (
        reverse("messaging:message_list"),
        reverse("messaging:message_create"),
        reverse("messaging:message_detail", args=[message.pk]),
        reverse("messaging:message_progress", args=[message.pk]),
        reverse("messaging:segment_list"),
        reverse("messaging:segment_create"),
        reverse("messaging:segment_detail", args=[segment.pk]),
        reverse("messaging:segment_edit", args=[segment.pk]),
        reverse("messaging:audience") + f"?segment={segment.pk}&channel=sms&purpose=marketing",
    ):
        response = client.get(url, HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == (200 if allowed else 403), url


def test_administrators_open_everything(admin_client, segment):
    message = draft(segment.created_by, segment)
    assert (
        admin_client.get(reverse("messaging:message_detail", args=[message.pk])).status_code == 200
    )
    assert admin_client.get(reverse("messaging:segment_create")).status_code == 200


# --- segments ------------------------------------------------------------------------------


def test_a_segment_is_built_from_the_criteria_and_counted(client, manager, crowd):
    client.force_login(manager)
    page = client.get(reverse("messaging:segment_create"))
    assert 'name="kind"' in page.content.decode()
    assert 'name="city"' in page.content.decode()
    response = client.post(
        reverse("messaging:segment_create"),
        {"name": "المانحون", "kind": ["donor"], "channel": "sms", "purpose": "marketing"},
    )
    segment = Segment.objects.get(name="المانحون")
    assert response.status_code == 302
    assert segment.criteria == {"kind": ["donor"]}
    assert segment.created_by == manager
    listing = client.get(reverse("messaging:segment_list")).content.decode()
    assert "المانحون" in listing
    detail = client.get(reverse("messaging:segment_detail", args=[segment.pk])).content.decode()
    assert 'data-testid="segment-history"' in detail
    assert 'data-recipients="1"' in detail  # khalid, a donor who agreed


def test_the_count_button_counts_without_saving(client, manager, crowd):
    client.force_login(manager)
    response = client.post(
        reverse("messaging:segment_create"),
        {
            "name": "",
            "kind": ["beneficiary"],
            "channel": "sms",
            "purpose": "marketing",
            "count": "1",
        },
    )
    assert response.status_code == 200
    assert not Segment.objects.exists()
    html = response.content.decode()
    # sara agreed; mona did not; ali has no mobile.
    assert 'data-recipients="1"' in html
    assert "No consent for this purpose" in html or "لا موافقة" in html or "consent" in html


def test_the_audience_fragment_counts_by_reason(client, manager, crowd):
    client.force_login(manager)
    url = reverse("messaging:audience")
    client.defaults["HTTP_X_REQUESTED_WITH"] = "fetch"
    response = client.get(url, {"criteria": "1", "channel": "sms", "purpose": "marketing"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-recipients="2"' in html
    email = client.get(url, {"criteria": "1", "channel": "email", "purpose": "marketing"})
    assert 'data-recipients="1"' in email.content.decode()
    nothing = client.get(url, {"channel": "sms", "purpose": "marketing"})
    assert 'data-recipients="0"' in nothing.content.decode()
    bad = client.get(url, {"criteria": "1", "channel": "fax", "purpose": "marketing"})
    assert bad.status_code == 200 and 'data-recipients="0"' in bad.content.decode()


def test_the_fragments_opened_as_pages_lead_to_their_page(client, writer, segment):
    client.force_login(writer)
    message = draft(writer, segment)
    progress = client.get(reverse("messaging:message_progress", args=[message.pk]))
    assert progress["Location"] == reverse("messaging:message_detail", args=[message.pk])
    counted = client.get(reverse("messaging:audience"), {"segment": segment.pk})
    assert counted["Location"].startswith(reverse("messaging:segment_detail", args=[segment.pk]))
    assert client.get(reverse("messaging:audience"))["Location"] == reverse(
        "messaging:segment_list"
    )


def test_editing_a_segment_keeps_its_history(client, manager, segment):
    client.force_login(manager)
    response = client.post(
        reverse("messaging:segment_edit", args=[segment.pk]),
        {"name": "الجميع", "description": "كل العملاء", "channel": "sms", "purpose": "marketing"},
    )
    assert response.status_code == 302
    page = client.get(reverse("messaging:segment_detail", args=[segment.pk])).content.decode()
    assert segment.history.count() == 2
    assert "manager" in page or "سارة" in page


def test_a_segment_name_is_unique(client, manager, segment):
    client.force_login(manager)
    response = client.post(
        reverse("messaging:segment_create"),
        {"name": "الجميع", "channel": "sms", "purpose": "marketing"},
    )
    assert response.status_code == 200
    assert Segment.objects.count() == 1


# --- compose -------------------------------------------------------------------------------


def _compose(client, **data):
    values = {"channel": "sms", "purpose": "marketing", "body": "مرحبا {الاسم}"}
    values.update(data)
    return client.post(reverse("messaging:message_create"), values)


def test_a_message_to_a_segment_is_saved_as_a_draft(client, writer, segment, crowd):
    client.force_login(writer)
    page = client.get(reverse("messaging:message_create") + f"?segment={segment.pk}")
    html = page.content.decode()
    assert 'data-testid="sms-counter"' in html
    assert 'data-insert="{الاسم}"' in html
    assert 'data-recipients="2"' in html  # sara and khalid, by SMS for marketing
    response = _compose(client, segment=segment.pk)
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:message_detail", args=[message.pk])
    assert message.state == MessageState.DRAFT and message.created_by == writer


def test_a_message_to_one_customer(client, writer, crowd):
    client.force_login(writer)
    response = _compose(client, customer=str(crowd["sara"].code), purpose="service")
    assert response.status_code == 302
    assert Message.objects.get().customer == crowd["sara"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": "مرحبا {اللقب}"}, "{اللقب}"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 6000}, "body"),
        ({"body": "ع" * 700}, "body"),
        ({"channel": "email", "subject": ""}, "subject"),
        ({"segment": None}, "segment"),
    ],
    ids=["unknown placeholder", "empty", "huge", "too many parts", "email subject", "nobody"],
)
def test_compose_refusals_come_back_with_the_reason(client, writer, segment, data, error):
    client.force_login(writer)
    values = {"segment": segment.pk, **data}
    values = {key: value for key, value in values.items() if value is not None}
    response = _compose(client, **values)
    assert response.status_code == 200
    assert not Message.objects.exists()
    form = response.context["form"]
    assert form.errors
    if error.startswith("{"):
        assert error in " ".join(form.non_field_errors())


def test_the_unsubscribe_line_of_a_marketing_sms_is_counted_and_billed(client, writer, segment):
    """The gateway bills a marketing SMS with its unsubscribe line: the counter, the cost and
    the limit of parts count it; a service notice carries none."""
    from messaging.sending import sms_unsubscribe_lines

    line = sms_unsubscribe_lines()["marketing"]
    assert "service" not in sms_unsubscribe_lines()
    client.force_login(writer)
    page = client.get(reverse("messaging:message_create") + f"?segment={segment.pk}")
    assert page.context["unsubscribe_characters"] == len(line)
    assert page.context["length"].parts == 2  # an empty text and the line: Arabic, over 70
    ten_parts = "ع" * (10 * 67)
    refused = _compose(client, segment=segment.pk, body=ten_parts)
    assert refused.status_code == 200 and "body" in refused.context["form"].errors
    assert (
        _compose(client, segment=segment.pk, body=ten_parts, purpose="service").status_code == 302
    )
    message = Message.objects.get()
    marketing = _compose(client, segment=segment.pk, body="مرحبا {الاسم}")
    assert marketing.status_code == 302
    detail = client.get(marketing["Location"])
    assert detail.context["length"].parts == 2 and detail.context["with_unsubscribe_line"]
    assert not client.get(reverse("messaging:message_detail", args=[message.pk])).context[
        "with_unsubscribe_line"
    ]


def test_a_segment_and_a_customer_both_chosen_are_refused(client, writer, segment, crowd):
    client.force_login(writer)
    response = _compose(client, segment=segment.pk, customer=str(crowd["sara"].code))
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert response.context["form"].non_field_errors()


def test_unknown_placeholder_reads_in_arabic(client, writer, segment):
    client.force_login(writer)
    response = _compose(client, segment=segment.pk, body="مرحبا {اللقب}", HTTP_ACCEPT_LANGUAGE="ar")
    client.cookies["django_language"] = "ar"
    with pytest.MonkeyPatch.context():
        from django.utils import translation

        with translation.override("ar"):
            response = _compose(client, segment=segment.pk, body="مرحبا {اللقب}")
    errors = " ".join(response.context["form"].non_field_errors())
    assert "{اللقب}" in errors
    assert "Unknown" not in errors


def test_email_html_is_sanitised(client, writer, segment):
    client.force_login(writer)
    _compose(
        client,
        segment=segment.pk,
        channel="email",
        subject="نشرة",
        html_body='<p onclick="x()">مرحبا</p><script>alert(1)</script>',
    )
    message = Message.objects.get()
    assert "<script" not in message.html_body and "onclick" not in message.html_body


def test_tracking_and_link_values_fill_their_placeholders(client, writer, crowd):
    client.force_login(writer)
    response = _compose(
        client,
        customer=str(crowd["sara"].code),
        purpose="service",
        body="رقم طلبك {رقم_المتابعة} {الرابط}",
        tracking="C-1001",
        link="https://example.org/t",
    )
    assert response.status_code == 302
    assert Message.objects.get().values == {"tracking": "C-1001", "link": "https://example.org/t"}


# --- the message page and its steps --------------------------------------------------------


def _step(client, message, action, **data):
    return client.post(reverse("messaging:message_step", args=[message.pk, action]), data)


def test_a_small_draft_is_sent_from_its_page(
    client, writer, segment, crowd, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    message = draft(writer, segment)
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="action-schedule"' in page
    assert 'data-testid="step-bar"' in page or "step" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _step(client, message, "schedule", at="")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert len(locmem.outbox) == 2
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert page.count('data-testid="recipient-row"') == 4
    assert "050 000 0021" in page  # the local way
    filtered = client.get(
        reverse("messaging:message_detail", args=[message.pk]), {"status": "skipped"}
    ).content.decode()
    assert filtered.count('data-testid="recipient-row"') == 2
    fragment = client.get(
        reverse("messaging:message_progress", args=[message.pk]), HTTP_X_REQUESTED_WITH="fetch"
    )
    html = fragment.content.decode()
    assert "<html" not in html and "data-refresh-url" not in html  # sent: no more refresh
    assert 'value="2"' in html


def test_a_large_marketing_draft_is_sent_for_approval_and_approved_by_the_manager(
    client, writer, manager, segment, crowd, django_capture_on_commit_callbacks
):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": 1})
    message = draft(writer, segment)
    client.force_login(writer)
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="needs-approval"' in page
    assert 'data-testid="action-schedule"' not in page
    refused = _step(client, message, "schedule", at="")
    assert refused.status_code == 302
    message.refresh_from_db()
    assert message.state == MessageState.DRAFT
    _step(client, message, "submit")
    message.refresh_from_db()
    assert message.state == MessageState.AWAITING_APPROVAL
    # The writer cannot approve, even holding the permission.
    writer_page = client.get(
        reverse("messaging:message_detail", args=[message.pk])
    ).content.decode()
    assert 'data-testid="action-approve"' not in writer_page
    # The manager sees it in «عملي» and approves it.
    client.force_login(manager)
    from messaging.registrations import messages_to_approve

    section = messages_to_approve(manager)
    assert section is not None and section.items[0].url.endswith(f"/{message.pk}/")
    assert messages_to_approve(writer) is None
    manager_page = client.get(
        reverse("messaging:message_detail", args=[message.pk])
    ).content.decode()
    assert 'data-testid="action-approve"' in manager_page
    _step(client, message, "approve", note="")
    message.refresh_from_db()
    assert message.state == MessageState.APPROVED and message.approved_by == manager


def test_the_manager_cannot_approve_their_own_message(client, manager, segment, crowd):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": 1})
    message = draft(manager, segment)
    client.force_login(manager)
    _step(client, message, "submit")
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="action-approve"' not in page
    _step(client, message, "approve")
    message.refresh_from_db()
    assert message.state == MessageState.AWAITING_APPROVAL


def test_returning_needs_a_note(client, writer, manager, segment, crowd):
    MessagingSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": 1})
    message = draft(writer, segment)
    client.force_login(writer)
    _step(client, message, "submit")
    client.force_login(manager)
    response = _step(client, message, "return_to_draft", note="")
    assert response.status_code == 200  # the form again, with the reason
    message.refresh_from_db()
    assert message.state == MessageState.AWAITING_APPROVAL
    _step(client, message, "return_to_draft", note="غيّر النص")
    message.refresh_from_db()
    assert message.state == MessageState.DRAFT


def test_a_message_is_cancelled_and_unknown_steps_are_404(client, writer, segment):
    message = draft(writer, segment)
    client.force_login(writer)
    assert _step(client, message, "launch").status_code == 404
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert "data-confirm" in page
    _step(client, message, "cancel", note="")
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED


def test_pause_and_resume_from_the_page(client, writer, segment, crowd):
    message = draft(writer, segment)
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING)
    client.force_login(writer)
    page = client.get(reverse("messaging:message_detail", args=[message.pk])).content.decode()
    assert 'data-testid="action-pause"' in page
    assert "data-refresh-url" in page
    _step(client, message, "pause")
    message.refresh_from_db()
    assert message.state == MessageState.PAUSED
    _step(client, message, "resume")
    message.refresh_from_db()
    assert message.state == MessageState.SENDING


def test_a_test_to_myself_by_sms(client, writer, segment, crowd):
    message = draft(writer, segment)
    client.force_login(writer)
    response = client.post(reverse("messaging:message_test_send", args=[message.pk]))
    assert response.status_code == 302
    assert [sms.to for sms in locmem.outbox] == ["+966511111111"]
    assert "سارة العتيبي" in locmem.outbox[0].body  # their own name in {الاسم}
    assert not message.recipients.exists()
    note = MessageTransition.objects.filter(message=message).latest("pk").note
    assert "051 111 1111" in note


def test_a_test_to_myself_by_email(client, writer, segment):
    message = draft(writer, segment, channel="email", subject="نشرة")
    client.force_login(writer)
    client.post(reverse("messaging:message_test_send", args=[message.pk]))
    assert [m.to for m in mail.outbox] == [[writer.email]]


def test_a_test_without_a_mobile_is_refused_with_a_message(client, manager, segment):
    message = draft(manager, segment)
    client.force_login(manager)
    response = client.post(reverse("messaging:message_test_send", args=[message.pk]), follow=True)
    assert not locmem.outbox
    assert list(response.context["messages"])


def test_the_list_filters_and_searches(client, writer, manager, segment):
    first = draft(writer, segment, body="نشرة رمضان")
    draft(manager, segment, body="دعوة للاستبيان", purpose="surveys")
    client.force_login(writer)
    url = reverse("messaging:message_list")
    assert client.get(url).content.decode().count('data-testid="message-row"') == 2
    searched = client.get(url, {"q": "رمضان"}).content.decode()
    assert searched.count('data-testid="message-row"') == 1
    assert reverse("messaging:message_detail", args=[first.pk]) in searched
    by_purpose = client.get(url, {"purpose": "surveys"}).content.decode()
    assert by_purpose.count('data-testid="message-row"') == 1
    by_writer = client.get(url, {"writer": writer.pk}).content.decode()
    assert by_writer.count('data-testid="message-row"') == 1
    by_state = client.get(url, {"state": "sent"}).content.decode()
    assert by_state.count('data-testid="message-row"') == 0


# --- the customer's timeline -----------------------------------------------------------------


def test_each_message_sent_appears_on_the_customer_timeline(
    client, writer, segment, crowd, django_capture_on_commit_callbacks, make_user
):
    message = draft(writer, segment, body="أهلا {الاسم}")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_schedule(message=message, actor=writer)
    assert message.recipients.filter(status=RecipientStatus.SENT).count() == 2
    client.force_login(writer)
    page = client.get(reverse("customers:detail", args=[crowd["sara"].pk])).content.decode()
    assert "أهلا سارة" in page
    # Who may not read messages does not see them.
    client.force_login(make_user(roles.DATA_STEWARD))
    page = client.get(reverse("customers:detail", args=[crowd["sara"].pk])).content.decode()
    assert "أهلا سارة" not in page


def test_the_timeline_reads_messages_in_a_fixed_number_of_queries(
    writer, segment, crowd, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers import timeline

    def send(body):
        message = draft(writer, segment, body=body)
        with django_capture_on_commit_callbacks(execute=True):
            services.message_schedule(message=message, actor=writer)

    def read():
        customer = Customer.objects.get(pk=crowd["sara"].pk)
        with CaptureQueriesContext(connection) as queries:
            shown = timeline.customer_timeline(customer, writer, kind="messages")
        return shown.entries, len(queries)

    send("الأولى {الاسم}")
    timeline.customer_timeline(Customer.objects.get(pk=crowd["sara"].pk), writer)
    entries, few = read()
    assert [entry.detail for entry in entries] == ["الأولى سارة"]
    for number in range(3):
        send(f"رسالة {number} {{الاسم}}")
    entries, many = read()
    assert len(entries) == 4 and many == few
    assert entries[0].url.startswith("/messaging/")


@pytest.mark.parametrize(
    "state",
    ["small draft", "large draft", "awaiting_approval", "approved", "sending", "paused", "sent"],
)
def test_the_page_offers_exactly_the_steps_the_services_accept(
    state, writer, manager, segment, crowd, make_user
):
    from django.core.exceptions import PermissionDenied

    from messaging import views
    from messaging.errors import MessagingError
    from tests.core.test_workflow import assert_actions_match_services

    if state == "large draft":
        MessagingSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": 1})
    message = draft(writer, segment)
    if "draft" not in state:
        Message.objects.filter(pk=message.pk).update(state=state)
    people = {
        "writer": writer,
        "manager": manager,
        "other staff": make_user(roles.CRM_STAFF),
        "quality": make_user(roles.QUALITY_OFFICER),
    }
    calls = {
        "schedule": lambda m, u: services.message_schedule(message=m, actor=u),
        "submit": lambda m, u: services.message_submit(message=m, actor=u),
        "approve": lambda m, u: services.message_approve(message=m, actor=u),
        "return_to_draft": lambda m, u: services.message_return(message=m, actor=u, note="x"),
        "pause": lambda m, u: services.message_pause(message=m, actor=u),
        "resume": lambda m, u: services.message_resume(message=m, actor=u),
        "cancel": lambda m, u: services.message_cancel(message=m, actor=u),
    }
    assert_actions_match_services(
        lambda: Message.objects.get(pk=message.pk),
        people,
        calls,
        lambda m, u: views._available(m, u)[0],
        MessagingError,
        PermissionDenied,
    )


def test_the_lists_read_a_fixed_number_of_queries(
    client, writer, crowd, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(writer)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = services.segment_create(name="س1", criteria={"kind": ["donor"]}, actor=writer)
    draft(writer, first)
    client.get(reverse("messaging:message_list"))  # caches and permissions read once
    few = (queries(reverse("messaging:segment_list")), queries(reverse("messaging:message_list")))
    for number in range(2, 7):
        segment = services.segment_create(
            name=f"س{number}", criteria={"kind": ["beneficiary"]}, actor=writer
        )
        draft(writer, segment)
    many = (queries(reverse("messaging:segment_list")), queries(reverse("messaging:message_list")))
    assert many == few
    page = client.get(reverse("messaging:segment_list")).content.decode()
    assert page.count('data-testid="segment-count"') == 6


def test_the_segment_counts_are_kept_until_a_customer_changes(client, writer, crowd):
    """A count over every customer grows with the table: the list and the segment's page keep
    it (topic `audience`), and a new customer renews it at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(writer)
    segment = services.segment_create(name="الكل", criteria={}, actor=writer)
    pages = (
        reverse("messaging:segment_list"),
        reverse("messaging:segment_detail", args=[segment.pk]),
    )
    before = Customer.objects.filter(is_active=True).count()
    for url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as again:
            page = client.get(url).content.decode()
        assert not [q for q in again.captured_queries if "customers_customer" in q["sql"]]
        assert f">{before}<" in page.replace("\u200f", "")
    customer("جديد", "+966500000099")
    for url in pages:
        assert f">{before + 1}<" in client.get(url).content.decode().replace("\u200f", "")
