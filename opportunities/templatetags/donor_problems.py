"""{% load donor_problems %}{% opportunity_problems opportunity problems %}: the problems
recorded on an opportunity, for its page (read with its history: selectors.history)."""

from django import template

register = template.Library()


@register.inclusion_tag("opportunities/opportunity_problems.html", takes_context=True)
def opportunity_problems(context, opportunity, problems):
    user = context["request"].user
    if not user.has_perm("opportunities.view_donorproblem"):
        return {"show": False}
    return {
        "show": True,
        "opportunity": opportunity,
        "problems": problems,
        "may_raise": user.has_perm("opportunities.add_donorproblem"),
    }
