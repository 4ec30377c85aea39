"""Each user's permissions and role groups read once from the cache instead of two or three
queries on every page (core.cache topic "permissions"): renewed when a group, a permission,
a user's groups, a user's own permissions or a group's permissions change.

The signed-in user of a request is read from the cache too, with those permissions and
groups, in one round trip (topic "users", renewed by any save or delete of a user, a login
included: a password, a flag or a name changed shows on the next request). A write to users
that skips the signals (`update()`) calls `core.cache.bump(USERS_TOPIC)`.

Settings name `core.auth.CachedPermissionBackend` in place of Django's ModelBackend; what it
answers is exactly ModelBackend's answer."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from .cache import cached, register_topic

PERMISSIONS_TOPIC = "permissions"
USERS_TOPIC = "users"


def register_permission_topic() -> None:
    register_topic(
        PERMISSIONS_TOPIC,
        Group,
        Permission,
        m2m_through=(User.groups.through, User.user_permissions.through, Group.permissions.through),
    )
    # Not form options: a select of users is often narrowed by other tables (staff centres).
    register_topic(USERS_TOPIC, User, form_options=False)


def _user_key(user_obj: Any) -> str:
    # The flags ModelBackend reads are part of the key: a user made superuser or
    # deactivated gets other permissions without a change of the groups.
    return f"{user_obj.pk}:{int(user_obj.is_active)}:{int(user_obj.is_superuser)}"


def group_names_of(user_obj: Any) -> set[str]:
    """The names of the user's groups (association.roles.user_roles reads its roles here)."""
    read: set[str] | None = getattr(user_obj, "_group_names", None)
    if read is not None:  # read with the user (CachedPermissionBackend.get_user)
        return read
    return cached(
        PERMISSIONS_TOPIC,
        f"groups:{user_obj.pk}",
        lambda: set(user_obj.groups.values_list("name", flat=True)),
    )


class CachedPermissionBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """ModelBackend's user of a session, with its permissions and group names, from
        the cache: no query on a page that needs nothing else of the user's rows."""

        def read() -> tuple[Any, set[str], set[str]] | None:
            user = super(CachedPermissionBackend, self).get_user(user_id)
            if user is None:
                return None
            # Through their own entries: a login renews the users' topic, not these.
            permissions = self.get_all_permissions(user)
            return user, permissions, group_names_of(user)

        entry = cached(USERS_TOPIC, f"session_user:{user_id}", read, also=[PERMISSIONS_TOPIC])
        if entry is None:
            return None
        user, permissions, group_names = entry
        user._perm_cache = permissions
        user._group_names = group_names
        return user

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
