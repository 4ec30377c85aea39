"""The public's pages of the support requests, no login (phone first, like the complaint
form): file a support request online with the declaration (its time recorded), get a
tracking number, and follow the request up with the tracking number and the national ID.

Abuse protection that real people do not notice: per-IP rate limits (django-ratelimit,
switched off with RATELIMIT_ENABLE=False), a honeypot field, and a one-time token so that a
double tap files once. A status lookup answers the same neutral message whether the number
is unknown or the national ID wrong."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from core import submissions
from links.attribution import first_touch_id

from . import selectors, services
from .errors import SupportRequestError
from .forms_service import PublicRequestForm, StatusForm
from .models import RequestState, SupportRequest

FILE_RATE = "5/h"
FILE_ATTEMPT_RATE = "30/h"
FILE_GROUP = "public:support"
STATUS_RATE = "10/m"
STATUS_GROUP = "public:support_status"
SESSION_FILED = "public_support_filed"

# The request's states in the applicant's words (nothing of the staff's work shown).
RECEIVED_WORDS = gettext_lazy("Received: we are checking your documents")
PUBLIC_STATUS: dict[str, tuple[Any, Any, str]] = {
    RequestState.RECEIVED: (
        RECEIVED_WORDS,
        gettext_lazy("Our staff check your data and documents and may call you."),
        "secondary",
    ),
    RequestState.INCOMPLETE: (
        gettext_lazy("Documents missing"),
        gettext_lazy(
            "Some documents are missing or expired: bring them to the centre (we sent you "
            "the list by SMS)."
        ),
        "warning",
    ),
    RequestState.RESEARCH: (
        gettext_lazy("Social research"),
        gettext_lazy(
            "The social research officer studies your request and may visit you or call you."
        ),
        "info",
    ),
    RequestState.AWAITING_DECLARATION: (
        gettext_lazy("Awaiting your declaration"),
        gettext_lazy("Declare that your data are correct, here or at the centre."),
        "warning",
    ),
    RequestState.READY: (
        gettext_lazy("Waiting for the research committee"),
        gettext_lazy("Your request goes to the research committee's next meeting."),
        "info",
    ),
    RequestState.ON_AGENDA: (
        gettext_lazy("With the research committee"),
        gettext_lazy("The research committee is studying your request."),
        "info",
    ),
    RequestState.APPEALED: (
        gettext_lazy("Appeal with the research committee"),
        gettext_lazy("The research committee studies your appeal."),
        "info",
    ),
    RequestState.ACCEPTED: (
        gettext_lazy("Accepted"),
        gettext_lazy(
            "The committee accepted your request: we will contact you to complete the registration."
        ),
        "success",
    ),
    RequestState.REGISTERED: (
        gettext_lazy("Accepted and registered"),
        gettext_lazy("You are registered as a beneficiary: the support will be delivered."),
        "success",
    ),
    RequestState.IN_SERVICE: (
        gettext_lazy("Support being delivered"),
        gettext_lazy("The support granted is being delivered."),
        "success",
    ),
    RequestState.REJECTED: (
        gettext_lazy("Not accepted"),
        gettext_lazy(
            "The committee did not accept your request. You may appeal once with new "
            "information at the association."
        ),
        "danger",
    ),
    RequestState.CLOSED: (
        gettext_lazy("Closed"),
        gettext_lazy("Your request is closed."),
        "dark",
    ),
    RequestState.WITHDRAWN: (
        gettext_lazy("Withdrawn"),
        gettext_lazy("Your request was withdrawn."),
        "dark",
    ),
}
PUBLIC_STEP_LABELS = {
    RequestState.RECEIVED: gettext_lazy("Received"),
    RequestState.AWAITING_DECLARATION: gettext_lazy("Declaration"),
    RequestState.READY: gettext_lazy("Research committee"),
    RequestState.ON_AGENDA: gettext_lazy("Committee's study"),
    RequestState.ACCEPTED: gettext_lazy("Decision"),
    RequestState.REGISTERED: gettext_lazy("Registration"),
    RequestState.IN_SERVICE: gettext_lazy("Support delivered"),
    RequestState.CLOSED: gettext_lazy("Closed"),
    RequestState.REJECTED: gettext_lazy("Not accepted"),
    RequestState.WITHDRAWN: gettext_lazy("Withdrawn"),
}


def public_status(support_request: SupportRequest) -> dict[str, Any]:
    label, explanation, badge = PUBLIC_STATUS[support_request.state]
    return {
        "label": label,
        "explanation": explanation,
        "badge": badge,
        "steps": SupportRequest.STEP_PATH.shown(support_request, labels=PUBLIC_STEP_LABELS),
        "may_declare": support_request.declared_at is None
        and support_request.state in services.EDITABLE_STATES,
    }


def _filing_usage(request: HttpRequest, *, increment: bool) -> Any:
    return get_usage(
        request, group=FILE_GROUP, key="ip", rate=FILE_RATE, method="POST", increment=increment
    )


def _filing_limit_reached(request: HttpRequest) -> bool:
    usage = _filing_usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(
    group=FILE_GROUP + ":attempt", key="ip", rate=FILE_ATTEMPT_RATE, method="POST", block=False
)
def request_new(request: HttpRequest) -> HttpResponse:
    """The online support request; POST-redirect-GET to the thank-you page."""
    form = PublicRequestForm(request.POST or None, request.FILES or None)
    token = submissions.token_of(request)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False) or _filing_limit_reached(request):
            form.add_error(
                None,
                _(
                    "We received many requests from your connection in a short time. "
                    "Please try again in an hour, or call us."
                ),
            )
            status = 429
        elif form.is_bot():
            _filing_usage(request, increment=True)
            request.session[SESSION_FILED] = {"tracking_number": ""}
            return redirect("support_public:thanks")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                # A repeated sending (a double tap) returns the first request: the token is
                # its submission key, unique in the table.
                support_request = services.request_file_public(
                    support_type=data["support_type"],
                    applicant_name=data["name"],
                    applicant_national_id=data["national_id"],
                    applicant_mobile=data["mobile"],
                    centre=data.get("centre"),
                    need=data["need"],
                    declared=bool(data["declared"]),
                    source_link_id=first_touch_id(request),
                    submission_key=token,
                    documents=form.documents(),
                )
            except SupportRequestError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                _filing_usage(request, increment=True)
                request.session[SESSION_FILED] = {
                    "tracking_number": support_request.tracking_number,
                    "earliest": support_request.earliest_answer_on.isoformat()
                    if support_request.earliest_answer_on
                    else "",
                }
                return redirect("support_public:thanks")
        else:
            status = 400
    return render(
        request,
        "support/public/request_form.html",
        {
            "form": form,
            "submission_token": token,
            "token_field": submissions.TOKEN_FIELD,
            "required_documents": {
                support_type.pk: [
                    str(document) for document in support_type.required_documents.all()
                ]
                for support_type in form.fields["support_type"].queryset  # type: ignore[attr-defined]
            },
        },
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    """Thank you, with the tracking number of the request this browser just filed (from the
    session, never from the URL)."""
    filed_request = request.session.get(SESSION_FILED)
    if filed_request is None:
        return redirect("support_public:request_new")
    return render(
        request,
        "support/public/filed.html",
        {
            "tracking_number": filed_request.get("tracking_number") or "",
            "earliest": filed_request.get("earliest") or "",
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group=STATUS_GROUP, key="ip", rate=STATUS_RATE, method="POST", block=False)
def status(request: HttpRequest) -> HttpResponse:
    """Look a request's status up by tracking number and national ID (POST: the national ID
    stays out of URLs and access logs). A request still without the declaration may be
    declared here (its time recorded)."""
    code = 200
    result = None
    not_found = False
    if request.method == "POST":
        form = StatusForm(request.POST)
        if getattr(request, "limited", False):
            form.add_error(
                None,
                _("Too many lookups from your connection. Please wait a minute and try again."),
            )
            code = 429
        elif form.is_valid():
            support_request = selectors.request_by_tracking(
                form.cleaned_data["tracking_number"], form.cleaned_data["national_id"]
            )
            if support_request is None:
                not_found = True
            else:
                if request.POST.get("declare") == "1" and request.POST.get("declared"):
                    try:
                        support_request = services.declaration_record_online(
                            support_request=support_request
                        )
                    except SupportRequestError as error:
                        form.add_error(None, str(error))
                result = {"support_request": support_request, **public_status(support_request)}
    else:
        filed_request = request.session.get(SESSION_FILED) or {}
        form = StatusForm(initial={"tracking_number": filed_request.get("tracking_number", "")})
    return render(
        request,
        "support/public/status.html",
        {"form": form, "result": result, "not_found": not_found},
        status=code,
    )
