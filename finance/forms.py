"""Forms of the finance pages: matching a donation by hand and undoing a wrong match."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import Form
from core.text import normalize_digits
from customers.models import CODE_MAX_DIGITS, Customer
from programmes.models import Programme

# A customer code is a bigint: a longer number cannot be one and must not reach the query.


class DonationMatchForm(Form):
    donor_code = forms.CharField(label=gettext_lazy("Donor code"), max_length=20)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all()
    )

    def clean_donor_code(self):
        text = normalize_digits(self.cleaned_data["donor_code"]).strip()
        if not text.isdigit() or len(text) > CODE_MAX_DIGITS:
            raise forms.ValidationError(_("A customer code is a number."))
        donor = Customer.objects.filter(code=int(text)).first()
        if donor is None:
            raise forms.ValidationError(
                _("No customer has the code %(code)s.") % {"code": int(text)}
            )
        return donor


class UnmatchForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the match wrong?"), widget=forms.Textarea(attrs={"rows": 3})
    )
