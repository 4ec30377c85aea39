"""Pages of the annual marketing plan and the campaigns: thin views over
campaigns.services (permission → object or 404 → form → service → message → redirect)."""

import io
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dashboard import Headline
from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.views_steps import post_step, run_step

from . import selectors, services
from .documents import render_brief_pdf
from .errors import CampaignError, PlanError
from .evaluation import evaluate
from .forms import (
    CampaignFilterForm,
    CampaignForm,
    ChooseProposalForm,
    CoordinationForm,
    EvidenceForm,
    LaunchForm,
    NoteForm,
    PlacementForm,
    PlanForm,
    ProposalUploadForm,
    ReasonForm,
    RequestProposalsForm,
)
from .models import Campaign, CampaignState, MarketingPlan, Placement, PlanState, Proposal
from .presentation import evaluation_headlines

PAGE_SIZE = 25

# --- the annual plan ----------------------------------------------------------------------

PLAN_ACTIONS = (
    Action(
        "send_for_coordination",
        gettext_lazy("Send for coordination"),
        NoteForm,
        icon="bi-people",
        help=gettext_lazy(
            "Finance, strategic planning, centres affairs and programmes record their notes."
        ),
    ),
    Action(
        "submit",
        gettext_lazy("Submit to management"),
        NoteForm,
        icon="bi-send",
    ),
    Action(
        "approve",
        gettext_lazy("Approve the plan"),
        NoteForm,
        icon="bi-check2-circle",
        style="success",
    ),
    Action(
        "return_plan",
        gettext_lazy("Return with a reason"),
        ReasonForm,
        icon="bi-arrow-return-right",
        style="danger",
    ),
)
_PLAN_SERVICES = {
    "send_for_coordination": services.plan_send_for_coordination,
    "submit": services.plan_submit,
    "approve": services.plan_approve,
}
_PLAN_DONE = {
    "send_for_coordination": gettext_lazy("The plan was sent to the departments for their notes."),
    "submit": gettext_lazy("The plan was submitted to the association's management."),
    "approve": gettext_lazy("The plan was approved."),
    "return_plan": gettext_lazy("The plan was returned to the CRM manager."),
}


def _plan_or_404(request: AuthenticatedRequest, pk: int) -> MarketingPlan:
    require(request.user, "campaigns.view_marketingplan")
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)


