"""Pages of the portfolio cycles and the programme proposals: thin views over
programmes.cycles and programmes.proposals (access → form → service → message → redirect)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.text import bdi, html_message
from core.views_steps import post_step, redisplay, step_runner
from customers.models import Customer, CustomerKind

from . import cycles, proposals
from .forms_cycles import (
    AnswerForm,
    CycleDonorsForm,
    CycleFilter,
    HandoverForm,
    IdentifyForm,
    LinkProgrammeForm,
    ProposalFilter,
    ProposalForm,
    ProposalProgrammeForm,
    ReviewForm,
    SeedOpportunityForm,
)
from .models import CycleHalf, CycleProgramme, CycleState

PAGE_SIZE = 25


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- cycles -------------------------------------------------------------------------------


def _cycle_or_404(user, pk):
    require(user, "programmes.view_portfoliocycle")
    return get_object_or_404(cycles.cycles_visible_to(user), pk=pk)


@require_GET
def cycle_list(request):
    require(request.user, "programmes.view_portfoliocycle")
    cycle_filter = CycleFilter(
        request.GET, queryset=cycles.cycles_with_counts(cycles.cycles_visible_to(request.user))
    )
    page = CappedPaginator(cycle_filter.qs.order_by("-year", "-half"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    may_hand_over = request.user.has_perm("programmes.add_portfoliocycle")
    return render(
        request,
        "programmes/cycle_list.html",
        {
            "filter": cycle_filter,
            "page": page,
            "querystring": _querystring_without_page(request),
            "may_hand_over": may_hand_over,
            "due_periods": cycles.periods_due_for_handover() if may_hand_over else [],
        },
    )


def _handover_initial(params):
    """The period the "عملي" link names (?year=&half=), else the first one due."""
    initial = {"received_on": timezone.localdate()}
    due = cycles.periods_due_for_handover()
    year, half = params.get("year", ""), params.get("half", "")
    if year.isdigit() and half.isdigit() and int(half) in CycleHalf.values:
        initial.update(year=int(year), half=int(half))
    elif due:
        initial.update(year=due[0].year, half=due[0].half)
    else:
        current = cycles.period_of(timezone.localdate())
        initial.update(year=current.year, half=current.half)
    # The programmes planned for that year come ticked.
    initial["programmes"] = list(
        cycles.handover_programme_choices()
        .filter(portfolio_year=initial["year"])
        .values_list("pk", flat=True)
    )
    return initial


@require_http_methods(["GET", "POST"])
def cycle_handover(request):
    require(request.user, "programmes.add_portfoliocycle")
    if request.method == "POST":
        form = HandoverForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = cycles.cycle_hand_over(
                    actor=request.user,
                    year=data["year"],
                    half=data["half"],
                    programmes=data["programmes"],
                    received_on=data["received_on"],
                    note=data["note"],
                )
            except cycles.CycleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The portfolio of %(period)s was handed over to the CRM manager.")
                    % {"period": cycle.period_label},
                )
                return redirect("programmes:cycle_detail", pk=cycle.pk)
    else:
        form = HandoverForm(initial=_handover_initial(request.GET))
    return render(request, "programmes/cycle_handover.html", {"form": form})


# The steps of the cycle's page (names from cycles.available_actions), the natural next step
# first: the CRM manager reviews the portfolio, then records the potential donors chosen for
# each programme (manual 3.2, "خلق الفرص" steps 1-2).
CYCLE_ACTIONS = (
    Action(
        "review",
        gettext_lazy("Record the review"),
        ReviewForm,
        icon="bi-check2-square",
        help=gettext_lazy("Review the portfolio strategic planning handed over."),
        testid="review",
    ),
    Action(
        "identify_donors",
        gettext_lazy("Record the identification"),
        IdentifyForm,
        icon="bi-people-fill",
        help=gettext_lazy(
            "Choose the potential donors of each programme, then record that the "
            "identification is done."
        ),
        testid="identify",
    ),
)
_CYCLE_URLS = {"review": "programmes:cycle_review", "identify_donors": "programmes:cycle_identify"}

# The deadline of each state and what it is due for.
CYCLE_DEADLINES = {
    CycleState.HANDED_OVER: ("review_due_at", gettext_lazy("Review of the portfolio due")),
    CycleState.REVIEWED: (
        "identification_due_at",
        gettext_lazy("Identification of the potential donors due"),
    ),
}


def _deadline(cycle):
    """(what it is due for, when, overdue) of the cycle's current step, or None."""
    field, label = CYCLE_DEADLINES.get(cycle.state, (None, ""))
    due = getattr(cycle, field) if field else None
    if due is None:
        return None
    return {"label": label, "at": due, "overdue": due < timezone.now()}


