"""The admin site: Django's, with every form reading numbers and dates the way the rest of
the project does (core.forms). crm_site.settings installs it through core.apps.AdminConfig,
so every admin registered with @admin.register or admin.site.register (the project's and
third-party apps') gets it without changing its class."""

from django.contrib import admin

from core.forms import localise_field


class LocalisedFieldsAdminMixin:
    """For a ModelAdmin or an inline: the form fields it builds for model fields read Arabic
    digits and separators. Fields declared on a custom form come from core.forms already."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return localise_field(super().formfield_for_dbfield(db_field, request, **kwargs))


def _localised(admin_class):
    if issubclass(admin_class, LocalisedFieldsAdminMixin):
        return admin_class
    attributes = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    if getattr(admin_class, "inlines", None):
        attributes["inlines"] = [_localised(inline) for inline in admin_class.inlines]
    return type(admin_class.__name__, (LocalisedFieldsAdminMixin, admin_class), attributes)


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, _localised(admin_class or admin.ModelAdmin), **options)
