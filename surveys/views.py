"""The staff's pages of the surveys: the rounds, a round with its steps, the form's new
version, the paper entry screen, the invitations and the QR posters."""

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import submissions
from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.pdf import render_pdf
from core.permissions import require
from core.steps import Action, action_panel
from core.views_steps import post_step

from . import selectors, services
from .errors import ResponseError, SurveyError
from .forms import (
    ChangesForm,
    InvitationForm,
    NoteForm,
    PaperEntryForm,
    ReasonForm,
    RoundEditForm,
    RoundFilterForm,
    RoundForm,
    VersionForm,
)
from .models import ResponseChannel, Round, RoundCentre, RoundState
from .plugins import round_panels
from .posters import poster_html

PAGE_SIZE = 25

ROUND_ACTIONS = (
    Action(
        "submit_for_review",
        gettext_lazy("Send for content review"),
        NoteForm,
        icon="bi-send",
        help=gettext_lazy("The CRM manager or the centres-affairs manager reviews the form."),
    ),
    Action(
        "approve_content",
        gettext_lazy("Approve and start collecting"),
        NoteForm,
        icon="bi-check2-circle",
        style="success",
        help=gettext_lazy("The link, the QR posters and the paper entry open for a week."),
    ),
    Action(
        "recommend_changes",
        gettext_lazy("Recommend changes"),
        ChangesForm,
        icon="bi-pencil-square",
        style="warning",
    ),
    Action(
        "close_collection",
        gettext_lazy("Close the collection"),
        NoteForm,
        icon="bi-stop-circle",
        confirm=gettext_lazy("Do you want to close the collection? No more answers will be taken."),
    ),
    Action("submit_report", gettext_lazy("Submit the results report"), NoteForm, icon="bi-send"),
    Action(
        "discuss_report",
        gettext_lazy("Report reviewed and discussed"),
        NoteForm,
        icon="bi-chat-square-text",
    ),
    Action(
        "agree_treatment",
        gettext_lazy("Weak-point steps agreed"),
        NoteForm,
        icon="bi-list-check",
    ),
    Action(
        "decide",
        gettext_lazy("Record management's decision"),
        NoteForm,
        icon="bi-bank",
        style="success",
    ),
    Action("finish", gettext_lazy("Donor survey done"), NoteForm, icon="bi-flag"),
    Action(
        "cancel",
        gettext_lazy("Cancel the round"),
        ReasonForm,
        icon="bi-x-circle",
        style="danger",
        confirm=gettext_lazy("Do you want to cancel this survey round?"),
    ),
)

STEP_DONE = {
    "submit_for_review": gettext_lazy("The survey was sent for review."),
    "approve_content": gettext_lazy("The content was approved: the answers are now collected."),
    "recommend_changes": gettext_lazy("Your recommended changes were sent to the quality officer."),
    "close_collection": gettext_lazy("The collection was closed."),
    "submit_report": gettext_lazy("The results report was submitted for review."),
    "discuss_report": gettext_lazy("The report was recorded as discussed."),
    "agree_treatment": gettext_lazy("The weak-point steps were recorded as agreed."),
    "decide": gettext_lazy("Management's decision was recorded."),
    "finish": gettext_lazy("The survey round is done."),
    "cancel": gettext_lazy("The survey round was cancelled."),
}


def round_or_404(request: AuthenticatedRequest, pk: int) -> Round:
    require(request.user, "surveys.view_round")
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)


@require_GET
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "surveys.view_round")
    form = RoundFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.round_list(
        request.user, state=data.get("state") or "", search=(data.get("q") or "").strip()
    )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "surveys/round_list.html",
        {"filter_form": form, "page": page, "querystring": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def round_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "surveys.prepare_round")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = services.round_create(actor=request.user, **form.cleaned_data)
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey round was prepared."))
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form, "survey_round": None})


