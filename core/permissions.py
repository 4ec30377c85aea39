"""The one permission check of views and services, and the Arabic labels of permissions."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext, pgettext, pgettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission


def require(user: Any, permission: str, *, error: type[Exception] = PermissionDenied) -> None:
    """Refuse unless the user holds the permission ("app_label.codename"). Views and services
    raise PermissionDenied (a 403 page); a service whose callers expect its own refusal
    passes `error`. Rules about one record (the handler of this case, the owner of this
    problem) are small named functions of their app built on this one."""
    if not user.has_perm(permission):
        raise error


def holds(user: object, permission: str) -> bool:
    """Whether `user` holds the permission, whatever the caller passed as the user (None, an
    anonymous visitor): the permission conditions of the workflows' transitions."""
    return bool(getattr(user, "has_perm", lambda _permission: False)(permission))


# Django stores a permission's name in English in the database ("Can add case", "Can
# publish or reject FAQ entries") and shows it as it is. People read this label instead,
# built when it is shown: the action and the model's translated verbose_name for the four
# default permissions, the model's Meta.permissions name (gettext_lazy) for the others.
# The database names are left as Django wrote them.
DEFAULT_ACTIONS: dict[str, Any] = {
    "add": pgettext_lazy("permission", "Add %(model)s"),
    "change": pgettext_lazy("permission", "Change %(model)s"),
    "delete": pgettext_lazy("permission", "Delete %(model)s"),
    "view": pgettext_lazy("permission", "View %(model)s"),
}


def permission_label(permission: "Permission") -> str:
    """«إضافة طلب» for complaints.add_case, «نشر الأسئلة المتكررة أو رفضها» for a custom one."""
    model = permission.content_type.model_class()
    if model is None:  # a content type left by a removed model
        return gettext(permission.name)
    opts = model._meta
    action, _separator, model_name = permission.codename.partition("_")
    if model_name == opts.model_name and action in DEFAULT_ACTIONS:
        return str(DEFAULT_ACTIONS[action] % {"model": _model_name(model)})
    for codename, name in opts.permissions:
        if codename == permission.codename:
            return str(name)
    return gettext(permission.name)


def _model_name(model: type[Model]) -> str:
    """The model's Arabic name; a simple-history record model («historical عميل», fixed in
    the language of the import) is named after the model it records."""
    tracked = getattr(model, "instance_type", None)  # set by simple-history
    if tracked is None:
        return str(model._meta.verbose_name)
    owner = tracked._meta.auto_created  # a many-to-many's history: its owner's links
    if owner:
        return pgettext("permission", "the change history of the links of %(model)s") % {
            "model": owner._meta.verbose_name
        }
    return pgettext("permission", "the change history of %(model)s") % {
        "model": tracked._meta.verbose_name
    }


def permission_choice_label(permission: "Permission") -> str:
    """A permission in a list of every permission: its app, then its label."""
    model = permission.content_type.model_class()
    if model is None:
        return f"{permission.content_type} | {permission_label(permission)}"
    return f"{model._meta.app_config.verbose_name} | {permission_label(permission)}"
