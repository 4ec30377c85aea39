"""The manual's forms."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from core.forms import Form

from . import selectors


class AccessRequestForm(Form):
    reason = forms.CharField(
        label=_("Why you need to read it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AccessDecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("grant", _("Grant")), ("refuse", _("Refuse"))),
    )
    refusal_reason = forms.CharField(
        label=_("Reason for the refusal"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class DelegationForm(Form):
    delegate = StaffChoiceField(label=_("Delegate"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"))
    ends_on = forms.DateField(label=_("To"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delegate = self.fields["delegate"]
        assert isinstance(delegate, forms.ModelChoiceField)
        delegate.queryset = selectors.delegate_choices()


class SearchForm(Form):
    q = forms.CharField(label=_("Search the manual"), required=False, max_length=200)


class SectionForm(Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )


class ChangeForm(Form):
    changed_on = forms.DateField(label=_("Date"))
    where = forms.CharField(label=_("Section or page"), max_length=100)
    summary = forms.CharField(
        label=_("Summary of the change"), widget=forms.Textarea(attrs={"rows": 3})
    )
