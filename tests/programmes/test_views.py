"""The portfolio pages: who may open what, the list with its funding columns, the
programme page, and the create/edit form."""

import datetime
from decimal import Decimal

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from association import roles
from finance.models import Donation
from opportunities.models import Opportunity
from programmes.forms import ProgrammeForm
from programmes.models import Programme, ProgrammeCategory, ProgrammeStatus
from programmes.views import OPPORTUNITIES_SHOWN
from tests.factories import CentreFactory, UserFactory
from tests.helpers import same_markup

from .conftest import make_donor, make_programme

pytestmark = pytest.mark.django_db

PAGES = {
    "list": lambda pk: reverse("programmes:list"),
    "detail": lambda pk: reverse("programmes:detail", args=[pk]),
    "create": lambda pk: reverse("programmes:create"),
    "edit": lambda pk: reverse("programmes:edit", args=[pk]),
    "import": lambda pk: reverse("programmes:import"),
    "template": lambda pk: reverse("programmes:import_template"),
}

READ = {"list": 200, "detail": 200, "create": 403, "edit": 403, "import": 403, "template": 403}
KEEP = dict.fromkeys(PAGES, 200)
# The brief says every role reads the portfolio; programmes/roles.py decides who holds
# programmes.view_programme (the quality officer does not, today).
QUALITY_READS = "programmes.view_programme" in roles.permissions_of(roles.QUALITY_OFFICER)
QUALITY = {**READ, "list": 200 if QUALITY_READS else 403, "detail": 200 if QUALITY_READS else 403}
MATRIX = {"staff": READ, "manager": KEEP, "planning": KEEP, "management": READ, "quality": QUALITY}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client, people, programme, who, page):
    client.force_login(people[who])
    response = client.get(PAGES[page](programme.pk))
    assert response.status_code == MATRIX[who][page]


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_login(client, programme, page):
    response = client.get(PAGES[page](programme.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["staff", "quality", "management"])
def test_only_portfolio_keepers_may_post(client, people, programme, who):
    client.force_login(people[who])
    assert client.post(reverse("programmes:create"), {"code": "X"}).status_code == 403
    assert client.post(reverse("programmes:edit", args=[programme.pk])).status_code == 403
    assert client.post(reverse("programmes:import_confirm"), {"token": "a" * 32}).status_code == 403
    assert client.post(reverse("programmes:import")).status_code == 403
    assert Programme.objects.count() == 1


def test_anonymous_posts_are_sent_to_login(client):
    response = client.post(reverse("programmes:import_confirm"), {"token": "a" * 32})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_navigation_offers_the_import_only_to_portfolio_keepers(client, people):
    client.force_login(people["manager"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("programmes:list") in page and reverse("programmes:import") in page
    client.force_login(people["staff"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("programmes:list") in page and reverse("programmes:import") not in page


# --- the list ---------------------------------------------------------------------------


_receipts = iter(range(1, 10**6))


def _receipt():
    return f"R-{next(_receipts)}"


def fund(programme, owner, *, pledged=None, received=None, donor=None):
    if pledged is not None:
        opportunity = Opportunity.objects.create(
            title=f"فرصة {programme.code}", programme=programme, owner=owner
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(
            state="closing", pledged_amount=Decimal(pledged)
        )
    if received is not None:
        Donation.objects.create(
            receipt_number=_receipt(),
            received_on=datetime.date(2026, 2, 1),
            amount=Decimal(received),
            donor=donor,
            programme=programme,
        )


def row_of(response, code):
    return next(
        (programme, funding)
        for programme, funding in response.context["rows"]
        if programme.code == code
    )


def test_the_list_shows_funding_columns(client, people):
    owner = people["staff"]
    half = make_programme(code="EDU-1", name="محو الأمية", budget=Decimal("100000"))
    fund(half, owner, pledged="80000", received="50000")
    full = make_programme(code="EDU-2", name="الحقيبة المدرسية", budget=Decimal("20000"))
    fund(full, owner, received="25000")
    client.force_login(people["staff"])

    response = client.get(reverse("programmes:list"))

    _programme, funding = row_of(response, "EDU-1")
    assert (funding.pledged, funding.received, funding.gap) == (
        Decimal("80000"),
        Decimal("50000"),
        Decimal("50000"),
    )
    assert row_of(response, "EDU-2")[1].fully_funded
    page = response.content.decode()
    assert "80,000" in page and "50,000" in page
    assert page.count('class="badge text-bg-success">') >= 1  # the fully funded badge
    totals = response.context["totals"]
    assert (totals.budget, totals.received) == (Decimal("120000"), Decimal("75000"))


def test_search_by_code_or_name(client, in_english, people):
    make_programme(code="EDU-1", name="مبادرة القراءة")
    make_programme(code="HEA-1", name="العيادة المتنقلة")
    client.force_login(people["staff"])
    codes = lambda response: [p.code for p, _f in response.context["rows"]]  # noqa: E731
    assert codes(client.get(reverse("programmes:list"), {"q": "مبادره"})) == ["EDU-1"]
    assert codes(client.get(reverse("programmes:list"), {"q": "hea"})) == ["HEA-1"]
    response = client.get(reverse("programmes:list"), {"q": "لا يوجد"})
    assert codes(response) == []
    assert "No programme matches this search." in response.content.decode()


def test_filters_by_category_status_centre_and_year(client, people):
    health = ProgrammeCategory.objects.create(name="صحة")
    centre = CentreFactory()
    make_programme(code="A", portfolio_year=2025)
    make_programme(code="B", category=health, status=ProgrammeStatus.ACTIVE, portfolio_year=2026)
    make_programme(code="C", portfolio_year=2026).centres.add(centre)
    client.force_login(people["staff"])

    def codes(**params):
        response = client.get(reverse("programmes:list"), params)
        return sorted(p.code for p, _f in response.context["rows"])

    assert codes(category=health.pk) == ["B"]
    assert codes(status="active") == ["B"]
    assert codes(centre=centre.pk) == ["C"]
    assert codes(year="2026") == ["B", "C"]
    assert codes(year="2026", category=health.pk) == ["B"]


def test_the_list_is_paginated_by_25(client, people):
    for n in range(30):
        make_programme(code=f"P-{n:02d}")
    client.force_login(people["staff"])
    first = client.get(reverse("programmes:list"))
    second = client.get(reverse("programmes:list"), {"page": 2})
    assert len(first.context["rows"]) == 25
    assert [p.code for p, _f in second.context["rows"]] == [f"P-{n}" for n in range(25, 30)]


def test_an_empty_portfolio_invites_the_import(client, people):
    client.force_login(people["manager"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert 'data-testid="empty-portfolio"' in page
    assert reverse("programmes:import") in page
    client.force_login(people["staff"])
    page = client.get(reverse("programmes:list")).content.decode()
    assert 'data-testid="empty-portfolio"' in page
    assert reverse("programmes:create") not in page


def test_the_list_queries_do_not_grow_with_programmes(
    client, people, django_assert_max_num_queries
):
    centre = CentreFactory()
    for n in range(40):
        programme = make_programme(code=f"P-{n:02d}", portfolio_year=2026)
        programme.centres.add(centre)
        fund(programme, people["staff"], pledged="100", received="50")
    client.force_login(people["staff"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("programmes:list"), {"q": "P", "year": "2026"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25
    assert "P-00" in response.content.decode()


# --- the programme page -----------------------------------------------------------------


def test_the_programme_page_shows_funding_funders_and_opportunities(client, people, programme):
    centre = CentreFactory(name="مركز حي الصفا")
    programme.centres.add(centre)
    donor = make_donor("مؤسسة العطاء")
    fund(programme, people["staff"], pledged="60000", received="40000", donor=donor)
    fund(programme, people["staff"], received="1000")  # donor not matched yet
    opportunity = Opportunity.objects.get(programme=programme)
    client.force_login(people["staff"])

    response = client.get(reverse("programmes:detail", args=[programme.pk]))

    page = response.content.decode()
    assert response.context["funding"].received == Decimal("41000")
    assert response.context["funding"].received_percent == 41
    assert 'aria-valuenow="41"' in page
    assert "مركز حي الصفا" in page
    assert reverse("opportunities:detail", args=[opportunity.pk]) in page
    assert [(f.name, f.total) for f in response.context["funders"]] == [
        ("مؤسسة العطاء", Decimal("40000"))
    ]
    assert reverse("customers:detail", args=[donor.pk]) in page
    assert response.context["unattributed"] == Decimal("1000")
    assert "هـ" in page or "AH" in page  # dates carry the Hijri date


def test_the_programme_page_lists_the_latest_opportunities_and_links_to_the_rest(
    client, people, programme
):
    client.force_login(people["staff"])
    for number in range(OPPORTUNITIES_SHOWN):
        Opportunity.objects.create(
            title=f"فرصة رقم {number:02d}", programme=programme, owner=people["staff"]
        )
    all_of_them = f"{reverse('opportunities:list')}?programme={programme.pk}"
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert page.count("فرصة رقم") == OPPORTUNITIES_SHOWN and all_of_them not in page
    Opportunity.objects.filter(title="فرصة رقم 00").update(
        last_activity_at=timezone.now() - datetime.timedelta(days=30)
    )
    Opportunity.objects.create(title="فرصة أحدث", programme=programme, owner=people["staff"])
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert page.count("فرصة رقم") == OPPORTUNITIES_SHOWN - 1 and "فرصة أحدث" in page
    assert "فرصة رقم 00" not in page and all_of_them in page
    listed = client.get(all_of_them)
    assert listed.context["page"].paginator.count == OPPORTUNITIES_SHOWN + 1


def test_the_funders_card_is_renewed_by_a_donation_and_a_renamed_donor(client, people, programme):
    """The card is kept in the cache (programmes.views._funders_card) per programme,
    language, day and right to open customers."""
    donor = make_donor("مؤسسة العطاء")
    fund(programme, people["staff"], received="400", donor=donor)
    url = reverse("programmes:detail", args=[programme.pk])
    client.force_login(people["staff"])
    assert "مؤسسة العطاء" in client.get(url).content.decode()
    fund(programme, people["staff"], received="900", donor=make_donor("متبرع جديد"))
    page = client.get(url).content.decode()
    assert page.index("متبرع جديد") < page.index("مؤسسة العطاء")
    donor.name = "مؤسسة العطاء الدائم"
    donor.save()
    assert "مؤسسة العطاء الدائم" in client.get(url).content.decode()
    profile = reverse("customers:detail", args=[donor.pk])
    page = client.get(url).content.decode()  # read from the cache
    assert f'<a href="{profile}"><bdi>مؤسسة العطاء الدائم</bdi></a>' in page
    reader = UserFactory(username="programmes_only")
    reader.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert "مؤسسة العطاء الدائم" in page and profile not in page


def test_the_programme_page_of_an_unknown_programme_is_404(client, people):
    client.force_login(people["staff"])
    assert client.get(reverse("programmes:detail", args=[999])).status_code == 404


# --- create and edit --------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "code": "EDU-٠٣",
        "name": "برنامج الحقيبة المدرسية",
        "category": "",
        "new_category": "تعليم",
        "start_date": "2026-08-01",
        "end_date": "2026-09-30",
        "budget": "١٢٠٬٠٠٠",
        "description": "توزيع الحقائب على أبناء الأسر المستفيدة",
        "status": "planned",
        "portfolio_year": "٢٠٢٦",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["manager", "planning"])
def test_create_a_programme(client, people, who):
    centre = CentreFactory()
    client.force_login(people[who])
    response = client.post(reverse("programmes:create"), form_data(centres=[centre.pk]))
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programmes:detail", args=[programme.pk])
    assert programme.code == "EDU-03"
    assert programme.budget == Decimal("120000")
    assert programme.portfolio_year == 2026
    assert programme.category.name == "تعليم"
    assert list(programme.centres.all()) == [centre]
    assert programme.history.earliest().history_user == people[who]


@pytest.mark.parametrize("page", ["create", "edit", "refused"])
def test_the_programme_form_fields_are_written_as_crispy_writes_them(
    client, people, programme, page
):
    """The form writes its fields without crispy's templates: the same labels, ids,
    values, classes, boxes, help texts and errors."""
    CentreFactory(name="مركز حي الصفا")
    client.force_login(people["manager"])
    data = form_data(budget="مئة", end_date="2020-01-01", name="<b>برنامج</b>")
    if page == "create":
        response = client.get(reverse("programmes:create"))
    elif page == "edit":
        response = client.get(reverse("programmes:edit", args=[programme.pk]))
    else:
        response = client.post(reverse("programmes:create"), data)
    content = same_markup(response.content.decode())
    form = response.context["form"]
    assert bool(form.errors) == (page == "refused")
    for name in form.fields:
        # A new form: crispy writes its classes into the widget it renders.
        if page == "refused":
            fresh = ProgrammeForm(data, user=people["manager"])
            fresh.is_valid()
        else:
            fresh = ProgrammeForm(instance=form.instance, user=people["manager"])
        assert same_markup(as_crispy_field(fresh[name])) in content, name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-07-31"}, "end_date"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "مئة"}, "budget"),
        ({"portfolio_year": "26"}, "portfolio_year"),
        ({"new_category": ""}, "category"),
        ({"code": ""}, "code"),
    ],
)
def test_the_form_refuses_bad_values(client, people, overrides, field):
    client.force_login(people["manager"])
    response = client.post(reverse("programmes:create"), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Programme.objects.exists()


def test_the_end_date_message_is_shown(client, in_english, people):
    client.force_login(people["manager"])
    response = client.post(reverse("programmes:create"), form_data(end_date="2026-07-01"))
    assert "The end date cannot be before the start date." in response.content.decode()


def test_a_category_from_the_list_or_a_new_one_not_both(client, people, category):
    client.force_login(people["manager"])
    response = client.post(reverse("programmes:create"), form_data(category=category.pk))
    assert "new_category" in response.context["form"].errors
    response = client.post(
        reverse("programmes:create"), form_data(category=category.pk, new_category="")
    )
    assert response.status_code == 302
    assert Programme.objects.get().category == category


def test_codes_are_unique_whatever_the_case(client, people, programme):
    client.force_login(people["manager"])
    response = client.post(reverse("programmes:create"), form_data(code=programme.code.lower()))
    assert "code" in response.context["form"].errors
    assert Programme.objects.count() == 1


def edit_data(programme, **overrides):
    data = {
        "code": programme.code,
        "name": programme.name,
        "category": programme.category_id,
        "start_date": programme.start_date.isoformat() if programme.start_date else "",
        "end_date": programme.end_date.isoformat() if programme.end_date else "",
        "budget": str(programme.budget),
        "description": programme.description,
        "status": programme.status,
        "portfolio_year": programme.portfolio_year or "",
    }
    data.update(overrides)
    return data


def test_edit_a_programme_records_who_changed_it(client, people, programme):
    client.force_login(people["planning"])
    url = reverse("programmes:edit", args=[programme.pk])
    response = client.post(url, edit_data(programme, budget="150000", status="active"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.budget, programme.status) == (Decimal("150000"), "active")
    latest = programme.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", people["planning"])


def test_saving_an_unchanged_form_writes_nothing(client, in_english, people, programme):
    client.force_login(people["manager"])
    rows_before = programme.history.count()
    response = client.post(
        reverse("programmes:edit", args=[programme.pk]), edit_data(programme), follow=True
    )
    assert "Nothing was changed." in response.content.decode()
    assert programme.history.count() == rows_before


def test_the_edit_form_refuses_an_end_before_the_start(client, people, programme):
    client.force_login(people["manager"])
    response = client.post(
        reverse("programmes:edit", args=[programme.pk]),
        edit_data(programme, end_date="2025-12-31"),
    )
    assert "end_date" in response.context["form"].errors
    programme.refresh_from_db()
    assert programme.end_date == datetime.date(2026, 12, 31)


def _detail_queries(client, programme):
    url = reverse("programmes:detail", args=[programme.pk])
    client.get(url)  # the session, the permissions, the places and the funding tables
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_programme_page_reads_its_lists_in_one_query_whatever_their_rows(
    client, people, programme
):
    """The centres, opportunities, cycles, proposals and history are read together
    (customers.timeline.read_together): the same queries for one row as for many."""
    client.force_login(people["manager"])
    programme.centres.add(CentreFactory(name="مركز حي الصفا"))
    few, _page = _detail_queries(client, programme)
    for number in range(3):
        centre = CentreFactory(name=f"مركز رقم {number}")
        programme.centres.add(centre)
        Opportunity.objects.create(
            title=f"فرصة رقم {number}", programme=programme, owner=people["staff"]
        )
        programme.description = f"وصف {number}"
        programme.save()
    many, page = _detail_queries(client, programme)
    assert many == few
    centres = Programme.objects.get(pk=programme.pk).centres.select_related("city")
    for centre in centres:
        assert f"{centre} · {centre.city}" in page
    assert page.count("فرصة رقم") == 3
    # The centres in their own order (city, then name), as the page always listed them.
    shown = [page.index(f"{centre} · ") for centre in centres]
    assert shown == sorted(shown)
