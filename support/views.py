"""The staff's pages of the support requests' steps 1–5: the queue, reception, the request
page with its steps, the household, the document checklist, the research report, the
printable declaration, and the research committee's meetings with their agenda, decisions
and minutes (PDF). Steps 6–7 are part B's pages (support.views_service)."""

from collections.abc import Callable, Mapping
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from association.selectors import centres_by_pk
from core.dates import format_compact_date
from core.http import AuthenticatedRequest, download_name
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, action_panel
from core.uploads import kind_of_content
from core.views_steps import post_step

from . import documents, selectors, services
from .errors import CommitteeError, SupportRequestError
from .forms import (
    AgendaAddForm,
    CloseMeetingForm,
    CorrectionForm,
    DecisionForm,
    DeclareForm,
    DocumentChecklistForm,
    HouseholdFormSet,
    IncompleteForm,
    MeetingForm,
    NoteForm,
    ReceptionForm,
    ReferForm,
    RequestFilterForm,
    RequiredHouseholdMemberForm,
    ResearchForm,
    WithdrawForm,
)
from .models import (
    AgendaItem,
    CommitteeMeeting,
    ConfidentialPart,
    DocumentCheck,
    HouseholdMember,
    MeetingState,
    Outcome,
    RequestState,
    SupportRequest,
)

PAGE_SIZE = 25
VIEW = "support.view_supportrequest"

REQUEST_ACTIONS = (
    Action(
        "confirm_complete",
        gettext_lazy("Documents complete and valid"),
        NoteForm,
        icon="bi-check2-square",
        style="success",
        help=gettext_lazy("Every required document is present, legible and valid."),
    ),
    Action(
        "mark_incomplete",
        gettext_lazy("Incomplete: send the missing list"),
        IncompleteForm,
        icon="bi-exclamation-square",
        style="warning",
        help=gettext_lazy("The request waits until the applicant brings what is missing."),
    ),
    Action(
        "finish_research",
        gettext_lazy("Submit the research report"),
        NoteForm,
        icon="bi-send",
        style="success",
        help=gettext_lazy("Write the report first; the request then goes on to the declaration."),
    ),
    Action(
        "declare",
        gettext_lazy("Record the declaration"),
        DeclareForm,
        icon="bi-pen",
        style="success",
        help=gettext_lazy("No request reaches the committee without the applicant's declaration."),
    ),
    Action(
        "refer",
        gettext_lazy("Refer to the social research officer"),
        ReferForm,
        icon="bi-person-vcard",
    ),
    Action(
        "withdraw",
        gettext_lazy("Withdraw the request"),
        WithdrawForm,
        icon="bi-x-circle",
        style="danger",
        confirm=gettext_lazy("Do you want to withdraw this support request?"),
    ),
)

STEP_DONE = {
    "confirm_complete": gettext_lazy("The request is complete."),
    "mark_incomplete": gettext_lazy("The request is incomplete: the missing list was recorded."),
    "refer": gettext_lazy("The request was referred to the social research officer."),
    "finish_research": gettext_lazy("The research report was submitted."),
    "declare": gettext_lazy(
        "The declaration was recorded: the request is ready for the committee."
    ),
    "withdraw": gettext_lazy("The request was withdrawn."),
}


def request_or_404(request: AuthenticatedRequest, pk: int) -> SupportRequest:
    require(request.user, VIEW)
    support_request = selectors.request_for_page(request.user, pk)
    if support_request is None:
        raise Http404
    return support_request


def _available(support_request: SupportRequest, user: Any) -> list[str]:
    available = services.REQUEST_WORKFLOW.available_actions(support_request, user)
    # Submitting the research takes either of its two transitions (complete or not).
    if "finish_research_incomplete" in available and "finish_research" not in available:
        available.append("finish_research")
    return [name for name in available if name in STEP_DONE]


# --- the queue --------------------------------------------------------------------------------


