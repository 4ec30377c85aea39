"""{% load portfolio_cycles %}{% programme_cycles programme %}: the portfolio cycles a
programme belongs to and the proposals it came from, for the programme's page (one include
line, no change to that page's view)."""

from django import template

register = template.Library()


@register.inclusion_tag("programmes/programme_cycles.html", takes_context=True)
def programme_cycles(context, programme):
    user = context["request"].user
    entries = []
    if user.has_perm("programmes.view_portfoliocycle"):
        entries = list(
            programme.cycle_entries.select_related("cycle").order_by("-cycle__year", "-cycle__half")
        )
    proposals = []
    if user.has_perm("programmes.view_programmeproposal"):
        proposals = list(programme.proposals.order_by("-proposed_at"))
    return {"entries": entries, "proposals": proposals}
