"""Donor contacts under the single point of contact (manual 3.1.21): a contact's page with
the three parties' decisions, requests to contact, recording the contact made under an
approved request, and the designation of each donor's point of contact."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import text_step_form
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.text import bdi, html_message
from core.views_steps import post_step, redisplay
from customers.models import CustomerKind
from customers.selectors import customers_visible_to

from . import forms, selectors, services
from .models import DesignationState

PAGE_SIZE = 25
DECISIONS = ("approve", "refuse")


def _visible_donor_or_404(user, pk):
    return get_object_or_404(customers_visible_to(user), pk=pk, kind=CustomerKind.DONOR)


def _name(user):
    return user.get_full_name() or user.get_username()


# --- a contact and its approvals --------------------------------------------------------


def _visible_contact_or_404(user, pk):
    require(user, "opportunities.view_donorcontact")
    contact = selectors.contact_with_steps(pk).first()
    if contact is None or not customers_visible_to(user).filter(pk=contact.donor_id).exists():
        raise Http404
    return contact


def _contact_context(request, contact, **bound_forms):
    user = request.user
    parties = services.pending_parties_for(contact, user)
    may_record = services.may_record_made(contact, user)
    return {
        "contact": contact,
        "steps": list(contact.approval_steps.all()),
        "parties": [(party, party.label) for party in parties],
        "decision_form": bound_forms.get("decision_form") or forms.ContactDecisionForm(),
        "made_form": (bound_forms.get("made_form") or forms.ContactMadeForm())
        if may_record
        else None,
        "made_contact": getattr(contact, "made_contact", None) if contact.is_planned else None,
        "is_point": services.is_point_of_contact(user, contact.donor),
    }


@require_GET
def contact_detail(request, pk):
    contact = _visible_contact_or_404(request.user, pk)
    return render(request, "opportunities/contact_detail.html", _contact_context(request, contact))


@require_POST
def contact_decide(request, pk, decision):
    if decision not in DECISIONS:
        raise Http404
    if not services.approval_parties_of(request.user):
        raise PermissionDenied
    contact = _visible_contact_or_404(request.user, pk)
    form = forms.ContactDecisionForm(request.POST)
    form.is_valid()
    try:
        services.donor_contact_decide(
            contact=contact,
            actor=request.user,
            approve=decision == "approve",
            note=form.cleaned_data.get("note", ""),
            party=form.cleaned_data.get("party") or None,
        )
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        sentence = (
            _("Your approval of the contact with %(donor)s was recorded.")
            if decision == "approve"
            else _("Your refusal of the contact with %(donor)s was recorded.")
        )
        messages.success(request, html_message(sentence, {"donor": bdi(contact.donor.name)}))
    return redirect("opportunities:contact_detail", pk=contact.pk)


@require_POST
def contact_record_made(request, pk):
    require(request.user, "opportunities.add_donorcontact")
    contact = _visible_contact_or_404(request.user, pk)
    if contact.staff_id != request.user.pk:
        raise PermissionDenied
    form = forms.ContactMadeForm(request.POST)
    if not form.is_valid():
        return redisplay(
            request,
            "opportunities/contact_detail.html",
            _contact_context(request, contact, made_form=form),
        )
    try:
        made = services.donor_contact_record_made(
            request=contact, actor=request.user, **form.cleaned_data
        )
    except services.RequestError as error:
        messages.error(request, str(error))
        return redirect("opportunities:contact_detail", pk=contact.pk)
    messages.success(request, _("The contact was recorded."))
    if made.opportunity_id:
        return redirect("opportunities:detail", pk=made.opportunity_id)
    return redirect("opportunities:contact_detail", pk=made.pk)


@require_GET
def contacts_pending(request):
    if not services.approval_parties_of(request.user):
        raise PermissionDenied
    page = CappedPaginator(selectors.contacts_awaiting_approval(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "opportunities/contact_pending.html", {"page": page})


@require_http_methods(["GET", "POST"])
def donor_contact_request(request, pk):
    """Ask for approval before contacting a donor someone else speaks for."""
    require(request.user, "opportunities.add_donorcontact")
    donor = _visible_donor_or_404(request.user, pk)
    form = forms.ContactRequestForm(
        request.POST or None, opportunities=selectors.open_opportunities_of(donor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.donor_contact_request(
                actor=request.user, donor=donor, **form.cleaned_data
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            if contact.is_flagged:
                messages.success(
                    request,
                    html_message(
                        _(
                            "Your request to contact %(donor)s was sent to the CRM manager, "
                            "resource development and the sub-council secretary."
                        ),
                        {"donor": bdi(donor.name)},
                    ),
                )
            else:
                messages.success(request, _("The planned contact was recorded."))
            return redirect("opportunities:contact_detail", pk=contact.pk)
    return render(
        request,
        "opportunities/contact_request_form.html",
        {
            "donor": donor,
            "form": form,
            "flagged": donor.point_of_contact_id and donor.point_of_contact_id != request.user.pk,
        },
    )


# --- designations of the point of contact -----------------------------------------------


@require_GET
def designation_list(request):
    require(request.user, "opportunities.view_pointofcontactdesignation")
    visible = customers_visible_to(request.user).values("pk")
    queryset = selectors.designations().filter(donor__in=visible)
    state = request.GET.get("state", "")
    if state in DesignationState.values:
        queryset = queryset.filter(state=state)
    # Those awaiting the secretary first, then the latest.
    page = CappedPaginator(_awaiting_first(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/designation_list.html",
        {
            "page": page,
            "states": DesignationState.choices,
            "state": state,
            "querystring": f"state={state}" if state else "",
        },
    )


def _awaiting_first(queryset):
    return queryset.annotate(
        awaiting=Case(
            When(state=DesignationState.PROPOSED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("awaiting", "-created_at", "-pk")


def _visible_designation_or_404(user, pk):
    require(user, "opportunities.view_pointofcontactdesignation")
    designation = get_object_or_404(selectors.designations(), pk=pk)
    if not customers_visible_to(user).filter(pk=designation.donor_id).exists():
        raise Http404
    return designation


@require_GET
def designation_detail(request, pk):
    designation = _visible_designation_or_404(request.user, pk)
    return render(
        request, "opportunities/designation_detail.html", _designation_context(request, designation)
    )


# The sub-council secretary's decision on a designation (core.steps): approve first, the
# refusal folded with its required reason.
DESIGNATION_ACTIONS = (
    Action(
        "approve",
        gettext_lazy("Approve"),
        text_step_form(gettext_lazy("decision note"), required=False, rows=2),
        icon="bi-check2",
        style="success",
        testid="designation-decide",
    ),
    Action(
        "refuse",
        gettext_lazy("Refuse"),
        text_step_form(gettext_lazy("Reason for rejecting"), rows=2),
        icon="bi-x-circle",
    ),
)


def _decisions_of(user, designation):
    may_decide = designation.state == DesignationState.PROPOSED and user.has_perm(
        "opportunities.approve_pointofcontactdesignation"
    )
    return list(DECISIONS) if may_decide else []


def _designation_context(request, designation, *, bound=None):
    return {
        "designation": designation,
        "steps": designation.transitions.select_related("actor"),
        "panel": action_panel(
            DESIGNATION_ACTIONS,
            _decisions_of(request.user, designation),
            url=lambda name: reverse(
                "opportunities:designation_decide", args=[designation.pk, name]
            ),
            bound=bound,
        ),
        "history": selectors.designations_of(designation.donor)[:10],
    }


@require_POST
def designation_decide(request, pk, decision):
    if decision not in DECISIONS:
        raise Http404
    require(request.user, "opportunities.approve_pointofcontactdesignation")
    designation = _visible_designation_or_404(request.user, pk)
    values = {"person": bdi(_name(designation.staff)), "donor": bdi(designation.donor.name)}
    return post_step(
        request,
        action=decision,
        declared=DESIGNATION_ACTIONS,
        available=_decisions_of(request.user, designation),
        step=lambda data: services.designation_decide(
            designation=designation,
            actor=request.user,
            approve=decision == "approve",
            note=data.get("note", ""),
        ),
        refusal=services.RequestError,
        done=html_message(
            _("%(person)s is now the point of contact of %(donor)s.")
            if decision == "approve"
            else _("The proposal of %(person)s for %(donor)s was refused."),
            values,
        ),
        show_again=lambda name, form: redisplay(
            request,
            "opportunities/designation_detail.html",
            _designation_context(request, designation, bound=(name, form)),
        ),
        to="opportunities:designation_detail",
        pk=designation.pk,
    )


@require_http_methods(["GET", "POST"])
def designation_propose(request, pk):
    require(request.user, "opportunities.add_pointofcontactdesignation")
    donor = _visible_donor_or_404(request.user, pk)
    form = forms.DesignationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            designation = services.designation_propose(
                donor=donor, actor=request.user, **form.cleaned_data
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The proposal was sent to the sub-council secretary for approval."),
            )
            return redirect("opportunities:designation_detail", pk=designation.pk)
    return render(
        request,
        "opportunities/designation_form.html",
        {"donor": donor, "form": form, "history": selectors.designations_of(donor)[:10]},
    )
