"""The staff's messaging pages: segments with their live audience, messages from compose to
sent (step bar, action card, test to oneself, progress, recipients). Thin views over
messaging.services (permission → object or 404 → form → service → message → redirect)."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.consent import ConsentChannel
from core.http import AuthenticatedRequest
from core.pagination import CappedPaginator
from core.permissions import require
from core.steps import Action, HistoryItem, action_panel
from core.views_steps import post_step, run_step
from customers.selectors import customers_visible_to

from . import selectors, services
from .choices import MessageState
from .errors import MessagingError
from .forms import (
    AudienceForm,
    CancelForm,
    MessageFilterForm,
    MessageForm,
    NoteForm,
    RecipientFilterForm,
    ReturnForm,
    ScheduleForm,
    SegmentForm,
)
from .models import SEND_PERMISSION, Message, MessagingSettings, Segment
from .presentation import criteria_in_words, progress_of
from .segments import Audience, counted_audience, segment_count, segment_counts, segment_customers
from .sending import (
    audience_customers,
    is_promotional,
    progress,
    sms_as_sent,
    sms_unsubscribe_lines,
)
from .sms import sms_length

PAGE_SIZE = 25
RECIPIENTS_PAGE_SIZE = 50
VIEW_SEGMENT = "messaging.view_segment"
VIEW_MESSAGE = "messaging.view_message"


# --- the audience fragment ---------------------------------------------------------------


def _may_count(user: Any) -> bool:
    return bool(user.has_perm(VIEW_SEGMENT) or user.has_perm(SEND_PERMISSION))


def _customer_by_code(user: Any, code: str) -> Any:
    code = (code or "").strip().split(",")[0].strip()
    if not code.isdigit():
        return None
    return customers_visible_to(user).filter(code=int(code), is_active=True).first()


def audience_of(request: AuthenticatedRequest, data: Any) -> dict[str, Any]:
    """The audience panel's context from a form's data: a saved segment (`segment`), one
    customer (`customer`, a code) or the criteria of the segment form; for the channel and
    purpose given. Empty when nothing is chosen yet."""
    chosen = AudienceForm(data, auto_id="id_audience_%s")
    if not chosen.is_valid():
        return {"audience": None}
    channel, purpose = chosen.cleaned_data["channel"], chosen.cleaned_data["purpose"]
    customers: QuerySet[Any] | None = None
    segment_id = str(data.get("segment") or "")
    if segment_id.isdigit():
        segment = selectors.segments_visible_to(request.user).filter(pk=int(segment_id)).first()
        if segment is not None:
            customers = segment_customers(segment.criteria)
    elif data.get("customer"):
        customer = _customer_by_code(request.user, str(data.get("customer")))
        if customer is not None:
            customers = customers_visible_to(request.user).filter(pk=customer.pk)
    elif data.get("criteria") == "1":
        form = SegmentForm(data)
        form.fields["name"].required = False
        form.is_valid()
        customers = segment_customers(form.criteria_json())
    if customers is None:
        return {"audience": None}
    found: Audience = counted_audience(customers, channel, purpose)
    return {
        "audience": found,
        "excluded": found.excluded_rows(),
        "price_per_part": MessagingSettings.current().price_per_part,
    }


def _fetched(request: AuthenticatedRequest) -> bool:
    """Asked by a page's script (static/js/messaging.js), not opened as a page."""
    return request.headers.get("X-Requested-With") == "fetch"


@require_GET
def audience_fragment(request: AuthenticatedRequest) -> HttpResponse:
    """The live audience panel (an HTML fragment fetched as a form changes). Opened as a
    page, it leads to the segment's page (or the segments)."""
    if not _may_count(request.user):
        raise PermissionDenied
    if not _fetched(request):
        segment = str(request.GET.get("segment", ""))
        if segment.isdigit():
            url = reverse("messaging:segment_detail", args=[int(segment)])
            return redirect(f"{url}?{request.GET.urlencode()}")
        return redirect("messaging:segment_list")
    return render(request, "messaging/audience.html", audience_of(request, request.GET))


# --- segments ------------------------------------------------------------------------------


