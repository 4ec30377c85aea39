"""The Django admin: Arabic RTL, who may enter, and the audit history of the structure."""

import pytest
from django.urls import reverse

from association.models import City, PublicHoliday, StaffProfile
from tests.factories import CentreFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_admin_is_arabic_and_right_to_left(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="ar"' in content and 'dir="rtl"' in content
    assert "إدارة نظام علاقات العملاء" in content
    assert "css/admin.css" in content  # the bundled Arabic font


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("crm_staff", 302), ("management_user", 200), ("superuser", 200)],
)
def test_admin_holidays_permission_matrix(client, request, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:association_publicholiday_changelist"))
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response.url


def test_management_adds_a_holiday_in_the_admin_and_history_records_who(client, management_user):
    client.force_login(management_user)
    response = client.post(
        reverse("admin:association_publicholiday_add"),
        {"name": "إجازة اليوم الوطني", "start_date": "2027-09-23", "end_date": "2027-09-23"},
    )
    assert response.status_code == 302
    holiday = PublicHoliday.objects.get(name="إجازة اليوم الوطني")
    record = holiday.history.get()
    assert record.history_type == "+"
    assert record.history_user == management_user


def test_holiday_ending_before_it_starts_is_refused_in_arabic(client, management_user):
    client.force_login(management_user)
    response = client.post(
        reverse("admin:association_publicholiday_add"),
        {"name": "خطأ", "start_date": "2027-09-23", "end_date": "2027-09-20"},
    )
    assert response.status_code == 200
    assert "لا يمكن أن يكون اليوم الأخير قبل اليوم الأول" in response.content.decode()
    assert not PublicHoliday.objects.exists()


def test_management_reads_cities_but_cannot_change_them(client, management_user):
    city = City.objects.create(name="جدة")
    client.force_login(management_user)
    url = reverse("admin:association_city_change", args=[city.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    response = client.post(url, {"name": "مدينة أخرى", "name_en": ""})
    assert response.status_code == 403
    city.refresh_from_db()
    assert city.name == "جدة"


def test_centres_staff_profile_requires_a_centre(client, superuser, crm_staff):
    centres_department = DepartmentFactory(
        code="centres", name="قسم شؤون المراكز", works_in_centres=True
    )
    client.force_login(superuser)
    url = reverse("admin:association_staffprofile_add")
    data = {
        "user": crm_staff.pk,
        "department": centres_department.pk,
        "job_title": "",
        "mobile": "٠٥٠١٢٣٤٥٦٧",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "اختر مركزًا واحدًا على الأقل" in response.content.decode()

    centre = CentreFactory()
    response = client.post(url, {**data, "centres": [centre.pk]})
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=crm_staff)
    assert profile.mobile == "+966501234567"  # normalised to E.164
    assert list(profile.centres.all()) == [centre]


def test_every_admin_inline_column_reads_in_arabic():
    """The columns of the steps, events, entries and attachments listed under a record in
    the admin are named in Arabic: each field they show has a translated verbose name.
    (django-celery-beat's own admin ships no Arabic.)"""
    import re

    from django.conf import settings
    from django.contrib import admin as django_admin
    from django.utils import translation

    english = []
    with translation.override("ar"):
        for model_admin in django_admin.site._registry.values():
            for inline in model_admin.inlines:
                if inline.model._meta.app_label not in settings.PROJECT_APPS:
                    continue
                names = inline.fields or [
                    field.name for field in inline.model._meta.fields if not field.auto_created
                ]
                for name in names:
                    column = getattr(inline, name, None)
                    if column is not None:  # a column of the inline itself (the steps' states)
                        label = str(getattr(column, "short_description", name))
                    else:
                        label = str(inline.model._meta.get_field(name).verbose_name)
                    if not re.search("[\u0600-\u06ff]", label):
                        english.append(f"{inline.model._meta.label}.{name}: {label}")
    assert english == []
