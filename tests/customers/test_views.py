"""The customer pages: who may open what, the form journey through HTTP, search and lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import services
from customers.models import Customer, CustomerRequest, RequestKind, RequestState
from tests.factories import CentreFactory, StaffProfileFactory

from .conftest import blank_values

pytestmark = pytest.mark.django_db


def form_post_data(**overrides):
    data = {
        "name": "فاطمة علي الزهراني",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "٠٥٠١٢٣٤٥٦٧",
        "contact_channel": "phone",
        "is_active": "on",
        "reason": "مستفيدة جديدة من مركز الحي",
    }
    data.update(overrides)
    return data


def submitted_form(people, **values):
    return services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.CREATE,
        reason="طلب",
        lines=[(None, blank_values(**values), None)],
    )


# --- permission matrix ---------------------------------------------------------------

PAGES = {
    "list": lambda ids: reverse("customers:list"),
    "detail": lambda ids: reverse("customers:detail", args=[ids["customer"]]),
    "modify": lambda ids: reverse("customers:request_modify", args=[ids["customer"]]),
    "new": lambda ids: reverse("customers:request_new"),
    "forms": lambda ids: reverse("customers:request_list"),
    "form": lambda ids: reverse("customers:request_detail", args=[ids["form"]]),
}

# who → page → expected status
MATRIX = {
    "staff": {"list": 200, "detail": 200, "modify": 200, "new": 200, "forms": 200, "form": 200},
    "manager": {"list": 200, "detail": 200, "modify": 200, "new": 200, "forms": 200, "form": 200},
    "steward": {"list": 200, "detail": 200, "modify": 403, "new": 403, "forms": 200, "form": 200},
    "quality": {"list": 200, "detail": 200, "modify": 403, "new": 403, "forms": 403, "form": 403},
    # Centres staff see only the beneficiaries of their own centres: a donor is not found.
    "centres": {"list": 200, "detail": 404, "modify": 404, "new": 403, "forms": 403, "form": 403},
}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client, people, existing_customer, who, page):
    ids = {"customer": existing_customer.pk, "form": submitted_form(people).pk}
    client.force_login(people[who])
    response = client.get(PAGES[page](ids))
    assert response.status_code == MATRIX[who][page]


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_login(client, people, existing_customer, page):
    ids = {"customer": existing_customer.pk, "form": submitted_form(people).pk}
    response = client.get(PAGES[page](ids))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_centres_staff_see_only_beneficiaries_of_their_centres(client, people):
    mine, other = CentreFactory(name="مركز حي الصفا"), CentreFactory(name="مركز حي الزاهر")
    StaffProfileFactory(user=people["centres"]).centres.add(mine)
    Customer.objects.create(code=1, name="مستفيد مركزي", kind="beneficiary", centre=mine)
    Customer.objects.create(code=2, name="مستفيد مركز آخر", kind="beneficiary", centre=other)
    Customer.objects.create(code=3, name="مانح في مركزي", kind="donor", centre=mine)
    client.force_login(people["centres"])
    content = client.get(reverse("customers:list")).content.decode()
    assert "مستفيد مركزي" in content
    assert "مستفيد مركز آخر" not in content
    assert "مانح في مركزي" not in content


def test_actions_are_post_only_and_need_the_right_role(client, people):
    form = submitted_form(people)
    url = reverse("customers:request_action", args=[form.pk, "approve"])
    client.force_login(people["manager"])
    assert client.get(url).status_code == 405
    client.force_login(people["staff2"])
    assert client.post(url).status_code == 403
    client.force_login(people["manager"])
    assert (
        client.post(reverse("customers:request_action", args=[form.pk, "explode"])).status_code
        == 403
    )
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED


# --- the journey over HTTP ------------------------------------------------------------


def test_staff_files_a_new_customer_form_and_sees_duplicates(client, people, existing_customer):
    client.force_login(people["staff"])
    response = client.post(
        reverse("customers:request_new"),
        form_post_data(name="سارة عبدالله القحطانى", mobile="0551112233"),
        follow=True,
    )
    form = CustomerRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("customers:request_detail", args=[form.pk])
    assert form.state == RequestState.SUBMITTED
    line = form.lines.get()
    assert line.proposed["mobile"] == "+966551112233"  # normalised from local typing
    content = response.content.decode()
    assert 'data-testid="duplicates"' in content
    assert existing_customer.name in content


def test_form_errors_are_shown_in_arabic_and_nothing_is_saved(client, people):
    client.force_login(people["staff"])
    response = client.post(
        reverse("customers:request_new"),
        form_post_data(mobile="12345", national_id="1111111111", reason=""),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "رقم جوال سعودي" in content
    assert not CustomerRequest.objects.exists()


def test_save_as_draft_then_submit(client, people):
    client.force_login(people["staff"])
    client.post(reverse("customers:request_new"), {**form_post_data(), "save_draft": "1"})
    form = CustomerRequest.objects.get()
    assert form.state == RequestState.DRAFT
    client.post(reverse("customers:request_action", args=[form.pk, "submit"]))
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED


def test_manager_approves_steward_enters_staff_files_over_http(client, people):
    form = submitted_form(people)
    client.force_login(people["manager"])
    page = client.get(reverse("customers:request_detail", args=[form.pk])).content.decode()
    assert 'data-testid="actions"' in page
    client.post(reverse("customers:request_action", args=[form.pk, "approve"]), {"note": "تمام"})
    client.force_login(people["steward"])
    response = client.post(
        reverse("customers:request_action", args=[form.pk, "enter"]), follow=True
    )
    assert 'data-testid="new-code"' in response.content.decode()
    client.force_login(people["staff"])
    client.post(reverse("customers:request_action", args=[form.pk, "file"]))
    form.refresh_from_db()
    assert form.state == RequestState.FILED
    assert Customer.objects.get().code == 100001


def test_stale_second_click_gets_a_message_not_an_error(client, people):
    form = submitted_form(people)
    client.force_login(people["manager"])
    url = reverse("customers:request_action", args=[form.pk, "approve"])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "لم يعد النموذج في هذه المرحلة" in response.content.decode()
    assert form.transitions.filter(target="approved").count() == 1


def test_modification_page_shows_current_and_proposed_values(client, people, existing_customer):
    client.force_login(people["staff"])
    data = form_post_data(
        name=existing_customer.name,
        kind="donor",
        mobile="0559998877",
        email="sara@example.org",
        national_id="1234567897",
        reason="رقم جوال جديد",
    )
    client.post(reverse("customers:request_modify", args=[existing_customer.pk]), data)
    form = CustomerRequest.objects.get()
    assert form.kind == RequestKind.MODIFY
    client.force_login(people["manager"])
    content = client.get(reverse("customers:request_detail", args=[form.pk])).content.decode()
    assert "055 111 2233" in content and "055 999 8877" in content  # shown the local way
    existing_customer.refresh_from_db()
    assert existing_customer.mobile == "+966551112233"  # nothing written before entry


def test_a_latin_name_inside_the_translated_sentence_is_isolated(client, people):
    customer = Customer.objects.create(
        code=900123, name="John <Smith>", kind="donor", entity_type="individual"
    )
    client.force_login(people["staff"])
    url = reverse("customers:request_modify", args=[customer.pk])

    arabic = client.get(url).content.decode()
    assert (
        "تعديل بيانات العميل الحالي <bdi>John &lt;Smith&gt;</bdi> (رقم العميل <bdi>900123</bdi>)"
    ) in arabic
    assert "<Smith>" not in arabic

    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert (
        "Modify the existing customer <bdi>John &lt;Smith&gt;</bdi> (code <bdi>900123</bdi>)."
    ) in english


def test_the_profile_title_isolates_the_name_without_markup(client, people):
    customer = Customer.objects.create(
        code=900124, name="Acme Co.", kind="donor", entity_type="organisation"
    )
    client.force_login(people["staff"])
    content = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    title = content.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("\u2068Acme Co.\u2069 · ")  # <bdi> would be shown as text here
    assert "bdi" not in title


def test_modify_form_never_writes_the_customer(client, people, existing_customer):
    client.force_login(people["staff"])
    client.post(
        reverse("customers:request_modify", args=[existing_customer.pk]),
        form_post_data(name="اسم جديد", reason="تصحيح"),
    )
    existing_customer.refresh_from_db()
    assert existing_customer.name == "سارة عبدالله القحطاني"
    assert Customer.objects.count() == 1


# --- list, search, profile ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("القحطانى", True),
        ("ساره", True),
        ("900001", True),
        ("٠٥٥١١١٢٢٣٣", True),
        ("+966 55 111 2233", True),
        ("SARA@example.org", True),
        ("الغامدي", False),
    ],
)
def test_one_search_box(client, people, existing_customer, query, found):
    client.force_login(people["staff"])
    content = client.get(reverse("customers:list"), {"q": query}).content.decode()
    assert (existing_customer.name in content) is found


def test_list_filters_and_empty_state(client, people, existing_customer):
    client.force_login(people["staff"])
    content = client.get(reverse("customers:list"), {"kind": "government"}).content.decode()
    assert existing_customer.name not in content
    assert "لا يوجد عميل" in content


def test_list_query_count_does_not_grow_with_rows(client, people, django_assert_max_num_queries):
    for code in range(1, 31):
        Customer.objects.create(code=code, name=f"عميل {code}", kind="beneficiary")
    client.force_login(people["staff"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("customers:list"))
    assert response.status_code == 200
    assert response.content.decode().count("/customers/") >= 25


def _list_queries(client):
    client.get(reverse("customers:list"))  # the session, the permissions, the cached places
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"))
    return len(queries), response.content.decode()


def test_the_list_reads_its_places_from_the_cache_whatever_the_rows(client, people):
    """The rows' cities and centres come from the places cache: 3 rows or 30 in as many
    centres, the same queries, and each row names its city and centre."""
    centres = CentreFactory.create_batch(30)
    client.force_login(people["staff"])
    for number, centre in enumerate(centres[:3], start=1):
        Customer.objects.create(
            code=number, name=f"عميل {number}", kind="beneficiary", city=centre.city, centre=centre
        )
    few, _content = _list_queries(client)
    for number, centre in enumerate(centres[3:], start=4):
        Customer.objects.create(
            code=number, name=f"عميل {number}", kind="beneficiary", city=centre.city, centre=centre
        )
    many, content = _list_queries(client)
    assert few == many
    # The newest 25 rows, each with its own centre (the filter's options aside).
    assert all(f"<td>{centre.name}</td>" in content for centre in centres[5:])
    assert content.count(f"<td>{centres[0].city.name}</td>") == 25


def test_profile_shows_history_and_forms(client, people, existing_customer):
    proposed = {**services.customer_values(existing_customer), "address": "حي الروضة"}
    form = services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.MODIFY,
        reason="عنوان جديد",
        lines=[(existing_customer, proposed, None)],
    )
    services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_enter(request=form, actor=people["steward"])
    client.force_login(people["quality"])
    content = client.get(reverse("customers:detail", args=[existing_customer.pk])).content.decode()
    assert "حي الروضة" in content
    assert people["steward"].get_full_name() in content
    assert str(form) in content


def test_my_work_lists_forms_for_each_step(client, people):
    form = submitted_form(people)
    client.force_login(people["manager"])
    assert str(form) in client.get(reverse("home")).content.decode()
    client.force_login(people["steward"])
    assert str(form) not in client.get(reverse("home")).content.decode()
    services.customer_request_approve(request=form, actor=people["manager"])
    assert str(form) in client.get(reverse("home")).content.decode()


def test_navigation_shows_customer_pages_by_role(client, people):
    client.force_login(people["staff"])
    content = client.get(reverse("home")).content.decode()
    assert reverse("customers:request_new") in content
    client.force_login(people["quality"])
    content = client.get(reverse("home")).content.decode()
    assert reverse("customers:list") in content
    assert reverse("customers:request_new") not in content


def _search_page(client, query, page=1):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"), {"q": query, "page": page})
    return queries, response.content.decode()


def test_the_list_count_is_kept_until_a_customer_changes(client, people):
    """The list's capped count (a common name walks thousands of rows through the trigram
    index) is counted once and kept until a customer is saved or deleted: the next page of
    the same search does not count again, a new match or a deletion is counted at once,
    and another search or filter is counted on its own."""
    for code in range(1, 31):
        Customer.objects.create(code=code, name=f"محمد {code}", kind="beneficiary")
    Customer.objects.create(code=99, name="سارة", kind="beneficiary")
    client.force_login(people["staff"])
    client.get(reverse("customers:list"))  # the session, the permissions, the cached places
    first, content = _search_page(client, "محمد")
    assert "Page 1 of 2" in content or "صفحة 1 من 2" in content
    second, content = _search_page(client, "محمد", page=2)
    assert any("COUNT(" in query["sql"] for query in first.captured_queries)
    assert len(second) == len(first) - 1
    assert "محمد 1<" in content  # the lowest codes on the second page
    assert not any("COUNT(" in query["sql"] for query in second.captured_queries)
    for code in range(31, 51):
        Customer.objects.create(code=code, name=f"محمد {code}", kind="beneficiary")
    after, content = _search_page(client, "محمد", page=2)
    assert len(after) == len(first)
    assert "Page 2 of 2" in content or "صفحة 2 من 2" in content
    Customer.objects.filter(code__gt=25).delete()
    _queries, content = _search_page(client, "محمد")
    assert "page=2" not in content
    other, content = _search_page(client, "سارة")
    assert any("COUNT(" in query["sql"] for query in other.captured_queries)
    assert "سارة" in content


def test_the_kept_count_is_capped_as_counted(people):
    """statistics.list_count counts up to cap + 1 (the paginator then reads «more than»),
    kept per query: the same count whatever the number of pages asked for."""
    from customers.statistics import list_count

    for code in range(1, 6):
        Customer.objects.create(code=code, name=f"محمد {code}", kind="beneficiary")
    matches = Customer.objects.filter(name_normalized__contains="محمد")
    assert list_count(matches, 3) == 4
    assert list_count(matches, 10) == 5
    with CaptureQueriesContext(connection) as queries:
        assert list_count(matches, 3) == 4
    assert len(queries) == 0
    assert list_count(Customer.objects.none(), 3) == 0