def _cycle_context(request, cycle, *, bound=None, **sent_back):
    """The cycle's page; `bound` is (step, form) of a step's form sent back, `sent_back` a
    programme's donors or seed form sent back."""
    user = request.user
    actions = cycles.available_actions(cycle, user)
    entries = list(cycles.cycle_programmes(cycle))
    rows = []
    for entry in entries:
        row = {"entry": entry, "donors": list(entry.donors.all())}
        if "choose_donors" in actions:
            suggested = list(cycles.suggested_donors_for(entry.programme))
            chosen_ids = {donor.donor_id for donor in row["donors"]}
            offered = suggested + [d.donor for d in row["donors"] if d.donor not in suggested]
            row["suggested_ids"] = {donor.pk for donor in suggested}
            row["form"] = sent_back.get(f"donors_{entry.pk}") or CycleDonorsForm(
                prefix=f"p{entry.pk}",
                choices=offered,
                # Until chosen, the donors the interests suggest come ticked.
                initial={"donors": list(chosen_ids) or list(row["suggested_ids"])},
            )
        if cycles.may_seed_opportunity(user, cycle, entry):
            row["seed_form"] = sent_back.get(f"seed_{entry.pk}") or SeedOpportunityForm(
                prefix=f"s{entry.pk}",
                initial={
                    "title": _("Funding %(programme)s") % {"programme": entry.programme.name},
                    "expected_amount": entry.programme.budget,
                },
            )
        rows.append(row)
    return {
        "cycle": cycle,
        "rows": rows,
        "actions": actions,
        "panel": action_panel(
            CYCLE_ACTIONS,
            actions,
            url=lambda name: reverse(_CYCLE_URLS[name], args=[cycle.pk]),
            bound=bound,
        ),
        "deadline": _deadline(cycle),
        "transitions": cycle.transitions.select_related("actor"),
        "without_donors": [row["entry"] for row in rows if not row["donors"]],
    }


@require_GET
def cycle_detail(request, pk):
    cycle = _cycle_or_404(request.user, pk)
    return render(request, "programmes/cycle_detail.html", _cycle_context(request, cycle))


def _redisplay_cycle(request, cycle, *, bound=None, **sent_back):
    cycle.refresh_from_db()
    return redisplay(
        request,
        "programmes/cycle_detail.html",
        _cycle_context(request, cycle, bound=bound, **sent_back),
    )


def _cycle_step(request, cycle, action, step, done):
    """The POST of the review or the identification: the form sent back with what was
    typed when it is not valid or the service refuses it."""
    return post_step(
        request,
        action=action,
        declared=CYCLE_ACTIONS,
        available=cycles.available_actions(cycle, request.user),
        step=step,
        refusal=cycles.CycleError,
        done=done,
        show_again=lambda name, form: _redisplay_cycle(request, cycle, bound=(name, form)),
        to="programmes:cycle_detail",
        pk=cycle.pk,
    )


@require_POST
def cycle_review(request, pk):
    cycle = _cycle_or_404(request.user, pk)
    require(request.user, "programmes.review_portfoliocycle")
    return _cycle_step(
        request,
        cycle,
        "review",
        lambda data: cycles.cycle_review(
            cycle=cycle, actor=request.user, notes=data.get("notes", "")
        ),
        _("The portfolio was reviewed. Now identify the potential donors of its programmes."),
    )


def _entry_or_404(cycle, entry_pk):
    return get_object_or_404(
        CycleProgramme.objects.select_related("programme__category"), pk=entry_pk, cycle=cycle
    )


@require_POST
def cycle_donors(request, pk, entry_pk):
    cycle = _cycle_or_404(request.user, pk)
    require(request.user, "programmes.review_portfoliocycle")
    entry = _entry_or_404(cycle, entry_pk)
    form = CycleDonorsForm(request.POST, prefix=f"p{entry.pk}")
    if not form.is_valid():
        return _redisplay_cycle(request, cycle, **{f"donors_{entry.pk}": form})
    try:
        added, removed = cycles.cycle_set_donors(
            cycle=cycle, entry=entry, actor=request.user, donors=form.chosen_donors()
        )
    except cycles.CycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            html_message(
                _("Potential donors of %(programme)s saved: %(added)s added, %(removed)s removed."),
                {"programme": bdi(entry.programme.code), "added": added, "removed": removed},
            ),
        )
    return redirect(f"{reverse('programmes:cycle_detail', args=[cycle.pk])}#programme-{entry.pk}")


