"""Forms and list filter of the donor-relationship problems register."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FilterSet, Form
from core.text import normalize_arabic, normalize_digits
from core.widgets import QuickSelect
from customers.lookup import donor_choice_field
from programmes.models import Programme
from programmes.selectors import programme_choices

from . import problems
from .models import (
    EXTERNAL_PROBLEM_KINDS,
    INTERNAL_PROBLEM_KINDS,
    DonorProblem,
    ProblemKind,
    ProblemSeverity,
    ProblemState,
)


def _rows(count):
    return forms.Textarea(attrs={"rows": count})


def kind_choices():
    """The kinds grouped as the manual names them: external and internal."""
    return [
        ("", "—"),
        (_("External (the donor's side)"), [(k.value, k.label) for k in EXTERNAL_PROBLEM_KINDS]),
        (
            _("Internal (the association's side)"),
            [(k.value, k.label) for k in INTERNAL_PROBLEM_KINDS],
        ),
    ]


def severity_help():
    """ "Critical: first action the same working day, resolution within 2 working days…"."""
    return " · ".join(
        _(
            "%(severity)s: first action within %(respond)s, resolution within %(resolve)s "
            "working days"
        )
        % {
            "severity": severity.label,
            "respond": problems.RESPONSE_WORKING_DAYS[severity] or _("the same day"),
            "resolve": problems.RESOLUTION_WORKING_DAYS[severity],
        }
        for severity in ProblemSeverity
    )


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.code} · {programme.name}"


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ProblemForm(Form):
    donor_code = donor_choice_field(
        label=_("donor"), error_messages={"unknown": _("No active donor has this customer code.")}
    )
    kind = forms.ChoiceField(label=_("kind of problem"), choices=kind_choices, widget=QuickSelect)
    severity = forms.ChoiceField(
        label=_("severity"), choices=ProblemSeverity.choices, widget=QuickSelect
    )
    title = forms.CharField(label=_("problem"), max_length=200)
    description = forms.CharField(
        label=_("description"),
        widget=_rows(4),
        help_text=_("What happened and how it affects the relationship with the donor."),
    )
    owner = OwnerChoice(
        label=_("owner"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("The CRM manager"),
        widget=QuickSelect,
    )

    programme = ProgrammeChoice(
        label=_("programme or activity"),
        queryset=Programme.objects.order_by("code"),
        required=False,
        empty_label=_("Not set"),
        widget=QuickSelect,
    )

    def __init__(self, *args, may_assign=False, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunity is not None:
            del self.fields["programme"]  # the opportunity's programme
        else:
            # The options as cached plain values (no model per option); the field's
            # queryset still validates the choice.
            programme = self.fields["programme"]
            programme.widget.choices = [("", programme.empty_label)] + [
                (pk, f"{code} · {name}") for pk, code, name in programme_choices()
            ]
        self.fields["severity"].help_text = severity_help()
        if may_assign:
            self.fields["owner"].queryset = problems.owner_choices()
        else:
            del self.fields["owner"]


class ActionForm(Form):
    action_date = forms.DateField(
        label=_("date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    text = forms.CharField(label=_("action taken"), widget=_rows(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"action_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ResolveForm(Form):
    resolution = forms.CharField(
        label=_("resolution"),
        widget=_rows(3),
        help_text=_("What was agreed with the donor and how the relationship stands now."),
    )


class AssignForm(Form):
    owner = OwnerChoice(
        label=_("owner"),
        queryset=get_user_model().objects.none(),
        empty_label=None,
        widget=QuickSelect,
    )
    severity = forms.ChoiceField(
        label=_("severity"), choices=ProblemSeverity.choices, widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = problems.owner_choices()


ORIGINS = [("external", _("External")), ("internal", _("Internal"))]


class ProblemFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    state = django_filters.ChoiceFilter(
        label=_("status"), choices=ProblemState.choices, empty_label=_("All"), widget=QuickSelect
    )
    severity = django_filters.ChoiceFilter(
        label=_("severity"),
        choices=ProblemSeverity.choices,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    origin = django_filters.ChoiceFilter(
        label=_("origin"),
        choices=ORIGINS,
        method="filter_origin",
        empty_label=_("All"),
        widget=QuickSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind of problem"),
        choices=ProblemKind.choices,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("owner"),
        queryset=get_user_model().objects.none(),
        empty_label=_("All"),
        widget=QuickSelect,
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Deadlines"),
        choices=[("1", _("Overdue"))],
        empty_label=_("All"),
        method="filter_overdue",
    )

    class Meta:
        model = DonorProblem
        fields = ["q", "state", "severity", "origin", "kind", "owner", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Donor name or code, problem")
        owners = get_user_model().objects.filter(owned_donor_problems__isnull=False).distinct()
        self.filters["owner"].queryset = owners
        self.form.fields["owner"].queryset = owners
        self.form.fields["owner"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def filter_text(self, queryset, name, value):
        value = normalize_digits(value or "").strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(donor__code=value)
        return queryset.filter(
            Q(donor__name_normalized__contains=normalize_arabic(value)) | Q(title__icontains=value)
        )

    def filter_origin(self, queryset, name, value):
        kinds = EXTERNAL_PROBLEM_KINDS if value == "external" else INTERNAL_PROBLEM_KINDS
        return queryset.filter(kind__in=kinds)

    def filter_overdue(self, queryset, name, value):
        return problems.with_overdue(queryset) if value == "1" else queryset