@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, VIEW)
    form = RequestFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.queue(
        request.user,
        search=(data.get("q") or "").strip(),
        state=data.get("state") or "",
        support_type=data.get("support_type"),
        centre=data.get("centre"),
        channel=data.get("channel") or "",
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    duplicates = selectors.has_duplicates(rows)
    centres = centres_by_pk()
    for row in rows:
        row.centre_name = str(centres[row.centre_id]) if row.centre_id in centres else ""
        row.is_duplicate = row.pk in duplicates
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "support/request_list.html",
        {"filter_form": form, "page": page, "rows": rows, "querystring": params.urlencode()},
    )


# --- reception --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, services.HANDLE)
    form = ReceptionForm(request.POST or None, user=request.user)
    household = HouseholdFormSet(request.POST or None, prefix="household")
    if request.method == "POST" and form.is_valid() and household.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.request_receive(
                actor=request.user,
                channel=data["channel"],
                support_type=data["support_type"],
                applicant_name=data["applicant_name"],
                applicant_national_id=data["applicant_national_id"],
                applicant_mobile=data["applicant_mobile"],
                applicant_address=data["applicant_address"],
                customer=data["customer"],
                centre=data["centre"],
                need=data["need"],
                household=[member for member in household.cleaned_data if member.get("name")],
            )
        except SupportRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The request %(number)s was registered. Tell the applicant: the committee "
                    "answers from %(date)s."
                )
                % {
                    "number": support_request.tracking_number,
                    "date": format_compact_date(support_request.earliest_answer_on),
                },
            )
            return redirect("support:request_detail", pk=support_request.pk)
    return render(request, "support/request_form.html", {"form": form, "household": household})


# --- the request page -------------------------------------------------------------------------


def _request_context(
    request: AuthenticatedRequest, support_request: SupportRequest, step: Any = None
) -> dict[str, Any]:
    user = request.user
    confidential = selectors.may_read_confidential(user, support_request)
    available = _available(support_request, user)
    context: dict[str, Any] = {
        "support_request": support_request,
        "panel": action_panel(
            REQUEST_ACTIONS,
            available,
            url=lambda name: reverse("support:request_step", args=[support_request.pk, name]),
            bound=step,
        ),
        "documents": selectors.document_rows(support_request),
        "missing": support_request.missing_documents(),
        "duplicates": selectors.duplicate_flags(support_request) if support_request.is_open else [],
        "transitions": selectors.history_of(support_request),
        "agenda_items": selectors.agenda_items_of(support_request),
        "confidential": confidential,
        "may_handle": user.has_perm(services.HANDLE)
        and support_request.state in services.EDITABLE_STATES,
        "may_research": user.has_perm(services.RESEARCH)
        and support_request.state == RequestState.RESEARCH,
        "service_panel": _service_panel(request, support_request),
    }
    if confidential:
        context["household"] = selectors.household_of(support_request)
        context["report"] = selectors.research_report_of(support_request)
        context["accesses"] = selectors.confidential_accesses(support_request)
        context["member_form"] = RequiredHouseholdMemberForm(prefix="member")
        parts = [ConfidentialPart.HOUSEHOLD]
        if context["report"] is not None:
            parts.append(ConfidentialPart.RESEARCH)
        services.confidential_opened(support_request=support_request, actor=user, parts=parts)
    return context


def _service_panel(request: AuthenticatedRequest, support_request: SupportRequest) -> Any:
    """Part B's panel (registration, deliveries, notice, appeal) when it exists."""
    try:
        from . import views_service  # part B's module
    except ImportError:
        return None
    panel = getattr(views_service, "request_panel_context", None)
    return panel(request, support_request) if panel is not None else None


@require_GET
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    support_request = request_or_404(request, pk)
    return render(
        request, "support/request_detail.html", _request_context(request, support_request)
    )