@require_GET
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "campaigns.view_marketingplan")
    plans = selectors.plans_with_totals(request.user).order_by("-year")
    page = CappedPaginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/plan_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "campaigns.add_marketingplan")
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(actor=request.user, **data)
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The plan was prepared."))
            return redirect("campaigns:plan_detail", pk=plan.pk)
    return render(request, "campaigns/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.change_marketingplan")
    plan = _plan_or_404(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    del form.fields["year"]
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("campaigns:plan_detail", pk=plan.pk)
    return render(request, "campaigns/plan_form.html", {"form": form, "plan": plan})


def _plan_context(
    request: AuthenticatedRequest, plan: MarketingPlan, bound: Any = None, coordination: Any = None
) -> dict[str, Any]:
    available = services.PLAN_WORKFLOW.available_actions(plan, request.user)
    campaigns = list(plan.campaigns.order_by("starts_on"))
    departments = selectors.departments_of(request.user)
    may_coordinate = (
        plan.state == PlanState.COORDINATION
        and bool(departments)
        and request.user.has_perm("campaigns.coordinate_marketingplan")
    )
    return {
        "plan": plan,
        "hijri_years": selectors.hijri_years_of(plan.year),
        "panel": action_panel(
            PLAN_ACTIONS,
            available,
            url=lambda name: reverse("campaigns:plan_step", args=[plan.pk, name]),
            bound=bound,
        ),
        "campaigns": campaigns,
        "budget_total": sum((c.budget for c in campaigns if c.state != "cancelled"), start=0),
        "coordinations": plan.coordinations.select_related("recorded_by"),
        "coordination_form": coordination
        or (CoordinationForm(user=request.user, auto_id="id_coord_%s") if may_coordinate else None),
        "transitions": plan.transitions.select_related("actor"),
        "may_edit": request.user.has_perm("campaigns.change_marketingplan")
        and plan.state in ("draft", "coordination", "returned"),
        "may_add_campaign": request.user.has_perm("campaigns.add_campaign"),
    }


@require_GET
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    return render(request, "campaigns/plan_detail.html", _plan_context(request, plan))


@require_POST
def plan_step(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    available = services.PLAN_WORKFLOW.available_actions(plan, request.user)
    if action not in {a.name for a in PLAN_ACTIONS}:
        raise Http404

    def step(data: Any) -> None:
        if action == "return_plan":
            services.plan_return(plan=plan, actor=request.user, reason=data.get("reason", ""))
        else:
            _PLAN_SERVICES[action](plan=plan, actor=request.user, note=data.get("note", ""))

    return post_step(
        request,
        action=action,
        declared=PLAN_ACTIONS,
        available=available,
        step=step,
        refusal=PlanError,
        done=_PLAN_DONE[action],
        show_again=lambda name, form: render(
            request,
            "campaigns/plan_detail.html",
            _plan_context(request, plan, bound=(name, form)),
        ),
        to="campaigns:plan_detail",
        pk=plan.pk,
    )


@require_POST
def plan_coordinate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.coordinate_marketingplan")
    plan = _plan_or_404(request, pk)
    form = CoordinationForm(request.POST, user=request.user, auto_id="id_coord_%s")
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return render(
            request,
            "campaigns/plan_detail.html",
            _plan_context(request, plan, coordination=form),
        )
    return run_step(
        request,
        lambda: services.plan_coordinate(plan=plan, actor=request.user, **form.cleaned_data),
        refusal=PlanError,
        done=_("The department's note was recorded."),
        to="campaigns:plan_detail",
        pk=plan.pk,
    )


@require_GET
def plan_calendar(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    return render(
        request,
        "campaigns/plan_calendar.html",
        {
            "plan": plan,
            "hijri_years": selectors.hijri_years_of(plan.year),
            "months": selectors.calendar_of(plan),
        },
    )


# --- campaigns ----------------------------------------------------------------------------


def campaign_or_404(request: AuthenticatedRequest, pk: int) -> Campaign:
    """A campaign this reader may see (403 without the permission, 404 otherwise)."""
    require(request.user, "campaigns.view_campaign")
    return get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)


def _filtered(queryset: QuerySet[Campaign], form: CampaignFilterForm) -> QuerySet[Campaign]:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        queryset = queryset.filter(title__icontains=data["q"])
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    if data.get("plan"):
        queryset = queryset.filter(plan=data["plan"])
    if data.get("overdue"):
        queryset = queryset.filter(
            state__in=[s for s in CampaignState.values if s not in ("launched", "cancelled")],
            due_at__lt=timezone.now(),
        )
    return queryset


@require_GET
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "campaigns.view_campaign")
    form = CampaignFilterForm(request.GET or None)
    queryset = _filtered(selectors.campaigns_visible_to(request.user), form).order_by(
        "-starts_on", "-pk"
    )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"filter_form": form, "page": page, "querystring": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "campaigns.add_campaign")
    initial: dict[str, Any] = {}
    if request.GET.get("plan", "").isdigit():
        initial["plan"] = request.GET["plan"]
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan = data.pop("plan")
        try:
            campaign = services.campaign_create(actor=request.user, plan=plan, **data)
        except CampaignError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The campaign was prepared."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.change_campaign")
    campaign = campaign_or_404(request, pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.cleaned_data)
        except CampaignError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


