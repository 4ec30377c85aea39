from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LargeTableAdminMixin, ReadOnlyAdminMixin, TransitionInline
from core.forms import ModelForm

from . import selectors, services, statistics
from .models import Customer, CustomerRequest, RequestTransition, StewardDesignation


@admin.register(Customer)
class CustomerAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    """Read-only: customers change only through an approved form. A superuser may still
    correct a record here (break-glass); the change is recorded in its history with a
    reason, and bumps its version so pending forms see the conflict."""

    list_display = ["code", "name", "kind", "city", "centre", "mobile", "is_active"]
    list_filter = ["kind", "is_active", "city"]
    # Searched by the customer list's own search (normalised name, code, mobile, ID, email).
    search_fields = ["name_normalized", "code", "mobile", "national_id", "email"]
    search_selector = staticmethod(selectors.search_customers)
    # Counted as the customer list counts: kept until a customer changes.
    count_selector = staticmethod(statistics.list_count)
    list_select_related = ["city", "centre"]
    # The point of contact is designated with the secretary's approval (3.1.21), not here.
    readonly_fields = ["code", "point_of_contact", "version_number", "created_at", "updated_at"]

    @admin.display(description=gettext_lazy("version"))
    def version_number(self, customer):
        return customer.version

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


class RequestTransitionInline(TransitionInline):
    model = RequestTransition


@admin.register(CustomerRequest)
class CustomerRequestAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Forms are read in the admin, never changed there: their steps are in the site."""

    list_display = ["id", "kind", "state", "prepared_by", "due_at"]
    list_filter = ["state", "kind"]
    # Only the column shown: left False, Django would join every required relation.
    list_select_related = ["prepared_by"]
    inlines = [RequestTransitionInline]


class StewardDesignationAdminForm(ModelForm):
    """Only holders of the two roles are offered; the reason goes into the history."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=100,
        help_text=gettext_lazy("Recorded in the history of the designation."),
    )

    class Meta:
        model = StewardDesignation
        fields = ["steward", "deputy", "steward_absent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stewards, deputies = services.steward_candidates()
        self.fields["steward"].queryset = stewards
        self.fields["deputy"].queryset = deputies

    def clean(self):
        cleaned = super().clean()
        steward, deputy = cleaned.get("steward"), cleaned.get("deputy")
        if steward and deputy and steward == deputy:
            self.add_error("deputy", _("The deputy must be another person than the steward."))
        elif self.instance.pk and not self.has_changed_designation():
            raise forms.ValidationError(_("Nothing changed: the designation is already this one."))
        return cleaned

    def has_changed_designation(self):
        return any(name in self.changed_data for name in ("steward", "deputy", "steward_absent"))


@admin.register(StewardDesignation)
class StewardDesignationAdmin(SimpleHistoryAdmin):
    """Changed through customers.services.steward_designation_change, as on the page in the
    customers area: by holders of customers.change_stewarddesignation (the CRM manager),
    recorded with the reason."""

    form = StewardDesignationAdminForm
    list_display = ["steward", "deputy", "steward_absent"]

    def has_add_permission(self, request):
        # Exactly one designation at a time; creating it is designating.
        return (
            request.user.has_perm("customers.change_stewarddesignation")
            and not StewardDesignation.objects.exists()
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("customers.change_stewarddesignation")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("customers.view_stewarddesignation") or (
            self.has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services.steward_designation_change(
                actor=request.user,
                steward=form.cleaned_data["steward"],
                deputy=form.cleaned_data["deputy"],
                steward_absent=form.cleaned_data["steward_absent"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            # The form shows the same rules; this is a change made meanwhile by someone else.
            messages.error(request, " ".join(error.messages))
            return
        obj.pk = saved.pk
