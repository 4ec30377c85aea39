from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import submissions
from core.permissions import require
from core.steps import Action, HistoryItem, action_panel
from core.text import bdi, html_message
from core.views_steps import post_step, redisplay
from customers.timeline import read_together_by_key

from . import selectors, services
from .attachments import case_add_attachments
from .errors import AttachmentError
from .forms import (
    AnswerForm,
    AttachmentForm,
    CaseForm,
    EntryForm,
    ReferralForm,
    RegistrationRequestForm,
    ReplyForm,
    StudyForm,
    centre_options,
)
from .models import (
    CaseAttachment,
    CaseEntry,
    CaseEvent,
    CaseKind,
    CaseRoute,
    CaseState,
    CaseTransition,
    FaqEntry,
)
from .origins import case_origins

# FAQ entries proposed on the case page of an inquiry.
FAQ_SUGGESTIONS = 8

# The steps of the case page (names from services.available_actions), the natural next
# step first: the first one available is the primary action of the page.
_ANSWER = Action(
    "answer_immediately",
    gettext_lazy("Answer immediately"),
    AnswerForm,
    icon="bi-chat-left-text",
    help=gettext_lazy("The answer given while the person is on the line."),
)
_STUDY = Action(
    "start_study",
    gettext_lazy("Send for study"),
    StudyForm,
    icon="bi-search",
    help=gettext_lazy("Not solved at once: the causes, who studies it and who can help."),
)
CASE_ACTIONS = (
    Action(
        "record_reply",
        gettext_lazy("Record the reply"),
        ReplyForm,
        icon="bi-reply",
        help=gettext_lazy("The answer given to the person after the study or the callback."),
    ),
    Action(
        "close",
        gettext_lazy("Close the case"),
        icon="bi-check2-circle",
        style="success",
        help=gettext_lazy("The person was called back with the answer."),
    ),
    _STUDY,
    _ANSWER,
    Action("promise_callback", gettext_lazy("Promise to call back"), icon="bi-telephone-forward"),
    Action("entry", gettext_lazy("Add the entry"), EntryForm, icon="bi-journal-plus"),
    Action(
        "refer",
        gettext_lazy("Refer the case"),
        ReferralForm,
        icon="bi-signpost-split",
        help=gettext_lazy(
            "When another department or centre can solve it: the case moves to its queue with "
            "the same deadlines, and the referral is recorded in the timeline."
        ),
    ),
)
# An inquiry or a suggestion is answered at once when it can be; a complaint is studied.
_ANSWER_FIRST = (*CASE_ACTIONS[:2], _ANSWER, _STUDY, *CASE_ACTIONS[4:])


def _visible_case_or_404(user, pk):
    require(user, "complaints.view_case")
    return get_object_or_404(
        selectors.cases_visible_to(user)
        .select_related(None)
        .select_related(*selectors.CASE_PAGE_RELATED),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def case_new(request):
    require(request.user, "complaints.add_case")
    form = CaseForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        # From a customer's profile: the customer's code filled in.
        initial={"customer_code": request.GET.get("customer", "")[:20]},
    )
    token = submissions.token_of(request)
    if request.method == "POST" and form.is_valid():
        if not submissions.claim(token):
            return _already_registered(request, submissions.outcome(token))
        data = form.cleaned_data
        try:
            case = services.case_register_with_attachments(
                actor=request.user,
                uploads=data.get("attachments") or [],
                kind=data["kind"],
                channel=data["channel"],
                subject=data["subject"],
                description=data["description"],
                customer=data["customer_code"],
                contact_name=data["contact_name"],
                contact_mobile=data["contact_mobile"],
                contact_kind=data.get("contact_kind") or "",
                centre=data["centre"],
                programme=data["programme"],
                category=data["category"],
                received_at=data["received_at"],
            )
        except (services.CaseError, AttachmentError) as error:
            submissions.release(token)
            messages.error(request, str(error))
        else:
            submissions.record(token, case.pk)
            messages.success(
                request,
                html_message(
                    _(
                        "The case was registered with tracking number %(number)s and routed to "
                        "%(route)s."
                    ),
                    {"number": bdi(case.tracking_number), "route": case.route_display},
                ),
            )
            return _to_registered_case(request, case.pk)
    return render(
        request,
        "complaints/case_form.html",
        {"form": form, "submission_token": token, "token_field": submissions.TOKEN_FIELD},
    )


