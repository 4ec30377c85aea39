"""The site shell: login, my-work home, navigation, language switch, password change."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from association import roles
from core import mywork, navigation
from tests.factories import TEST_PASSWORD, CentreFactory, DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def html_root(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_arabic_and_right_to_left(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    root = html_root(response)
    assert 'lang="ar"' in root and 'dir="rtl"' in root
    content = response.content.decode()
    assert "bootstrap.rtl.min.css" in content
    assert "تسجيل الدخول" in content
    assert "csrfmiddlewaretoken" in content
    # Everything comes from our own static files: no CDN.
    assert not re.search(r'(href|src)="https?://', content)


def test_staff_member_logs_in_with_the_form_and_lands_on_my_work(client, crm_staff):
    response = client.post(
        reverse("login"),
        {"username": crm_staff.username, "password": TEST_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    content = response.content.decode()
    assert "عملي" in content
    assert "موظف إدارة علاقات العملاء" in content  # the role, in Arabic


def test_wrong_password_shows_an_arabic_error(client, crm_staff):
    response = client.post(reverse("login"), {"username": crm_staff.username, "password": "x"})
    assert response.status_code == 200
    assert "الرجاء إدخال" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_shows_the_empty_state_and_the_three_pillars(client, crm_staff):
    client.force_login(crm_staff)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert 'data-testid="empty-work"' in content
    assert "لا شيء ينتظرك الآن" in content
    for pillar in ("التسويق", "الشكاوى والاستفسارات والاقتراحات", "العملاء", "التقارير"):
        assert pillar in content
    # Today's date carries the Hijri date beside it.
    assert "هـ" in content


def test_home_shows_department_and_centres_of_the_profile(client, crm_staff):
    centre = CentreFactory(name="مركز حي الصفا")
    profile = StaffProfileFactory(
        user=crm_staff, department=DepartmentFactory(code="centres", name="قسم شؤون المراكز")
    )
    profile.centres.add(centre)
    client.force_login(crm_staff)
    content = client.get(reverse("home")).content.decode()
    assert "قسم شؤون المراكز" in content
    assert "مركز حي الصفا" in content


def test_home_lists_registered_work_and_marks_overdue_items(client, crm_staff):
    now = timezone.now()

    def pending_reviews(user):
        if not roles.user_has_role(user, roles.CRM_STAFF):
            return None
        return mywork.WorkSection(
            title="طلبات بانتظار المراجعة",
            items=[
                mywork.WorkItem("طلب رقم 7", "/requests/7/", due=now - timedelta(days=1)),
                mywork.WorkItem("طلب رقم 8", "/requests/8/", due=now + timedelta(days=1)),
            ],
        )

    mywork.register_work_provider(pending_reviews)
    try:
        client.force_login(crm_staff)
        content = client.get(reverse("home")).content.decode()
    finally:
        mywork.unregister_work_provider(pending_reviews)
    assert "طلبات بانتظار المراجعة" in content
    assert "طلب رقم 7" in content and "طلب رقم 8" in content
    assert content.count("list-group-item-danger") == 1  # only the overdue one
    assert "متأخر منذ" in content
    assert 'data-testid="empty-work"' not in content


def test_home_query_count_is_bounded(client, crm_staff, django_assert_max_num_queries):
    client.force_login(crm_staff)
    # Session, user, roles, profile, navigation, plus one or two per registered work provider
    # (3.1.21 added two for CRM staff: their flagged contacts and point-of-contact proposals;
    # complaints step 3 one: the cases newly referred to their queue; step 7 one: the proposed
    # solutions they own; the portfolio two: planning's answers to their proposals and the
    # donor problems they own; the campaigns one: the proposals awaited from the agencies;
    # the surveys one: the survey treatment steps they own; the support requests: the
    # requests waiting for reception's steps, and part B's deliveries and re-assessments).
    with django_assert_max_num_queries(27):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-testid="empty-work"' in response.content.decode()


def test_navigation_shows_only_pages_the_user_may_open(client, crm_staff, make_user):
    item = navigation.NavItem(
        "سجل الأعياد", "admin:index", permission="association.add_publicholiday"
    )
    navigation.register_nav_item("reports", item)
    try:
        client.force_login(crm_staff)
        assert "سجل الأعياد" not in client.get(reverse("home")).content.decode()
        client.force_login(make_user(roles.MANAGEMENT))
        assert "سجل الأعياد" in client.get(reverse("home")).content.decode()
    finally:
        navigation.unregister_nav_item("reports", item)


def test_language_switch_to_english_and_back(client, crm_staff):
    client.force_login(crm_staff)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    root = html_root(response)
    assert 'lang="en"' in root and 'dir="ltr"' in root
    assert "My work" in response.content.decode()
    assert "bootstrap.min.css" in response.content.decode()
    response = client.post(
        reverse("set_language"), {"language": "ar", "next": reverse("home")}, follow=True
    )
    assert 'dir="rtl"' in html_root(response)


def test_language_switch_works_before_login(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert 'lang="en"' in html_root(response)


def test_password_change_replaces_the_old_password(client, crm_staff):
    client.force_login(crm_staff)
    form = client.get(reverse("password_change"))
    assert "تغيير كلمة المرور" in form.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Makkah-Centres-2027",
            "new_password2": "Makkah-Centres-2027",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    crm_staff.refresh_from_db()
    assert crm_staff.check_password("Makkah-Centres-2027")
    assert not crm_staff.check_password(TEST_PASSWORD)


def test_password_change_rejects_a_wrong_old_password_in_arabic(client, crm_staff):
    client.force_login(crm_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Abc-12345-xyz",
            "new_password2": "Abc-12345-xyz",
        },
    )
    assert response.status_code == 200
    assert "كلمة المرور القديمة" in response.content.decode()
    crm_staff.refresh_from_db()
    assert crm_staff.check_password(TEST_PASSWORD)


def test_logout_is_post_only(client, crm_staff):
    client.force_login(crm_staff)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_an_english_browser_still_gets_arabic_until_the_user_switches(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ar"' in html_root(response)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="en"' in html_root(response)


def test_an_unknown_language_cookie_falls_back_to_arabic(client):
    client.cookies["django_language"] = "fr"
    assert 'lang="ar"' in html_root(client.get(reverse("login")))