@require_POST
def cycle_identify(request, pk):
    cycle = _cycle_or_404(request.user, pk)
    require(request.user, "programmes.review_portfoliocycle")
    return _cycle_step(
        request,
        cycle,
        "identify_donors",
        lambda data: cycles.cycle_identify_donors(
            cycle=cycle, actor=request.user, note=data.get("note", "")
        ),
        _("The potential donors of the portfolio were identified."),
    )


@require_POST
def cycle_seed(request, pk, entry_pk):
    cycle = _cycle_or_404(request.user, pk)
    require(request.user, "opportunities.add_opportunity")
    entry = _entry_or_404(cycle, entry_pk)
    form = SeedOpportunityForm(request.POST, prefix=f"s{entry.pk}")
    if not form.is_valid():
        return _redisplay_cycle(request, cycle, **{f"seed_{entry.pk}": form})
    try:
        opportunity = cycles.cycle_seed_opportunity(
            cycle=cycle,
            entry=entry,
            actor=request.user,
            title=form.cleaned_data["title"],
            expected_amount=form.cleaned_data["expected_amount"],
        )
    except cycles.CycleError as error:
        messages.error(request, str(error))
        return redirect("programmes:cycle_detail", pk=cycle.pk)
    messages.success(
        request,
        _("The opportunity was recorded in identification with the donors of the portfolio."),
    )
    return redirect("opportunities:detail", pk=opportunity.pk)


# --- proposals ----------------------------------------------------------------------------


def _proposal_or_404(user, pk):
    require(user, "programmes.view_programmeproposal")
    return get_object_or_404(proposals.proposals_visible_to(user).prefetch_related("donors"), pk=pk)


@require_GET
def proposal_list(request):
    require(request.user, "programmes.view_programmeproposal")
    proposal_filter = ProposalFilter(
        request.GET, queryset=proposals.proposals_visible_to(request.user)
    )
    queryset = proposals.ordered_for(proposal_filter.qs, request.user).prefetch_related("donors")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/proposal_list.html",
        {
            "filter": proposal_filter,
            "page": page,
            "querystring": _querystring_without_page(request),
        },
    )


def _proposal_initial(params):
    """?donor=<pk> (from the donor's profile): the donor's code and first interest."""
    value = params.get("donor", "")
    if not value.isdigit():
        return {}
    donor = (
        Customer.objects.filter(pk=value, kind=CustomerKind.DONOR, is_active=True)
        .prefetch_related("interests__category")
        .first()
    )
    if donor is None:
        return {}
    initial = {"donor_codes": str(donor.code)}
    interests = list(donor.interests.all())
    if interests:
        initial["category"] = interests[0].category_id
    return initial


