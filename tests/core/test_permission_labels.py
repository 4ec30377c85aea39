"""Permissions read in Arabic where people choose them: Django stores "Can add case" in
English in the database (left as it is); core.permissions builds the label when it is shown,
and the admin's user and group pickers use it (core.admin.label_permissions)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from core.permissions import permission_choice_label, permission_label

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.select_related("content_type").get(
        content_type__app_label=app_label, codename=codename
    )


def test_default_permissions_read_the_action_and_the_model_in_arabic():
    with translation.override("ar"):
        assert permission_label(permission("complaints.add_case")) == "إضافة طلب"
        assert permission_label(permission("complaints.change_case")) == "تعديل طلب"
        assert permission_label(permission("complaints.delete_case")) == "حذف طلب"
        assert permission_label(permission("complaints.view_case")) == "عرض طلب"


def test_custom_permissions_read_their_translated_name():
    with translation.override("ar"):
        label = permission_label(permission("complaints.publish_faqentry"))
        assert label == translation.gettext("Can publish or reject FAQ entries")
        assert label == "يمكنه نشر الأسئلة المتكررة أو رفضها"
        # view_pledge starts like a default permission but belongs to Meta.permissions.
        pledge = permission_label(permission("opportunities.view_pledge"))
        assert pledge == translation.gettext("Can open the signed pledges of opportunities")


def test_history_permissions_name_the_model_they_record():
    with translation.override("ar"):
        assert permission_label(permission("customers.view_historicalcustomer")) == (
            "عرض سجل تغييرات عميل"
        )


def test_the_database_names_stay_as_django_wrote_them():
    assert permission("complaints.add_case").name == "Can add case"


def test_every_permission_reads_in_arabic():
    with translation.override("ar"):
        english = {
            f"{p.content_type.app_label}.{p.codename}": permission_choice_label(p)
            for p in Permission.objects.select_related("content_type")
            if LATIN_WORD.search(permission_choice_label(p))
        }
    assert english == {}


def test_the_group_and_user_pickers_show_the_arabic_labels(client, superuser):
    client.force_login(superuser)
    group = Group.objects.order_by("pk").first()
    page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "إضافة طلب" in page
    assert "Can add case" not in page
    assert "يمكنه نشر الأسئلة المتكررة أو رفضها" in page
    page = client.get(reverse("admin:auth_user_change", args=[superuser.pk])).content.decode()
    assert "عرض طلب" in page
    assert "Can view case" not in page