@require_GET
def segment_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, VIEW_SEGMENT)
    segments = selectors.segments_visible_to(request.user).order_by("name")
    page = CappedPaginator(segments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    counts = segment_counts(rows)
    for segment, words in zip(rows, criteria_in_words(s.criteria for s in rows), strict=True):
        segment.words = words  # for the table
        segment.count = counts[segment.pk]
    return render(request, "messaging/segment_list.html", {"page": page, "rows": rows})


def _segment_or_404(request: AuthenticatedRequest, pk: int) -> Segment:
    require(request.user, VIEW_SEGMENT)
    return get_object_or_404(selectors.segments_visible_to(request.user), pk=pk)


def _segment_history(segment: Segment) -> list[HistoryItem]:
    items = []
    records = list(segment.history.select_related("history_user").order_by("history_date"))
    previous = None
    for record in records:
        if previous is None:
            title = _("Created")
            note = ""
        else:
            title = _("Changed")
            changed = record.diff_against(previous).changed_fields
            names = [
                str(getattr(Segment._meta.get_field(name), "verbose_name", name))
                for name in changed
            ]
            note = "، ".join(names)
        items.append(
            HistoryItem(at=record.history_date, actor=record.history_user, title=title, note=note)
        )
        previous = record
    return items


@require_GET
def segment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    segment = _segment_or_404(request, pk)
    data = request.GET.copy()
    data.setdefault("channel", "sms")
    data.setdefault("purpose", "marketing")
    data["segment"] = str(segment.pk)
    return render(
        request,
        "messaging/segment_detail.html",
        {
            "segment": segment,
            "words": criteria_in_words([segment.criteria])[0],
            "count": segment_count(segment.criteria),
            "audience_form": AudienceForm(data, auto_id="id_audience_%s"),
            "history": _segment_history(segment),
            "may_edit": request.user.has_perm("messaging.change_segment"),
            "may_write": request.user.has_perm(SEND_PERMISSION),
            **audience_of(request, data),
        },
    )


def _segment_form_page(
    request: AuthenticatedRequest, segment: Segment | None, permission: str
) -> HttpResponse:
    require(request.user, permission)
    initial = {"channel": "sms", "purpose": "marketing"}
    data = request.POST if request.method == "POST" else None
    form = SegmentForm(data, instance=segment)
    audience_form = AudienceForm(data, initial=initial, auto_id="id_audience_%s")
    counted: dict[str, Any] = {"audience": None}
    if data is not None and "count" in data:
        # The page without JavaScript: count, save nothing.
        form.fields["name"].required = False
        counted_data = data.copy()
        counted_data["criteria"] = "1"
        counted = audience_of(request, counted_data)
        form = SegmentForm(data, instance=segment)
    elif data is not None and form.is_valid():
        values = {
            "name": form.cleaned_data["name"],
            "description": form.cleaned_data["description"],
            "criteria": form.criteria_json(),
            "actor": request.user,
        }
        if segment is None:
            segment = services.segment_create(**values)
            messages.success(request, _("The segment was saved."))
        else:
            services.segment_update(segment=segment, **values)
            messages.success(request, _("The segment was saved."))
        return redirect("messaging:segment_detail", pk=segment.pk)
    elif data is None:
        counted = audience_of(request, {**initial, "criteria": "1", **form.initial})
    return render(
        request,
        "messaging/segment_form.html",
        {
            "form": form,
            "audience_form": audience_form,
            "segment": segment,
            **counted,
        },
    )


@require_http_methods(["GET", "POST"])
def segment_create(request: AuthenticatedRequest) -> HttpResponse:
    return _segment_form_page(request, None, "messaging.add_segment")


@require_http_methods(["GET", "POST"])
def segment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "messaging.change_segment")
    return _segment_form_page(request, _segment_or_404(request, pk), "messaging.change_segment")


# --- messages ------------------------------------------------------------------------------


