"""The portfolio list's rows are written in Python (programmes.presentation): the markup stays
what programmes/programme_list.html wrote, in both languages and for every shape of row."""

from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from programmes import selectors
from programmes.models import Programme, ProgrammeStatus
from programmes.presentation import programme_rows_html
from tests.factories import CentreFactory
from tests.helpers import same_markup

from .conftest import make_programme
from .test_views import fund

pytestmark = pytest.mark.django_db

# The rows as programmes/programme_list.html drew them before they were written in Python.
TEMPLATE_ROWS = engines["django"].from_string(
    """{% load i18n numbers %}{% for programme, funding in rows %}
        <tr data-code="{{ programme.code }}">
          <td><span class="ltr-value">{{ programme.code }}</span></td>
          <td>
            <a href="{% url 'programmes:detail' programme.pk %}"><bdi>{{ programme.name }}</bdi></a>
            {% with centres=programme.centres.all %}{% if centres %}<div class="small text-body-secondary">{{ centres|join:"، " }}</div>{% endif %}{% endwith %}
          </td>
          <td>{{ programme.category }}</td>
          <td><span class="badge text-bg-{% if programme.status == 'active' %}primary{% elif programme.status == 'completed' %}success{% elif programme.status == 'cancelled' %}secondary{% else %}light border{% endif %}">{{ programme.get_status_display }}</span></td>
          <td><span class="ltr-value">{{ programme.portfolio_year|default:"—" }}</span></td>
          <td class="text-end"><span class="ltr-value">{{ funding.budget|riyals }}</span></td>
          <td class="text-end"><span class="ltr-value" data-testid="pledged">{{ funding.pledged|riyals }}</span></td>
          <td class="text-end">
            <span class="ltr-value" data-testid="received">{{ funding.received|riyals }}</span>
            {% if funding.has_budget %}
            <div class="progress progress-thin mt-1" role="progressbar" aria-label="{% translate 'Received of the budget' %}" aria-valuenow="{{ funding.received_percent }}" aria-valuemin="0" aria-valuemax="100">
              <div class="progress-bar bg-success pct-{{ funding.received_percent }}"></div>
            </div>
            {% endif %}
          </td>
          <td class="text-end" data-testid="gap">
            {% if funding.fully_funded %}<span class="badge text-bg-success">{% translate "Fully funded" %}</span>
            {% elif not funding.has_budget %}<span class="text-body-secondary small">{% translate "No budget set" %}</span>
            {% else %}<span class="ltr-value">{{ funding.gap|riyals }}</span>{% endif %}
          </td>
        </tr>{% endfor %}"""  # noqa: E501
)


@pytest.fixture
def every_kind_of_row(people):
    """A programme of each status; with and without a budget, centres, a year; partly,
    fully and over funded, with halalas; text that must be escaped."""
    owner = people["staff"]
    half = make_programme(
        code="EDU-<1>", name='محو "الأمية" & <b>', budget=Decimal("100000.50"), portfolio_year=2026
    )
    half.centres.add(CentreFactory(name="مركز <الملز>", name_en="Malaz & co"), CentreFactory())
    fund(half, owner, pledged="80000", received="50000")
    full = make_programme(code="EDU-2", status=ProgrammeStatus.ACTIVE, budget=Decimal("20000"))
    fund(full, owner, received="25000")
    make_programme(code="EDU-3", status=ProgrammeStatus.COMPLETED, budget=Decimal("0"))
    make_programme(code="EDU-4", status=ProgrammeStatus.CANCELLED, budget=Decimal("1"))
    return Programme.objects.select_related("category").prefetch_related("centres")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_row_is_what_the_template_wrote(every_kind_of_row, language):
    table = selectors.funding_table()
    rows = [(row, table.funding(row.pk, row.budget)) for row in every_kind_of_row]
    with translation.override(language):
        written = programme_rows_html(rows)
        assert same_markup(written) == same_markup(TEMPLATE_ROWS.render({"rows": rows}))
    assert "&lt;b&gt;" in written and "<b>" not in written
    for shape in ("Fully funded", "No budget set", "pct-49", "text-bg-primary", "light border"):
        with translation.override("en"):
            assert shape in programme_rows_html(rows)


def test_the_list_draws_its_rows(client, people, every_kind_of_row):
    client.force_login(people["staff"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert page.count("<tr data-code=") == 4
    assert 'data-code="EDU-&lt;1&gt;"' in page
