"""Forms of the reports pages: the archive's filters, the production of a past period and
the review steps. Validation of the period is reports.periods'; the rules of each step are
in reports.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseRoute
from core.forms import Form, MonthInput

from .models import ReportType, ReviewState
from .periods import WEEKLY_TYPES, PeriodError, parse_period, previous_period
from .selectors import report_types_for


def _type_choices(user):
    return [(report_type.value, report_type.label) for report_type in report_types_for(user)]


class ReportFilterForm(Form):
    report_type = forms.ChoiceField(label=_("report"), required=False)
    review_state = forms.ChoiceField(
        label=_("review"),
        required=False,
        choices=[("", _("All")), *ReviewState.choices],
    )
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_type"].choices = [("", _("All")), *_type_choices(user)]
        self.fields["year"].choices = [("", _("All"))] + [(year, year) for year in years]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("report_type"):
            queryset = queryset.filter(report_type=data["report_type"])
        if data.get("review_state"):
            queryset = queryset.filter(review_state=data["review_state"])
        if data.get("year"):
            queryset = queryset.filter(period_start__year=data["year"])
        return queryset


class ProduceForm(Form):
    """A report type and a past period: a month for the monthly reports, any date of the
    week for the weekly one. Arabic-Indic digits are accepted (periods.parse_period)."""

    report_type = forms.ChoiceField(label=_("report"))
    month = forms.CharField(
        label=_("month"),
        required=False,
        widget=MonthInput(),
        help_text=_("For a monthly report: the month, e.g. 2026-10."),
    )
    week = forms.CharField(
        label=_("a day of the week"),
        required=False,
        widget=forms.TextInput(attrs={"type": "date", "placeholder": "2026-11-15"}),
        help_text=_("For the weekly report: any day of the week (Sunday to Saturday)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _type_choices(user)
        self.fields["report_type"].choices = choices
        if not self.is_bound and choices:
            today = timezone.localdate()
            monthly = next((c for c, _label in choices if c not in WEEKLY_TYPES), None)
            self.initial.setdefault("report_type", monthly or choices[0][0])
            self.initial.setdefault(
                "month", f"{previous_period(ReportType.MONTHLY_PERFORMANCE, today)[0]:%Y-%m}"
            )
            self.initial.setdefault(
                "week", previous_period(ReportType.WEEKLY_OPPORTUNITIES, today)[0].isoformat()
            )

    def clean(self):
        data = super().clean()
        report_type = data.get("report_type")
        if not report_type:
            return data
        field = "week" if report_type in WEEKLY_TYPES else "month"
        text = (data.get(field) or "").strip()
        if not text:
            self.add_error(field, _("Choose the period of the report."))
            return data
        try:
            data["period"] = parse_period(report_type, text, timezone.localdate())
        except PeriodError as error:
            self.add_error(field, str(error))
        return data


class ReviewForm(Form):
    """A department manager's review of their department (procedure steps 2-3). The
    department is asked only of someone who manages both."""

    department = forms.ChoiceField(label=_("department"), required=False)

    weaknesses = forms.CharField(
        label=_("weak points"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the figures show that needs improving, and who is responsible."),
    )
    follow_up_notes = forms.CharField(
        label=_("follow-up of last period's recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Which of your department's recommendations were implemented; for those that "
            "were not, the reasons the investigation found."
        ),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CaseRoute.choices)
        self.fields["department"].choices = [(code, labels[code]) for code in departments]
        if len(departments) < 2:
            self.fields["department"].widget = forms.HiddenInput()
            if departments:
                self.initial.setdefault("department", departments[0])


class DecisionForm(Form):
    """The sub-council secretary's discussion and decisions (step 5)."""

    decision_notes = forms.CharField(
        label=_("discussion and decisions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The weak points discussed with those responsible and what was decided."),
    )


class RecommendationDecisionForm(Form):
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting."),
    )
