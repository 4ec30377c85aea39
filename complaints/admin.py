from django.contrib import admin

from .models import Case, CaseCategory, CaseEntry, CaseTransition


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0
    can_delete = False
    readonly_fields = ["source", "target", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class CaseEntryInline(admin.TabularInline):
    model = CaseEntry
    extra = 0
    can_delete = False
    readonly_fields = ["author", "at", "text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through complaints.services."""

    list_display = ["tracking_number", "kind", "channel", "routed_to", "state", "due_at"]
    list_filter = ["kind", "channel", "routed_to", "state"]
    search_fields = ["tracking_number", "subject", "contact_name", "contact_mobile"]
    inlines = [CaseTransitionInline, CaseEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