def _to_registered_case(request, pk):
    if pk is not None and selectors.cases_visible_to(request.user).filter(pk=pk).exists():
        return redirect("complaints:detail", pk=pk)
    return redirect("complaints:list")


def _already_registered(request, pk):
    """The same form sent again: the case was registered once, by the first sending."""
    messages.info(request, _("This form was already sent: the case is registered once."))
    return _to_registered_case(request, pk)


@require_GET
def case_detail(request, pk):
    case = _visible_case_or_404(request.user, pk)
    return render(request, "complaints/case_detail.html", _detail_context(request, case))


# What the case's history reads of its steps, register entries and referrals: one query
# for the three (customers.timeline.read_together).
_PERSON = ("first_name", "last_name", "username")
_CENTRE = ("name", "name_en")
_HISTORY_FIELDS = (
    ("at", "note", "target", *(f"actor__{name}" for name in _PERSON)),
    ("at", "text", *(f"author__{name}" for name in _PERSON)),
    (
        "at",
        "kind",
        "note",
        "from_route",
        "to_route",
        *(f"actor__{name}" for name in _PERSON),
        *(f"from_centre__{name}" for name in _CENTRE),
        *(f"to_centre__{name}" for name in _CENTRE),
    ),
)


def _history_parts(case_pk):
    parts = (
        CaseTransition.objects.filter(case=case_pk).order_by(),
        CaseEntry.objects.filter(case=case_pk).order_by(),
        CaseEvent.objects.filter(case=case_pk).order_by(),
    )
    return list(zip(parts, _HISTORY_FIELDS, strict=True))


def _case_history(case):
    """The case's steps, register entries and referrals in one list, oldest first (at the
    same time: steps, then entries, then referrals, each in the order they were made)."""
    steps, entries, events = read_together_by_key(
        "case_history", _history_parts, case.pk, using=case._state.db or DEFAULT_DB_ALIAS
    )
    items = [
        (
            step.at,
            0,
            step.pk,
            HistoryItem(step.at, step.actor, step.get_target_display(), step.note),
        )
        for step in steps
    ]
    items += [
        (
            entry.at,
            1,
            entry.pk,
            HistoryItem(entry.at, entry.author, _("Register entry"), entry.text, icon="bi-journal"),
        )
        for entry in entries
    ]
    for event in events:
        moved = (
            _("From %(source)s to %(target)s")
            % {"source": event.from_display, "target": event.to_display}
            if event.moves
            else ""
        )
        item = HistoryItem(
            event.at,
            event.actor,
            event.get_kind_display(),
            event.note,
            icon="bi-signpost-split",
            detail=moved,
            badge="info",
        )
        items.append((event.at, 2, event.pk, item))
    return [item for *_order, item in sorted(items, key=lambda row: row[:3])]


def _referral_initial(case):
    return {
        "seen_route": services.routing_key(case),
        # The other department is the likelier destination.
        "department": CaseRoute.CRM if case.routed_to == CaseRoute.CENTRES else CaseRoute.CENTRES,
    }


def _detail_context(request, case, *, bound=None):
    """The case page; `bound` is (action name, form) of a form sent back with errors."""
    user = request.user
    actions = services.available_actions(case, user)
    handles = selectors.user_handles_case(user, case)
    declared = CASE_ACTIONS if case.kind == CaseKind.COMPLAINT else _ANSWER_FIRST
    may_refer = services.may_refer(case, user)
    # The referral's and the registration's centre selects: one read of the options.
    centres = centre_options()
    context = {
        "case": case,
        "timeline": _case_history(case),
        "actions": actions,
        "panel": action_panel(
            declared,
            [*actions, "refer"] if may_refer else actions,
            url=lambda name: reverse("complaints:action", args=[case.pk, name]),
            bound=bound,
            form_kwargs={
                "refer": {"initial": _referral_initial(case), "centre_options": centres},
                "start_study": {"case": case, "user": user},
            },
        ),
        "handles": handles,
        # What opened the case when another app did (a survey's low score), linked back.
        "origins": case_origins(case, user),
        # Whoever registered a case of another queue reads it and sees where it went.
        "registered_elsewhere": not handles and case.registered_by_id == user.pk,
        "may_refer": may_refer,
        # The route the page was shown with: a referral sent from it checks it is still so.
        "seen_route": services.routing_key(case),
        "states": CaseState,
        "attachments": case.attachments.select_related("uploaded_by"),
        "may_attach": handles
        and user.has_perm("complaints.add_caseattachment")
        and case.state != CaseState.CLOSED,
        "attachment_form": AttachmentForm(),
        "may_request_registration": services.may_request_registration(case, user),
        "may_see_possible_match": services.may_see_possible_match(case, user),
        "may_decide_match": services.may_decide_match(case, user),
        "registration_form": RegistrationRequestForm(
            initial={"centre": case.centre_id}, centre_options=centres
        ),
        "may_view_requests": user.has_perm("customers.view_customerrequest"),
        "answer_overdue": case.replied_at is None
        and case.answer_due_at is not None
        and case.answer_due_at < timezone.now(),
    }
    context.update(_faq_answer_context(request, case, actions))
    return context


