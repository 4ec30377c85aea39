"""The round's analysis page with its follow-up (findings, treatment steps, the decision,
the documents), a treatment step's page, and the success stories. Thin: permission, record,
form, service, message, redirect."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import jobs
from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.workflow import available_actions
from programmes.selectors import programme_funders
from surveys.models import Round, RoundState

from . import selectors, services, tasks
from .analysis import analyse, may_see_presenter, satisfaction_level
from .charts import SCALE_COLOURS
from .errors import SurveyAnalysisError
from .forms import (
    ActionDoneForm,
    ActionForm,
    DecisionForm,
    DonorInvitationForm,
    FindingsForm,
    StoryForm,
    StoryReturnForm,
)
from .models import DocumentKind, RoundDocument, StoryState, SuccessStory, TreatmentAction

STORIES_PAGE_SIZE = 25
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _round_or_404(pk: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("version", "programme", "city", "donor_version"), pk=pk
    )


# --- the analysis page ------------------------------------------------------------------------


def _analysis_context(request: AuthenticatedRequest, survey_round: Round, **forms: Any) -> dict:
    user = request.user
    follow_up = selectors.follow_up(survey_round, stories=True)
    analysis = analyse(survey_round, user=user)
    state = survey_round.state
    weak_codes = (
        list(follow_up.findings.weak_items)
        if follow_up.findings
        else [item.code for item in analysis.weak_items]
    )
    findings_initial = {"level": "", "conclusions": "", "recommendations": ""}
    if follow_up.findings:
        findings_initial = {
            "level": follow_up.findings.level,
            "conclusions": follow_up.findings.conclusions,
            "recommendations": follow_up.findings.recommendations,
        }
    else:
        findings_initial["level"] = satisfaction_level(analysis.satisfaction_index)
    context = {
        "round": survey_round,
        "analysis": analysis,
        "follow_up": follow_up,
        "labels": _scale_labels(survey_round),
        "may_write_findings": state == RoundState.ANALYSING
        and user.has_perm("survey_analysis.add_roundfindings"),
        "may_add_action": state in services.ACTION_STATES
        and user.has_perm("survey_analysis.add_treatmentaction"),
        "may_decide": state == RoundState.DECISION
        and user.has_perm("survey_analysis.add_managementdecision"),
        "may_produce": user.has_perm("survey_analysis.add_rounddocument"),
        "may_survey_donors": state == RoundState.DONOR_SURVEY
        and user.has_perm("surveys.survey_donors"),
        "documents": _documents(survey_round, follow_up.documents, user),
        "weak_codes": weak_codes,
        "findings_form": forms.get("findings_form") or FindingsForm(initial=findings_initial),
        "action_form": forms.get("action_form")
        or ActionForm(survey_round=survey_round, weak_codes=weak_codes),
        "decision_form": forms.get("decision_form")
        or DecisionForm(
            initial={"outcome": follow_up.decision.outcome, "text": follow_up.decision.text}
            if follow_up.decision
            else None
        ),
    }
    return context


def _scale_labels(survey_round: Round) -> list[tuple[int, str, str]]:
    """(point, the form's label, its colour in the bars) for the legend."""
    labels = list(survey_round.version.scale_labels or [])
    if len(labels) != 5:
        labels = [str(point) for point in range(1, 6)]
    return [(index + 1, label, SCALE_COLOURS[index]) for index, label in enumerate(labels)]


def _documents(
    survey_round: Round, stored: dict[str, RoundDocument], user: Any
) -> list[dict[str, Any]]:
    rows = []
    for kind, label in DocumentKind.choices:
        document = stored.get(kind)
        if document is not None and document.with_presenter and not may_see_presenter(user):
            document = None
        rows.append(
            {
                "kind": kind,
                "label": label,
                "document": document,
                "refusal": services.document_refusal(survey_round, kind),
            }
        )
    return rows


@require_GET
def round_analysis(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "survey_analysis.view_roundfindings")
    survey_round = _round_or_404(pk)
    return render(
        request, "survey_analysis/round_analysis.html", _analysis_context(request, survey_round)
    )


def _show_again(request: AuthenticatedRequest, survey_round: Round, **forms: Any) -> HttpResponse:
    messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "survey_analysis/round_analysis.html",
        _analysis_context(request, survey_round, **forms),
        status=200,
    )


