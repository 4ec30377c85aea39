"""The public's answer pages, no login: a round's link (a centre's QR poster) and a
personal invitation link, then a thank-you page.

Phone first, one page, usable without JavaScript. Abuse protection as on the complaint form
(complaints.public_views): per-address rate limits and the honeypot field. An anonymous link
remembers in a signed cookie which rounds this browser answered (nothing about who): a
second answer from the same device is refused; an invitation is answered once."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from core import submissions
from links.attribution import first_touch_id

from . import selectors
from .errors import ResponseError
from .forms import AnswerForm
from .models import (
    InstrumentKind,
    InstrumentVersion,
    Invitation,
    ResponseChannel,
    Round,
    RoundCentre,
    RoundState,
)
from .services import response_submit

# Answers per address: generous, since a whole event may answer over the centre's Wi-Fi
# (one address); attempts of any outcome are limited further up.
ANSWER_RATE = "60/h"
ATTEMPT_RATE = "120/h"
ANSWER_GROUP = "public:survey"
# The rounds this browser answered (ids only), signed so that it cannot be forged.
ANSWERED_COOKIE = "surveys_answered"
_COOKIE_SALT = "surveys.answered"
_COOKIE_AGE = 365 * 24 * 3600
_COOKIE_ROUNDS = 50


def answered_rounds(request: HttpRequest) -> list[int]:
    try:
        value = request.get_signed_cookie(ANSWERED_COOKIE, salt=_COOKIE_SALT, max_age=_COOKIE_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in (value or "").split(".") if part.isdigit()]


def _remember_answer(response: HttpResponse, request: HttpRequest, round_id: int) -> None:
    rounds = [r for r in answered_rounds(request) if r != round_id][-(_COOKIE_ROUNDS - 1) :]
    response.set_signed_cookie(
        ANSWERED_COOKIE,
        ".".join(str(r) for r in [*rounds, round_id]),
        salt=_COOKIE_SALT,
        max_age=_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _usage(request: HttpRequest, *, increment: bool) -> dict | None:
    return get_usage(
        request, group=ANSWER_GROUP, key="ip", rate=ANSWER_RATE, method="POST", increment=increment
    )


def _limit_reached(request: HttpRequest) -> bool:
    usage = _usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def _unavailable(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "surveys/public/unavailable.html", {"message": message}, status=status)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        _("This survey link is not valid. Check that you opened the whole link you received."),
        status=404,
    )


def _closed(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        _("This survey is closed and no longer takes answers. Thank you for your interest."),
        status=410,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group=ANSWER_GROUP + ":attempt", key="ip", rate=ATTEMPT_RATE, method="POST", block=False)
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The round's form through a centre's link or QR code."""
    round_centre = selectors.round_centre_by_token(token)
    if round_centre is None:
        return _invalid_link(request)
    survey_round = round_centre.round
    if survey_round.state != RoundState.COLLECTING:
        return _closed(request)
    if survey_round.pk in answered_rounds(request):
        return _unavailable(
            request,
            _("You have already answered this survey from this device. Thank you."),
            status=409 if request.method == "POST" else 200,
        )
    return _answer_page(
        request, survey_round, survey_round.version, round_centre=round_centre, invitation=None
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group=ANSWER_GROUP + ":attempt", key="ip", rate=ATTEMPT_RATE, method="POST", block=False)
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A personal invitation's form: answered once."""
    invited = selectors.invitation_by_token(token)
    if invited is None:
        return _invalid_link(request)
    survey_round = invited.round
    donor = invited.kind == InstrumentKind.DONOR
    version = survey_round.donor_version if donor else survey_round.version
    open_state = RoundState.DONOR_SURVEY if donor else RoundState.COLLECTING
    if invited.answered_at is not None:
        return _unavailable(
            request, _("This invitation has already been answered. Thank you."), status=200
        )
    if survey_round.state != open_state or version is None:
        return _closed(request)
    return _answer_page(request, survey_round, version, round_centre=None, invitation=invited)


def _answer_page(
    request: HttpRequest,
    survey_round: Round,
    version: InstrumentVersion,
    *,
    round_centre: RoundCentre | None,
    invitation: Invitation | None,
) -> HttpResponse:
    items = selectors.version_items(version)
    form = AnswerForm(request.POST or None, version=version, items=items)
    token = submissions.token_of(request)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False) or _limit_reached(request):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "We received many answers from your connection in a short time. "
                    "Please try again in an hour."
                ),
            )
            status = 429
        elif form.is_bot():
            _usage(request, increment=True)
            return redirect("surveys_public:thanks")
        elif form.is_valid() and not submissions.claim(token):
            return redirect("surveys_public:thanks")
        elif form.is_valid():
            try:
                response_submit(
                    survey_round=survey_round,
                    channel=ResponseChannel.INVITATION if invitation else ResponseChannel.LINK,
                    values=form.values(),
                    personal=form.personal(),
                    centre=round_centre.centre if round_centre else None,
                    invitation=invitation,
                    source_link_id=first_touch_id(request),
                )
            except ResponseError as error:
                submissions.release(token)
                form.add_error(None, str(error))
                status = 400
            else:
                _usage(request, increment=True)
                done = redirect("surveys_public:thanks")
                if invitation is None:
                    _remember_answer(done, request, survey_round.pk)
                return done
        else:
            status = 400
    return render(
        request,
        "surveys/public/answer.html",
        {
            "survey_round": survey_round,
            "version": version,
            "centre": round_centre.centre if round_centre else None,
            "form": form,
            "is_donor": version.instrument.kind == InstrumentKind.DONOR,
            "submission_token": token,
            "token_field": submissions.TOKEN_FIELD,
        },
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public/thanks.html")
