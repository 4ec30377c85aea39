"""Opportunity pages: thin views over opportunities.selectors and opportunities.services."""

import hashlib
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.text import bdi, html_message
from core.views_steps import redisplay, step_runner
from customers.models import CustomerKind
from customers.selectors import customers_visible_to
from programmes.models import Programme

from . import forms, selectors, services
from .models import OpportunityState

PAGE_SIZE = 25


def _visible_opportunity_or_404(user, pk, *, for_its_page=True):
    """The opportunity; for its page (shown, or shown again with a form), with what its
    pledging donor gave so far (`received_amount`, read in the same query)."""
    require(user, "opportunities.view_opportunity")
    queryset = selectors.opportunities_visible_to(user)
    if for_its_page:
        queryset = selectors.with_received_amount(queryset)
    return get_object_or_404(queryset, pk=pk)


def _visible_donor_or_404(user, pk):
    return get_object_or_404(customers_visible_to(user), pk=pk, kind=CustomerKind.DONOR)


def _querystring_without(request, *names):
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _filtered(request):
    require(request.user, "opportunities.view_opportunity")
    return forms.OpportunityFilter(
        request.GET, queryset=selectors.opportunities_visible_to(request.user), request=request
    )


# --- board and list ---------------------------------------------------------------------


@require_GET
def board(request):
    require(request.user, "opportunities.view_opportunity")
    # A column per state: a state filter would only empty the other columns.
    params = request.GET.copy()
    params.pop("state", None)
    opportunity_filter = forms.OpportunityFilter(
        params, queryset=selectors.opportunities_visible_to(request.user), request=request
    )
    columns = selectors.board_columns(opportunity_filter.qs, cache_key=_board_key(params))
    return render(
        request,
        "opportunities/opportunity_board.html",
        {
            "filter": opportunity_filter,
            "columns": columns,
            "querystring": _querystring_without(request, "state", "page"),
        },
    )


def _board_key(params):
    """The board's cache key: its filter, whatever the order of the parameters."""
    filters = sorted((name, value) for name, values in params.lists() for value in values)
    return hashlib.sha256(urlencode(filters).encode()).hexdigest()


@require_GET
def opportunity_list(request):
    opportunity_filter = _filtered(request)
    rows = opportunity_filter.qs
    # The activity filter compares with the clock: that list is counted on each view.
    by_activity = bool(opportunity_filter.form.cleaned_data.get("stale"))
    page = CappedPaginator(
        selectors.list_values(rows),
        PAGE_SIZE,
        known_count=None if by_activity else selectors.list_count(rows),
    ).get_page(request.GET.get("page"))
    page.object_list = selectors.list_rows(page.object_list)
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "filter": opportunity_filter,
            "page": page,
            "querystring": _querystring_without(request, "page"),
        },
    )


# --- creating ---------------------------------------------------------------------------


# Fields carried over when the form is redrawn for another programme.
_CARRIED_FIELDS = ("title", "expected_amount", "probability", "success_factors", "other_donors")


@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    """GET ?programme=<pk> draws the form with the donors interested in that programme
    ticked (the page's script reloads it so when the programme changes; without script the
    "show suggested donors" button does the same)."""
    require(request.user, "opportunities.add_opportunity")
    if request.method == "POST" and "suggest" in request.POST:
        params = {
            name: request.POST[name]
            for name in ("programme", *_CARRIED_FIELDS)
            if request.POST.get(name)
        }
        return redirect(f"{reverse('opportunities:create')}?{urlencode(params)}")
    data = request.POST if request.method == "POST" else None
    programme = _programme_from(data if data is not None else request.GET)
    suggested = list(selectors.suggested_donors(programme)) if programme else []
    initial = {name: request.GET[name] for name in _CARRIED_FIELDS if request.GET.get(name)}
    if programme:
        initial["programme"] = programme.pk
        initial["donors"] = [donor.pk for donor in suggested]
    form = forms.OpportunityCreateForm(data, initial=initial, suggested=suggested)
    if data is not None and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                programme=form.cleaned_data["programme"],
                expected_amount=form.cleaned_data["expected_amount"],
                probability=form.cleaned_data["probability"],
                success_factors=form.cleaned_data["success_factors"],
                donors=form.chosen_donors(),
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The opportunity was recorded in identification."))
            return redirect("opportunities:detail", pk=opportunity.pk)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {
            "form": form,
            "programme": programme,
            "suggested": suggested,
            "checked_donors": {str(value) for value in form["donors"].value() or []},
        },
    )