CAMPAIGN_ACTIONS = (
    Action(
        "submit_channels",
        gettext_lazy("Submit the channels to management"),
        NoteForm,
        icon="bi-send",
    ),
    Action(
        "approve_channels",
        gettext_lazy("Approve the channels"),
        NoteForm,
        icon="bi-check2-circle",
        style="success",
    ),
    Action(
        "request_proposals",
        gettext_lazy("Request the agency's proposals"),
        RequestProposalsForm,
        icon="bi-envelope-paper",
        help=gettext_lazy("The agency gets a private upload link by e-mail; due in two weeks."),
    ),
    Action(
        "choose_proposal",
        gettext_lazy("Record the evaluation and choose"),
        ChooseProposalForm,
        icon="bi-clipboard-check",
    ),
    Action(
        "submit_programme",
        gettext_lazy("Submit the programme to management"),
        NoteForm,
        icon="bi-send",
    ),
    Action(
        "approve_programme",
        gettext_lazy("Approve the advertising programme"),
        NoteForm,
        icon="bi-check2-circle",
        style="success",
    ),
    Action(
        "launch",
        gettext_lazy("Record the launch"),
        LaunchForm,
        icon="bi-rocket-takeoff",
        style="success",
    ),
    Action(
        "return_channels",
        gettext_lazy("Return the channels with a reason"),
        ReasonForm,
        icon="bi-arrow-return-right",
    ),
    Action(
        "return_programme",
        gettext_lazy("Return the programme with a reason"),
        ReasonForm,
        icon="bi-arrow-return-right",
    ),
)
# Cancelling is never the next step: offered apart, folded under the step card.
CANCEL_ACTION = Action(
    "cancel",
    gettext_lazy("Cancel the campaign"),
    ReasonForm,
    icon="bi-x-circle",
    style="danger",
    confirm=gettext_lazy("Do you want to cancel this campaign?"),
)
ALL_CAMPAIGN_ACTIONS = (*CAMPAIGN_ACTIONS, CANCEL_ACTION)
_CAMPAIGN_DONE = {
    "submit_channels": gettext_lazy("The channels were submitted to management."),
    "approve_channels": gettext_lazy("The channels were approved."),
    "return_channels": gettext_lazy("The channels were returned to the CRM manager."),
    "request_proposals": gettext_lazy("The proposals were requested from the agency."),
    "choose_proposal": gettext_lazy("The evaluation and the chosen proposal were recorded."),
    "submit_programme": gettext_lazy("The programme was submitted to management."),
    "approve_programme": gettext_lazy("The advertising programme was approved."),
    "return_programme": gettext_lazy("The programme was returned to the CRM manager."),
    "launch": gettext_lazy("The launch was recorded."),
    "cancel": gettext_lazy("The campaign was cancelled."),
}


def _run_campaign_step(
    request: AuthenticatedRequest, campaign: Campaign, action: str, data: Any
) -> None:
    actor = request.user
    note = data.get("note", "")
    reason = data.get("reason", "")
    if action == "submit_channels":
        services.campaign_submit_channels(campaign=campaign, actor=actor, note=note)
    elif action == "approve_channels":
        services.campaign_approve_channels(campaign=campaign, actor=actor, note=note)
    elif action == "return_channels":
        services.campaign_return_channels(campaign=campaign, actor=actor, reason=reason)
    elif action == "request_proposals":
        services.campaign_request_proposals(
            campaign=campaign,
            actor=actor,
            agency=data.get("agency") if not isinstance(data.get("agency"), str) else None,
            requirements=data.get("requirements", ""),
        )
    elif action == "choose_proposal":
        proposal = data.get("proposal")
        services.campaign_choose_proposal(
            campaign=campaign,
            actor=actor,
            proposal=None if isinstance(proposal, str) else proposal,
            evaluation=data.get("evaluation", ""),
            more_advertising_needed=bool(data.get("more_advertising_needed")),
        )
    elif action == "submit_programme":
        services.campaign_submit_programme(campaign=campaign, actor=actor, note=note)
    elif action == "approve_programme":
        services.campaign_approve_programme(campaign=campaign, actor=actor, note=note)
    elif action == "return_programme":
        services.campaign_return_programme(campaign=campaign, actor=actor, reason=reason)
    elif action == "launch":
        launched_on = data.get("launched_on")
        if isinstance(launched_on, str) or launched_on is None:
            raise CampaignError(_("Give the launch date."))
        services.campaign_launch(campaign=campaign, actor=actor, launched_on=launched_on, note=note)
    elif action == "cancel":
        services.campaign_cancel(campaign=campaign, actor=actor, reason=reason)