def _to_analysis(survey_round: Round, anchor: str = "") -> HttpResponse:
    url = reverse("survey_analysis:round_analysis", args=[survey_round.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
def findings_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "survey_analysis.add_roundfindings")
    survey_round = _round_or_404(pk)
    form = FindingsForm(request.POST)
    if not form.is_valid():
        return _show_again(request, survey_round, findings_form=form)
    try:
        services.findings_write(
            survey_round=survey_round,
            level=form.cleaned_data["level"],
            conclusions=form.cleaned_data["conclusions"],
            recommendations=form.cleaned_data["recommendations"],
            actor=request.user,
        )
    except SurveyAnalysisError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The findings were saved."))
    return _to_analysis(survey_round, "findings")


@require_POST
def action_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "survey_analysis.add_treatmentaction")
    survey_round = _round_or_404(pk)
    follow_up = selectors.follow_up(survey_round, stories=False)
    weak_codes = list(follow_up.findings.weak_items) if follow_up.findings else []
    form = ActionForm(request.POST, survey_round=survey_round, weak_codes=weak_codes)
    if not form.is_valid():
        return _show_again(request, survey_round, action_form=form)
    try:
        services.action_create(
            survey_round=survey_round,
            item=form.cleaned_data["item"],
            text=form.cleaned_data["text"],
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
        )
    except SurveyAnalysisError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The treatment step was recorded."))
    return _to_analysis(survey_round, "actions")


@require_POST
def decision_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "survey_analysis.add_managementdecision")
    survey_round = _round_or_404(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _show_again(request, survey_round, decision_form=form)
    try:
        services.decision_record(
            survey_round=survey_round,
            outcome=form.cleaned_data["outcome"],
            text=form.cleaned_data["text"],
            actor=request.user,
        )
    except SurveyAnalysisError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Management's decision was recorded."))
    return _to_analysis(survey_round, "decision")


# --- a treatment step ---------------------------------------------------------------------------


def _action_or_404(user: Any, pk: int) -> TreatmentAction:
    action = get_object_or_404(
        TreatmentAction.objects.select_related("round", "owner", "item", "done_by"), pk=pk
    )
    if action.owner_id != user.pk and not user.has_perm("survey_analysis.view_treatmentaction"):
        raise PermissionDenied
    return action


@require_http_methods(["GET", "POST"])
def action_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request.user, pk)
    may_complete = not action.is_done and services.may_complete_action(action, request.user)
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST":
        if not services.may_complete_action(action, request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_complete(
                    action=action, note=form.cleaned_data["note"], actor=request.user
                )
            except SurveyAnalysisError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The treatment step is marked done."))
            return redirect("survey_analysis:action_detail", pk=action.pk)
    return render(
        request,
        "survey_analysis/action_detail.html",
        {
            "action": action,
            "form": form,
            "may_complete": may_complete,
            "may_read_analysis": selectors.may_read_analysis(request.user),
        },
    )


# --- the documents -------------------------------------------------------------------------------


@require_POST
def document_produce(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    require(request.user, "survey_analysis.add_rounddocument")
    if kind not in DocumentKind.values:
        raise Http404
    survey_round = _round_or_404(pk)
    try:
        services.document_check(survey_round=survey_round, kind=kind, actor=request.user)
    except SurveyAnalysisError as error:
        messages.error(request, str(error))
        return _to_analysis(survey_round, "documents")
    job, _started = jobs.start_job(
        kind=tasks.DOCUMENT_JOB,
        owner=request.user,
        key=f"{survey_round.pk}:{kind}",
        params={"round": survey_round.pk, "kind": kind},
    )
    if job.owner_id != request.user.pk:
        messages.info(request, _("Someone else is producing this document at this moment."))
        return _to_analysis(survey_round, "documents")
    return redirect("core:job_detail", pk=job.pk)


@require_GET
def document_download(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponseBase:
    require(request.user, "survey_analysis.view_rounddocument")
    survey_round = _round_or_404(pk)
    document = RoundDocument.objects.filter(round=survey_round, kind=kind).first()
    if document is None or not document.file:
        raise Http404
    if document.with_presenter and not may_see_presenter(request.user):
        raise Http404
    extension = "xlsx" if kind == DocumentKind.ANSWERS else "pdf"
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=extension == "xlsx",
        filename=download_name(
            str(document.get_kind_display()),
            survey_round.title,
            when=document.produced_at,
            extension=extension,
        ),
        content_type=_CONTENT_TYPES[extension],
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- success stories ------------------------------------------------------------------------------


def _stories(user: Any) -> QuerySet[SuccessStory]:
    return selectors.stories_visible_to(user)


@require_GET
def story_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "survey_analysis.view_successstory")
    stories = _stories(request.user).order_by("-written_at", "-pk")
    state = request.GET.get("state", "")
    if state in StoryState.values:
        stories = stories.filter(state=state)
    page = CappedPaginator(stories, STORIES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "survey_analysis/story_list.html",
        {
            "page": page,
            "state": state,
            "states": StoryState.choices,
            "may_write": request.user.has_perm("survey_analysis.add_successstory"),
        },
    )


@require_http_methods(["GET", "POST"])
def story_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "survey_analysis.add_successstory")
    initial = {}
    if request.GET.get("round", "").isdigit():
        initial["round"] = int(request.GET["round"])
    form = StoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            story = services.story_create(
                title=data["title"],
                story=data["story"],
                anonymised=data["anonymised"],
                consent_to_publish=data["consent_to_publish"],
                consent_note=data["consent_note"],
                survey_round=data["round"],
                response=None,
                programme=data["programme"],
                donors=[],
                actor=request.user,
            )
        except SurveyAnalysisError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The success story was recorded."))
            return redirect("survey_analysis:story_detail", pk=story.pk)
    return render(request, "survey_analysis/story_form.html", {"form": form})


@require_GET
def story_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "survey_analysis.view_successstory")
    story = get_object_or_404(_stories(request.user), pk=pk)
    return render(
        request,
        "survey_analysis/story_detail.html",
        {
            "story": story,
            "actions": available_actions(story, request.user),
            "return_form": StoryReturnForm(),
            "steps": story.transitions.select_related("actor"),
            "donors": story.donors.all(),
        },
    )


