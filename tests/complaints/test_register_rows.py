"""The register's rows are written in Python (complaints.presentation): the markup stays what
the template wrote, cell for cell, in both languages; the whole register of a department is
counted part by part in one query; a page reads its rows with one join."""

import datetime

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints import presentation, selectors, services
from complaints.models import Case, CaseCategory, CaseRoute

from .conftest import register

pytestmark = pytest.mark.django_db

# The row as complaints/case_list.html drew it before its rows were written in Python.
TEMPLATE_ROW = engines["django"].from_string(
    """{% load i18n dates %}{% for item in cases %}<tr{% if item.is_overdue and item.state != "closed" %} class="table-danger"{% endif %} data-testid="case-row">{% with case=item %}
<td><a class="ltr-value" href="{% url 'complaints:detail' case.pk %}">{{ case.tracking_number }}</a></td>
<td>{{ case.get_kind_display }}</td>
<td><bdi>{{ case.subject }}</bdi><div class="small text-body-secondary">{{ case.contact_display }}{% if case.category %} · {{ case.category }}{% endif %}</div></td>
<td>{{ case.get_channel_display }}</td>
<td>{{ case.get_routed_to_display }}{% if case.centre %}<div class="small text-body-secondary">{{ case.centre }}</div>{% endif %}</td>
<td class="small">{{ case.received_at|compact_date }}</td>
<td class="small">{% if case.replied_at %}{{ case.replied_at|compact_date }}{% else %}—{% endif %}</td>
<td data-testid="reply-time">{{ case.reply_time_label|default:"—" }}</td>
<td data-testid="deadline-state">{% if case.deadline_state == "within" %}<span class="badge text-bg-success">{% translate "Within the deadline" %}</span>{% elif case.deadline_state == "late" %}<span class="badge text-bg-danger">{% translate "Late" context "case" %}</span>{% else %}<span class="text-body-secondary small">{% translate "Not answered yet" %}</span>{% endif %}</td>
<td><span class="badge text-bg-{{ case.state_badge }}">{{ case.get_state_display }}</span></td>
<td class="small">{% if case.due_at %}{% if case.is_overdue %}<i class="bi bi-exclamation-triangle-fill text-danger" aria-hidden="true"></i> {% translate "Overdue" context "case" %} · {% endif %}{{ case.due_at|compact_date }}{% else %}—{% endif %}</td>
{% endwith %}</tr>{% endfor %}"""  # noqa: E501
)


def python_rows(cases):
    return "".join(f"<tr{case.row_attrs}>{case.row_cells}</tr>" for case in cases)


@pytest.fixture
def every_kind_of_row(people, customers, places):
    """A row of each shape: a customer's and a visitor's, with and without a category and a
    centre, answered within and after the deadline, open and overdue, closed, text that
    must be escaped."""
    food = CaseCategory.objects.create(name="السلال <الغذائية> & المواعيد")
    now = timezone.now()
    within = register(people["crm"], customers["donor"], category=food)
    services.case_answer_immediately(case=within, actor=people["crm"], answer="تم")
    late = register(
        people["crm"], subject='تأخر "الرد" <b>', received_at=now - datetime.timedelta(days=9)
    )
    Case.objects.filter(pk=late.pk).update(
        replied_at=now - datetime.timedelta(days=1), answer_due_at=now - datetime.timedelta(days=8)
    )
    overdue = register(people["centres"], customers["beneficiary"], category=food)
    Case.objects.filter(pk=overdue.pk).update(due_at=now - datetime.timedelta(hours=2))
    register(people["crm"], kind="inquiry", channel="email", contact_name="ضيف & زائر")
    closed = register(people["crm"], customers["donor"])
    services.case_answer_immediately(case=closed, actor=people["crm"], answer="تم")
    assert Case.objects.filter(centre__isnull=False).exists()
    return Case.objects.order_by("pk")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_row_is_what_the_template_wrote(every_kind_of_row, language):
    now = timezone.now()
    with translation.override(language):
        expected = list(every_kind_of_row.select_related("customer", "centre", "category"))
        for case in expected:
            case.reply_time_label = presentation.duration_label(case.time_to_reply)
            case.deadline_state = presentation.deadline_state(case, now)
        written = list(selectors.register_rows(every_kind_of_row))
        presentation.prepare_register_rows(written, now)
        assert python_rows(written) == TEMPLATE_ROW.render({"cases": expected})
    assert 'class="table-danger"' in python_rows(written)
    assert "&lt;b&gt;" in python_rows(written) and "<b>" not in python_rows(written)


def test_a_page_reads_its_rows_with_the_customer_alone(client, people, customers, places):
    food = CaseCategory.objects.create(name="السلال الغذائية")
    for _ in range(3):
        register(people["crm"], customers["donor"], category=food, centre=places["mine"])
    client.force_login(people["crm"])
    client.get(reverse("complaints:list"))  # the session, the permissions, the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("complaints:list"))
    rows_query = queries.captured_queries[-1]["sql"]
    assert rows_query.count("JOIN") == 1 and "customers_customer" in rows_query
    assert '"complaints_case"."description"' not in rows_query
    content = response.content.decode()
    assert content.count('data-testid="case-row"') == 3
    assert f"مانح · {food.name}" in content and str(places["mine"]) in content


def test_a_department_s_register_is_counted_part_by_part_in_one_query(
    client, people, customers, monkeypatch
):
    from complaints import views_register

    # Two in the CRM queue, one registered by CRM staff for the centres.
    register(people["crm"], customers["donor"])
    register(people["crm_manager"], customers["donor"])
    mine_elsewhere = register(people["crm"], customers["beneficiary"])
    assert mine_elsewhere.routed_to == CaseRoute.CENTRES
    register(people["centres"], customers["beneficiary"])  # not seen by CRM staff
    client.force_login(people["crm"])

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("complaints:list"), params)
        paginator = response.context["page"].paginator
        counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
        return paginator.count, paginator.capped, counts

    found, capped, [sql] = count()
    assert (found, capped) == (3, False)
    assert sql.startswith("WITH") and " OR " not in sql
    monkeypatch.setattr(views_register, "COUNT_CAP", 2)
    assert count()[:2] == (2, True)
    # A filter counts the filtered register as before, in one query.
    monkeypatch.setattr(views_register, "COUNT_CAP", 10)
    found, capped, [sql] = count(routed_to="centres")
    assert (found, capped) == (1, False) and not sql.startswith("WITH")


def test_the_parts_of_what_each_user_sees_are_what_they_see(people, customers, places):
    register(people["crm"], customers["donor"])
    register(people["crm"], customers["beneficiary"])
    register(people["centres"], customers["beneficiary"])
    register(people["centres_manager"], customers["beneficiary_other"])
    for user in people.values():
        parts = selectors.visible_case_parts(user)
        visible = set(selectors.cases_visible_to(user).values_list("pk", flat=True))
        if user == people["quality"] or not user.has_perm("complaints.view_case"):
            assert parts == []
            continue
        ids = [set(part.values_list("pk", flat=True)) for part in parts]
        assert set().union(*ids) == visible
        assert not ids[0] & ids[1]
