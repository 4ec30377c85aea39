"""Forms of the reports pages: the archive's filters, the production of a past period and
the review steps. Validation of the period is reports.periods'; the rules of each step are
in reports.services."""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseRoute
from core.forms import Form, MonthInput

from .kinds import MONTH, QUARTER, WEEK, types_with_period
from .models import ReviewState
from .periods import PeriodError, parse_period, period_kind, previous_period, quarter_code
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


def _previous(period, today):
    """The first day of the period of this length that ended last, or None when no
    registered report has that period."""
    report_types = sorted(types_with_period(period))
    return previous_period(report_types[0], today)[0] if report_types else None


class ProduceForm(Form):
    """A report type and a past period: a month for the monthly reports, any date of the
    week for the weekly one, a quarter (2026-Q3) for the quarterly one. Arabic-Indic digits
    are accepted (periods.parse_period)."""

    # The field each length of period is typed in.
    PERIOD_FIELDS = {WEEK: "week", MONTH: "month", QUARTER: "quarter"}
    # The block of the page holding that field (data-period).
    PERIOD_BLOCKS = {WEEK: "weekly", MONTH: "monthly", QUARTER: "quarterly"}

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
    quarter = forms.CharField(
        label=_("quarter"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-Q3", "dir": "ltr"}),
        # The example isolated left to right: a right-to-left line shows it as "Q3-2026".
        help_text=format_lazy(
            _("For a quarterly report: the year and quarter, e.g. {example} (July to September)."),
            example="\u20662026-Q3\u2069",
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _type_choices(user)
        self.fields["report_type"].choices = choices
        if not self.is_bound and choices:
            today = timezone.localdate()
            monthly = next((c for c, _label in choices if period_kind(c) == MONTH), None)
            self.initial.setdefault("report_type", monthly or choices[0][0])
            defaults = {
                "month": (_previous(MONTH, today), lambda day: f"{day:%Y-%m}"),
                "week": (_previous(WEEK, today), lambda day: day.isoformat()),
                "quarter": (_previous(QUARTER, today), quarter_code),
            }
            for name, (day, text) in defaults.items():
                if day is not None:
                    self.initial.setdefault(name, text(day))

    def period_of_types(self):
        """{report type: weekly, monthly or quarterly}: which period block the page's script
        shows for each report."""
        return {
            value: self.PERIOD_BLOCKS[period_kind(value)]
            for value, _label in self.fields["report_type"].choices
        }

    def clean(self):
        data = super().clean()
        report_type = data.get("report_type")
        if not report_type:
            return data
        field = self.PERIOD_FIELDS[period_kind(report_type)]
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
