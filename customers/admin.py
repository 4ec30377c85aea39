from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Customer, CustomerRequest, RequestTransition, StewardDesignation


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    """Read-only: customers change only through an approved form. A superuser may still
    correct a record here (break-glass); the change is recorded in its history with a
    reason, and bumps its version so pending forms see the conflict."""

    list_display = ["code", "name", "kind", "city", "centre", "mobile", "is_active"]
    list_filter = ["kind", "is_active", "city"]
    search_fields = ["code", "name", "name_normalized", "mobile", "email", "national_id"]
    list_select_related = ["city", "centre"]
    # The point of contact is designated with the secretary's approval (3.1.21), not here.
    readonly_fields = ["code", "point_of_contact", "version", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        obj.version += 1
        obj._change_reason = _("Break-glass correction in the admin by a superuser")
        super().save_model(request, obj, form, change)


class RequestTransitionInline(admin.TabularInline):
    model = RequestTransition
    extra = 0
    can_delete = False
    readonly_fields = ["source", "target", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomerRequest)
class CustomerRequestAdmin(admin.ModelAdmin):
    """Forms are read in the admin, never changed there: their steps are in the site."""

    list_display = ["id", "kind", "state", "prepared_by", "due_at"]
    list_filter = ["state", "kind"]
    inlines = [RequestTransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StewardDesignation)
class StewardDesignationAdmin(SimpleHistoryAdmin):
    list_display = ["steward", "deputy", "steward_absent"]

    def has_add_permission(self, request):
        # Exactly one designation at a time.
        return not StewardDesignation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
