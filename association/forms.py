from typing import Any

from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm
from core.phones import normalize_saudi_mobile

from .models import StaffProfile


class StaffProfileForm(ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["department", "centres", "job_title", "mobile"]

    def clean_mobile(self) -> str:
        mobile = self.cleaned_data.get("mobile", "")
        return normalize_saudi_mobile(mobile) if mobile else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        department = cleaned.get("department")
        if department and department.works_in_centres and not cleaned.get("centres"):
            self.add_error(
                "centres",
                _("Staff of this department work in centres: choose at least one centre."),
            )
        return cleaned
