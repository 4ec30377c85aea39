"""What the manual adds to the navigation bar and to «عملي»."""

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from core.dates import format_gregorian_hijri

from . import selectors
from .models import ManualVersion, VersionState

WORK_ITEMS = 15

# Every role sees the entry (each reads the association's structure): those who may not read
# the manual ask for access there.
navigation.register_nav_item(
    "reports",
    navigation.NavItem(
        gettext_lazy("The manual"),
        "manual:index",
        "journal-bookmark",
        "association.view_centre",
        weight=90,
    ),
)


@mywork.register_work_provider
def reading_requests_waiting(user: User) -> mywork.WorkSection | None:
    """The controller's (or today's delegate's) reading requests to decide (1.4)."""
    if not selectors.is_controller(user):
        return None
    pending = list(selectors.pending_requests()[:WORK_ITEMS])
    if not pending:
        return None
    url = reverse("manual:access")
    return mywork.WorkSection(
        title=_("Requests to read the manual"),
        items=[
            mywork.WorkItem(
                title=_("%(person)s asks to read «%(document)s»")
                % {
                    "person": access.user.get_full_name() or access.user.get_username(),
                    "document": access.document.title,
                },
                url=f"{url}#request-{access.pk}",
                detail=format_gregorian_hijri(access.requested_at),
            )
            for access in pending
        ],
        list_url=url,
    )


@mywork.register_work_provider
def versions_to_approve(user: User) -> mywork.WorkSection | None:
    """The sub-council secretary's versions waiting for approval (1.5)."""
    if not selectors.may_approve(user):
        return None
    versions = list(
        ManualVersion.objects.filter(state=VersionState.SUBMITTED).select_related("document")
    )
    if not versions:
        return None
    return mywork.WorkSection(
        title=_("Manual versions to approve"),
        items=[
            mywork.WorkItem(
                title=_("«%(document)s», version %(serial)s")
                % {"document": version.document.title, "serial": version.serial},
                url=reverse("manual:version", args=[version.document.key, version.serial]),
            )
            for version in versions
        ],
    )