@require_http_methods(["GET", "POST"])
def round_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "surveys.prepare_round")
    survey_round = round_or_404(request, pk)
    initial = {
        "title": survey_round.title,
        "city": survey_round.city_id,
        "centres": [rc.centre_id for rc in selectors.round_centres(survey_round)],
        "presenter_name": survey_round.presenter_name,
        "starts_on": survey_round.starts_on,
        "ended_on": survey_round.ended_on,
    }
    form = RoundEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        centres = data.pop("centres")
        try:
            services.round_update(
                survey_round=survey_round, actor=request.user, centres=centres, **data
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey round was saved."))
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form, "survey_round": survey_round})


def _round_context(
    request: AuthenticatedRequest, survey_round: Round, step: Any = None
) -> dict[str, Any]:
    available = services.ROUND_WORKFLOW.available_actions(survey_round, request.user)
    centres = selectors.round_centres(survey_round)
    return {
        "survey_round": survey_round,
        "panel": action_panel(
            ROUND_ACTIONS,
            available,
            url=lambda name: reverse("surveys:round_step", args=[survey_round.pk, name]),
            bound=step,
        ),
        "centres": [(rc, services.public_url(rc)) for rc in centres],
        "counts": selectors.round_counts(survey_round),
        "items": selectors.version_items(survey_round.version),
        "transitions": survey_round.transitions.select_related("actor"),
        "plugin_panels": round_panels(survey_round, request.user),
        "may_edit": survey_round.state == RoundState.PREPARING
        and request.user.has_perm("surveys.prepare_round"),
        "may_collect": survey_round.state == RoundState.COLLECTING,
        "may_enter_paper": survey_round.state == RoundState.COLLECTING
        and request.user.has_perm("surveys.enter_paper_response"),
        "may_invite": survey_round.state == RoundState.COLLECTING
        and request.user.has_perm("surveys.prepare_round"),
    }


@require_GET
def round_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survey_round = round_or_404(request, pk)
    return render(request, "surveys/round_detail.html", _round_context(request, survey_round))