@require_http_methods(["GET", "POST"])
def proposal_create(request):
    require(request.user, "programmes.add_programmeproposal")
    form = ProposalForm(request.POST or None, initial=_proposal_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = proposals.proposal_submit(
                actor=request.user,
                title=data["title"],
                category=data["category"],
                description=data["description"],
                reason=data["reason"],
                donors=data["donor_codes"],
            )
        except proposals.ProposalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The proposal was sent to strategic planning."))
            return redirect("programmes:proposal_detail", pk=proposal.pk)
    return render(request, "programmes/proposal_form.html", {"form": form})


# The steps of the proposal's page, the natural next step first (core.steps): planning's
# answer (accept first, needs study and refuse folded), then the programme made from it.
PROPOSAL_ACTIONS = (
    Action(
        proposals.ACCEPT,
        gettext_lazy("Accept into the portfolio"),
        AnswerForm,
        icon="bi-check-lg",
        style="success",
        testid="answer",
    ),
    Action(
        "create_programme",
        gettext_lazy("Add and link"),
        ProposalProgrammeForm,
        icon="bi-plus-lg",
        help=gettext_lazy("Add the programme to the portfolio"),
        testid="create-programme",
    ),
    Action(
        "link_programme",
        gettext_lazy("Or link a programme already added"),
        LinkProgrammeForm,
        icon="bi-link-45deg",
        testid="link-programme",
    ),
    Action(proposals.STUDY, gettext_lazy("Needs study"), AnswerForm, icon="bi-search"),
    Action(
        proposals.REFUSE,
        gettext_lazy("Refuse"),
        AnswerForm,
        icon="bi-x-lg",
        confirm=gettext_lazy("Refuse this proposal?"),
    ),
)
_PROPOSAL_URLS = {
    "create_programme": "programmes:proposal_create_programme",
    "link_programme": "programmes:proposal_link_programme",
}


def _proposal_url(proposal, name):
    if name in proposals.ANSWERS:
        return reverse("programmes:proposal_answer", args=[proposal.pk, name])
    return reverse(_PROPOSAL_URLS[name], args=[proposal.pk])


def _proposal_context(request, proposal, *, bound=None):
    """The proposal's page; `bound` is (step, form) of a step's form sent back."""
    actions = proposals.available_actions(proposal, request.user)
    return {
        "proposal": proposal,
        "actions": actions,
        "panel": action_panel(
            PROPOSAL_ACTIONS,
            actions,
            url=lambda name: _proposal_url(proposal, name),
            bound=bound,
            form_kwargs={
                "create_programme": {
                    "initial": {
                        "name": proposal.title,
                        "category": proposal.category_id,
                        "portfolio_year": timezone.localdate().year,
                    }
                }
            },
        ),
        "transitions": proposal.transitions.select_related("actor"),
    }


@require_GET
def proposal_detail(request, pk):
    proposal = _proposal_or_404(request.user, pk)
    return render(request, "programmes/proposal_detail.html", _proposal_context(request, proposal))


def _redisplay_proposal(request, proposal, step, form):
    return redisplay(
        request,
        "programmes/proposal_detail.html",
        _proposal_context(request, proposal, bound=(step, form)),
    )


_proposal_act = step_runner(refusal=proposals.ProposalError, to="programmes:proposal_detail")


_ANSWERED = {
    proposals.ACCEPT: gettext_lazy("The proposal was accepted into the portfolio."),
    proposals.REFUSE: gettext_lazy("The proposal was refused."),
    proposals.STUDY: gettext_lazy("The proposal was marked as needing study."),
}


@require_POST
def proposal_answer(request, pk, answer):
    proposal = _proposal_or_404(request.user, pk)
    require(request.user, "programmes.answer_programmeproposal")
    if answer not in proposals.ANSWERS:
        raise PermissionDenied
    form = AnswerForm(request.POST, auto_id=f"id_{answer}_%s")
    if not form.is_valid():
        return _redisplay_proposal(request, proposal, answer, form)
    return _proposal_act(
        request,
        proposal,
        lambda: proposals.proposal_answer(
            proposal=proposal, actor=request.user, answer=answer, note=form.cleaned_data["note"]
        ),
        _ANSWERED[answer],
    )


@require_POST
def proposal_create_programme(request, pk):
    proposal = _proposal_or_404(request.user, pk)
    require(request.user, "programmes.add_programme")
    form = ProposalProgrammeForm(request.POST, auto_id="id_create_programme_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            programme = proposals.proposal_create_programme(
                proposal=proposal,
                actor=request.user,
                code=data["code"],
                name=data["name"],
                category=data["category"],
                budget=data["budget"],
                portfolio_year=data["portfolio_year"],
            )
        except proposals.ProposalError as error:
            messages.error(request, str(error))
            return redirect("programmes:proposal_detail", pk=proposal.pk)
        except ValidationError as error:
            form.add_error(None, list(error.messages))
        except IntegrityError:
            form.add_error("code", _("Another programme already has this code."))
        else:
            messages.success(
                request,
                html_message(
                    _("The programme %(programme)s was added to the portfolio and linked."),
                    {"programme": bdi(programme)},
                ),
            )
            return redirect("programmes:proposal_detail", pk=proposal.pk)
    return _redisplay_proposal(request, proposal, "create_programme", form)


@require_POST
def proposal_link_programme(request, pk):
    proposal = _proposal_or_404(request.user, pk)
    require(request.user, "programmes.change_programme")
    form = LinkProgrammeForm(request.POST, auto_id="id_link_programme_%s")
    if not form.is_valid():
        return _redisplay_proposal(request, proposal, "link_programme", form)
    return _proposal_act(
        request,
        proposal,
        lambda: proposals.proposal_link_programme(
            proposal=proposal, actor=request.user, programme=form.cleaned_data["programme"]
        ),
        _("The proposal was linked to its programme."),
    )
