"""The register's filters (manual 5.1.6)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import ContactChannel

from .models import CaseKind, CaseState


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("type"), required=False, choices=[("", _("All"))] + CaseKind.choices
    )
    channel = forms.ChoiceField(
        label=_("channel"), required=False, choices=[("", _("All"))] + ContactChannel.choices
    )
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open"))] + CaseState.choices,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def filter(self, queryset, now):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["channel"]:
            queryset = queryset.filter(channel=data["channel"])
        if data["state"] == "open":
            queryset = queryset.exclude(state=CaseState.CLOSED)
        elif data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["overdue"]:
            queryset = queryset.filter(due_at__lt=now)
        return queryset
