import pytest
from django.contrib.auth.models import Group, Permission

from association import roles

pytestmark = pytest.mark.django_db


def test_migrations_create_one_group_per_role_with_its_permissions():
    for role in roles.ALL_ROLES:
        group = Group.objects.get(name=role.group_name)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert roles.permissions_of(role) <= granted, role.code
    assert Group.objects.count() == len(roles.ALL_ROLES)


def test_every_listed_permission_exists():
    for role in roles.ALL_ROLES:
        for dotted in roles.permissions_of(role):
            app_label, codename = dotted.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), f"{role.code}: {dotted}"


def test_sync_is_idempotent_and_keeps_extra_grants():
    group = Group.objects.get(name=roles.QUALITY_OFFICER.group_name)
    extra = Permission.objects.get(codename="view_staffprofile")
    group.permissions.add(extra)
    before = set(group.permissions.all())
    roles.sync_role_groups(Group, Permission)
    roles.sync_role_groups(Group, Permission)
    assert set(group.permissions.all()) == before
    assert Group.objects.count() == len(roles.ALL_ROLES)


def test_user_roles_and_permissions(make_user):
    manager = make_user(roles.CRM_MANAGER)
    assert roles.user_roles(manager) == [roles.CRM_MANAGER]
    assert roles.user_has_role(manager, roles.CRM_MANAGER, roles.CRM_STAFF)
    assert not roles.user_has_role(manager, roles.DATA_STEWARD)
    assert manager.has_perm("association.view_staffprofile")
    staff = make_user(roles.CRM_STAFF)
    assert not staff.has_perm("association.view_staffprofile")
    assert staff.has_perm("association.view_centre")


def test_role_codes_are_unique_and_found_by_code():
    codes = [role.code for role in roles.ALL_ROLES]
    assert len(codes) == len(set(codes)) == 11
    assert roles.role_by_code("council_secretary") is roles.COUNCIL_SECRETARY
