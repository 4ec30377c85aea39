from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import CaseForm, StudyForm, TextActionForm
from .models import CaseState


def _require_perm(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _visible_case_or_404(user, pk):
    _require_perm(user, "complaints.view_case")
    return get_object_or_404(selectors.cases_visible_to(user), pk=pk)


@require_http_methods(["GET", "POST"])
def case_new(request):
    _require_perm(request.user, "complaints.add_case")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_register(
                actor=request.user,
                kind=data["kind"],
                channel=data["channel"],
                subject=data["subject"],
                description=data["description"],
                customer=data["customer_code"],
                contact_name=data["contact_name"],
                contact_mobile=data["contact_mobile"],
                centre=data["centre"],
                programme=data["programme"],
                category=data["category"],
                received_at=data["received_at"],
            )
        except services.CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The case was registered with tracking number %(number)s.")
                % {"number": case.tracking_number},
            )
            if selectors.cases_visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("complaints:detail", pk=case.pk)
            return redirect("complaints:list")
    return render(request, "complaints/case_form.html", {"form": form})


@require_GET
def case_detail(request, pk):
    case = _visible_case_or_404(request.user, pk)
    timeline = sorted(
        [("step", step.at, step) for step in case.transitions.select_related("actor")]
        + [("entry", entry.at, entry) for entry in case.entries.select_related("author")],
        key=lambda item: item[1],
    )
    return render(
        request,
        "complaints/case_detail.html",
        {
            "case": case,
            "timeline": timeline,
            "actions": services.available_transitions(case, request.user),
            "text_form": TextActionForm(),
            "study_form": StudyForm(),
            "states": CaseState,
        },
    )


def _text(data):
    return data.get("text", "")


def _start_study(case, user, data):
    form = StudyForm(data)
    assignee = form.fields["assignee"].queryset.filter(pk=data.get("assignee") or None).first()
    return services.case_start_study(
        case=case, actor=user, causes=data.get("causes", ""), assignee=assignee
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
}

_DONE_MESSAGES = {
    "answer_immediately": gettext_lazy("The immediate answer was recorded."),
    "promise_callback": gettext_lazy("The callback promise was recorded."),
    "start_study": gettext_lazy("The case was sent for study."),
    "record_reply": gettext_lazy("The reply was recorded."),
    "close": gettext_lazy("The case was closed."),
    "entry": gettext_lazy("The entry was added to the register."),
}


@require_POST
def case_action(request, pk, action):
    case = _visible_case_or_404(request.user, pk)
    if action not in _ACTIONS:
        raise PermissionDenied
    try:
        _ACTIONS[action](case, request.user, request.POST)
    except services.CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(_DONE_MESSAGES[action]))
    return redirect("complaints:detail", pk=case.pk)
