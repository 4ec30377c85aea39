"""The steward designation page (6.1.4): who writes to the customer database, who stands in,
and the history of the designation. The CRM manager changes it; the steward and the deputy
read it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import presentation, services
from .forms import StewardDesignationForm
from .models import StewardDesignation


@require_http_methods(["GET", "POST"])
def steward_designation(request):
    user = request.user
    if not user.has_perm("customers.view_stewarddesignation"):
        raise PermissionDenied
    may_change = user.has_perm("customers.change_stewarddesignation")
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    designation = StewardDesignation.objects.select_related("steward", "deputy").first()
    form = None
    if may_change:
        initial = (
            {
                "steward": designation.steward_id,
                "deputy": designation.deputy_id,
                "steward_absent": designation.steward_absent,
            }
            if designation
            else {}
        )
        form = StewardDesignationForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.steward_designation_change(actor=user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The designation was changed and recorded."))
                return redirect("customers:steward")
    return render(
        request,
        "customers/steward_designation.html",
        {
            "designation": designation,
            "form": form,
            "history": presentation.designation_history(),
        },
    )


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