def _programme_from(params):
    value = params.get("programme") if params is not None else None
    if not value or not str(value).isdigit():
        return None
    return Programme.objects.select_related("category").filter(pk=value).first()


# --- the detail page and its actions ----------------------------------------------------


def _detail_context(request, opportunity, **bound_forms):
    user = request.user
    actions = services.available_actions(opportunity, user)
    by_name = list(selectors.donor_rows(opportunity))
    # The suggested donors first, each group by name (the sort is stable).
    donors = sorted(by_name, key=lambda row: not row.suggested)
    history = selectors.history(
        opportunity, with_problems=user.has_perm("opportunities.view_donorproblem")
    )
    context = {
        "opportunity": opportunity,
        "timeline": history.timeline,
        "problems": history.problems,
        "donors": donors,
        "others_donors": [
            row.donor
            for row in donors
            if row.donor.point_of_contact_id and row.donor.point_of_contact_id != user.pk
        ],
        "actions": actions,
        "states": OpportunityState,
        "show_pledge": opportunity.state in (OpportunityState.CLOSING, OpportunityState.SUCCESSFUL),
        "may_open_pledge": selectors.may_open_pledge(user, opportunity),
    }
    if context["show_pledge"]:
        received = opportunity.received_amount
        pledged = opportunity.pledged_amount or 0
        context["received"] = received
        context["outstanding"] = max(pledged - received, 0)
        context["received_percent"] = min(int(received * 100 / pledged), 100) if pledged else 0
    if "log_contact" in actions:
        context["contact_form"] = bound_forms.get("contact_form") or forms.ContactForm(
            donors=opportunity.potential_donors.order_by("name"),
            donor_choices=[(row.donor.pk, row.donor.name) for row in by_name],
            # One potential donor: nothing to choose.
            initial={"donor": donors[0].donor.pk} if len(donors) == 1 else {},
            prefix="contact",
        )
    if "update_probability" in actions:
        context["probability_form"] = bound_forms.get("probability_form") or (
            forms.ProbabilityForm(
                initial={
                    "probability": opportunity.probability,
                    "success_factors": opportunity.success_factors,
                },
                prefix="probability",
            )
        )
        context["add_donor_form"] = bound_forms.get("add_donor_form") or forms.AddDonorForm(
            prefix="donor"
        )
    sent_back = next(
        (
            (name, bound_forms[f"{name}_form"])
            for name in services.TRANSITIONS
            if f"{name}_form" in bound_forms
        ),
        None,
    )
    context["panel"] = action_panel(
        OPPORTUNITY_MOVES,
        actions,
        url=lambda name: reverse("opportunities:move", args=[opportunity.pk, name]),
        bound=sent_back,
        form_kwargs={name: _transition_kwargs(name, opportunity) for name in services.TRANSITIONS},
    )
    if services.START_FOLLOW_UP in actions:
        context["follow_up_blockers"] = services.follow_up_blockers(opportunity)
    return context


# The moves of the opportunity (core.steps), the forward one first: cancelling is folded.
OPPORTUNITY_MOVES = (
    Action(
        services.START_FOLLOW_UP,
        gettext_lazy("Start follow-up"),
        forms.TRANSITION_FORMS[services.START_FOLLOW_UP],
        icon="bi-arrow-left-circle",
        testid="form-start_follow_up",
    ),
    Action(
        services.CLOSE_WITH_PLEDGE,
        gettext_lazy("Move to closing"),
        forms.TRANSITION_FORMS[services.CLOSE_WITH_PLEDGE],
        icon="bi-pen",
        help=gettext_lazy("A donor accepted to fund the programme and signed a written pledge."),
        testid="form-close_with_pledge",
    ),
    Action(
        services.MARK_SUCCESSFUL,
        gettext_lazy("Mark successful"),
        forms.TRANSITION_FORMS[services.MARK_SUCCESSFUL],
        icon="bi-trophy",
        style="success",
        help=gettext_lazy(
            "The funding arrived. If the finance system has not recorded the full pledge yet, "
            "write the reason to mark it successful anyway."
        ),
        testid="form-mark_successful",
    ),
    Action(
        services.CANCEL,
        gettext_lazy("Cancel the opportunity"),
        forms.TRANSITION_FORMS[services.CANCEL],
        icon="bi-x-circle",
        confirm=gettext_lazy("Cancel this opportunity? This cannot be undone."),
        testid="form-cancel",
    ),
)