def _faq_answer_context(request, case, actions):
    """An inquiry that still needs its answer: search the published FAQ from the case page.
    Without a search, the most used answers of the case's category are proposed."""
    may_answer = case.kind == CaseKind.INQUIRY and bool(
        {"answer_immediately", "record_reply"} & set(actions)
    )
    if not may_answer:
        return {"may_answer_from_faq": False}
    query = request.GET.get("faq_q", "").strip()
    entries = selectors.published_faq_entries().order_by("-times_used", "question", "pk")
    if query:
        entries = selectors.search_faq_entries(entries, query)
    elif case.category_id:
        entries = entries.filter(category_id=case.category_id)
    else:
        entries = entries.none()
    return {
        "may_answer_from_faq": True,
        "faq_query": query,
        "faq_matches": list(entries[:FAQ_SUGGESTIONS]),
    }


def _text(data):
    return data.get("text", "")


def _answer_from_faq(case, user, data):
    entry_pk = data.get("entry", "")
    entry = FaqEntry.objects.filter(pk=entry_pk).first() if entry_pk.isdigit() else None
    return services.case_answer_from_faq(case=case, actor=user, entry=entry)


def _start_study(case, user, data):
    assignee = data.get("assignee")
    if not isinstance(assignee, get_user_model()):
        # Not through the page's form (the step is not offered): the service refuses it.
        handlers = selectors.case_handlers(case, current=user)
        assignee = handlers.filter(pk=assignee).first() if str(assignee).isdigit() else None
    return services.case_start_study(
        case=case,
        actor=user,
        causes=data.get("causes", ""),
        assignee=assignee,
        helping_party=data.get("helping_party", ""),
    )


_ACTIONS = {
    "answer_immediately": lambda case, user, data: services.case_answer_immediately(
        case=case, actor=user, answer=_text(data)
    ),
    "promise_callback": lambda case, user, data: services.case_promise_callback(
        case=case, actor=user, note=_text(data)
    ),
    "start_study": _start_study,
    "record_reply": lambda case, user, data: services.case_record_reply(
        case=case, actor=user, reply=_text(data)
    ),
    "close": lambda case, user, data: services.case_close(case=case, actor=user, note=_text(data)),
    "entry": lambda case, user, data: services.case_add_entry(
        case=case, actor=user, text=_text(data)
    ),
    "answer_from_faq": _answer_from_faq,
}

_DONE_MESSAGES = {
    "answer_immediately": gettext_lazy("The immediate answer was recorded."),
    "promise_callback": gettext_lazy("The callback promise was recorded."),
    "start_study": gettext_lazy("The case was sent for study."),
    "record_reply": gettext_lazy("The reply was recorded."),
    "close": gettext_lazy("The case was closed."),
    "entry": gettext_lazy("The entry was added to the register."),
    "answer_from_faq": gettext_lazy("The inquiry was answered from the FAQ."),
}


