"""The CRM manager designates the customer-data steward and deputy (6.1.4) and marks the
steward absent, from a page in the customers area; every change is recorded with who, when,
old → new and the reason, and shown on that page (issue 10 item 7)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse, reverse_lazy
from django.utils import translation

from association import roles
from customers import services
from customers.models import StewardDesignation
from tests.factories import UserFactory
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

URL = reverse_lazy("customers:steward")


@pytest.fixture
def crew(db):
    crew = {
        "crm_staff": user_with(roles.CRM_STAFF, "crm_staff"),
        "crm_manager": user_with(roles.CRM_MANAGER, "crm_manager"),
        "centres_staff": user_with(roles.CENTRES_STAFF, "centres_staff"),
        "centres_manager": user_with(roles.CENTRES_MANAGER, "centres_manager"),
        "quality_officer": user_with(roles.QUALITY_OFFICER, "quality_officer"),
        "data_steward": user_with(roles.DATA_STEWARD, "data_steward", first_name="عبدالله"),
        "deputy_steward": user_with(roles.DEPUTY_STEWARD, "deputy_steward", first_name="نورة"),
        "management": user_with(roles.MANAGEMENT, "management", is_staff=True),
        "planning_director": user_with(roles.PLANNING_DIRECTOR, "planning_director"),
        "resource_development": user_with(roles.RESOURCE_DEVELOPMENT, "resource_development"),
        "council_secretary": user_with(roles.COUNCIL_SECRETARY, "council_secretary"),
        "no_role": UserFactory(username="no_role"),
    }
    crew["steward2"] = user_with(roles.DATA_STEWARD, "steward2", first_name="سلمان")
    crew["deputy2"] = user_with(roles.DEPUTY_STEWARD, "deputy2", first_name="هند")
    StewardDesignation.objects.create(steward=crew["data_steward"], deputy=crew["deputy_steward"])
    return crew


def current():
    designation = StewardDesignation.objects.get()
    return designation.steward.username, designation.deputy.username, designation.steward_absent


def change_data(crew, steward="steward2", deputy="deputy_steward", absent=False, reason="نقل"):
    data = {"steward": crew[steward].pk, "deputy": crew[deputy].pk, "reason": reason}
    if absent:
        data["steward_absent"] = "on"
    return data


READERS = {"crm_manager", "data_steward", "deputy_steward"}
CHANGERS = {"crm_manager"}


@pytest.mark.parametrize(
    "role",
    [
        "crm_staff",
        "crm_manager",
        "centres_staff",
        "centres_manager",
        "quality_officer",
        "data_steward",
        "deputy_steward",
        "management",
        "planning_director",
        "resource_development",
        "council_secretary",
        "no_role",
    ],
)
def test_permission_matrix(client, crew, role):
    client.force_login(crew[role])
    page = client.get(URL)
    assert page.status_code == (200 if role in READERS else 403)
    if role in READERS:
        shows_form = 'data-testid="designation-form"' in page.content.decode()
        assert shows_form == (role in CHANGERS)
    before = current()
    history = StewardDesignation.history.count()
    response = client.post(URL, change_data(crew))
    if role in CHANGERS:
        assert response.status_code == 302
        assert current() == ("steward2", "deputy_steward", False)
    else:
        assert response.status_code == 403
        assert current() == before
        assert StewardDesignation.history.count() == history


def test_anonymous_is_sent_to_login(client, crew):
    assert client.get(URL).status_code == 302
    response = client.post(URL, change_data(crew))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert current() == ("data_steward", "deputy_steward", False)


def test_the_manager_changes_the_designation_and_the_history_shows_it(client, crew):
    client.force_login(crew["crm_manager"])
    response = client.post(
        URL,
        change_data(
            crew, steward="steward2", deputy="deputy2", reason="انتقال عبدالله إلى قسم آخر"
        ),
        follow=True,
    )
    assert current() == ("steward2", "deputy2", False)
    record = StewardDesignation.history.order_by("-history_id").first()
    assert record.history_user == crew["crm_manager"]
    assert record.history_change_reason == "انتقال عبدالله إلى قسم آخر"
    content = response.content.decode()
    assert "انتقال عبدالله إلى قسم آخر" in content
    assert "عبدالله" in content and "سلمان" in content  # old → new steward
    assert "نورة" in content and "هند" in content  # old → new deputy
    assert 'data-testid="history"' in content

    # Marking the steward absent: the deputy now enters approved forms.
    client.post(URL, change_data(crew, "steward2", "deputy2", absent=True, reason="إجازة"))
    designation = StewardDesignation.objects.get()
    assert designation.steward_absent is True
    assert services.acting_steward() == crew["deputy2"]
    assert StewardDesignation.history.count() == 3


def test_only_holders_of_the_roles_can_be_chosen(client, crew):
    client.force_login(crew["crm_manager"])
    with translation.override("en"):
        page = client.get(URL)
    form = page.context["form"]
    assert set(form.fields["steward"].queryset) == {crew["data_steward"], crew["steward2"]}
    assert set(form.fields["deputy"].queryset) == {crew["deputy_steward"], crew["deputy2"]}
    before = current()
    refused = client.post(URL, change_data(crew, steward="crm_staff"))
    assert refused.status_code == 200
    assert "steward" in refused.context["form"].errors
    assert current() == before


def test_steward_and_deputy_must_differ_and_a_reason_is_required(client, crew):
    both = user_with(roles.DATA_STEWARD, "both")
    both.groups.add(Group.objects.get(name=roles.DEPUTY_STEWARD.group_name))
    client.force_login(crew["crm_manager"])
    before = current()
    history = StewardDesignation.history.count()
    same = client.post(URL, {"steward": both.pk, "deputy": both.pk, "reason": "x"})
    assert same.status_code == 200 and same.context["form"].errors
    no_reason = client.post(URL, change_data(crew, reason="  "))
    assert no_reason.status_code == 200 and "reason" in no_reason.context["form"].errors
    unchanged = client.post(URL, change_data(crew, "data_steward", "deputy_steward", reason="x"))
    assert unchanged.status_code == 200 and unchanged.context["form"].errors
    assert current() == before
    assert StewardDesignation.history.count() == history


def test_the_service_checks_the_permission(crew):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.steward_designation_change(
            actor=crew["crm_staff"],
            steward=crew["steward2"],
            deputy=crew["deputy2"],
            steward_absent=False,
            reason="x",
        )
    assert current() == ("data_steward", "deputy_steward", False)


def test_a_first_designation_is_created_by_the_manager(client, crew):
    StewardDesignation.objects.all().delete()
    client.force_login(crew["crm_manager"])
    assert client.get(URL).status_code == 200
    client.post(URL, change_data(crew, reason="التعيين الأول"))
    assert current() == ("steward2", "deputy_steward", False)


# --- the admin ----------------------------------------------------------------------------


def test_admin_checks_the_designation_permission(client, crew):
    """Management reaches the admin but does not designate the steward: neither the add nor
    the change form opens for it; a staff user granted the permission may change it."""
    StewardDesignation.objects.all().delete()
    client.force_login(crew["management"])
    assert client.get(reverse("admin:customers_stewarddesignation_add")).status_code == 403
    assert not StewardDesignation.objects.exists()

    StewardDesignation.objects.create(steward=crew["data_steward"], deputy=crew["deputy_steward"])
    designation = StewardDesignation.objects.get()
    change_url = reverse("admin:customers_stewarddesignation_change", args=[designation.pk])
    response = client.post(change_url, change_data(crew))
    assert response.status_code == 403
    assert current() == ("data_steward", "deputy_steward", False)

    crew["management"].user_permissions.add(
        Permission.objects.get(codename="change_stewarddesignation"),
        Permission.objects.get(codename="view_stewarddesignation"),
    )
    response = client.post(change_url, change_data(crew, reason="تعديل من لوحة الإدارة"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert current() == ("steward2", "deputy_steward", False)
    record = StewardDesignation.history.order_by("-history_id").first()
    assert record.history_change_reason == "تعديل من لوحة الإدارة"
    assert record.history_user == crew["management"]


def test_the_crm_manager_role_holds_the_permission(crew):
    assert crew["crm_manager"].has_perm("customers.change_stewarddesignation")
    for name in READERS:
        assert crew[name].has_perm("customers.view_stewarddesignation")
    assert not crew["management"].has_perm("customers.change_stewarddesignation")


def test_admin_refuses_the_same_person_twice_and_an_unchanged_designation(client, superuser, crew):
    designation = StewardDesignation.objects.get()
    url = reverse("admin:customers_stewarddesignation_change", args=[designation.pk])
    client.force_login(superuser)
    history = StewardDesignation.history.count()
    both = user_with(roles.DATA_STEWARD, "both")
    both.groups.add(Group.objects.get(name=roles.DEPUTY_STEWARD.group_name))
    same = client.post(url, {"steward": both.pk, "deputy": both.pk, "reason": "x"})
    assert same.status_code == 200 and same.context["adminform"].form.errors
    unchanged = client.post(url, change_data(crew, "data_steward", "deputy_steward"))
    assert unchanged.status_code == 200 and unchanged.context["adminform"].form.errors
    assert current() == ("data_steward", "deputy_steward", False)
    assert StewardDesignation.history.count() == history