def _transition_kwargs(name, opportunity):
    kwargs = {"prefix": name}
    if forms.TRANSITION_FORMS[name] is forms.PledgeForm:
        kwargs["opportunity"] = opportunity
    return kwargs


def _transition_form(name, opportunity, data=None, files=None):
    return forms.TRANSITION_FORMS[name](
        data, files, auto_id=f"id_{name}_%s", **_transition_kwargs(name, opportunity)
    )


@require_GET
def opportunity_detail(request, pk):
    opportunity = _visible_opportunity_or_404(request.user, pk)
    return render(
        request,
        "opportunities/opportunity_detail.html",
        _detail_context(request, opportunity),
    )


def _redisplay(request, opportunity, **bound_forms):
    return redisplay(
        request,
        "opportunities/opportunity_detail.html",
        _detail_context(request, opportunity, **bound_forms),
    )


# Runs a service call; its refusal becomes a message. Always back to the detail page.
_act = step_runner(refusal=services.RequestError, to="opportunities:detail")


@require_POST
def log_contact(request, pk):
    opportunity = _visible_opportunity_or_404(request.user, pk)
    require(request.user, "opportunities.add_donorcontact")
    form = forms.ContactForm(
        request.POST, donors=opportunity.potential_donors.all(), prefix="contact"
    )
    if not form.is_valid():
        return _redisplay(request, opportunity, contact_form=form)
    contact = None

    def action():
        nonlocal contact
        contact = services.donor_contact_log(
            actor=request.user, opportunity=opportunity, **form.cleaned_data
        )

    response = _act(request, opportunity, action, _("The contact was recorded."))
    if contact is not None and contact.is_flagged:
        messages.warning(request, _flagged_message(contact))
    return response


def _flagged_message(contact):
    point = contact.donor.point_of_contact
    return html_message(
        _(
            "%(point)s is the point of contact for %(donor)s: your contact awaits the approval "
            "of the CRM manager, resource development and the sub-council secretary, and "
            "%(point)s has been told."
        ),
        {
            "point": bdi(point.get_full_name() or point.get_username()),
            "donor": bdi(contact.donor.name),
        },
    )


@require_POST
def update_probability(request, pk):
    opportunity = _visible_opportunity_or_404(request.user, pk)
    form = forms.ProbabilityForm(request.POST, prefix="probability")
    require(request.user, "opportunities.change_opportunity")
    if not form.is_valid():
        return _redisplay(request, opportunity, probability_form=form)
    return _act(
        request,
        opportunity,
        lambda: services.opportunity_update_probability(
            opportunity=opportunity, actor=request.user, **form.cleaned_data
        ),
        _("The success probability was updated."),
    )


