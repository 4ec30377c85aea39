from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LargeTableAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, TransitionInline
from core.forms import ModelForm

from .forms import clean_programme_values
from .models import (
    CycleProgramme,
    PortfolioCycle,
    PortfolioCycleTransition,
    Programme,
    ProgrammeCategory,
    ProgrammeProposal,
    ProposalTransition,
)
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


# --- portfolio cycles and programme proposals: read here, written through the site's pages
# (programmes.cycles, programmes.proposals), which record who took each step. -------------


class CycleProgrammeInline(ReadOnlyInline):
    model = CycleProgramme


class CycleTransitionInline(TransitionInline):
    model = PortfolioCycleTransition


@admin.register(PortfolioCycle)
class PortfolioCycleAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "state", "received_on", "handed_over_by", "reviewed_at"]
    list_filter = ["state", "year"]
    list_select_related = ["handed_over_by"]
    inlines = [CycleProgrammeInline, CycleTransitionInline]


class ProposalTransitionInline(TransitionInline):
    model = ProposalTransition


@admin.register(ProgrammeProposal)
class ProgrammeProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "state", "proposed_by", "proposed_at", "programme"]
    list_filter = ["state", "category"]
    search_fields = ["title"]
    inlines = [ProposalTransitionInline]
