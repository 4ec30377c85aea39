"""The opportunity search reads a stored normalised title (issue 13): filled on save, by the
correction service and by migration 0008 for the rows already there; a trigram index serves
it on PostgreSQL. The programmes' search reads a stored normalised name the same way."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities import selectors, services
from opportunities.models import Opportunity
from programmes.models import Programme
from programmes.selectors import search_programmes

from .conftest import new_opportunity


def found(text):
    return set(
        selectors.search_opportunities(Opportunity.objects.all(), text).values_list(
            "title", flat=True
        )
    )


@pytest.mark.django_db
def test_the_title_is_normalised_on_save_and_by_a_correction(people, programme):
    opportunity = new_opportunity(people, programme, title="إنشاءُ مكتبةٍ للأطفـال")
    opportunity.refresh_from_db()
    assert opportunity.title_normalized == "انشاء مكتبه للاطفال"
    opportunity.title = "كفالة يتيم"
    opportunity.save(update_fields=["title"])
    opportunity.refresh_from_db()
    assert opportunity.title_normalized == "كفاله يتيم"
    services.opportunity_correct(
        opportunity=opportunity,
        actor=people["manager"],
        title="مستشفى الأمل",
        expected_amount=opportunity.expected_amount,
        programme=programme,
        note="تصحيح",
    )
    assert opportunity.title_normalized == "مستشفي الامل"
    opportunity.refresh_from_db()
    assert opportunity.title_normalized == "مستشفي الامل"


@pytest.mark.django_db
def test_the_search_finds_every_spelling_of_a_title(people, programme):
    for title in ("إنشاء مكتبة الأطفال", "مستشفى الأمل", "سُقْيَا الماء", "كفالة يتيم"):
        new_opportunity(people, programme, title=title, expected_amount=Decimal("1000"))
    assert found("انشاء") == found("أنشاء") == found("إنشاء") == {"إنشاء مكتبة الأطفال"}
    assert found("مكتبه") == {"إنشاء مكتبة الأطفال"}  # ة/ه
    assert found("مستشفي") == {"مستشفى الأمل"}  # ى/ي
    assert found("كفـــالة") == {"كفالة يتيم"}  # tatweel
    assert found("سقيا") == {"سُقْيَا الماء"}  # diacritics in the title
    assert found("كَفالة") == {"كفالة يتيم"}  # diacritics in the query
    assert found("") == found(None) == {o.title for o in Opportunity.objects.all()}


@pytest.mark.django_db
def test_the_search_reads_the_stored_column_once(client, people, programme):
    new_opportunity(people, programme, title="مستشفى الأمل")
    client.force_login(people["manager"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("opportunities:list"), {"q": "مستشفي"})
    assert [item.title for item in response.context["page"]] == ["مستشفى الأمل"]
    searching = [q["sql"] for q in captured.captured_queries if "title_normalized" in q["sql"]]
    assert searching
    assert not any("REPLACE(" in q["sql"].upper() for q in captured.captured_queries)
    # The count reads a LIMITed subquery (core.pagination), not every matching row.
    assert any("COUNT(" in sql.upper() and "LIMIT" in sql.upper() for sql in searching)


@pytest.mark.django_db
def test_the_admin_searches_the_stored_title_and_the_programme(
    client, superuser, people, programme
):
    wanted = new_opportunity(people, programme, title="مستشفى الأمل")
    client.force_login(superuser)
    url = reverse("admin:opportunities_opportunity_changelist")
    for typed in ("مستشفي الامل", "محو الاميه", "EDU-01"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": typed})
        assert list(response.context["cl"].result_list) == [wanted], typed
        assert response.context["cl"].full_result_count is None
        # No UPPER(title) LIKE over the opportunities (the programme code, a short list,
        # is still compared case-insensitively).
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert 'UPPER("opportunities_opportunity"' not in sql
        assert "title_normalized" in sql
    assert list(client.get(url, {"q": "مكتبة"}).context["cl"].result_list) == []


@pytest.mark.django_db
def test_the_programme_search_reads_the_stored_name(programme):
    programme.refresh_from_db()
    assert programme.name_normalized == "برنامج محو الاميه"
    every = Programme.objects.all()
    assert list(search_programmes(every, "محو الأمية")) == [programme]
    assert list(search_programmes(every, "الاميه")) == [programme]
    assert list(search_programmes(every, "edu-0")) == [programme]
    assert list(search_programmes(every, "مكتبة")) == []


# --- the migrations fill the rows already there ---------------------------------------------

BEFORE = [("opportunities", "0007_verbose_names"), ("programmes", "0003_verbose_names")]
AFTER = [
    ("opportunities", "0008_opportunity_title_normalized"),
    ("programmes", "0004_programme_name_normalized"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('opportunity_title_trgm', 'programme_name_trgm') ORDER BY indexname"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_the_normalised_columns_and_keep_every_row(django_user_model):
    owner = django_user_model.objects.create(username="owner")
    old = migrate(BEFORE)
    category = old.get_model("programmes", "ProgrammeCategory").objects.create(name="صحة")
    old_programme = old.get_model("programmes", "Programme").objects.create(
        code="HLT-1", name="عيادة الأسرة", category=category
    )
    titles = ["مستشفى الأمل", "إنشاء مكتبة", "كفالة يتيم"]
    old_opportunity = old.get_model("opportunities", "Opportunity")
    for title in titles:
        old_opportunity.objects.create(title=title, programme=old_programme, owner_id=owner.pk)
    try:
        migrate(AFTER)
        assert dict(Opportunity.objects.values_list("title", "title_normalized")) == {
            "مستشفى الأمل": "مستشفي الامل",
            "إنشاء مكتبة": "انشاء مكتبه",
            "كفالة يتيم": "كفاله يتيم",
        }
        assert Programme.objects.get(code="HLT-1").name_normalized == "عياده الاسره"
        assert set(found("الأمل")) == {"مستشفى الأمل"}
        if connection.vendor == "postgresql":
            assert _trigram_indexes() == ["opportunity_title_trgm", "programme_name_trgm"]
            migrate(BEFORE)
            assert _trigram_indexes() == []
            assert Opportunity.objects.count() == len(titles)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    if connection.vendor == "postgresql":
        assert _trigram_indexes() == ["opportunity_title_trgm", "programme_name_trgm"]