@require_http_methods(["GET", "POST"])
def opportunity_correct(request, pk):
    """The owner (or the CRM manager) corrects the title, expected amount or programme."""
    opportunity = _visible_opportunity_or_404(request.user, pk, for_its_page=False)
    if not services.may_correct(request.user, opportunity):
        raise PermissionDenied
    if not opportunity.is_open:
        messages.error(
            request,
            _("This opportunity is closed (%(state)s): it can no longer change.")
            % {"state": opportunity.get_state_display()},
        )
        return redirect("opportunities:detail", pk=opportunity.pk)
    initial = {
        "title": opportunity.title,
        "expected_amount": opportunity.expected_amount,
        "programme": opportunity.programme_id,
    }
    form = forms.CorrectionForm(request.POST or None, initial=initial, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_correct(
                opportunity=opportunity, actor=request.user, **form.cleaned_data
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The opportunity was corrected."))
            return redirect("opportunities:detail", pk=opportunity.pk)
    return render(
        request,
        "opportunities/opportunity_correct.html",
        {
            "opportunity": opportunity,
            "form": form,
            "corrections": opportunity.corrections.select_related("actor").order_by("-at", "-id"),
        },
    )


@require_POST
def add_donor(request, pk):
    opportunity = _visible_opportunity_or_404(request.user, pk)
    require(request.user, "opportunities.change_opportunity")
    form = forms.AddDonorForm(request.POST, prefix="donor")
    if not form.is_valid():
        return _redisplay(request, opportunity, add_donor_form=form)
    return _act(
        request,
        opportunity,
        lambda: services.opportunity_add_donor(
            opportunity=opportunity, actor=request.user, donor=form.cleaned_data["donor"]
        ),
        _("The donor was added to the potential donors."),
    )


_MOVED_MESSAGES = {
    services.START_FOLLOW_UP: gettext_lazy("The opportunity moved to follow-up."),
    services.CLOSE_WITH_PLEDGE: gettext_lazy(
        "The opportunity moved to closing with the signed pledge."
    ),
    services.MARK_SUCCESSFUL: gettext_lazy("The opportunity was marked successful."),
    services.CANCEL: gettext_lazy("The opportunity was cancelled."),
}


@require_POST
def move(request, pk, transition):
    opportunity = _visible_opportunity_or_404(request.user, pk)
    if transition not in services.TRANSITIONS or not services.may_move(request.user):
        raise PermissionDenied
    form = _transition_form(transition, opportunity, request.POST, request.FILES)
    if not form.is_valid():
        return _redisplay(request, opportunity, **{f"{transition}_form": form})
    data = dict(form.cleaned_data)
    note = data.pop("note", "")
    return _act(
        request,
        opportunity,
        lambda: services.opportunity_move(
            opportunity=opportunity, actor=request.user, transition=transition, note=note, **data
        ),
        _MOVED_MESSAGES[transition],
    )


@require_GET
def pledge_file(request, pk):
    """The signed pledge, only to those who work the opportunity (selectors.may_open_pledge):
    never a public media URL."""
    opportunity = _visible_opportunity_or_404(request.user, pk, for_its_page=False)
    if not selectors.may_open_pledge(request.user, opportunity):
        raise PermissionDenied
    if not opportunity.pledge_file:
        raise Http404
    try:
        handle = opportunity.pledge_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = Path(opportunity.pledge_file.name).suffix.lower()
    response = FileResponse(
        handle,
        filename=download_name(_("signed pledge"), opportunity.title, extension=extension),
        content_type=_PLEDGE_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


_PLEDGE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


# --- donor contacts outside an opportunity, and their approval --------------------------


@require_http_methods(["GET", "POST"])
def donor_contact_new(request, pk):
    """A contact with a donor from the donor's profile, about an opportunity or not."""
    require(request.user, "opportunities.add_donorcontact")
    donor = _visible_donor_or_404(request.user, pk)
    form = forms.ContactForm(
        request.POST or None, opportunities=selectors.open_opportunities_of(donor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.donor_contact_log(
                actor=request.user, donor=donor, **form.cleaned_data
            )
        except services.RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The contact was recorded."))
            if contact.is_flagged:
                messages.warning(request, _flagged_message(contact))
            if contact.opportunity_id:
                return redirect("opportunities:detail", pk=contact.opportunity_id)
            return redirect("customers:detail", pk=donor.pk)
    return render(
        request,
        "opportunities/contact_form.html",
        {
            "donor": donor,
            "form": form,
            "recent": selectors.recent_contacts_with(donor, limit=10),
            "flagged": donor.point_of_contact_id and donor.point_of_contact_id != request.user.pk,
        },
    )


# --- donor interests (3.1.12) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def donor_interests(request, pk):
    require(request.user, "opportunities.view_opportunity")
    donor = _visible_donor_or_404(request.user, pk)
    may_change = request.user.has_perm("opportunities.add_donorinterest") or request.user.has_perm(
        "opportunities.delete_donorinterest"
    )
    current = list(donor.interests.values_list("category", flat=True))
    form = forms.DonorInterestsForm(request.POST or None, initial={"categories": current})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                added, removed = services.donor_interests_set(
                    donor=donor, actor=request.user, categories=form.cleaned_data["categories"]
                )
            except services.RequestError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Interests saved: %(added)s added, %(removed)s removed.")
                    % {"added": added, "removed": removed},
                )
                return redirect("opportunities:donor_interests", pk=donor.pk)
    if not may_change:
        form.fields["categories"].disabled = True
    return render(
        request,
        "opportunities/interest_form.html",
        {
            "donor": donor,
            "form": form,
            "may_change": may_change,
            "interests": donor.interests.select_related("category", "recorded_by").order_by(
                "category__name"
            ),
        },
    )