def _filtered(queryset: QuerySet[Message], form: MessageFilterForm, text: str) -> QuerySet[Message]:
    if form.is_valid():
        data = form.cleaned_data
        for name in ("state", "channel", "purpose"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("writer"):
            queryset = queryset.filter(created_by=data["writer"])
    if text:
        queryset = queryset.filter(Q(body__icontains=text) | Q(subject__icontains=text))
    return queryset


@require_GET
def message_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, VIEW_MESSAGE)
    form = MessageFilterForm(request.GET or None)
    text = request.GET.get("q", "").strip()[:200]
    queryset = _filtered(selectors.messages_visible_to(request.user), form, text).order_by(
        "-created_at", "-pk"
    )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "messaging/message_list.html",
        {"filter_form": form, "page": page, "query": text, "querystring": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def message_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, SEND_PERMISSION)
    initial: dict[str, Any] = {"channel": "sms", "purpose": "marketing"}
    if request.GET.get("segment", "").isdigit():
        initial["segment"] = request.GET["segment"]
    data = request.POST if request.method == "POST" else None
    form = MessageForm(data, initial=initial, user=request.user)
    counted: dict[str, Any] = {"audience": None}
    if data is not None and "count" in data:
        counted = audience_of(request, data)
    elif data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            message = services.message_create(
                channel=cleaned["channel"],
                purpose=cleaned["purpose"],
                body=cleaned["body"],
                subject=cleaned["subject"],
                html_body=cleaned["html_body"],
                segment=cleaned["segment"],
                customer=cleaned["customer"],
                values=form.values(),
                actor=request.user,
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The message was saved as a draft."))
            return redirect("messaging:message_detail", pk=message.pk)
    elif data is None:
        counted = audience_of(request, initial)
    price = MessagingSettings.current().price_per_part
    typed = str(data.get("body", "") if data is not None else "").replace("\r\n", "\n")
    # A promotional SMS ends with its unsubscribe line: counted, since the gateway bills it.
    lines = sms_unsubscribe_lines()
    line = lines.get(str((data or initial).get("purpose", "")), "")
    length = sms_length(typed + line)
    found = counted.get("audience")
    return render(
        request,
        "messaging/message_form.html",
        {
            "form": form,
            "price_per_part": price,
            "length": length,
            "typed_characters": len(typed),
            "unsubscribe_lines": json.dumps(lines, ensure_ascii=False),
            "unsubscribe_characters": len(line),
            "cost": length.parts * (found.recipients if found else 0) * price,
            **counted,
        },
    )


MESSAGE_ACTIONS = (
    Action(
        "schedule",
        gettext_lazy("Send"),
        ScheduleForm,
        icon="bi-send",
        style="success",
    ),
    Action(
        "submit",
        gettext_lazy("Send for approval"),
        None,
        icon="bi-person-check",
        help=gettext_lazy("The CRM manager approves marketing messages to many recipients."),
    ),
    Action("approve", gettext_lazy("Approve"), NoteForm, icon="bi-check2-circle", style="success"),
    Action(
        "return_to_draft",
        gettext_lazy("Return with a note"),
        ReturnForm,
        icon="bi-arrow-return-right",
    ),
    Action("pause", gettext_lazy("Pause the sending"), None, icon="bi-pause-circle"),
    Action("resume", gettext_lazy("Resume the sending"), None, icon="bi-play-circle"),
)
CANCEL_ACTION = Action(
    "cancel",
    gettext_lazy("Cancel the message"),
    CancelForm,
    icon="bi-x-circle",
    style="danger",
    confirm=gettext_lazy("Do you want to cancel this message? Nothing more will be sent."),
)
ALL_MESSAGE_ACTIONS = (*MESSAGE_ACTIONS, CANCEL_ACTION)
_DONE = {
    "schedule": gettext_lazy("The message was scheduled."),
    "submit": gettext_lazy("The message was sent for approval."),
    "approve": gettext_lazy("The message was approved."),
    "return_to_draft": gettext_lazy("The message was returned to its writer."),
    "pause": gettext_lazy("The sending was paused."),
    "resume": gettext_lazy("The sending was resumed."),
    "cancel": gettext_lazy("The message was cancelled."),
}


def _message_or_404(request: AuthenticatedRequest, pk: int) -> Message:
    require(request.user, VIEW_MESSAGE)
    return get_object_or_404(selectors.messages_visible_to(request.user), pk=pk)


def _available(
    message: Message, user: Any, recipients: int | None = None
) -> tuple[list[str], bool]:
    """The steps this user may take now, and whether the draft needs approval first (then
    it is sent for approval, not sent). `recipients`: the audience counted already."""
    available = services.MESSAGE_WORKFLOW.available_actions(message, user)
    waits = message.state == MessageState.DRAFT and services.needs_approval(
        message, recipients=recipients
    )
    if waits:
        available = [name for name in available if name != "schedule"]
    return available, waits


def _message_context(
    request: AuthenticatedRequest, message: Message, bound: Any = None
) -> dict[str, Any]:
    user = request.user
    listed = message.state not in (
        MessageState.DRAFT,
        MessageState.AWAITING_APPROVAL,
        MessageState.APPROVED,
    )
    found = None
    if not listed or message.state == MessageState.SCHEDULED:
        found = counted_audience(audience_customers(message), message.channel, message.purpose)
    available, waits = _available(message, user, found.recipients if found else None)
    declared = MESSAGE_ACTIONS
    if waits:  # the natural next step of a large marketing draft
        declared = (MESSAGE_ACTIONS[1], MESSAGE_ACTIONS[0], *MESSAGE_ACTIONS[2:])
    filter_form = RecipientFilterForm(request.GET or None)
    status = filter_form.cleaned_data.get("status", "") if filter_form.is_valid() else ""
    recipients = (
        CappedPaginator(selectors.recipients_of(message, status), RECIPIENTS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if listed
        else None
    )
    length = (
        sms_length(sms_as_sent(message.body, message.purpose))
        if message.channel == ConsentChannel.SMS
        else None
    )
    config = MessagingSettings.current()
    recipients_count = found.recipients if found is not None else message.recipient_count
    url = lambda name: reverse("messaging:message_step", args=[message.pk, name])  # noqa: E731
    return {
        "message": message,
        "panel": action_panel(declared, available, url=url, bound=bound),
        "cancel_panel": action_panel((CANCEL_ACTION,), available, url=url, bound=bound),
        "waits_for_approval": waits,
        "may_test": user.has_perm(SEND_PERMISSION),
        "test_address": services.test_address(user, message.channel),
        "progress": progress_of(progress(message)) if listed else None,
        "refresh": message.state in (MessageState.SCHEDULED, MessageState.SENDING),
        "recipients": recipients,
        "filter_form": filter_form,
        "recipient_query": f"status={status}" if status else "",
        "audience": found,
        "excluded": found.excluded_rows() if found is not None else [],
        "length": length,
        "with_unsubscribe_line": length is not None and is_promotional(message),
        "cost": (
            length.parts * recipients_count * config.price_per_part if length is not None else None
        ),
        "transitions": message.transitions.select_related("actor"),
    }


@require_GET
def message_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    return render(request, "messaging/message_detail.html", _message_context(request, message))


@require_POST
def message_step(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    message = _message_or_404(request, pk)
    if action not in _DONE:
        raise Http404
    available, _waits = _available(message, request.user)

    def step(data: Any) -> None:
        actor = request.user
        note = str(data.get("note", "") or "")
        if action == "schedule":
            at = data.get("at")
            services.message_schedule(
                message=message, actor=actor, at=None if isinstance(at, str) else at
            )
        elif action == "submit":
            services.message_submit(message=message, actor=actor)
        elif action == "approve":
            services.message_approve(message=message, actor=actor, note=note)
        elif action == "return_to_draft":
            services.message_return(message=message, actor=actor, note=note)
        elif action == "pause":
            services.message_pause(message=message, actor=actor)
        elif action == "resume":
            services.message_resume(message=message, actor=actor)
        elif action == "cancel":
            services.message_cancel(message=message, actor=actor, note=note)

    return post_step(
        request,
        action=action,
        declared=ALL_MESSAGE_ACTIONS,
        available=available,
        step=step,
        refusal=MessagingError,
        done=_DONE[action],
        show_again=lambda name, form: render(
            request,
            "messaging/message_detail.html",
            _message_context(request, message, bound=(name, form)),
        ),
        to="messaging:message_detail",
        pk=message.pk,
    )


@require_POST
def message_test_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, SEND_PERMISSION)
    message = _message_or_404(request, pk)
    shown: list[str] = []
    return run_step(
        request,
        lambda: shown.append(services.message_test_send(message=message, actor=request.user)),
        refusal=MessagingError,
        done=_TestDone(shown),
        to="messaging:message_detail",
        pk=message.pk,
    )


class _TestDone:
    """The "done" message, worded once the service said where the test went."""

    def __init__(self, shown: list[str]) -> None:
        self.shown = shown

    def __str__(self) -> str:
        return _("A test was sent to %(address)s.") % {"address": self.shown[0]}


@require_GET
def message_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar alone (fetched every few seconds while the message is sending).
    Opened as a page, it leads to the message's page."""
    message = _message_or_404(request, pk)
    if not _fetched(request):
        return redirect("messaging:message_detail", pk=message.pk)
    return render(
        request,
        "messaging/progress.html",
        {
            "message": message,
            "progress": progress_of(progress(message)),
            "refresh": message.state in (MessageState.SCHEDULED, MessageState.SENDING),
        },
    )
