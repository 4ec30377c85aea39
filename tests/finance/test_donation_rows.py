"""The donation list's rows are written in Python (finance.presentation): the markup stays
what finance/donation_list.html drew, cell for cell, in both languages, for a reader who may
undo a match and one who may not."""

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from finance import presentation, selectors

from .conftest import record

pytestmark = pytest.mark.django_db

# The row as finance/donation_list.html drew it before its rows were written in Python.
TEMPLATE_ROW = engines["django"].from_string(
    """{% load i18n dates numbers %}{% for item in donations %}<tr data-receipt="{{ item.receipt_number }}">
{% with donation=item %}
<td class="ltr-value">{{ donation.receipt_number }}</td>
<td>{{ donation.received_on|compact_date }}</td>
<td>
{% if donation.donor %}
<a href="{% url 'customers:detail' donation.donor.pk %}"><bdi>{{ donation.donor.name }}</bdi></a> <span class="badge text-bg-light border ltr-value">{{ donation.donor.code }}</span>
{% else %}
<span class="badge text-bg-warning">{% translate "Not matched" %}</span> <span class="ltr-value small">{{ donation.donor_code_as_imported|default:"—" }}</span>
{% endif %}
</td>
<td>
{% if donation.programme %}{{ donation.programme }}
{% if may_unmatch and donation.matched_by_id %}<div class="small"><span class="text-body-secondary">{% translate "matched by hand" %}</span> · <a href="{% url 'finance:donation_unmatch' donation.pk %}" data-testid="unmatch">{% translate "Undo the match" %}</a></div>{% endif %}
{% else %}<span class="badge text-bg-warning">{% translate "Not matched" %}</span> <span class="ltr-value small">{{ donation.programme_code_as_imported|default:"—" }}</span>{% endif %}
</td>
<td class="text-end ltr-value">{{ donation.amount|amount }}</td>
{% endwith %}
</tr>{% endfor %}"""  # noqa: E501
)


def python_rows(donations):
    return "".join(f"<tr{row.row_attrs}>{row.row_cells}</tr>" for row in donations)


@pytest.fixture
def every_kind_of_row(manager, donor, programme):
    """Matched by the import and by hand, waiting for a donor, a programme or both, with and
    without the codes as imported, text that must be escaped."""
    donor.name = 'مؤسسة "الخير" <ب> & شركاه'
    donor.save()
    programme.name = "كفالة <الأيتام> & الأرامل"
    programme.save()
    record("R-1", "1500.50", donor=donor, programme=programme)
    record("R-2&<3>", "0.10", donor=donor, programme=programme, matched_by=manager)
    record("R-4", donor_code_as_imported="D-<7>", programme=programme)
    record("R-5", donor=donor, programme_code_as_imported="prg-&1")
    record("R-6", "1234567.00")
    return selectors.donations_with_parties().order_by("receipt_number")


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("may_unmatch", [True, False])
def test_each_row_is_what_the_template_wrote(every_kind_of_row, language, may_unmatch):
    with translation.override(language):
        expected = TEMPLATE_ROW.render(
            {"donations": list(every_kind_of_row), "may_unmatch": may_unmatch}
        )
        written = list(every_kind_of_row)
        presentation.prepare_donation_rows(written, may_unmatch=may_unmatch)
        assert python_rows(written) == expected
    assert ('data-testid="unmatch"' in expected) is may_unmatch
    assert "&lt;ب&gt;" in expected and "<ب>" not in expected


def test_the_page_shows_the_rows_written_in_python(client, manager, every_kind_of_row):
    client.force_login(manager)
    page = client.get(reverse("finance:donation_list"))
    written = list(every_kind_of_row)
    with translation.override("ar"):
        presentation.prepare_donation_rows(written, may_unmatch=True)
    for row in written:
        assert python_rows([row]) in page.content.decode()
