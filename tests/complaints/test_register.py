"""The complaints register (manual 5.1.6): columns, every filter, the search box, the
visibility of each queue, and the XLSX export."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from association import roles
from complaints import exports, services
from complaints.filters import CaseFilterForm
from complaints.models import Case, CaseCategory, CaseState
from complaints.presentation import deadline_state, duration_label
from tests.helpers import user_with
from tests.xlsx_checks import (
    assert_date_cell,
    assert_prints_one_page_wide,
    assert_text_cell_as_typed,
)

from .conftest import register

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
LIST = "complaints:list"
EXPORT = "complaints:export"


def riyadh(*args):
    return datetime.datetime(*args, tzinfo=RIYADH)


def listed(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return list(response.context["page"])


def ar(text):
    with translation.override("ar"):
        return str(text)


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (datetime.timedelta(minutes=45), "45 minutes"),
        (datetime.timedelta(minutes=1), "1 minute"),
        (datetime.timedelta(hours=3, minutes=10), "3 hours"),
        (datetime.timedelta(hours=1), "1 hour"),
        (datetime.timedelta(hours=23, minutes=20), "23 hours"),
        (datetime.timedelta(hours=23, minutes=40), "1 day"),
        (datetime.timedelta(days=2, hours=3), "2 days"),
    ],
)
def test_duration_label(delta, expected):
    with translation.override("en"):
        assert duration_label(delta) == expected


def test_duration_label_of_no_reply_is_empty():
    assert duration_label(None) == ""


def test_deadline_state(people):
    now = timezone.now()
    case = Case(received_at=now, answer_due_at=now + datetime.timedelta(hours=5))
    assert deadline_state(case, now) == ""
    case.replied_at = now + datetime.timedelta(hours=1)
    assert deadline_state(case, now) == "within"
    case.replied_at = now + datetime.timedelta(hours=6)
    assert deadline_state(case, now) == "late"
    case.replied_at = None
    assert deadline_state(case, now + datetime.timedelta(hours=6)) == "late"


# --- columns ----------------------------------------------------------------------------------


def test_list_shows_reply_date_time_to_reply_and_deadline_state(client, people):
    case = register(people["crm"], received_at=timezone.now() - datetime.timedelta(hours=3))
    services.case_answer_immediately(case=case, actor=people["crm"], answer="تم")
    client.force_login(people["crm"])
    response = client.get(reverse(LIST))
    content = response.content.decode()
    [row] = response.context["page"]
    assert row.reply_time_label
    assert row.deadline_state == "within"
    assert 'data-testid="reply-time"' in content
    assert row.reply_time_label in content


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def crm_client(client, people):
    client.force_login(people["crm_manager"])
    return client


def test_filter_by_department_centre_and_category(client, people, customers, places):
    food = CaseCategory.objects.create(name="السلال الغذائية")
    other = CaseCategory.objects.create(name="المواعيد")
    in_mine = register(people["centres"], customers["beneficiary"], category=food)
    in_other = register(people["centres_manager"], customers["beneficiary_other"], category=other)
    donor = register(people["crm"], customers["donor"], category=food)
    # The quality officer reads both queues.
    admin = user_with(roles.QUALITY_OFFICER, "analyst")
    client.force_login(admin)
    assert set(listed(client, routed_to="centres")) == {in_mine, in_other}
    assert listed(client, routed_to="crm") == [donor]
    assert listed(client, centre=places["other"].pk) == [in_other]
    assert set(listed(client, category=food.pk)) == {in_mine, donor}
    assert listed(client, category=food.pk, routed_to="centres") == [in_mine]


def test_filter_by_state_open_closed_and_overdue(crm_client, people):
    overdue = register(people["crm"], received_at=timezone.now() - datetime.timedelta(days=10))
    closed = register(people["crm"])
    services.case_answer_immediately(case=closed, actor=people["crm"], answer="تم")
    services.case_close(case=closed, actor=people["crm"])
    fresh = register(people["crm"], received_at=timezone.now() + datetime.timedelta(days=10))
    assert set(listed(crm_client, state="open")) == {overdue, fresh}
    assert listed(crm_client, state="closed") == [closed]
    assert listed(crm_client, state="received", overdue="on") == [overdue]


def test_period_uses_riyadh_local_dates_inclusive(crm_client, people):
    # 00:10 in Riyadh on 1 March is still 28 February in UTC.
    early = register(people["crm"], received_at=riyadh(2026, 3, 1, 0, 10))
    late = register(people["crm"], received_at=riyadh(2026, 3, 31, 23, 50))
    before = register(people["crm"], received_at=riyadh(2026, 2, 28, 23, 50))
    after = register(people["crm"], received_at=riyadh(2026, 4, 1, 0, 5))
    march = listed(crm_client, date_from="2026-03-01", date_to="2026-03-31")
    assert set(march) == {early, late}
    assert set(listed(crm_client, date_to="2026-02-28")) == {before}
    assert set(listed(crm_client, date_from="2026-04-01")) == {after}
    assert set(listed(crm_client, date_from="2026-03-31", date_to="2026-03-31")) == {late}


def test_period_backwards_is_refused_and_ignored(crm_client, people):
    case = register(people["crm"])
    response = crm_client.get(
        reverse(LIST), {"date_from": "2026-03-10", "date_to": "2026-03-01", "kind": "inquiry"}
    )
    assert "date_to" in response.context["filter_form"].errors
    # The valid filters still apply, the invalid period is left out.
    assert list(response.context["page"]) == []
    assert listed(crm_client, date_from="2026-03-10", date_to="2026-03-01") == [case]


def test_bad_filter_values_are_ignored(crm_client, people):
    case = register(people["crm"])
    assert listed(crm_client, centre="999999", category="x", state="nope", date_from="x") == [case]


# --- search -----------------------------------------------------------------------------------


@pytest.fixture
def searchable(people, customers):
    return {
        "food": register(
            people["crm"], subject="تأخر توزيع السلة الغذائية", contact_name="أحمد علي"
        ),
        "mobile": register(
            people["crm"],
            subject="موعد الزيارة",
            contact_name="فاطمة",
            contact_mobile="+966501234567",
        ),
        "donor": register(people["crm"], customers["donor"], subject="إيصال التبرع"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("السله", "food"),  # ة typed as ه
        ("تاخر", "food"),  # أ typed without hamza
        ("الغذائيَّة", "food"),  # with harakat
        ("احمد", "food"),  # contact name, hamza folded
        ("0501234567", "mobile"),
        ("٠٥٠١٢٣٤٥٦٧", "mobile"),  # Arabic-Indic digits
        ("+966 50 123 4567", "mobile"),
        ("1234567", "mobile"),  # part of the number
        ("توزيع الغذائية", "food"),  # every word, wherever it stands
        ("مانح", "donor"),  # the customer's name
        ("ايصال", "donor"),
    ],
)
def test_search(crm_client, searchable, query, expected):
    assert listed(crm_client, q=query) == [searchable[expected]]


def test_search_by_tracking_number(crm_client, searchable):
    case = searchable["donor"]
    assert listed(crm_client, q=case.tracking_number) == [case]
    assert listed(crm_client, q=case.tracking_number.lower()) == [case]
    assert case in listed(crm_client, q=case.tracking_number[:5])


def test_search_finds_arabic_indic_digits_and_latin_case(crm_client, people):
    case = register(people["crm"], subject="تعطل الطابعة رقم ٣ في مكتب Reception")
    assert listed(crm_client, q="رقم 3") == [case]
    assert listed(crm_client, q="reception") == [case]


def test_search_with_regex_characters_is_literal(crm_client, people):
    case = register(people["crm"], subject="سؤال (عاجل) [مهم] *")
    register(people["crm"], subject="سؤال عاجل")
    assert listed(crm_client, q="(عاجل)") == [case]
    assert listed(crm_client, q="[مهم] *") == [case]


def test_a_whole_tracking_number_is_an_exact_lookup(crm_client, people):
    case = register(people["crm"])
    other = register(people["crm"], subject=f"بخصوص {case.tracking_number}")
    assert listed(crm_client, q=case.tracking_number) == [case]
    assert other in listed(crm_client, q="بخصوص")


def test_search_without_match(crm_client, searchable):
    response = crm_client.get(reverse(LIST), {"q": "لا يوجد شيء كهذا"})
    assert list(response.context["page"]) == []
    assert "empty-state" in response.content.decode()


def test_search_box_is_bounded():
    assert not CaseFilterForm({"q": "x" * 101}).is_valid()


# --- visibility -------------------------------------------------------------------------------


def test_centres_staff_see_only_their_centres_whatever_the_filters(
    client, people, customers, places
):
    mine = register(people["centres"], customers["beneficiary"], subject="نقص")
    other = register(people["centres_manager"], customers["beneficiary_other"], subject="نقص")
    register(people["crm"], customers["donor"], subject="نقص")
    client.force_login(people["centres"])
    assert listed(client) == [mine]
    assert listed(client, q="نقص") == [mine]
    assert listed(client, routed_to="crm") == []
    assert listed(client, centre=places["other"].pk) == []
    assert other not in listed(client, routed_to="centres")


def test_the_count_is_capped(crm_client, people, monkeypatch):
    from complaints import views_register

    monkeypatch.setattr(views_register, "COUNT_CAP", 3)
    for _ in range(5):
        register(people["crm"])
    response = crm_client.get(reverse(LIST))
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped) == (3, True)
    assert 'data-testid="count"' in response.content.decode()
    monkeypatch.setattr(views_register, "COUNT_CAP", 5)
    paginator = crm_client.get(reverse(LIST)).context["page"].paginator
    assert (paginator.count, paginator.capped) == (5, False)


def test_list_queries_do_not_grow_with_the_page(
    client, people, customers, django_assert_max_num_queries
):
    category = CaseCategory.objects.create(name="عام")
    for _ in range(3):
        register(people["crm"], customers["donor"], category=category)
    client.force_login(people["crm"])
    with django_assert_max_num_queries(40) as few:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    for _ in range(20):
        register(people["crm"], customers["donor"], category=category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 23
    assert "تأخر الخدمة" in response.content.decode()


# --- export -----------------------------------------------------------------------------------


def export(client, **params):
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def read_sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def rows_of(sheet):
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_export_is_a_right_to_left_sheet_with_arabic_headers(crm_client, people, customers):
    food = CaseCategory.objects.create(name="السلال الغذائية")
    case = register(
        people["crm"],
        customers["donor"],
        category=food,
        subject='=HYPERLINK("http://evil.example","اضغط")',
        received_at=timezone.now() - datetime.timedelta(hours=3),
    )
    services.case_answer_immediately(case=case, actor=people["crm"], answer="تم")
    response, content = export(crm_client)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = read_sheet(content)
    assert sheet.sheet_view.rightToLeft is True
    header = [cell.value for cell in sheet[1]]
    assert header == [ar(label) for label, _width in exports.COLUMNS]
    assert "رقم المتابعة" in header and "وقت الرد" in header
    assert all(cell.font.bold for cell in sheet[1])
    [row] = rows_of(sheet)
    assert row[0] == case.tracking_number
    assert row[1] == ar(case.get_kind_display())
    assert row[5] == "السلال الغذائية"
    assert row[6] == "مانح"
    # Formula injection: the subject is a quote-prefixed text cell, shown as typed.
    assert_text_cell_as_typed(sheet["H2"], case.subject)
    assert all(c.data_type != "f" for r in sheet.iter_rows(min_row=2) for c in r)
    assert_date_cell(sheet["I2"], with_time=True)
    assert_date_cell(sheet["J2"], with_time=True)
    assert_prints_one_page_wide(sheet, landscape=True)
    case.refresh_from_db()
    local_received = timezone.localtime(case.received_at).replace(tzinfo=None, microsecond=0)
    assert abs(row[8] - local_received) < datetime.timedelta(seconds=1)
    assert 2.9 <= row[10] <= 3.1
    assert row[11] == ar(gettext_lazy("Yes"))
    assert row[12] is None
    assert row[13] == ar(CaseState.REPLIED.label)


def test_export_follows_the_filters(crm_client, people):
    complaint = register(people["crm"])
    suggestion = register(people["crm"], kind="suggestion", subject="اقتراح تطوير الموقع")
    _response, content = export(crm_client, kind="suggestion")
    assert [row[0] for row in rows_of(read_sheet(content))] == [suggestion.tracking_number]
    _response, content = export(crm_client, q="تطوير")
    assert [row[0] for row in rows_of(read_sheet(content))] == [suggestion.tracking_number]
    _response, content = export(crm_client)
    numbers = {row[0] for row in rows_of(read_sheet(content))}
    assert numbers == {complaint.tracking_number, suggestion.tracking_number}


def test_export_holds_only_visible_cases(client, people, customers):
    mine = register(people["centres"], customers["beneficiary"])
    register(people["centres_manager"], customers["beneficiary_other"])
    register(people["crm"], customers["donor"])
    client.force_login(people["centres"])
    _response, content = export(client)
    assert [row[0] for row in rows_of(read_sheet(content))] == [mine.tracking_number]


def test_export_of_an_empty_register_has_the_header_only(crm_client):
    _response, content = export(crm_client)
    sheet = read_sheet(content)
    assert rows_of(sheet) == []
    assert sheet.max_row == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("crm", 200),
        ("crm_manager", 200),
        ("centres", 200),
        ("centres_manager", 200),
        ("quality", 200),
        ("steward", 403),
        ("secretary", 403),
        ("planning", 403),
    ],
)
def test_export_permission_matrix(client, people, who, expected):
    extra = {
        "secretary": lambda: user_with(roles.COUNCIL_SECRETARY, "secretary"),
        "planning": lambda: user_with(roles.PLANNING_DIRECTOR, "planning"),
    }
    user = extra[who]() if who in extra else people[who]
    client.force_login(user)
    assert client.get(reverse(EXPORT)).status_code == expected


def test_a_too_long_export_is_refused_with_a_message(crm_client, people, monkeypatch):
    from complaints import views_register

    monkeypatch.setattr(views_register, "EXPORT_MAX_ROWS", 2)
    for _ in range(3):
        register(people["crm"])
    response = crm_client.get(reverse(EXPORT), {"kind": "complaint"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(LIST)}?kind=complaint"
    with translation.override("ar"):
        expected = str(
            gettext_lazy(
                "The export holds at most %(count)s cases. Narrow the period or the filters "
                "and export again."
            )
        ) % {"count": 2}
    followed = crm_client.get(response["Location"])
    assert [str(m) for m in followed.context["messages"]] == [expected]
    monkeypatch.setattr(views_register, "EXPORT_MAX_ROWS", 3)
    assert crm_client.get(reverse(EXPORT)).status_code == 200


def test_export_needs_login(client):
    response = client.get(reverse(EXPORT))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_export_is_get_only(crm_client):
    assert crm_client.post(reverse(EXPORT)).status_code == 405


def test_list_links_to_the_export_with_the_filters(crm_client, people):
    register(people["crm"])
    content = crm_client.get(reverse(LIST), {"kind": "complaint"}).content.decode()
    assert f"{reverse(EXPORT)}?kind=complaint" in content


def test_a_broad_search_counts_fewer_cases_than_the_register(crm_client, people, monkeypatch):
    """A search finds a case: beyond SEARCH_COUNT_CAP matches the page asks for more words,
    while the unsearched register still counts up to COUNT_CAP."""
    monkeypatch.setattr("complaints.views_register.SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr("complaints.views_register.COUNT_CAP", 10)
    for _ in range(3):
        register(people["crm"], subject="تأخر السلة")
    searched = crm_client.get(reverse(LIST), {"q": "السلة"})
    assert searched.context["page"].paginator.capped
    assert searched.context["page"].paginator.count == 2
    unsearched = crm_client.get(reverse(LIST))
    assert not unsearched.context["page"].paginator.capped
    assert unsearched.context["page"].paginator.count == 3


def _count_query(queries):
    (count,) = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    return count


def test_a_searched_department_register_is_counted_part_by_part(
    client, people, customers, monkeypatch
):
    """The search narrows each part of the department's register (its queue, what its
    people registered for another queue), counted in one query: the same cases as the
    list, and the second part only while the first stays under the cap."""
    queue = [register(people["crm"], subject="تأخر السلة") for _ in range(2)]
    registered_for_centres = register(people["crm"], customers["beneficiary"], subject="السلة")
    assert registered_for_centres.routed_to == "centres"
    register(people["centres"], customers["beneficiary_other"], subject="السلة")  # not theirs
    register(people["crm"], subject="موعد الزيارة")  # no match
    client.force_login(people["crm"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(LIST), {"q": "السله"})
    assert set(response.context["page"]) == {*queue, registered_for_centres}
    assert response.context["page"].paginator.count == 3
    count = _count_query(captured.captured_queries)
    assert count.startswith("WITH total_0") and "total_1" in count
    monkeypatch.setattr("complaints.views_register.SEARCH_COUNT_CAP", 1)
    paginator = client.get(reverse(LIST), {"q": "السله"}).context["page"].paginator
    assert (paginator.count, paginator.capped) == (1, True)


def test_a_search_with_another_filter_counts_the_list_whole(client, people, customers):
    complaint = register(people["crm"], subject="تأخر السلة")
    register(people["crm"], subject="تأخر السلة", kind="inquiry")
    register(people["crm"], customers["beneficiary"], subject="السلة", kind="inquiry")
    client.force_login(people["crm"])
    with CaptureQueriesContext(connection) as captured:
        assert listed(client, q="السلة", kind="complaint") == [complaint]
    assert not _count_query(captured.captured_queries).startswith("WITH")
    assert len(listed(client, q="السلة", kind="inquiry")) == 2


def test_a_search_costs_the_same_queries_whatever_the_matches(
    client, people, customers, django_assert_max_num_queries
):
    register(people["crm"], subject="تأخر السلة")
    client.force_login(people["crm"])
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(LIST), {"q": "السلة"})
    for _ in range(10):
        register(people["crm"], subject="تأخر السلة")
        register(people["crm"], customers["beneficiary"], subject="السلة")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(LIST), {"q": "السلة"})
    assert response.context["page"].paginator.count == 21


def test_the_register_s_count_index_holds_the_searched_words_on_postgresql():
    """complaints 0015: on PostgreSQL the searched register is counted from
    case_route_registrar alone (INCLUDE search_text, customer); SQLite keeps the plain key
    (no INCLUDE there, and no warning at start-up)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'case_route_registrar'"
            )
            assert cursor.fetchone()[0].endswith("INCLUDE (search_text, customer_id)")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'case_route_registrar'")
            assert "INCLUDE" not in cursor.fetchone()[0]
