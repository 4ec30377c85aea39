"""The public's pages, no login (manual 5.1.1 and 5.1.10): a beneficiary or donor files a
complaint, inquiry or suggestion, follows it up with the tracking number and mobile, and
reads the published FAQ.

Abuse protection that real people do not notice: per-IP rate limits (django-ratelimit,
switched off with RATELIMIT_ENABLE=False) and a honeypot field. A tracking lookup answers
the same neutral message whether the tracking number is unknown or the mobile is wrong."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from core import attribution, submissions
from core.pagination import CappedPaginator

from . import selectors
from .models import Case, CaseCategory, CaseKind, CaseState, FaqState
from .public_forms import FaqSearchForm, PublicCaseForm, TrackForm
from .services import CaseError, case_file_public_with_attachments

# Cases filed per IP address (honeypot catches included), and form submissions of any
# outcome: a person who mistypes the mobile a few times is never stopped by the first.
FILE_RATE = "5/h"
FILE_ATTEMPT_RATE = "30/h"
FILE_GROUP = "public:file"
# Status lookups per IP address, found or not: guessing tracking numbers is slow.
TRACK_RATE = "10/m"
TRACK_GROUP = "public:track"
FAQ_PAGE_SIZE = 20

SESSION_FILED = "public_filed"

# The register's states in the public's words.
PUBLIC_STATUS = {
    CaseState.RECEIVED: (
        gettext_lazy("Received by us"),
        gettext_lazy("We received your request. We will answer you or call you back today."),
        "secondary",
        "inbox",
    ),
    CaseState.CALLBACK_PROMISED: (
        gettext_lazy("We will call you back"),
        gettext_lazy("We are looking for the answer and will call you back."),
        "warning",
        "telephone-forward",
    ),
    CaseState.UNDER_STUDY: (
        gettext_lazy("Under study"),
        gettext_lazy("The team concerned is studying your request; we will contact you soon."),
        "info",
        "search",
    ),
    CaseState.REPLIED: (
        gettext_lazy("Answered"),
        gettext_lazy("We have answered your request."),
        "success",
        "chat-left-text",
    ),
    CaseState.CLOSED: (
        gettext_lazy("Request closed"),
        gettext_lazy("Your request was answered and closed. Thank you."),
        "dark",
        "check-circle",
    ),
}

# The case's step bar (Case.STEP_PATH, the staff's own) in the public's words: the same
# steps, nothing of the staff's work (who studies it, the register) shown.
PUBLIC_STEP_LABELS = {
    CaseState.RECEIVED: gettext_lazy("Received by us"),
    CaseState.UNDER_STUDY: gettext_lazy("In progress"),
    CaseState.REPLIED: gettext_lazy("Answered"),
    CaseState.CLOSED: gettext_lazy("Request closed"),
}

KIND_ICONS = {
    CaseKind.COMPLAINT: "exclamation-circle",
    CaseKind.INQUIRY: "question-circle",
    CaseKind.SUGGESTION: "lightbulb",
}


def public_status(case):
    label, explanation, badge, icon = PUBLIC_STATUS[case.state]
    return {
        "label": label,
        "explanation": explanation,
        "badge": badge,
        "icon": icon,
        "steps": Case.STEP_PATH.shown(case, labels=PUBLIC_STEP_LABELS),
        "reply": (case.reply or case.immediate_answer).strip(),
    }


def _filing_usage(request, *, increment):
    return get_usage(
        request, group=FILE_GROUP, key="ip", rate=FILE_RATE, method="POST", increment=increment
    )


def _filing_limit_reached(request):
    """True once this address has filed FILE_RATE cases; a form sent back with mistakes
    does not count."""
    usage = _filing_usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def _count_filing(request):
    _filing_usage(request, increment=True)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(
    group=FILE_GROUP + ":attempt", key="ip", rate=FILE_ATTEMPT_RATE, method="POST", block=False
)
def file_case(request):
    """File a complaint, inquiry or suggestion; POST-redirect-GET to the thank-you page."""
    form = PublicCaseForm(request.POST or None, request.FILES or None)
    token = submissions.token_of(request)
    status = 200
    if request.method == "POST":
        if request.limited or _filing_limit_reached(request):
            form.add_error(
                None,
                _(
                    "We received many requests from your connection in a short time. "
                    "Please try again in an hour, or call us."
                ),
            )
            status = 429
        elif form.is_bot():
            # Pretend it worked: a bot learns nothing, and nothing is created.
            _count_filing(request)
            request.session[SESSION_FILED] = {"tracking_number": "", "kind": ""}
            return redirect("public:filed")
        elif form.is_valid() and not submissions.claim(token):
            # Sent twice (a double tap): the first sending filed the case once.
            return redirect("public:filed")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                case = case_file_public_with_attachments(
                    checked_uploads=form.checked_uploads,
                    kind=data["kind"],
                    subject=data["subject"],
                    description=data["description"],
                    contact_name=data["name"],
                    contact_mobile=data["mobile"],
                    contact_kind=data["contact_kind"],
                    centre=data["centre"],
                    source_link_id=attribution.first_touch_id(request),
                )
            except CaseError as error:
                submissions.release(token)
                form.add_error(None, str(error))
            else:
                _count_filing(request)
                request.session[SESSION_FILED] = {
                    "tracking_number": case.tracking_number,
                    "kind": case.kind,
                }
                return redirect("public:filed")
    return render(
        request,
        "complaints/public/file.html",
        {
            "form": form,
            "kind_icons": KIND_ICONS,
            "submission_token": token,
            "token_field": submissions.TOKEN_FIELD,
        },
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def filed(request):
    """Thank you, with the tracking number of the case this browser just filed. The number
    comes from the session, never from the URL: nobody sees a case by guessing an address."""
    filed_case = request.session.get(SESSION_FILED)
    if filed_case is None:
        return redirect("public:file")
    kind = filed_case.get("kind") or ""
    return render(
        request,
        "complaints/public/filed.html",
        {
            "tracking_number": filed_case.get("tracking_number") or "",
            "kind_label": CaseKind(kind).label if kind in CaseKind.values else "",
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group=TRACK_GROUP, key="ip", rate=TRACK_RATE, method="POST", block=False)
def track(request):
    """Look a case's status up by tracking number and mobile (POST: the mobile stays out of
    URLs and access logs)."""
    status = 200
    result = None
    not_found = False
    if request.method == "POST":
        form = TrackForm(request.POST)
        if request.limited:
            form.add_error(
                None,
                _("Too many lookups from your connection. Please wait a minute and try again."),
            )
            status = 429
        elif form.is_valid():
            case = selectors.find_public_case(
                form.cleaned_data["tracking_number"], form.cleaned_data["mobile"]
            )
            if case is None:
                not_found = True
            else:
                result = {"case": case, **public_status(case)}
    else:
        filed_case = request.session.get(SESSION_FILED) or {}
        form = TrackForm(initial={"tracking_number": filed_case.get("tracking_number", "")})
    return render(
        request,
        "complaints/public/track.html",
        {"form": form, "result": result, "not_found": not_found, "kind_icons": KIND_ICONS},
        status=status,
    )


@login_not_required
@require_GET
def faq(request):
    categories = CaseCategory.objects.filter(faq_entries__state=FaqState.PUBLISHED).distinct()
    form = FaqSearchForm(request.GET or None, categories=categories)
    query, category = "", None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"] or ""
        category = form.cleaned_data["category"]
    page = CappedPaginator(selectors.published_faq(query, category), FAQ_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filters = {"q": query, "category": category.pk if category else ""}
    return render(
        request,
        "complaints/public/faq.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searching": bool(query.strip() or category),
            "querystring": urlencode({key: value for key, value in filters.items() if value}),
        },
    )
