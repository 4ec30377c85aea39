from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.forms import ModelForm

from .forms import clean_programme_values
from .models import Programme, ProgrammeCategory
from .services import PROGRAMME_FIELDS


class ProgrammeAdminForm(ModelForm):
    """The same rules as the programme form: dates in order, no negative budget."""

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)

    def clean(self):
        cleaned = super().clean()
        clean_programme_values(self, cleaned)
        return cleaned


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    form = ProgrammeAdminForm
    list_display = ["code", "name", "category", "status", "portfolio_year", "budget"]
    list_filter = ["status", "category", "portfolio_year"]
    search_fields = ["code", "name"]
    list_select_related = ["category"]
    filter_horizontal = ["centres"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("Changed in the admin")
        super().save_model(request, obj, form, change)


@admin.register(ProgrammeCategory)
class ProgrammeCategoryAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