def _evaluation_headlines(campaign: Campaign) -> list[Headline]:
    """The launched campaign's summary card: its headline figures, each opening the
    evaluation page."""
    if campaign.state != CampaignState.LAUNCHED:
        return []
    url = reverse("campaigns:campaign_evaluation", args=[campaign.pk])
    return evaluation_headlines(evaluate([campaign])[campaign.pk], url)


def _campaign_context(
    request: AuthenticatedRequest, campaign: Campaign, **bound_forms: Any
) -> dict[str, Any]:
    user = request.user
    # The proposals are both a step's condition and a list: read once.
    prefetch_related_objects(
        [campaign], Prefetch("proposals", queryset=Proposal.objects.select_related("uploaded_by"))
    )
    available = services.CAMPAIGN_WORKFLOW.available_actions(campaign, user)
    bound = bound_forms.pop("step", None)
    placements = list(campaign.placements.select_related("proposal"))
    links = selectors.placement_links(placements)
    for placement in placements:
        placement.link = links.get(placement.pk)  # type: ignore[attr-defined]  # for the table
    state = campaign.state
    may_manage = user.has_perm("campaigns.manage_campaign")
    context = {
        "campaign": campaign,
        "segment": selectors.campaign_segment(campaign),
        "evaluation_headlines": _evaluation_headlines(campaign),
        "panel": action_panel(
            CAMPAIGN_ACTIONS,
            available,
            url=lambda name: reverse("campaigns:campaign_step", args=[campaign.pk, name]),
            bound=bound,
            form_kwargs={"choose_proposal": {"campaign": campaign}},
        ),
        "cancel_panel": action_panel(
            (CANCEL_ACTION,),
            available,
            url=lambda name: reverse("campaigns:campaign_step", args=[campaign.pk, name]),
            bound=bound,
        ),
        "proposals": campaign.proposals.all(),
        "placements": placements,
        "placements_total": sum((p.cost for p in placements), start=0),
        "placements_linked": bool(links),
        "may_view_links": user.has_perm("links.view_trackedlink"),
        "evidence": campaign.evidence.select_related("added_by"),
        "transitions": campaign.transitions.select_related("actor"),
        "may_edit": user.has_perm("campaigns.change_campaign") and state == "draft",
        "upload_form": bound_forms.get("upload")
        or (
            ProposalUploadForm(auto_id="id_upload_%s")
            if state == CampaignState.PROPOSALS_REQUESTED
            and user.has_perm("campaigns.add_proposal")
            else None
        ),
        "placement_form": bound_forms.get("placement")
        or (
            PlacementForm(campaign=campaign, auto_id="id_placement_%s")
            if state == CampaignState.PROPOSAL_CHOSEN and may_manage
            else None
        ),
        "may_remove_placements": state == CampaignState.PROPOSAL_CHOSEN and may_manage,
        "evidence_form": bound_forms.get("evidence")
        or (
            EvidenceForm(auto_id="id_evidence_%s")
            if state in (CampaignState.PROGRAMME_APPROVED, CampaignState.LAUNCHED)
            and user.has_perm("campaigns.add_launchevidence")
            else None
        ),
        "agency_link": (
            reverse("agency:upload") + "?" + urlencode({"t": services.agency_token(campaign)})
            if state == CampaignState.PROPOSALS_REQUESTED and may_manage
            else ""
        ),
    }
    return context


@require_GET
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    return render(request, "campaigns/campaign_detail.html", _campaign_context(request, campaign))


def _redisplay(request: AuthenticatedRequest, campaign: Campaign, **bound: Any) -> HttpResponse:
    messages.error(request, _("Please correct the errors below."))
    return render(
        request, "campaigns/campaign_detail.html", _campaign_context(request, campaign, **bound)
    )


