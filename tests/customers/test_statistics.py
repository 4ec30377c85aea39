"""Customer statistics on demand (manual 6.1.8): groupings, filters, scope, permissions,
the XLSX export, the chart and the number of queries."""

from datetime import UTC, datetime
from io import BytesIO
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hijridate import Gregorian
from openpyxl import load_workbook

from association import roles
from core.choices import ContactChannel
from customers import statistics
from customers.models import Customer, CustomerKind
from tests.factories import CentreFactory, CityFactory, StaffProfileFactory, UserFactory
from tests.xlsx_checks import (
    assert_date_cell,
    assert_prints_one_page_wide,
    assert_text_cell_as_typed,
)

pytestmark = pytest.mark.django_db


def arabic(text):
    """A lazy label or an English msgid as the Arabic interface shows it."""
    with translation.override("ar"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def make_customer(code, **fields):
    created_at = fields.pop("created_at", None)
    fields.setdefault("name", f"عميل {code}")
    fields.setdefault("kind", CustomerKind.BENEFICIARY)
    customer = Customer.objects.create(code=code, **fields)
    if created_at is not None:  # auto_now_add ignores a given value
        Customer.objects.filter(pk=customer.pk).update(created_at=created_at)
    return customer


@pytest.fixture
def place(db):
    jeddah = CityFactory(name="جدة", name_en="Jeddah")
    makkah = CityFactory(name="مكة المكرمة", name_en="Makkah")
    return {
        "jeddah": jeddah,
        "makkah": makkah,
        "safa": CentreFactory(city=jeddah, name="مركز حي الصفا"),
        "naseem": CentreFactory(city=jeddah, name="مركز حي النسيم"),
        "awali": CentreFactory(city=makkah, name="مركز حي العوالي"),
    }


@pytest.fixture
def contacts(db):
    return {
        "noura": UserFactory(username="noura", first_name="نورة", last_name="الحربي"),
        "khalid": UserFactory(username="khalid", first_name="خالد", last_name="الغامدي"),
    }


@pytest.fixture
def customers(place, contacts):
    """Seven customers: five beneficiaries, two donors, spread over cities, centres,
    channels, contacts and months (one created late on 31 January UTC, which is already
    1 February in Riyadh)."""
    jan = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    feb_in_riyadh = datetime(2026, 1, 31, 22, 30, tzinfo=UTC)
    mar = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    return [
        make_customer(
            1,
            name="أحمد علي الغامدي",
            city=place["jeddah"],
            centre=place["safa"],
            contact_channel=ContactChannel.PHONE,
            created_at=jan,
        ),
        make_customer(
            2,
            name="فاطمة سعد الزهراني",
            city=place["jeddah"],
            centre=place["safa"],
            contact_channel=ContactChannel.PHONE,
            created_at=feb_in_riyadh,
        ),
        make_customer(
            3,
            name="إبراهيم فهد الحربي",
            city=place["jeddah"],
            centre=place["naseem"],
            contact_channel=ContactChannel.SMS,
            created_at=mar,
        ),
        make_customer(
            4,
            name="مريم خالد العتيبي",
            city=place["makkah"],
            centre=place["awali"],
            created_at=mar,
        ),
        make_customer(5, name="سارة محمد القحطاني", created_at=mar),
        make_customer(
            6,
            name="مؤسسة أحمد الخيرية",
            kind=CustomerKind.DONOR,
            entity_type="organisation",
            city=place["jeddah"],
            centre=place["safa"],
            contact_channel=ContactChannel.EMAIL,
            point_of_contact=contacts["noura"],
            created_at=jan,
        ),
        make_customer(
            7,
            name="شركة الوفاء للتجارة",
            kind=CustomerKind.DONOR,
            entity_type="organisation",
            city=place["makkah"],
            contact_channel=ContactChannel.EMAIL,
            point_of_contact=contacts["khalid"],
            created_at=mar,
        ),
    ]


@pytest.fixture
def staff_client(client, crm_staff):
    client.force_login(crm_staff)
    return client


def get_statistics(client, **params):
    response = client.get(reverse("customers:statistics"), params)
    assert response.status_code == 200
    return response


def counts_of(response):
    return {row.label: row.count for row in response.context["statistics"].rows}


# --- groupings ------------------------------------------------------------------------


def test_by_type_is_the_default_with_counts_percentages_and_total(staff_client, customers):
    response = get_statistics(staff_client)
    result = response.context["statistics"]
    assert result.grouping.code == "kind"
    assert counts_of(response) == {
        arabic(CustomerKind.BENEFICIARY.label): 5,
        arabic(CustomerKind.DONOR.label): 2,
    }
    assert result.total == 7
    assert [round(row.percentage, 1) for row in result.rows] == [71.4, 28.6]
    content = response.content.decode()
    assert arabic(CustomerKind.BENEFICIARY.label) in content
    assert 'data-testid="statistics-total">7<' in content


def test_by_city_counts_customers_without_a_city_as_not_set_last(staff_client, customers):
    response = get_statistics(staff_client, group_by="city")
    assert counts_of(response) == {"جدة": 4, "مكة المكرمة": 2, arabic("Not set"): 1}
    assert response.context["statistics"].rows[-1].is_not_set


def test_by_centre_names_the_centre_and_its_city(staff_client, customers):
    response = get_statistics(staff_client, group_by="centre")
    assert counts_of(response) == {
        "مركز حي الصفا · جدة": 3,
        "مركز حي النسيم · جدة": 1,
        "مركز حي العوالي · مكة المكرمة": 1,
        arabic("Not set"): 2,
    }


def test_by_contact_channel_uses_the_channel_names(staff_client, customers):
    response = get_statistics(staff_client, group_by="contact_channel")
    assert counts_of(response) == {
        arabic(ContactChannel.PHONE.label): 2,
        arabic(ContactChannel.EMAIL.label): 2,
        arabic(ContactChannel.SMS.label): 1,
        arabic("Not set"): 2,
    }


def test_by_point_of_contact_uses_full_names(staff_client, customers):
    response = get_statistics(staff_client, group_by="point_of_contact")
    assert counts_of(response) == {"نورة الحربي": 1, "خالد الغامدي": 1, arabic("Not set"): 5}


def test_by_month_uses_riyadh_time_in_calendar_order_with_the_hijri_months(staff_client, customers):
    response = get_statistics(staff_client, group_by="month")
    rows = response.context["statistics"].rows
    # 31 January 22:30 UTC is 1 February 01:30 in Riyadh.
    assert [(row.label, row.count) for row in rows] == [
        ("2026-01", 2),
        ("2026-02", 1),
        ("2026-03", 4),
    ]
    with translation.override("ar"):
        expected = statistics.hijri_months(2026, 3)
    assert rows[2].detail == expected
    assert expected in response.content.decode()


def test_hijri_months_name_both_months_a_gregorian_month_spans():
    first = Gregorian(2026, 3, 1).to_hijri()
    last = Gregorian(2026, 3, 31).to_hijri()
    assert first.month != last.month  # March 2026: Ramadan into Shawwal 1447
    with translation.override("en"):
        text = statistics.hijri_months(2026, 3)
    assert text == f"{first.month_name('en')} – {last.month_name('en')} {last.year} AH"


@pytest.mark.parametrize("group_by", ["nonsense", "", "name", "kind;drop"])
def test_an_unknown_grouping_falls_back_to_type(staff_client, customers, group_by):
    response = get_statistics(staff_client, group_by=group_by)
    assert response.context["statistics"].grouping.code == "kind"
    assert sum(counts_of(response).values()) == 7


def test_no_customer_shows_the_empty_state(staff_client, db):
    response = get_statistics(staff_client)
    assert response.context["statistics"].total == 0
    assert 'data-testid="statistics-chart"' not in response.content.decode()


# --- filters and scope ----------------------------------------------------------------


def test_filters_of_the_customer_list_apply(staff_client, customers, place):
    response = get_statistics(staff_client, group_by="centre", kind="beneficiary")
    assert sum(counts_of(response).values()) == 5
    response = get_statistics(staff_client, group_by="kind", city=place["makkah"].pk)
    assert counts_of(response) == {
        arabic(CustomerKind.BENEFICIARY.label): 1,
        arabic(CustomerKind.DONOR.label): 1,
    }


def test_the_search_box_applies_with_arabic_normalisation(staff_client, customers):
    # "احمد" without hamza finds the two names written "أحمد".
    response = get_statistics(staff_client, q="احمد")
    assert counts_of(response) == {
        arabic(CustomerKind.BENEFICIARY.label): 1,
        arabic(CustomerKind.DONOR.label): 1,
    }


def test_centres_staff_count_only_the_beneficiaries_of_their_centres(
    client, make_user, customers, place
):
    user = make_user(roles.CENTRES_STAFF, username="centres_user")
    StaffProfileFactory(user=user).centres.add(place["safa"])
    client.force_login(user)
    response = get_statistics(client, group_by="centre")
    # Safa has two beneficiaries and one donor: the donor is not theirs to see.
    assert counts_of(response) == {"مركز حي الصفا · جدة": 2}
    response = client.get(reverse("customers:statistics_xlsx"), {"group_by": "kind"})
    sheet = load_workbook(BytesIO(response.content)).active
    labels_and_counts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert labels_and_counts[arabic(CustomerKind.BENEFICIARY.label)] == 2
    assert arabic(CustomerKind.DONOR.label) not in labels_and_counts


# --- permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["customers:statistics", "customers:statistics_xlsx"])
def test_anonymous_visitors_are_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["customers:statistics", "customers:statistics_xlsx"])
def test_a_user_without_view_customer_is_refused(client, make_user, url_name):
    client.force_login(make_user(username="no_role"))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize(
    "role", [roles.CRM_STAFF, roles.CRM_MANAGER, roles.QUALITY_OFFICER, roles.MANAGEMENT]
)
@pytest.mark.parametrize("url_name", ["customers:statistics", "customers:statistics_xlsx"])
def test_every_role_reading_customers_may_see_statistics(client, make_user, role, url_name):
    client.force_login(make_user(role, username=f"{role.code}_user"))
    assert client.get(reverse(url_name)).status_code == 200


