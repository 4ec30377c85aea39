from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm

from .models import Suppression
from .selectors import normalized_address


class SuppressionForm(ModelForm):
    """A mobile is kept in E.164, an email in lower case: the same address typed another way
    is the same row."""

    class Meta:
        model = Suppression
        fields = ["address", "reason", "at", "note"]

    def clean_address(self) -> str:
        address = normalized_address(self.cleaned_data.get("address", ""))
        if not address:
            raise forms.ValidationError(_("Enter a Saudi mobile number or an email address."))
        return address