@require_POST
def story_step(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    require(request.user, "survey_analysis.view_successstory")
    story = get_object_or_404(_stories(request.user), pk=pk)
    try:
        if step == "submit":
            services.story_submit(story=story, actor=request.user)
            done = _("The story was sent for approval.")
        elif step == "approve":
            services.story_approve(story=story, actor=request.user)
            done = _("The story is approved: it goes to the donors with the donor report.")
        elif step == "send_back":
            form = StoryReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what should change."))
                return redirect("survey_analysis:story_detail", pk=story.pk)
            services.story_send_back(
                story=story, reason=form.cleaned_data["reason"], actor=request.user
            )
            done = _("The story was returned for changes.")
        else:
            raise Http404
    except SurveyAnalysisError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("survey_analysis:story_detail", pk=story.pk)


# --- step 8: the donor survey -------------------------------------------------------------------

DONORS_SHOWN = 200


@require_http_methods(["GET", "POST"])
def donor_invitations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The programme's donors (its funders in finance) invited to the donor survey, with
    the approved success stories in the invitation."""
    require(request.user, "surveys.survey_donors")
    survey_round = _round_or_404(pk)
    donors = (
        programme_funders(survey_round.programme, DONORS_SHOWN) if survey_round.programme else []
    )
    stories = list(selectors.approved_stories_of_round(survey_round))
    form = DonorInvitationForm(
        request.POST or None,
        donors=donors,
        initial={
            "donors": [str(donor.pk) for donor in donors],
            "body": services.donor_invitation_text(survey_round, stories),
            "subject": _("Your opinion of the programme %(subject)s")
            % {"subject": survey_round.subject},
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tally = services.donor_survey_invite(
                survey_round=survey_round,
                customers=form.chosen_donors(),
                channel=data["channel"],
                body=data["body"],
                subject=data["subject"],
                actor=request.user,
            )
        except SurveyAnalysisError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d donor invited.", "%(count)d donors invited.", tally.sent)
                % {"count": tally.sent},
            )
            if tally.without_consent:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d donor has not agreed to surveys on this channel: not invited.",
                        "%(count)d donors have not agreed to surveys on this channel: not invited.",
                        tally.without_consent,
                    )
                    % {"count": tally.without_consent},
                )
            return _to_analysis(survey_round, "documents")
    return render(
        request,
        "survey_analysis/donor_invitations.html",
        {
            "round": survey_round,
            "form": form,
            "stories": stories,
            "open": survey_round.state == RoundState.DONOR_SURVEY,
            "has_donors": bool(donors),
        },
    )
