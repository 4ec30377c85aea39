"""The one permission check of views and services."""

from typing import Any

from django.core.exceptions import PermissionDenied


def require(user: Any, permission: str, *, error: type[Exception] = PermissionDenied) -> None:
    """Refuse unless the user holds the permission ("app_label.codename"). Views and services
    raise PermissionDenied (a 403 page); a service whose callers expect its own refusal
    passes `error`. Rules about one record (the handler of this case, the owner of this
    problem) are small named functions of their app built on this one."""
    if not user.has_perm(permission):
        raise error
