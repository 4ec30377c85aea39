"""What the customers app adds to the customer 360 page: the header's pending-forms
badge, the "request a change" action and the forms in the timeline. Imported at
start-up by customers.registrations."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from . import selectors
from .models import Customer, CustomerRequest, RequestKind, RequestState, RequestTransition
from .profile import (
    CountedBadge,
    ProfileAction,
    counted_rows_badge,
    register_profile_action,
    register_profile_badge,
)
from .timeline import TimelineEntry, TimelineRows, register_timeline_source, step_entries

FORMS = "forms"


@register_profile_action
def request_change(customer: Customer, user: User) -> ProfileAction | None:
    if not customer.is_active or not user.has_perm("customers.add_customerrequest"):
        return None
    return ProfileAction(
        label=_("Request a change"),
        url=reverse("customers:request_modify", args=[customer.pk]),
        icon="pencil-square",
    )


PENDING_FORMS = ngettext_lazy("%(count)s pending form", "%(count)s pending forms", "count")


@register_profile_badge
def pending_forms(customer: Customer, user: User) -> CountedBadge:
    return counted_rows_badge(
        lambda: selectors.pending_requests_of_customer(user, customer),
        PENDING_FORMS,
        tone="info",
        kind=FORMS,
        icon="file-earmark-text",
    )


@register_timeline_source(FORMS, gettext_lazy("Customer information forms"), "file-earmark-text")
def form_entries(customer: Customer, user: User, limit: int) -> list[TimelineEntry | TimelineRows]:
    """The record's creation, then every step of its forms the user may read."""
    return [
        TimelineEntry(
            when=customer.created_at,
            kind=FORMS,
            icon="person-plus",
            title=_("Entered in the customer database with code %(code)s")
            % {"code": customer.code},
        ),
        step_entries(
            lambda: selectors.request_steps_of_customer(user, customer),
            model=RequestTransition,
            kind=FORMS,
            icon="file-earmark-text",
            title=lambda step: _step_title(step.request, step.target),
            url=lambda step: reverse("customers:request_detail", args=[step.request_id]),
            fields=("request__kind",),
        ),
    ]


def _step_title(form: CustomerRequest, target: str) -> str:
    kind = RequestKind(form.kind).label
    if target == RequestState.SUBMITTED:
        return _("%(form)s (%(kind)s) sent for approval") % {"form": form, "kind": kind}
    return _("%(form)s (%(kind)s): %(state)s") % {
        "form": form,
        "kind": kind,
        "state": RequestState(target).label,
    }
