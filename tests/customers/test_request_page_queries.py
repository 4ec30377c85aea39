"""The form page looks the possible duplicates of all its lines up at once: its queries do
not grow with the lines, and each line still shows its own matches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from customers import services
from customers.models import Customer, RequestKind
from customers.selectors import (
    _match_keys,
    _same_ends,
    _search_reads,
    _search_sql,
    duplicates_by_line,
    find_possible_duplicates,
)

from .conftest import blank_values

pytestmark = pytest.mark.django_db


def _form_with_duplicates(people, count, first_code):
    """A submitted form of `count` new customers, each the mobile of an existing one."""
    lines = []
    for number in range(count):
        mobile = f"+9665{first_code + number:08d}"
        Customer.objects.create(
            code=first_code + number,
            name=f"عميل موجود {number}",
            kind="beneficiary",
            entity_type="individual",
            mobile=mobile,
        )
        lines.append((None, blank_values(name=f"عميل جديد {number}", mobile=mobile), None))
    return services.customer_request_create(
        actor=people["staff"], kind=RequestKind.CREATE, reason="دفعة", lines=lines
    )


def _page_queries(client, form):
    url = reverse("customers:request_detail", args=[form.pk])
    client.get(url)  # the session, the permissions and the cached places
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    content = response.content.decode()
    for line in form.lines.all():
        assert line.proposed["name"] in content
    return len(queries), content


def test_the_form_page_reads_as_many_queries_for_30_lines_as_for_3(client, people):
    client.force_login(people["manager"])  # who may approve: the blocking duplicates too
    small, small_page = _page_queries(client, _form_with_duplicates(people, 3, 910000))
    large, large_page = _page_queries(client, _form_with_duplicates(people, 30, 920000))
    assert small == large
    assert small_page.count('data-testid="duplicates"') == 3
    assert large_page.count('data-testid="duplicates"') == 30
    assert "عميل موجود 29" in large_page


def test_each_line_gets_only_its_own_matches_at_most_ten(people):
    for number in range(12):
        Customer.objects.create(
            code=930000 + number,
            name=f"سعد خالد {number} العتيبي",
            kind="beneficiary",
            entity_type="individual",
            mobile=f"+96654{number:07d}",
        )
    form = services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.CREATE,
        reason="دفعة",
        lines=[
            (None, blank_values(name="سعد بن العتيبي", mobile="+966590000001"), None),
            (None, blank_values(name="نورة سالم", mobile="+966540000003"), None),
            (None, blank_values(name="ريم", mobile="+966590000002"), None),
        ],
    )
    found = {line.proposed["name"]: matches for line, matches in duplicates_by_line(form)}
    similar = found["سعد بن العتيبي"]
    assert len(similar) == 10  # twelve similar names, the first ten by code (newest first)
    assert [match.customer.code for match in similar] == list(range(930011, 930001, -1))
    assert [match.customer.code for match in found["نورة سالم"]] == [930003]
    assert found["نورة سالم"][0].blocking
    assert found["ريم"] == []


def _customer(code, name, mobile=""):
    return Customer.objects.create(
        code=code, name=name, kind="beneficiary", entity_type="individual", mobile=mobile
    )


def test_similar_names_are_the_newest_with_the_same_first_and_last_words_and_exact_keys():
    """Same first and last words (two words or more), or an exact key: the ten newest codes
    of both together, once each, whichever read found them."""
    for number in range(8):
        _customer(940000 + number, f"مؤسسة {number} الخيرية")
    _customer(940100, "مؤسسة الخيرية")  # two words: the same first and last
    _customer(940101, "مؤسسة")  # one word: not «مؤسسة … »
    _customer(940102, "جمعية مؤسسة البر الخيرية")  # another first word
    _customer(940103, "مؤسسة البر الخيرية للتنمية")  # another last word
    _customer(940104, "مؤسسة البر الخيرية", mobile="+966550000001")  # same name and mobile
    _customer(940105, "عميل آخر", mobile="+966550000002")  # the mobile alone
    with translation.override("en"):
        found = find_possible_duplicates(
            blank_values(name="مؤسسة البر الخيرية", mobile="+966550000002")
        )
    assert [match.customer.code for match in found] == [
        940105,
        940104,
        940100,
        *range(940007, 940000, -1),
    ]
    assert found[0].reasons == ["same mobile"] and found[0].blocking
    assert found[1].reasons == ["similar name"]
    mosque = find_possible_duplicates(blank_values(name="مؤسسة", mobile=""))
    assert [match.customer.code for match in mosque] == [940101]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_similar_names_are_read_from_the_name_ends_index_in_code_order():
    """The read of the same first and last words is the index's (customers 0005), newest
    codes first, whatever the number of such names: no sort of every match."""
    read = _same_ends(_match_keys({"name": "مؤسسة البر الخيرية"}), "default")
    sql, params = read.order_by("-code")[:10].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the plan of a large table
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_ends" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize("bulk", [False, True])
def test_a_match_holds_what_the_pages_show_of_it_and_shows_without_a_query(
    people, monkeypatch, bulk
):
    """The matches read only the customer's code, name and keys (DUPLICATE_FIELDS): its link,
    `str()` and the reasons need no other query, in the full search and in bulk."""
    from customers import selectors

    if bulk:  # a large import batch: exact keys in bulk
        monkeypatch.setattr(selectors, "FULL_SEARCH_LINE_LIMIT", 0)
    form = _form_with_duplicates(people, 2, 950000)
    with translation.override("en"):
        results = duplicates_by_line(form)
        with CaptureQueriesContext(connection) as queries:
            shown = [
                (match.customer.pk, str(match.customer), match.reasons, match.blocking)
                for _line, matches in results
                for match in matches
            ]
    assert queries.captured_queries == []
    assert sorted(shown) == [
        (Customer.objects.get(code=code).pk, f"{code} · عميل موجود {number}", ["same mobile"], True)
        for number, code in enumerate([950000, 950001])
    ]


@pytest.mark.parametrize(
    "values, exclude_pk",
    [
        ({"name": "مؤسسة البر الخيرية", "mobile": "+966550000002"}, None),
        ({"name": "مؤسسة البر الخيرية", "national_id": "1000000008"}, 41),
        ({"name": "مؤسسة", "email": "A@example.com"}, None),
        ({"name": "نور_الهدى 100% الخيرية"}, 7),  # LIKE's own characters (SQLite's read)
        ({"mobile": "+966550000003", "email": "b@example.com", "national_id": "2000000006"}, 3),
        ({}, None),
    ],
)
def test_a_search_reads_the_sql_the_orm_compiles_for_it(values, exclude_pk):
    """The reads' SQL is compiled once per shape of search and filled with each search's
    values: the same SQL and parameters as the ORM's for this very search, every time."""
    keys = _match_keys(values)
    expected = [
        (sql, list(params))
        for sql, params in (
            read.query.sql_with_params()
            for read in _search_reads(keys, exclude_pk, index=4, limit=10, using="default")
        )
    ]
    for _time in range(2):  # compiled, then filled from what was compiled
        found = _search_sql(keys, exclude_pk, index=4, limit=10, using="default")
        assert [(sql, list(params)) for sql, params in found] == expected
