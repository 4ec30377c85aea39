"""«عملي» and the navigation bar are built once and kept (core.mywork.home_for,
core.navigation): what is kept is renewed when a row changes, and a user's bar follows
their permissions; the bar's menus are drawn once per bar and language."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.models import City
from core import cache, mywork, navigation
from core.models import BackgroundJob
from core.navigation import NavItem, menus_html, navigation_for
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities_section():
    """A work provider listing the cities (any project rows would do), counting its calls."""
    calls = []

    def provider(user):
        calls.append(user.pk)
        cities = list(City.objects.order_by("name"))
        return mywork.WorkSection(
            title="Cities", items=[mywork.WorkItem(title=city.name, url="/") for city in cities]
        )

    mywork.register_work_provider(provider)
    yield calls
    mywork.unregister_work_provider(provider)


def test_the_home_page_is_computed_once_until_a_row_changes(client, crm_staff, cities_section):
    client.force_login(crm_staff)
    assert "القنفذة" not in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("home"))
    assert again.status_code == 200
    assert cities_section == [crm_staff.pk]  # the providers ran once
    # The user (and the session, unless Redis caches it): no provider, no headline, no
    # permission query.
    tables = [query["sql"].split(" FROM ")[1].split()[0] for query in queries.captured_queries]
    assert set(tables) <= {'"auth_user"', '"django_session"'}, tables
    assert len(tables) <= 2, tables

    CityFactory(name="القنفذة", name_en="Al Qunfudhah")
    assert "القنفذة" in client.get(reverse("home")).content.decode()
    assert len(cities_section) == 2

    City.objects.filter(name="القنفذة").delete()
    assert "القنفذة" not in client.get(reverse("home")).content.decode()


def test_each_user_and_language_has_its_own_home_page(client, crm_staff, make_user, cities_section):
    other = make_user(username="another_user")
    client.force_login(crm_staff)
    client.get(reverse("home"))
    client.force_login(other)
    client.get(reverse("home"))
    client.cookies["django_language"] = "en"
    client.get(reverse("home"))
    assert cities_section == [crm_staff.pk, other.pk, other.pk]


def test_a_transaction_renews_the_home_page_on_commit_once(django_capture_on_commit_callbacks):
    renew = cache._renewer(mywork.WORK_TOPIC)
    before = cache.topic_version(mywork.WORK_TOPIC)
    with django_capture_on_commit_callbacks() as callbacks:
        CityFactory(name="الطائف", name_en="Taif")
        CityFactory(name="رابغ", name_en="Rabigh")
    # Renewed at once (this transaction's later reads), and once more on commit.
    assert cache.topic_version(mywork.WORK_TOPIC) != before
    assert sum(callback is renew for callback in callbacks) == 1


def test_a_login_or_a_job_s_progress_keeps_the_home_pages(crm_staff):
    before = cache.topic_version(mywork.WORK_TOPIC)
    request = RequestFactory().get("/")
    user_logged_in.send(sender=type(crm_staff), request=request, user=crm_staff)
    BackgroundJob.objects.create(kind="test", owner=crm_staff)
    assert cache.topic_version(mywork.WORK_TOPIC) == before
    crm_staff.first_name = "نورة"
    crm_staff.save()
    assert cache.topic_version(mywork.WORK_TOPIC) != before


def test_the_navigation_is_built_once_per_set_of_permissions(make_user):
    first, second = make_user(username="first"), make_user(username="second")
    assert navigation_for(first) == []
    assert navigation_for(first) is navigation_for(second)

    second.user_permissions.add(
        Permission.objects.get(codename="view_case", content_type__app_label="complaints")
    )
    second = type(second).objects.get(pk=second.pk)  # a new request: permissions read again
    pillars = [pillar.code for pillar, _links in navigation_for(second)]
    assert "complaints" in pillars
    assert navigation_for(first) == []


def _menus_drawn_again(menus):
    """The menus drawn by their template, as the bar drew them inline before."""
    from django.template import Context, Engine

    return (
        Engine.get_default()
        .from_string(Engine.get_default().get_template(navigation.MENUS_TEMPLATE).source)
        .render(Context({"navigation": menus}))
    )


def test_the_menus_are_drawn_once_per_bar_and_language(make_user):
    from django.utils import translation

    first, second = make_user(username="first"), make_user(username="second")
    for user in (first, second):
        user.user_permissions.add(
            Permission.objects.get(codename="view_case", content_type__app_label="complaints")
        )
    first, second = (type(user).objects.get(pk=user.pk) for user in (first, second))
    menus = navigation_for(first)
    assert menus is navigation_for(second)
    with translation.override("ar"):
        arabic = menus_html(menus)
        assert menus_html(navigation_for(second)) is arabic
        assert arabic == _menus_drawn_again(menus)
        assert 'data-pillar="complaints"' in arabic and reverse("complaints:list") in arabic
    with translation.override("en"):
        english = menus_html(menus)
        assert english == _menus_drawn_again(menus) and english != arabic
        assert "Complaints, inquiries and suggestions" in english

    # A page registered later is in the menus drawn next.
    item = NavItem("لوحة تجريبية", "home", icon="star", permission="complaints.view_case")
    navigation.register_nav_item("reports", item)
    try:
        with translation.override("ar"):
            drawn = menus_html(navigation_for(first))
        assert "لوحة تجريبية" in drawn and 'data-pillar="reports"' in drawn
    finally:
        navigation.unregister_nav_item("reports", item)
    with translation.override("ar"):
        assert "لوحة تجريبية" not in menus_html(navigation_for(first))


def test_every_page_shows_the_menus_of_its_users_permissions(client, make_user):
    from association import roles

    staff = make_user(roles.CRM_STAFF, username="staff")
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()
    with_menus = menus_html(navigation_for(staff))
    assert with_menus in html
    assert html.count('class="nav-item dropdown"') == len(navigation_for(staff))
