from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .forms import StaffProfileForm
from .models import Centre, City, Department, PublicHoliday, StaffProfile


class CentreInline(admin.TabularInline):
    model = Centre
    extra = 0
    fields = ["name", "name_en", "is_active"]


@admin.register(City)
class CityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en"]
    inlines = [CentreInline]


@admin.register(Centre)
class CentreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "city", "is_active"]
    list_filter = ["city", "is_active"]
    search_fields = ["name", "name_en"]
    list_select_related = ["city"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "works_in_centres"]
    search_fields = ["name", "name_en", "code"]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start_date", "end_date"]
    date_hierarchy = "start_date"
    search_fields = ["name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    form = StaffProfileForm
    list_display = ["user", "department", "job_title"]
    list_filter = ["department", "centres__city"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["centres"]

    def get_fields(self, request: HttpRequest, obj: StaffProfile | None = None) -> list[str]:
        return ["user", *StaffProfileForm.Meta.fields]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = False
    filter_horizontal = ["centres"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_filter = [*UserAdmin.list_filter, "staff_profile__department"]