@require_POST
def case_action(request, pk, action):
    require(request.user, "complaints.view_case")
    case = (
        selectors.cases_visible_to(request.user)
        .select_related("faq_entry", "customer_request")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        if selectors.case_left_queue_of(request.user, pk):
            # A page shown before someone moved the case out of this user's queue.
            messages.error(request, _moved_message())
            return redirect("complaints:list")
        raise Http404
    try:
        return _act(request, case, action)
    except PermissionDenied:
        if not selectors.user_handles_case(request.user, case) and selectors.case_left_queue_of(
            request.user, pk
        ):
            # Moved out of this user's queue between the page and the click (they still
            # read it: they registered it).
            messages.error(request, _moved_message())
            return redirect("complaints:detail", pk=case.pk)
        raise


def _moved_message():
    return _(
        "This case was moved to another department or centre meanwhile: it is no longer in "
        "your queue."
    )


def _act(request, case, action):
    if action == "attach":
        return _attach(request, case)
    if action == "request_registration":
        return _request_registration(request, case)
    if action == "refer":
        return _refer(request, case)
    if action in ("confirm_match", "dismiss_match"):
        return _decide_match(request, case, confirm=action == "confirm_match")
    if action not in _ACTIONS:
        raise PermissionDenied
    return post_step(
        request,
        action=action,
        declared=CASE_ACTIONS,
        available=services.available_actions(case, request.user),
        step=lambda data: _ACTIONS[action](case, request.user, data),
        refusal=services.CaseError,
        done=_DONE_MESSAGES[action],
        show_again=lambda name, form: _redisplay(request, case, name, form),
        to="complaints:detail",
        form_kwargs={"case": case, "user": request.user} if action == "start_study" else None,
        pk=case.pk,
    )


def _redisplay(request, case, action, form):
    case.refresh_from_db()
    return redisplay(
        request, "complaints/case_detail.html", _detail_context(request, case, bound=(action, form))
    )


def _refer(request, case):
    form = ReferralForm(request.POST, auto_id="id_refer_%s")
    centre_pk = request.POST.get("centre", "")
    centre = (
        form.fields["centre"].queryset.filter(pk=centre_pk).first() if centre_pk.isdigit() else None
    )
    try:
        services.case_refer(
            case=case,
            actor=request.user,
            department=request.POST.get("department", ""),
            centre=centre,
            note=request.POST.get("note", ""),
            seen_route=request.POST.get("seen_route") or None,
        )
    except services.CaseError as error:
        # Shown again with what was typed, the refusal at the top of the form.
        form.is_valid()
        form.add_error(None, str(error))
        return _redisplay(request, case, "refer", form)
    messages.success(
        request, _("The case was referred to %(route)s.") % {"route": case.route_display}
    )
    return _to_registered_case(request, case.pk)


def _decide_match(request, case, *, confirm):
    """Confirm or dismiss a public filing's possible customer match (issue 10 item 18)."""
    note = request.POST.get("note", "")
    try:
        if confirm:
            services.case_confirm_match(case=case, actor=request.user, note=note)
        else:
            services.case_dismiss_match(case=case, actor=request.user, note=note)
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("complaints:detail", pk=case.pk)
    if not confirm:
        messages.success(request, _("The match was dismissed: the case stays unlinked."))
    elif selectors.user_handles_case(request.user, case):
        messages.success(
            request,
            html_message(
                _("The case is now linked to customer %(customer)s."),
                {"customer": bdi(case.customer)},
            ),
        )
    else:
        messages.success(
            request,
            html_message(
                _("The case is now linked to customer %(customer)s and was routed to %(route)s."),
                {"customer": bdi(case.customer), "route": case.route_display},
            ),
        )
    return _to_registered_case(request, case.pk)


def _attach(request, case):
    require(request.user, "complaints.add_caseattachment")
    if case.state == CaseState.CLOSED:
        messages.error(request, _("This case is closed."))
        return redirect("complaints:detail", pk=case.pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("complaints:detail", pk=case.pk)
    try:
        added = case_add_attachments(
            case=case, actor=request.user, uploads=form.cleaned_data["files"]
        )
    except AttachmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Files attached to the case: %(count)d.") % {"count": len(added)},
        )
    return redirect(reverse("complaints:detail", args=[case.pk]) + "#attachments")


def _request_registration(request, case):
    require(request.user, "customers.add_customerrequest")
    form = RegistrationRequestForm(request.POST)
    valid = form.is_valid()
    try:
        form_request, created = services.case_request_registration(
            case=case,
            actor=request.user,
            customer_kind=form.cleaned_data["customer_kind"] if valid else "",
            centre=form.cleaned_data["centre"] if valid else None,
        )
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("complaints:detail", pk=case.pk)
    if created:
        messages.success(
            request,
            _(
                "Customer information form %(number)s was prepared as a draft. "
                "Check it and submit it to the CRM manager."
            )
            % {"number": form_request.pk},
        )
    else:
        messages.info(
            request,
            _("This case already has customer information form %(number)s.")
            % {"number": form_request.pk},
        )
    return redirect("customers:request_detail", pk=form_request.pk)


@require_GET
def attachment_download(request, pk):
    """Serve an attachment to those who see its case; always as a download, with the
    checked content type (X-Content-Type-Options: nosniff is set for the whole site)."""
    require(request.user, "complaints.view_case")
    attachment = get_object_or_404(
        CaseAttachment.objects.filter(case__in=selectors.cases_visible_to(request.user)),
        pk=pk,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
