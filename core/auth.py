"""Each user's permissions and role groups read once from the cache instead of two or three
queries on every page (core.cache topic "permissions"): renewed when a group, a permission,
a user's groups, a user's own permissions or a group's permissions change.

Settings name `core.auth.CachedPermissionBackend` in place of Django's ModelBackend; what it
answers is exactly ModelBackend's answer."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from .cache import cached, register_topic

PERMISSIONS_TOPIC = "permissions"


def register_permission_topic() -> None:
    register_topic(
        PERMISSIONS_TOPIC,
        Group,
        Permission,
        m2m_through=(User.groups.through, User.user_permissions.through, Group.permissions.through),
    )


def _user_key(user_obj: Any) -> str:
    # The flags ModelBackend reads are part of the key: a user made superuser or
    # deactivated gets other permissions without a change of the groups.
    return f"{user_obj.pk}:{int(user_obj.is_active)}:{int(user_obj.is_superuser)}"


def group_names_of(user_obj: Any) -> set[str]:
    """The names of the user's groups (association.roles.user_roles reads its roles here)."""
    return cached(
        PERMISSIONS_TOPIC,
        f"groups:{user_obj.pk}",
        lambda: set(user_obj.groups.values_list("name", flat=True)),
    )


class CachedPermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = cached(
                PERMISSIONS_TOPIC,
                f"all:{_user_key(user_obj)}",
                lambda: set(super(CachedPermissionBackend, self).get_all_permissions(user_obj)),
            )
        return user_obj._perm_cache