def _step_service(
    action: str, support_request: SupportRequest, request: AuthenticatedRequest
) -> Callable[[Mapping[str, Any]], object]:
    user = request.user

    def run(data: Mapping[str, Any]) -> object:
        note = data.get("note", "") or ""
        if action == "confirm_complete":
            return services.request_confirm_complete(
                support_request=support_request, actor=user, note=note
            )
        if action == "mark_incomplete":
            return services.request_mark_incomplete(
                support_request=support_request, actor=user, note=note
            )
        if action == "refer":
            return services.request_refer(
                support_request=support_request,
                actor=user,
                reason=data.get("reason", "") or "",
                researcher=data.get("researcher"),
            )
        if action == "finish_research":
            return services.research_submit(support_request=support_request, actor=user, note=note)
        if action == "declare":
            return services.request_declare(
                support_request=support_request, actor=user, scan=data.get("scan"), note=note
            )
        return services.request_withdraw(support_request=support_request, actor=user, note=note)

    return run


@require_POST
def request_step(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    support_request = request_or_404(request, pk)
    if action not in STEP_DONE:
        raise Http404
    return post_step(
        request,
        action=action,
        declared=REQUEST_ACTIONS,
        available=_available(support_request, request.user),
        step=_step_service(action, support_request, request),
        refusal=SupportRequestError,
        done=STEP_DONE[action],
        show_again=lambda name, form: render(
            request,
            "support/request_detail.html",
            _request_context(request, support_request, step=(name, form)),
        ),
        to="support:request_detail",
        form_kwargs={"files": request.FILES} if action == "declare" else None,
        pk=support_request.pk,
    )


# --- household --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Correct the applicant's data as received, until the applicant declares them correct."""
    require(request.user, services.HANDLE)
    support_request = request_or_404(request, pk)
    if support_request.state not in services.EDITABLE_STATES:
        messages.error(
            request, _("The applicant declared these data correct: they can no longer change.")
        )
        return redirect("support:request_detail", pk=pk)
    initial = {name: getattr(support_request, name) for name in services.CORRECTABLE_FIELDS}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.request_correct(
                support_request=support_request,
                actor=request.user,
                values=form.cleaned_data,
                reason=form.cleaned_data["reason"],
            )
        except SupportRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Corrected: %(fields)s.") % {"fields": "، ".join(changed)})
            return redirect("support:request_detail", pk=pk)
    return render(
        request, "support/correct_form.html", {"support_request": support_request, "form": form}
    )


@require_POST
def household_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, services.HANDLE)
    support_request = request_or_404(request, pk)
    if not selectors.may_read_confidential(request.user, support_request):
        raise PermissionDenied
    form = RequiredHouseholdMemberForm(request.POST, prefix="member")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("support:request_detail", args=[pk]) + "#household")
    try:
        services.household_add(
            support_request=support_request, actor=request.user, member=form.cleaned_data
        )
    except SupportRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The household member was added."))
    return redirect(reverse("support:request_detail", args=[pk]) + "#household")


@require_POST
def household_remove(request: AuthenticatedRequest, pk: int, member_pk: int) -> HttpResponse:
    require(request.user, services.HANDLE)
    support_request = request_or_404(request, pk)
    member = get_object_or_404(HouseholdMember, pk=member_pk, request=support_request)
    member.request = support_request
    try:
        services.household_remove(member=member, actor=request.user)
    except SupportRequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The household member was removed."))
    return redirect(reverse("support:request_detail", args=[pk]) + "#household")


# --- step 2: documents ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def documents_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, services.HANDLE)
    support_request = request_or_404(request, pk)
    rows = selectors.document_rows(support_request)
    form = DocumentChecklistForm(request.POST or None, request.FILES or None, rows=rows)
    editable = support_request.state in services.EDITABLE_STATES
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The documents can no longer change at this step."))
            return redirect("support:request_detail", pk=pk)
        if form.is_valid():
            try:
                missing = services.documents_check(
                    support_request=support_request, actor=request.user, checks=form.checks()
                )
            except SupportRequestError as error:
                form.add_error(None, str(error))
            else:
                if missing:
                    messages.warning(
                        request,
                        _("Saved. Still missing: %(missing)s") % {"missing": "، ".join(missing)},
                    )
                else:
                    messages.success(request, _("Saved: every required document is valid."))
                return redirect("support:request_detail", pk=pk)
    return render(
        request,
        "support/documents.html",
        {"support_request": support_request, "form": form, "editable": editable},
    )


