"""What the portfolio cycles and the programme proposals add to the navigation bar, the
"عملي" page and the donor's profile (a panel and the timeline; imported at start-up by
ProgrammesConfig.ready)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mywork, navigation
from customers.profile import ProfilePanel, register_profile_panel
from customers.timeline import register_timeline_source, step_entries

WORK_ITEMS = 20

for item in (
    navigation.NavItem(
        gettext_lazy("Portfolio cycles"),
        "programmes:cycle_list",
        "calendar-range",
        "programmes.view_portfoliocycle",
    ),
    navigation.NavItem(
        gettext_lazy("Programme proposals to planning"),
        "programmes:proposal_list",
        "lightbulb",
        "programmes.view_programmeproposal",
    ),
):
    navigation.register_nav_item("marketing", item)


def _name(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


# --- portfolio cycles ---------------------------------------------------------------------


@mywork.register_work_provider
def portfolio_to_hand_over(user):
    """Strategic planning: the portfolio of the year or half-year, due at its start."""
    from .cycles import periods_due_for_handover

    if not user.has_perm("programmes.add_portfoliocycle"):
        return None
    periods = periods_due_for_handover()
    if not periods:
        return None
    url = reverse("programmes:cycle_handover")
    return mywork.WorkSection(
        title=_("Programmes portfolio to hand over to the CRM manager"),
        items=[
            mywork.WorkItem(
                title=_("Portfolio of %(period)s") % {"period": period.label},
                url=f"{url}?{urlencode({'year': period.year, 'half': period.half})}",
                due=period.handover_due,
                detail=_("Hand over the programmes and activities of this period."),
            )
            for period in periods
        ],
        list_url=reverse("programmes:cycle_list"),
    )


@mywork.register_work_provider
def portfolio_to_review(user):
    """The CRM manager: cycles awaiting review, then awaiting their potential donors."""
    from .cycles import cycles_awaiting_identification, cycles_awaiting_review

    if not user.has_perm("programmes.review_portfoliocycle"):
        return None
    items = [
        mywork.WorkItem(
            title=_("Review the portfolio of %(period)s") % {"period": cycle.period_label},
            url=reverse("programmes:cycle_detail", args=[cycle.pk]),
            due=cycle.review_due_at,
            detail=_("Handed over by %(name)s") % {"name": _name(cycle.handed_over_by)},
        )
        for cycle in cycles_awaiting_review().select_related("handed_over_by")[:WORK_ITEMS]
    ]
    items += [
        mywork.WorkItem(
            title=_("Identify the potential donors of %(period)s") % {"period": cycle.period_label},
            url=reverse("programmes:cycle_detail", args=[cycle.pk]),
            due=cycle.identification_due_at,
            detail=_("Reviewed; the donors of each programme are still to be identified."),
        )
        for cycle in cycles_awaiting_identification()[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Programmes portfolio to review"),
        items=items,
        list_url=reverse("programmes:cycle_list"),
    )


# --- programme proposals --------------------------------------------------------------------


@mywork.register_work_provider
def proposals_to_answer(user):
    """Strategic planning answers the CRM department's proposals."""
    from .proposals import proposals_awaiting_answer

    if not user.has_perm("programmes.answer_programmeproposal"):
        return None
    items = [
        mywork.WorkItem(
            title=proposal.title,
            url=reverse("programmes:proposal_detail", args=[proposal.pk]),
            due=proposal.answer_due_at,
            detail=f"{proposal.get_state_display()} · {_name(proposal.proposed_by)}",
        )
        for proposal in proposals_awaiting_answer().select_related("proposed_by")[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Programme proposals awaiting your answer"),
        items=items,
        list_url=reverse("programmes:proposal_list"),
    )


@mywork.register_work_provider
def proposals_to_add_to_portfolio(user):
    """Accepted proposals whose programme is not in the portfolio yet."""
    from .proposals import accepted_without_programme

    if not (
        user.has_perm("programmes.view_programmeproposal")
        and user.has_perm("programmes.add_programme")
    ):
        return None
    items = [
        mywork.WorkItem(
            title=proposal.title,
            url=reverse("programmes:proposal_detail", args=[proposal.pk]),
            detail=_("Accepted; add its programme to the portfolio and link it."),
        )
        for proposal in accepted_without_programme()[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Accepted proposals to add to the portfolio"),
        items=items,
        list_url=f"{reverse('programmes:proposal_list')}?state=accepted",
    )


@mywork.register_work_provider
def proposal_answers(user):
    """The CRM side reads planning's answers of the last two weeks."""
    from .proposals import recent_answers_for

    if not user.has_perm("programmes.add_programmeproposal"):
        return None
    items = [
        mywork.WorkItem(
            title=proposal.title,
            url=reverse("programmes:proposal_detail", args=[proposal.pk]),
            detail=f"{proposal.get_state_display()} · {_name(proposal.answered_by)}",
        )
        for proposal in recent_answers_for(user)[:WORK_ITEMS]
    ]
    if not items:
        return None
    return mywork.WorkSection(
        title=_("Planning's answers to programme proposals"),
        items=items,
        list_url=reverse("programmes:proposal_list"),
    )


# --- the donor's profile ------------------------------------------------------------------


@register_profile_panel
def proposals_panel(customer, user):
    """The programmes this donor asked for, and a link to propose one (3.1.12)."""
    from customers.models import CustomerKind

    from .proposals import proposals_of_donor

    if customer.kind != CustomerKind.DONOR or not user.has_perm(
        "programmes.view_programmeproposal"
    ):
        return None
    return ProfilePanel(
        title=_("Programmes asked for"),
        template="programmes/panel_proposals.html",
        context={
            # What the panel shows: reading no other column, the SQL is shorter to write.
            "proposals": list(
                proposals_of_donor(customer).only(
                    "title", "state", "proposed_at", "programme__code"
                )[:10]
            ),
            "may_propose": user.has_perm("programmes.add_programmeproposal"),
        },
    )


PROPOSALS = "proposals"


@register_timeline_source(
    PROPOSALS,
    gettext_lazy("Programmes asked for"),
    "lightbulb",
    permission="programmes.view_programmeproposal",
)
def proposal_entries(customer, user, limit):
    """The programmes this donor asked for: the proposal to planning and its answer."""
    from .models import ProposalTransition
    from .proposals import proposal_steps_of_donor

    return [
        step_entries(
            lambda: proposal_steps_of_donor(user, customer),
            model=ProposalTransition,
            kind=PROPOSALS,
            icon="lightbulb",
            title=_proposal_step_title,
            url=lambda step: reverse("programmes:proposal_detail", args=[step.proposal_id]),
            fields=("proposal__title",),
        )
    ]


def _proposal_step_title(step):
    if step.source == step.target:  # the proposal itself
        return _("Programme proposed to strategic planning: %(title)s") % {
            "title": step.proposal.title
        }
    return _("Programme proposal %(title)s: %(state)s") % {
        "title": step.proposal.title,
        "state": step.get_target_display(),
    }
