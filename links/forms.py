from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm

from . import qr
from .models import AllowedRedirectHost, TrackedLink
from .targets import check_host, check_target


class TrackedLinkForm(ModelForm):
    """The CRM manager's form (and the admin's): the target is checked against the site's
    pages and the allow-list, with the service's own rule (links.targets)."""

    class Meta:
        model = TrackedLink
        fields = [
            "label",
            "target",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_content",
            "expires_at",
            "is_active",
        ]
        widgets = {"target": forms.TextInput(attrs={"dir": "ltr"})}

    def clean_target(self) -> str:
        return check_target(self.cleaned_data.get("target", ""))


class AllowedRedirectHostForm(ModelForm):
    class Meta:
        model = AllowedRedirectHost
        fields = ["host", "note"]

    def clean_host(self) -> str:
        return check_host(self.cleaned_data.get("host", ""))


class PrintSizeForm(Form):
    """The PNG for print: its width in centimetres and the printer's resolution."""

    size_cm = forms.DecimalField(
        label=_("Width (cm)"),
        min_value=qr.MIN_SIZE_CM,
        max_value=qr.MAX_SIZE_CM,
        decimal_places=1,
        initial=qr.DEFAULT_SIZE_CM,
    )
    dpi = forms.TypedChoiceField(
        label=_("Resolution (dpi)"),
        choices=[(dpi, str(dpi)) for dpi in qr.ALLOWED_DPI],
        coerce=int,
        initial=qr.DEFAULT_DPI,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        size, dpi = data.get("size_cm"), data.get("dpi")
        # A billboard at 600 dpi would be a 2-gigapixel image: cap the pixels.
        if size is not None and dpi is not None and float(size) / qr.CM_PER_INCH * dpi > 12000:
            raise ValidationError(_("Choose a lower resolution for so large a print."))
        return data