@require_POST
def round_step(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    survey_round = round_or_404(request, pk)
    if action not in services.STEP_SERVICES:
        raise Http404
    available = services.ROUND_WORKFLOW.available_actions(survey_round, request.user)
    return post_step(
        request,
        action=action,
        declared=ROUND_ACTIONS,
        available=available,
        step=lambda data: services.STEP_SERVICES[action](
            survey_round=survey_round, actor=request.user, note=data.get("note", "")
        ),
        refusal=SurveyError,
        done=STEP_DONE[action],
        show_again=lambda name, form: render(
            request,
            "surveys/round_detail.html",
            _round_context(request, survey_round, step=(name, form)),
        ),
        to="surveys:round_detail",
        pk=survey_round.pk,
    )


@require_http_methods(["GET", "POST"])
def version_revise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Step 2 recommended changes: the quality officer writes a new version of the form,
    which this round then uses (answers of other rounds keep theirs)."""
    require(request.user, "surveys.prepare_round")
    survey_round = round_or_404(request, pk)
    if survey_round.state != RoundState.PREPARING:
        messages.error(request, _("Only a round being prepared can change its form."))
        return redirect("surveys:round_detail", pk=survey_round.pk)
    items = selectors.version_items(survey_round.version)
    form = VersionForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_revise(
                version=survey_round.version,
                actor=request.user,
                texts=form.texts(),
                change_note=form.cleaned_data["change_note"],
                survey_round=survey_round,
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Version %(number)d of the form was made.") % {"number": version.number}
            )
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(
        request, "surveys/version_form.html", {"form": form, "survey_round": survey_round}
    )


@require_http_methods(["GET", "POST"])
def paper_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Paper forms typed in, one after the other: keyboard only, the answers in one row,
    the count of forms this person typed for the round. A form sent twice is saved once."""
    require(request.user, "surveys.enter_paper_response")
    survey_round = round_or_404(request, pk)
    items = selectors.version_items(survey_round.version)
    centres = [rc.centre for rc in selectors.round_centres(survey_round)]
    token = submissions.token_of(request)
    form = PaperEntryForm(request.POST or None, items=items, centres=centres)
    if request.method == "POST":
        last_centre = request.POST.get("centre", "")
        if survey_round.state != RoundState.COLLECTING:
            messages.error(request, _("This round no longer takes answers."))
            return redirect("surveys:round_detail", pk=survey_round.pk)
        if form.is_valid() and not submissions.claim(token):
            messages.info(request, _("This form was already saved."))
            return redirect(_paper_url(survey_round, last_centre))
        if form.is_valid():
            try:
                services.response_submit(
                    survey_round=survey_round,
                    channel=ResponseChannel.PAPER,
                    values=form.values(),
                    personal=form.personal(),
                    centre=form.cleaned_data["centre"],
                    entered_by=request.user,
                    submission_key=token,
                )
            except ResponseError as error:
                submissions.release(token)
                form.add_error(None, str(error))
            else:
                submissions.record(token, "saved")
                messages.success(request, _("Saved. Type the next form."))
                return redirect(_paper_url(survey_round, last_centre))
    elif request.GET.get("centre", "").isdigit():
        form.initial["centre"] = int(request.GET["centre"])
    return render(
        request,
        "surveys/paper_entry.html",
        {
            "survey_round": survey_round,
            "form": form,
            "items": items,
            "mine": selectors.paper_entries_by(survey_round, request.user),
            "counts": selectors.round_counts(survey_round),
            "submission_token": token,
            "token_field": submissions.TOKEN_FIELD,
            "open": survey_round.state == RoundState.COLLECTING,
        },
    )


def _paper_url(survey_round: Round, centre: str) -> str:
    url = reverse("surveys:paper_entry", args=[survey_round.pk])
    return f"{url}?centre={centre}" if centre.isdigit() else url


@require_http_methods(["GET", "POST"])
def invitations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Personal links by SMS or e-mail to chosen customers (consent «surveys»)."""
    require(request.user, "surveys.prepare_round")
    survey_round = round_or_404(request, pk)
    centres = [rc.centre for rc in selectors.round_centres(survey_round)]
    initial = {"body": str(services.DEFAULT_INVITATION_SMS) % {"round": survey_round.title}}
    form = InvitationForm(request.POST or None, initial=initial, user=request.user, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tally = services.invitations_send(
                survey_round=survey_round,
                actor=request.user,
                customers=form.recipients(),
                channel=data["channel"],
                body=data["body"],
                subject=data["subject"],
                centre=data["centre"],
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", tally.sent)
                % {"count": tally.sent},
            )
            if tally.without_consent:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d customer has not agreed to surveys on this channel: "
                        "not invited.",
                        "%(count)d customers have not agreed to surveys on this channel: "
                        "not invited.",
                        tally.without_consent,
                    )
                    % {"count": tally.without_consent},
                )
            if tally.already_invited:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d customer was already invited.",
                        "%(count)d customers were already invited.",
                        tally.already_invited,
                    )
                    % {"count": tally.already_invited},
                )
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(
        request,
        "surveys/invitations.html",
        {
            "survey_round": survey_round,
            "form": form,
            "counts": selectors.round_counts(survey_round),
            "open": survey_round.state == RoundState.COLLECTING,
        },
    )


@require_GET
def poster(request: AuthenticatedRequest, pk: int, centre_pk: int) -> HttpResponseBase:
    """The printable A4 poster of one centre's link, with its QR code, in the visual
    identity (links' poster and PDF machinery)."""
    survey_round = round_or_404(request, pk)
    round_centre = get_object_or_404(
        RoundCentre.objects.select_related("centre"), round=survey_round, centre_id=centre_pk
    )
    html, logo_path = poster_html(round_centre)
    pdf = render_pdf(html, extra_files=[logo_path] if logo_path else [])
    return FileResponse(
        BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(
            _("Survey poster"), survey_round.title, round_centre.centre.name, extension="pdf"
        ),
        content_type="application/pdf",
    )
