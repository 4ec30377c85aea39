"""What the customers app adds to the shared navigation bar and the my-work page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dashboard, mywork, navigation

from . import profile_sources  # noqa: F401  (the customer 360's own badges, action, timeline)

navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Customer database"),
        "customers:list",
        "person-lines-fill",
        "customers.view_customer",
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Customer information forms"),
        "customers:request_list",
        "file-earmark-text",
        "customers.view_customerrequest",
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("New customer form"),
        "customers:request_new",
        "person-plus",
        "customers.add_customerrequest",
    ),
)

navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Import customers"),
        "customers:import",
        "upload",
        "customers.add_customerrequest",
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Data steward and deputy"),
        "customers:steward",
        "person-badge",
        "customers.view_stewarddesignation",
    ),
)
navigation.register_nav_item(
    "customers",
    navigation.NavItem(
        gettext_lazy("Customer statistics"),
        "customers:statistics",
        "pie-chart",
        "customers.view_customer",
    ),
)


def _section(title, requests, state):
    items = [
        mywork.WorkItem(
            title=str(request),
            url=reverse("customers:request_detail", args=[request.pk]),
            due=request.due_at,
            detail=request.get_kind_display(),
        )
        for request in requests[:20]
    ]
    list_url = f"{reverse('customers:request_list')}?state={state}"
    return mywork.WorkSection(title=title, items=items, list_url=list_url) if items else None


def _open_forms():
    from .models import CustomerRequest

    return CustomerRequest.objects.select_related("prepared_by").order_by("due_at", "pk")


@mywork.register_work_provider
def forms_to_review(user):
    """Manual 6.2 steps 2–3: the CRM manager reviews and decides within the deadline."""
    from .models import RequestState

    if not user.has_perm("customers.approve_customerrequest"):
        return None
    pending = _open_forms().filter(state=RequestState.SUBMITTED).exclude(prepared_by=user)
    return _section(_("Customer forms awaiting your review"), pending, RequestState.SUBMITTED)


@mywork.register_work_provider
def forms_to_enter(user):
    """Step 4: the acting data steward enters approved forms."""
    from .models import RequestState
    from .services import may_enter

    if not may_enter(user):
        return None
    return _section(
        _("Approved customer forms to enter"),
        _open_forms().filter(state=RequestState.APPROVED),
        RequestState.APPROVED,
    )


@mywork.register_work_provider
def forms_to_file_or_submit(user):
    """Step 5: CRM staff file entered forms; preparers finish their drafts."""
    from .models import RequestState

    if not user.has_perm("customers.file_customerrequest"):
        return None
    forms = _open_forms().filter(state=RequestState.ENTERED) | _open_forms().filter(
        state=RequestState.DRAFT, prepared_by=user
    )
    return _section(_("Customer forms to file or submit"), forms, RequestState.ENTERED)


# --- headline figures on "عملي" (core.dashboard) ---------------------------------------------


@dashboard.register_headline
def forms_awaiting_approval_headline(user):
    """Customer forms awaiting the CRM manager's decision (2 working days), for the manager
    and the association's management."""
    from django.utils import timezone
    from django.utils.translation import ngettext

    from association import roles

    from .models import RequestState
    from .selectors import forms_awaiting_approval_counts

    if not (
        user.has_perm("customers.approve_customerrequest")
        or roles.user_has_role(user, roles.MANAGEMENT)
    ):
        return None
    waiting, overdue = forms_awaiting_approval_counts(timezone.now())
    url = ""
    if user.has_perm("customers.view_customerrequest"):
        url = f"{reverse('customers:request_list')}?state={RequestState.SUBMITTED}"
    return dashboard.waiting_headline(
        key="forms_awaiting_approval",
        order=30,
        label=_("Customer forms awaiting approval"),
        waiting=waiting,
        overdue=overdue,
        overdue_text=ngettext(
            "%(count)s past the review deadline", "%(count)s past the review deadline", overdue
        ),
        url=url,
    )