# --- step 3: research -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def research_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, services.RESEARCH)
    support_request = request_or_404(request, pk)
    report = selectors.research_report_of(support_request)
    form = ResearchForm(request.POST or None, instance=report)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.research_save(
                    support_request=support_request, actor=request.user, values=form.cleaned_data
                )
            except SupportRequestError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The research report was saved. Submit it from the request's page."),
                )
                return redirect("support:request_detail", pk=pk)
    elif support_request.state != RequestState.RESEARCH:
        messages.info(
            request,
            _("The research report is written while the request is with the research officer."),
        )
    if report is not None:
        services.confidential_opened(
            support_request=support_request,
            actor=request.user,
            parts=[ConfidentialPart.RESEARCH],
        )
    return render(
        request,
        "support/research_form.html",
        {
            "support_request": support_request,
            "form": form,
            "editable": support_request.state == RequestState.RESEARCH,
        },
    )


# --- step 4: the printable declaration --------------------------------------------------------


@require_GET
def declaration_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    require(request.user, services.HANDLE)
    support_request = request_or_404(request, pk)
    pdf = documents.declaration_pdf(support_request)
    return FileResponse(
        BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(
            _("Applicant's declaration"), support_request.tracking_number, extension="pdf"
        ),
        content_type="application/pdf",
    )


def _scan_response(
    field_file: Any, title: str, support_request: SupportRequest
) -> HttpResponseBase:
    """A stored scan, always as a download with the content type read from its first bytes
    (checked at upload; X-Content-Type-Options: nosniff is set for the whole site)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    kind = kind_of_content(handle)
    handle.seek(0)
    extension = kind.extension if kind is not None else "bin"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(title, support_request.tracking_number, extension=extension),
        content_type=kind.mime if kind is not None else "application/octet-stream",
    )


@require_GET
def declaration_scan(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The signed declaration's scan, to those who see the request."""
    support_request = request_or_404(request, pk)
    return _scan_response(
        support_request.declaration_scan, _("Signed declaration"), support_request
    )


@require_GET
def document_scan(request: AuthenticatedRequest, pk: int, check_pk: int) -> HttpResponseBase:
    """A required document's scan, to those who see the request."""
    support_request = request_or_404(request, pk)
    check = get_object_or_404(DocumentCheck, pk=check_pk, request=support_request)
    return _scan_response(check.file, str(check.document_type), support_request)


# --- step 5: the research committee -----------------------------------------------------------


def meeting_or_404(request: AuthenticatedRequest, pk: int) -> CommitteeMeeting:
    require(request.user, "support.view_committeemeeting")
    return get_object_or_404(selectors.meetings(request.user), pk=pk)


