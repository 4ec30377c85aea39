"""Writes to the portfolio: who may, what is checked, and the history they leave."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes import services
from programmes.models import Programme, ProgrammeCategory
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db


def create(actor, **values):
    defaults = {"code": "PRG-1", "name": "برنامج", "category": "تعليم"}
    return services.programme_create(actor=actor, **{**defaults, **values})


@pytest.mark.parametrize("who", ["manager", "planning"])
def test_manager_and_planning_director_create_programmes(people, who):
    centre = CentreFactory()
    programme = create(
        people[who],
        code=" PRG-٠٠٧ ",
        centres=[centre],
        budget=Decimal("5000"),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 30),
    )
    programme.refresh_from_db()
    assert programme.code == "PRG-007"
    assert programme.category.name == "تعليم"
    assert list(programme.centres.all()) == [centre]
    first = programme.history.earliest()
    assert (first.history_type, first.history_user) == ("+", people[who])
    assert programme.history.latest().history_user == people[who]


@pytest.mark.parametrize("who", ["staff", "quality", "management"])
def test_others_may_not_create_or_change(people, who, manager_programme):
    with pytest.raises(PermissionDenied):
        create(people[who])
    with pytest.raises(PermissionDenied):
        services.programme_update(programme=manager_programme, actor=people[who], name="x")
    assert Programme.objects.count() == 1


def test_end_date_before_start_date_and_negative_budget_are_refused(people):
    with pytest.raises(ValidationError) as error:
        create(
            people["manager"],
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 30),
            budget=Decimal("-1"),
        )
    assert set(error.value.message_dict) == {"end_date", "budget"}
    assert not Programme.objects.exists()


def test_codes_are_unique_whatever_the_case(people, manager_programme):
    with pytest.raises(ValidationError) as error:
        create(people["manager"], code=manager_programme.code.lower())
    assert "code" in error.value.message_dict


def test_update_writes_one_history_row_with_the_actor(people, manager_programme):
    centre = CentreFactory()
    rows_before = manager_programme.history.count()
    updated = services.programme_update(
        programme=manager_programme,
        actor=people["planning"],
        budget=Decimal("250000"),
        centres=[centre],
        change_reason="مراجعة منتصف العام",
    )
    assert updated.budget == Decimal("250000")
    assert manager_programme.history.count() == rows_before + 1
    latest = manager_programme.history.latest()
    assert latest.history_user == people["planning"]
    assert latest.history_change_reason == "مراجعة منتصف العام"
    assert [row.centre_id for row in latest.centres.all()] == [centre.pk]


def test_an_update_that_changes_nothing_writes_nothing(people, manager_programme):
    rows_before = manager_programme.history.count()
    services.programme_update(
        programme=manager_programme,
        actor=people["manager"],
        name=manager_programme.name,
        code=manager_programme.code,
        category=manager_programme.category.name,
        centres=[],
        budget=Decimal("0.00"),
    )
    assert manager_programme.history.count() == rows_before


def test_update_rechecks_the_rules(people, manager_programme):
    with pytest.raises(ValidationError):
        services.programme_update(
            programme=manager_programme,
            actor=people["manager"],
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 1, 1),
        )
    manager_programme.refresh_from_db()
    assert manager_programme.start_date is None


def test_category_get_or_create_folds_spelling_variants(people):
    existing = ProgrammeCategory.objects.create(name="رعاية الأسرة")
    found, created = services.category_get_or_create(name="  رعاية  الاسره ", actor=people["staff"])
    assert (found, created) == (existing, False)
    added, created = services.category_get_or_create(name="صحة", actor=people["planning"])
    assert created and added.name == "صحة"


def test_only_portfolio_keepers_add_categories(people):
    with pytest.raises(PermissionDenied):
        services.category_get_or_create(name="بيئة", actor=people["staff"])
    with pytest.raises(ValidationError):
        services.category_get_or_create(name="   ", actor=people["manager"])
    assert not ProgrammeCategory.objects.filter(name="بيئة").exists()
