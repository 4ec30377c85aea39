"""{% load donor_problems %}{% opportunity_problems opportunity %}: the problems recorded on
an opportunity, for its page (one include line, no change to the page's view)."""

from django import template

register = template.Library()


@register.inclusion_tag("opportunities/opportunity_problems.html", takes_context=True)
def opportunity_problems(context, opportunity):
    from opportunities.problems import problems_of_opportunity

    user = context["request"].user
    if not user.has_perm("opportunities.view_donorproblem"):
        return {"show": False}
    return {
        "show": True,
        "opportunity": opportunity,
        "problems": list(problems_of_opportunity(opportunity)),
        "may_raise": user.has_perm("opportunities.add_donorproblem"),
    }