@require_GET
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "support.view_committeemeeting")
    page = CappedPaginator(selectors.meetings(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "support/meeting_list.html",
        {"page": page, "ready_count": selectors.ready_for_agenda().count()},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, services.MANAGE_COMMITTEE)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except CommitteeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was scheduled."))
            return redirect("support:meeting_detail", pk=meeting.pk)
    return render(request, "support/meeting_form.html", {"form": form})


def _meeting_context(
    request: AuthenticatedRequest,
    meeting: CommitteeMeeting,
    *,
    bound_item: tuple[int, DecisionForm] | None = None,
    close_form: CloseMeetingForm | None = None,
    add_form: AgendaAddForm | None = None,
) -> dict[str, Any]:
    user = request.user
    items = selectors.meeting_items(meeting)
    planned = meeting.state == MeetingState.PLANNED
    duplicates = selectors.has_duplicates([item.request for item in items])
    may_decide = planned and user.has_perm(services.DECIDE)
    rows = []
    for item in items:
        form = None
        if may_decide and item.outcome == Outcome.PENDING:
            if bound_item is not None and bound_item[0] == item.pk:
                form = bound_item[1]
            else:
                form = DecisionForm(prefix=f"item{item.pk}")
        rows.append((item, form, item.request_id in duplicates))
    may_manage = planned and user.has_perm(services.MANAGE_COMMITTEE)
    return {
        "meeting": meeting,
        "rows": rows,
        "planned": planned,
        "may_manage": may_manage,
        "add_form": (add_form or AgendaAddForm(prefix="add")) if may_manage else None,
        "close_form": (close_form or CloseMeetingForm(prefix="close")) if may_manage else None,
        "members_present": list(meeting.members_present.all()) if not planned else [],
    }


@require_GET
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    return render(request, "support/meeting_detail.html", _meeting_context(request, meeting))


@require_POST
def meeting_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, services.MANAGE_COMMITTEE)
    meeting = meeting_or_404(request, pk)
    form = AgendaAddForm(request.POST, prefix="add")
    if not form.is_valid():
        return render(
            request,
            "support/meeting_detail.html",
            _meeting_context(request, meeting, add_form=form),
        )
    try:
        services.meeting_add_request(
            meeting=meeting,
            support_request=form.cleaned_data["support_request"],
            actor=request.user,
        )
    except (CommitteeError, SupportRequestError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The request was put on the agenda."))
    return redirect("support:meeting_detail", pk=pk)


@require_POST
def meeting_item_remove(request: AuthenticatedRequest, pk: int, item_pk: int) -> HttpResponse:
    require(request.user, services.MANAGE_COMMITTEE)
    meeting = meeting_or_404(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    try:
        services.meeting_remove_request(item=item, actor=request.user)
    except (CommitteeError, SupportRequestError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The request was taken off the agenda."))
    return redirect("support:meeting_detail", pk=pk)


@require_POST
def agenda_decide(request: AuthenticatedRequest, pk: int, item_pk: int) -> HttpResponse:
    require(request.user, services.DECIDE)
    meeting = meeting_or_404(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    form = DecisionForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agenda_decide(
                item=item,
                actor=request.user,
                outcome=data["outcome"],
                granted_support_type=data["granted_support_type"],
                granted_amount=data["granted_amount"],
                granted_quantity=data["granted_quantity"],
                rejection_reason=data["rejection_reason"],
                note=data["note"],
            )
        except CommitteeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The committee's decision was recorded."))
            return redirect(reverse("support:meeting_detail", args=[pk]) + f"#item-{item.pk}")
    return render(
        request,
        "support/meeting_detail.html",
        _meeting_context(request, meeting, bound_item=(item.pk, form)),
    )


@require_POST
def meeting_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, services.MANAGE_COMMITTEE)
    meeting = meeting_or_404(request, pk)
    form = CloseMeetingForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.meeting_close(
                meeting=meeting,
                actor=request.user,
                members_present=form.cleaned_data["members_present"],
                minutes_note=form.cleaned_data["minutes_note"],
            )
        except CommitteeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The minutes were closed. Print them as a PDF."))
            return redirect("support:meeting_detail", pk=pk)
    return render(
        request,
        "support/meeting_detail.html",
        _meeting_context(request, meeting, close_form=form),
    )


@require_GET
def minutes_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    meeting = meeting_or_404(request, pk)
    if meeting.state != MeetingState.HELD:
        messages.error(request, _("The minutes are printed once they are closed."))
        return redirect("support:meeting_detail", pk=pk)
    pdf = documents.minutes_pdf(meeting)
    return FileResponse(
        BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(
            _("Research committee minutes"), str(meeting.number), extension="pdf"
        ),
        content_type="application/pdf",
    )
