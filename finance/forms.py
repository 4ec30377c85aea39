"""Forms of the finance pages: matching a donation by hand and undoing a wrong match."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import Form
from customers.lookup import CustomerChoiceField
from programmes.models import Programme

# A customer code is a bigint: a longer number cannot be one and must not reach the query.


class DonationMatchForm(Form):
    donor_code = CustomerChoiceField(
        label=gettext_lazy("donor"),
        error_messages={
            "invalid": gettext_lazy("A customer code is a number."),
            "unknown": gettext_lazy("No customer has the code %(codes)s."),
        },
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_code"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": gettext_lazy("Donor code")}
        )


class UnmatchForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the match wrong?"), widget=forms.Textarea(attrs={"rows": 3})
    )
