"""core.cache: what rarely changes is read from the cache, and a change shows at once
(a centre renamed, a holiday added, a permission given through a group)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.models import PublicHoliday
from association.workdays import is_working_day
from core import cache
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db


def test_a_renamed_centre_shows_its_new_name_in_the_filters(admin_client):
    centre = CentreFactory(name="مركز حي الياسمين")
    url = reverse("customers:list")
    assert centre.name in admin_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(url)
    assert not [q for q in queries.captured_queries if "association_centre" in q["sql"]]
    centre.name = "مركز حي الياسمين الجديد"
    centre.save()
    assert "مركز حي الياسمين الجديد" in admin_client.get(url).content.decode()


def test_a_new_holiday_is_not_a_working_day_at_once():
    sunday = datetime.date(2031, 3, 2)
    assert is_working_day(sunday)
    with CaptureQueriesContext(connection) as queries:
        assert is_working_day(sunday)
    assert len(queries) == 0
    PublicHoliday.objects.create(name="عطلة", start_date=sunday, end_date=sunday)
    assert not is_working_day(sunday)


def test_a_permission_given_to_a_group_holds_at_once(make_user):
    user = make_user(username="cached_perm")
    group = Group.objects.create(name="readers of holidays")
    user.groups.add(group)
    assert not get_user_model().objects.get(pk=user.pk).has_perm("association.view_publicholiday")
    with CaptureQueriesContext(connection) as queries:
        assert (
            not get_user_model().objects.get(pk=user.pk).has_perm("association.view_publicholiday")
        )
    assert len(queries) == 1  # the user alone: the permissions come from the cache
    group.permissions.add(Permission.objects.get(codename="view_publicholiday"))
    assert get_user_model().objects.get(pk=user.pk).has_perm("association.view_publicholiday")
    user.groups.remove(group)
    assert not get_user_model().objects.get(pk=user.pk).has_perm("association.view_publicholiday")


def test_an_unknown_topic_is_refused():
    with pytest.raises(KeyError):
        cache.cached("no such topic", "key", lambda: 1)
    with pytest.raises(KeyError):
        cache.cached("places", "key", lambda: 1, also=["no such topic"])


def test_a_value_read_from_several_topics_is_renewed_by_any_of_them():
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    def read():
        return cache.cached("places", "both", compute, also=["holidays"])

    assert read() == read() == 1
    cache.bump("holidays")
    assert read() == read() == 2
    cache.bump("places")
    assert read() == 3


def test_the_signed_in_user_is_read_from_the_cache_and_a_change_shows_at_once(client, make_user):
    from association import roles

    user = make_user(roles.CRM_STAFF, username="cached_user", first_name="سارة")
    client.force_login(user)
    assert "سارة" in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if '"auth_user"' in q["sql"]]
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]

    user.first_name = "نورة"
    user.save()
    assert "نورة" in client.get(reverse("home")).content.decode()

    # A permission taken away through the user's groups holds on the next page.
    assert client.get(reverse("complaints:list")).status_code == 200
    user.groups.clear()
    assert client.get(reverse("complaints:list")).status_code == 403

    # Deactivated (or given a new password): signed out on the next page.
    user.is_active = False
    user.save()
    assert client.get(reverse("home")).status_code == 302


def test_a_user_changed_without_signals_is_read_again_once_the_topic_is_bumped(client, make_user):
    from core.auth import USERS_TOPIC

    user = make_user(username="bumped_user", first_name="سارة")
    client.force_login(user)
    assert "سارة" in client.get(reverse("home")).content.decode()
    get_user_model().objects.filter(pk=user.pk).update(first_name="نورة")
    cache.bump(USERS_TOPIC)
    assert "نورة" in client.get(reverse("home")).content.decode()
