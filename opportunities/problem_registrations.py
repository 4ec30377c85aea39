"""What the donor-relationship problems register adds to the navigation bar, the "عملي"
page and the donor's profile (imported at start-up by OpportunitiesConfig.ready)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from core.numbers import format_amount
from customers.models import CustomerKind
from customers.profile import ProfilePanel, register_profile_panel

from . import problem_tasks  # noqa: F401  (the worker learns the task at start-up)

WORK_ITEMS = 20

navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Donor-relationship problems"),
        "opportunities:problem_list",
        "exclamation-octagon",
        "opportunities.view_donorproblem",
    ),
)


@mywork.register_work_provider
def donor_problems(user):
    """3.1.20: the CRM manager handles every problem urgently; an owner sees their own.
    Each item is due at its next deadline (the first action, then the resolution)."""
    from .problems import may_manage, unresolved_for

    if not user.is_authenticated:
        return None
    problems = list(unresolved_for(user)[:WORK_ITEMS])
    if not problems:
        return None
    items = [
        mywork.WorkItem(
            title=f"{problem.title} · {problem.donor.name}",
            url=reverse("opportunities:problem_detail", args=[problem.pk]),
            due=problem.next_due,
            detail=" · ".join(
                [problem.get_severity_display(), problem.get_state_display()]
                + (
                    [_("Owner: %(owner)s") % {"owner": _name(problem.owner)}]
                    if problem.owner_id != user.pk
                    else []
                )
            ),
        )
        for problem in problems
    ]
    query = {} if may_manage(user) else {"owner": user.pk}
    list_url = reverse("opportunities:problem_list")
    return mywork.WorkSection(
        title=_("Problems threatening donor relationships"),
        items=items,
        list_url=f"{list_url}?{urlencode(query)}" if query else list_url,
    )


@mywork.register_work_provider
def overdue_pledges(user):
    """A pledge not covered by donations some time after its date may be a donor not
    honouring it (3.1.17): proposed to the CRM manager to record as a problem."""
    from .problems import may_manage
    from .problems import overdue_pledges as find_overdue_pledges

    if not may_manage(user) or not user.has_perm("opportunities.add_donorproblem"):
        return None
    opportunities = list(find_overdue_pledges()[:WORK_ITEMS])
    if not opportunities:
        return None
    create_url = reverse("opportunities:problem_create")
    return mywork.WorkSection(
        title=_("Pledges not received: record a problem?"),
        items=[
            mywork.WorkItem(
                title=f"{opportunity.title} · {opportunity.pledge_donor.name}",
                url=f"{create_url}?{urlencode({'opportunity': opportunity.pk, 'kind': 'pledge'})}",
                detail=_("Pledged %(pledged)s SAR, received %(received)s SAR")
                % {
                    "pledged": format_amount(opportunity.pledged_amount),
                    "received": format_amount(opportunity.received_amount),
                },
            )
            for opportunity in opportunities
        ],
    )


def _name(user):
    return user.get_full_name() or user.get_username()


PANEL_PROBLEM_FIELDS = (
    "title",
    "kind",
    "severity",
    "state",
    "raised_at",
    "respond_by",
    "resolve_by",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


@register_profile_panel
def problems_panel(customer, user):
    """A donor's problems on their profile, unresolved first, with a link to record one."""
    from .problems import problems_of_donor

    if customer.kind != CustomerKind.DONOR or not user.has_perm("opportunities.view_donorproblem"):
        return None
    return ProfilePanel(
        title=_("Problems threatening the relationship"),
        template="opportunities/panel_problems.html",
        context={
            # What the panel shows (a problem's badges read its deadlines): reading no
            # other column, the SQL is shorter to write.
            "problems": list(
                problems_of_donor(customer)
                .select_related(None)
                .select_related("owner")
                .only(*PANEL_PROBLEM_FIELDS)[:10]
            ),
            "may_raise": user.has_perm("opportunities.add_donorproblem"),
        },
    )
