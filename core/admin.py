"""The admin site: Django's, with every form reading numbers and dates the way the rest of
the project does (core.forms). crm_site.settings installs it through core.apps.AdminConfig,
so every admin registered with @admin.register or admin.site.register (the project's and
third-party apps') gets it without changing its class."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import localise_field, name_the_empty_choice
from core.permissions import permission_choice_label

# The mixin's super() is a ModelAdmin or an inline: mypy is told so, Python needs no base.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin as _AdminBase
else:
    _AdminBase = object


class LocalisedFieldsAdminMixin(_AdminBase):
    """For a ModelAdmin or an inline: the form fields it builds for model fields read Arabic
    digits and separators, and a select left empty reads «اختر…», never "---------" (the
    actions list too). Fields declared on a custom form come from core.forms already."""

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = localise_field(super().formfield_for_dbfield(db_field, request, **kwargs))
        name_the_empty_choice(field)
        label_permissions(field)
        return field

    def get_action_choices(
        self, request: HttpRequest, default_choices: Any = None
    ) -> list[tuple[str, str]]:
        parent = cast(Any, super())
        return list(parent.get_action_choices(request, default_choices=[("", _("Choose…"))]))


def label_permissions(field: forms.Field | None) -> None:
    """A choice of permissions (the user's and the group's pickers) reads each one in Arabic
    (core.permissions.permission_choice_label), not the English name Django stored."""
    from django.contrib.auth.models import Permission

    if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
        return
    if field.queryset.model is Permission:
        # An instance attribute: ModelChoiceIterator calls field.label_from_instance(obj).
        field.label_from_instance = permission_choice_label  # type: ignore[method-assign,assignment]


def _localised(admin_class: type[Any]) -> type[Any]:
    if issubclass(admin_class, LocalisedFieldsAdminMixin):
        return admin_class
    attributes: dict[str, Any] = {
        "__module__": admin_class.__module__,
        "__doc__": admin_class.__doc__,
    }
    if getattr(admin_class, "inlines", None):
        attributes["inlines"] = [_localised(inline) for inline in admin_class.inlines]
    return type(admin_class.__name__, (LocalisedFieldsAdminMixin, admin_class), attributes)


class AdminSite(admin.AdminSite):
    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, _localised(admin_class or admin.ModelAdmin), **options)


class ReadOnlyAdminMixin(_AdminBase):
    """For a ModelAdmin or an inline of records written only by the site's services (their
    steps, audit rows): every field shown read-only, nothing added, changed or deleted here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Not the implicit id: a number staff never use, named in English by Django.
        return [field.name for field in self.model._meta.fields if not field.auto_created]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class TransitionInline(ReadOnlyInline):
    """The audit trail of a workflow (a core.models.TransitionRecord subclass) under its
    record: set `model`."""

    # Named here, in Arabic, rather than on the abstract model: its fields carry no
    # verbose names, and giving them some would migrate every workflow's audit table.
    fields = ("step_from", "step_to", "step_actor", "step_at", "step_note")
    verbose_name = _("step")
    verbose_name_plural = _("Steps taken")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    @admin.display(description=_("from"))
    def step_from(self, record: Any) -> str:
        return str(getattr(record, "get_source_display", lambda: record.source)())

    @admin.display(description=_("to"))
    def step_to(self, record: Any) -> str:
        return str(getattr(record, "get_target_display", lambda: record.target)())

    @admin.display(description=_("by"))
    def step_actor(self, record: Any) -> str:
        return str(record.actor.get_full_name() or record.actor)

    @admin.display(description=_("at"))
    def step_at(self, record: Any) -> str:
        return date_format(timezone.localtime(record.at), "DATETIME_FORMAT")

    @admin.display(description=_("note"))
    def step_note(self, record: Any) -> str:
        return str(record.note)