def test_post_is_not_allowed(staff_client):
    assert staff_client.post(reverse("customers:statistics")).status_code == 405


# --- export ---------------------------------------------------------------------------


def test_xlsx_export_is_a_right_to_left_sheet_of_the_same_table(staff_client, customers):
    response = staff_client.get(
        reverse("customers:statistics_xlsx"), {"group_by": "city", "kind": "beneficiary"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # The one download scheme (core.http.download_name): the Arabic title, then the grouping.
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert quote("إحصاءات العملاء المدينة ") in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("ar"):
        header = [
            str(statistics.GROUPINGS["city"].label),
            str(translation.gettext("Number of customers")),
            str(translation.gettext("Percentage")),
        ]
        total_label = translation.gettext("Total")
    header_index = next(index for index, row in enumerate(rows) if list(row[:3]) == header)
    body = {row[0]: (row[1], row[2]) for row in rows[header_index + 1 :] if row[0]}
    assert body["جدة"] == (3, pytest.approx(0.6))
    assert body["مكة المكرمة"] == (1, pytest.approx(0.2))
    assert body[arabic("Not set")] == (1, pytest.approx(0.2))
    assert body[total_label] == (5, 1)
    # The filters in use are written above the table.
    assert any(row[1] == arabic(CustomerKind.BENEFICIARY.label) for row in rows[:header_index])


def test_xlsx_export_escapes_formulas(staff_client, db):
    city = CityFactory(name="=HYPERLINK(1)", name_en="")
    make_customer(1, city=city)
    response = staff_client.get(reverse("customers:statistics_xlsx"), {"group_by": "city"})
    sheet = load_workbook(BytesIO(response.content)).active
    [cell] = [row[0] for row in sheet.iter_rows() if row[0].value == "=HYPERLINK(1)"]
    assert_text_cell_as_typed(cell, "=HYPERLINK(1)")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_dates_the_table_and_prints_its_header_on_every_page(staff_client, customers):
    response = staff_client.get(
        reverse("customers:statistics_xlsx"), {"group_by": "city", "kind": "beneficiary"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    generated = next(row for row in sheet.iter_rows() if row[0].value == arabic("Generated on"))
    assert_date_cell(generated[1], with_time=True)
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == arabic("city"))
    assert header_row > 1  # the title and the filters come first
    assert_prints_one_page_wide(sheet, landscape=False, title_row=header_row)


def test_the_page_links_to_the_export_with_the_same_query(staff_client, customers):
    response = get_statistics(staff_client, group_by="city", kind="donor")
    content = response.content.decode()
    assert reverse("customers:statistics_xlsx") + "?group_by=city&amp;kind=donor" in content


# --- chart ----------------------------------------------------------------------------


def test_the_page_draws_one_bar_per_group(staff_client, customers):
    response = get_statistics(staff_client, group_by="centre")
    content = response.content.decode()
    chart = content[content.index('data-testid="statistics-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<rect") == 4
    assert "مركز حي الصفا · جدة" in chart
    # Coordinates are never localised (an Arabic decimal comma would break the SVG).
    assert "," not in chart.split(">", 1)[0]


def test_bar_chart_is_mirrored_for_right_to_left():
    result = statistics.Statistics(
        grouping=statistics.GROUPINGS["kind"],
        rows=[
            statistics.StatisticsRow(key="a", label="أ", count=30, share=0.75),
            statistics.StatisticsRow(key="b", label="ب", count=10, share=0.25),
        ],
        total=40,
    )
    with translation.override("en"):
        rtl = statistics.bar_chart(result, rtl=True)
        ltr = statistics.bar_chart(result, rtl=False)
    width = rtl["width"]
    longest, shorter = rtl["bars"]
    # Right to left: labels at the right edge, bars ending at the same axis, growing left.
    assert longest.label_x == width and longest.label_anchor == "end"
    assert longest.x + longest.width == pytest.approx(shorter.x + shorter.width)
    assert longest.width == pytest.approx(3 * shorter.width, rel=0.01)
    assert longest.value_x < longest.x
    # Left to right: the mirror image.
    assert ltr["bars"][0].label_x == 0 and ltr["bars"][0].label_anchor == "start"
    assert ltr["bars"][0].x == ltr["bars"][1].x
    assert ltr["bars"][0].value_x > ltr["bars"][0].x + ltr["bars"][0].width
    assert longest.value_text == "30 (75.0%)"


# --- queries --------------------------------------------------------------------------


def aggregate_queries(captured):
    return [
        query["sql"]
        for query in captured
        if "GROUP BY" in query["sql"] and "customers_customer" in query["sql"]
    ]


@pytest.mark.parametrize("group_by", list(statistics.GROUPINGS))
def test_one_aggregate_query_and_a_bounded_number_of_queries(
    staff_client, customers, group_by, django_assert_max_num_queries
):
    staff_client.get(reverse("customers:list"))  # session and permission caches
    with django_assert_max_num_queries(12) as captured:
        response = get_statistics(staff_client, group_by=group_by)  # asserts the 200
    assert len(aggregate_queries(captured.captured_queries)) == 1
    assert response.context["statistics"].rows
    assert 'data-testid="statistics-table"' in response.content.decode()
    # Until a customer changes, the counts come from the cache: no grouping at all.
    with CaptureQueriesContext(connection) as again:
        cached = get_statistics(staff_client, group_by=group_by)
    assert aggregate_queries(again.captured_queries) == []
    assert cached.context["statistics"].rows == response.context["statistics"].rows


def test_the_counts_follow_a_new_customer_at_once(staff_client, customers):
    before = get_statistics(staff_client, group_by="kind").context["statistics"].total
    make_customer(99)
    after = get_statistics(staff_client, group_by="kind").context["statistics"].total
    assert after == before + 1


def test_the_number_of_queries_does_not_grow_with_the_groups(staff_client, place):
    get_statistics(staff_client, group_by="centre")  # session and permission caches
    for code in range(1, 3):  # and the counts are counted again (a customer changed)
        make_customer(code, centre=place["safa"])
    with CaptureQueriesContext(connection) as few:
        get_statistics(staff_client, group_by="centre")
    centres = [CentreFactory(city=place["makkah"]) for _index in range(12)]
    staff_client.get(reverse("customers:list"))  # the filter's options with the new centres
    for code, centre in zip(range(10, 22), centres, strict=True):
        make_customer(code, centre=centre)
    with CaptureQueriesContext(connection) as many:
        response = get_statistics(staff_client, group_by="centre")
    assert len(response.context["statistics"].rows) == 13
    assert len(many) == len(few)


def test_group_role_members_without_view_customer_get_nothing(db):
    """The statistics count customers_visible_to(user): an empty queryset, no groups."""
    from customers.selectors import customers_visible_to

    user = UserFactory(username="plain")
    user.groups.add(Group.objects.create(name="unrelated"))
    result = statistics.customer_statistics(customers_visible_to(user), "kind")
    assert result.total == 0 and result.rows == []
