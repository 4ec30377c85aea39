"""The tracked links page under marketing, and the outcomes of the apps below links that
are attributed to a link (complaints' cases filed on the public page)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from complaints.models import Case
from core import attribution, navigation

from . import attribution as first_touch
from .outcomes import Outcome, register_outcome

navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Tracked links and QR codes"),
        "links:list",
        "qr-code",
        "links.view_trackedlink",
        weight=20,
    ),
)

# The id of a link that still exists (a link deleted since the visit attributes nothing).
attribution.register_first_touch_reader(
    lambda request: getattr(first_touch.first_touch(request), "pk", None)
)

register_outcome(
    Outcome(
        key="cases",
        label=gettext_lazy("Cases filed on the public page"),
        model=Case,
        permission="complaints.view_case",
        detail_url=lambda case: reverse("complaints:detail", args=[case.pk]),
        customer_field="customer",
        at_field="received_at",
    )
)
