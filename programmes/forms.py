from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from core.forms import ModelForm

from . import services
from .models import Programme, ProgrammeCategory

FIRST_PORTFOLIO_YEAR, LAST_PORTFOLIO_YEAR = 1400, 2100


def clean_programme_values(form, cleaned_data):
    """Rules shared by the programme form and the import: the dates' order, the budget and
    the portfolio year. Errors go to the form's fields."""
    if message := services.dates_error(
        cleaned_data.get("start_date"), cleaned_data.get("end_date")
    ):
        form.add_error("end_date", message)
    if message := services.budget_error(cleaned_data.get("budget")):
        form.add_error("budget", message)
    year = cleaned_data.get("portfolio_year")
    if year is not None and not FIRST_PORTFOLIO_YEAR <= year <= LAST_PORTFOLIO_YEAR:
        form.add_error(
            "portfolio_year",
            _("Write the year in four digits, e.g. 2026 or 1448."),
        )


class ProgrammeForm(ModelForm):
    """Creating or editing one programme. It validates; the service writes."""

    new_category = forms.CharField(
        label=_("or a new category"),
        max_length=150,
        required=False,
        help_text=_("Write a category name that is not in the list to add it."),
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "category",
            "centres",
            "start_date",
            "end_date",
            "budget",
            "description",
            "status",
            "portfolio_year",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "centres": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "budget": forms.TextInput(attrs={"inputmode": "decimal"}),
            "portfolio_year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProgrammeCategory.objects.all()
        self.fields["category"].required = False
        self.fields["centres"].queryset = self._centre_choices()
        self.fields["centres"].label_from_instance = lambda centre: f"{centre} · {centre.city}"
        for name in ("code", "budget", "portfolio_year"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        self.fields["budget"].widget.attrs["placeholder"] = "0"
        if not user.has_perm("programmes.add_programmecategory"):
            del self.fields["new_category"]

    def _centre_choices(self):
        # Active centres, and any closed centre this programme already runs in.
        condition = Q(is_active=True)
        if self.instance.pk:
            condition |= Q(pk__in=self.instance.centres.values("pk"))
        return Centre.objects.filter(condition).select_related("city")

    def clean_code(self):
        code = services.normalize_code(self.cleaned_data.get("code"))
        if code and services.code_taken(code, exclude_pk=self.instance.pk):
            raise ValidationError(
                _("Another programme already has the code %(code)s.") % {"code": code}
            )
        return code

    def clean(self):
        cleaned = super().clean()
        clean_programme_values(self, cleaned)
        new_category = services.normalize_category_name(cleaned.get("new_category"))
        if cleaned.get("category") and new_category:
            self.add_error(
                "new_category", _("Choose a category from the list or write a new one, not both.")
            )
        elif not cleaned.get("category") and not new_category and "category" not in self.errors:
            self.add_error("category", _("Choose a category or write a new one."))
        return cleaned

    def programme_values(self):
        """Keyword arguments for services.programme_create / programme_update."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["centres"] = list(values["centres"])
        if not values["category"]:
            values["category"] = services.normalize_category_name(
                self.cleaned_data.get("new_category")
            )
        return values
