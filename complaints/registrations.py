"""What the complaints app adds to the shared navigation bar and the my-work page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation

navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Complaints register"),
        "complaints:list",
        "journal-text",
        "complaints.view_case",
    ),
)
navigation.register_nav_item(
    "complaints",
    navigation.NavItem(
        gettext_lazy("Register a case"),
        "complaints:new",
        "plus-circle",
        "complaints.add_case",
    ),
)


def _end_of_today():
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))


@mywork.register_work_provider
def cases_due(user):
    """Open cases of my queue that are overdue or due today (manual 5.2 deadlines)."""
    from .models import CaseState
    from .selectors import cases_visible_to

    if not user.has_perm("complaints.change_case"):
        return None
    cases = (
        cases_visible_to(user)
        .exclude(state=CaseState.CLOSED)
        .filter(due_at__lte=_end_of_today())
        .order_by("due_at", "pk")
    )
    items = [
        mywork.WorkItem(
            title=str(case),
            url=reverse("complaints:detail", args=[case.pk]),
            due=case.due_at,
            detail=f"{case.get_kind_display()} · {case.get_state_display()}",
        )
        for case in cases[:20]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Cases due today or overdue"),
        items=items,
        list_url=f"{reverse('complaints:list')}?state=open",
    )