@require_POST
def campaign_step(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    if action not in _CAMPAIGN_DONE:
        raise Http404
    available = services.CAMPAIGN_WORKFLOW.available_actions(campaign, request.user)
    return post_step(
        request,
        action=action,
        declared=ALL_CAMPAIGN_ACTIONS,
        available=available,
        step=lambda data: _run_campaign_step(request, campaign, action, data),
        refusal=CampaignError,
        done=_CAMPAIGN_DONE[action],
        show_again=lambda name, form: render(
            request,
            "campaigns/campaign_detail.html",
            _campaign_context(request, campaign, step=(name, form)),
        ),
        to="campaigns:campaign_detail",
        form_kwargs={"campaign": campaign} if action == "choose_proposal" else None,
        pk=campaign.pk,
    )


@require_POST
def proposal_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.add_proposal")
    campaign = campaign_or_404(request, pk)
    form = ProposalUploadForm(request.POST, request.FILES, auto_id="id_upload_%s")
    if not form.is_valid():
        return _redisplay(request, campaign, upload=form)
    try:
        proposal = services.proposal_upload(
            campaign=campaign,
            actor=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            note=form.cleaned_data["note"],
        )
    except CampaignError as error:
        form.add_error("file", str(error))
        return _redisplay(request, campaign, upload=form)
    messages.success(
        request,
        _("Version %(version)s of the proposals was uploaded.") % {"version": proposal.version},
    )
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_GET
def proposal_file(request: AuthenticatedRequest, pk: int, version: int) -> FileResponse:
    campaign = campaign_or_404(request, pk)
    proposal = get_object_or_404(campaign.proposals, version=version)
    try:
        handle = proposal.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(proposal.content_type, "jpg")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(proposal.title, campaign.title, f"v{version}", extension=extension),
        content_type=proposal.content_type,
    )


@require_POST
def placement_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.manage_campaign")
    campaign = campaign_or_404(request, pk)
    form = PlacementForm(request.POST, campaign=campaign, auto_id="id_placement_%s")
    if not form.is_valid():
        return _redisplay(request, campaign, placement=form)
    try:
        services.placement_add(campaign=campaign, actor=request.user, **form.cleaned_data)
    except CampaignError as error:
        form.add_error(None, str(error))
        return _redisplay(request, campaign, placement=form)
    messages.success(request, _("The placement was added to the programme."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_POST
def placement_remove(request: AuthenticatedRequest, pk: int, placement_pk: int) -> HttpResponse:
    require(request.user, "campaigns.manage_campaign")
    campaign = campaign_or_404(request, pk)
    placement = get_object_or_404(
        Placement.objects.select_related("campaign"), pk=placement_pk, campaign=campaign
    )
    return run_step(
        request,
        lambda: services.placement_remove(placement=placement, actor=request.user),
        refusal=CampaignError,
        done=_("The placement was removed from the programme."),
        to="campaigns:campaign_detail",
        pk=campaign.pk,
    )


@require_POST
def evidence_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "campaigns.add_launchevidence")
    campaign = campaign_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES, auto_id="id_evidence_%s")
    if not form.is_valid():
        return _redisplay(request, campaign, evidence=form)
    try:
        services.evidence_add(
            campaign=campaign,
            actor=request.user,
            photo=form.cleaned_data.get("photo"),
            url=form.cleaned_data.get("url") or "",
            note=form.cleaned_data.get("note") or "",
        )
    except CampaignError as error:
        form.add_error(None, str(error))
        return _redisplay(request, campaign, evidence=form)
    messages.success(request, _("The launch evidence was added."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_GET
def evidence_photo(request: AuthenticatedRequest, pk: int, evidence_pk: int) -> FileResponse:
    campaign = campaign_or_404(request, pk)
    evidence = get_object_or_404(campaign.evidence.exclude(photo=""), pk=evidence_pk)
    try:
        handle = evidence.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=False)


@require_GET
def brief_pdf(request: AuthenticatedRequest, pk: int) -> FileResponse:
    campaign = campaign_or_404(request, pk)
    pdf = render_brief_pdf(campaign)
    return FileResponse(
        io.BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(_("Campaign brief"), campaign.title, extension="pdf"),
        content_type="application/pdf",
    )
