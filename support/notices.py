"""The committee's decision told to the applicant (an SMS through messaging, or a letter PDF
in the association's visual identity), and the appeal: a rejected applicant may appeal once
with new information, which goes back to the research committee (beyond seed 003)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf
from core.permissions import require
from messaging.services import direct_sms_queue, send_transactional_sms

from . import documents, selectors
from .errors import SupportRequestError
from .models import NoticeChannel, RequestState, SupportRequest
from .services import REQUEST_WORKFLOW

HANDLE = "support.handle_request"
# The decided states whose decision can be told.
NOTIFIABLE_STATES = (
    RequestState.ACCEPTED,
    RequestState.REJECTED,
    RequestState.REGISTERED,
    RequestState.IN_SERVICE,
)
APPEAL_MAX = 4000


def _locked(support_request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("support_type", "granted_support_type", "rejection_reason", "customer")
        .get(pk=support_request.pk)
    )


def _require_visible(actor: User, support_request: SupportRequest) -> None:
    if not selectors.may_see_request(actor, support_request):
        raise PermissionDenied


def is_accepted(support_request: SupportRequest) -> bool:
    return support_request.state != RequestState.REJECTED and support_request.decided_at is not None


def granted_text(support_request: SupportRequest) -> str:
    support_type = support_request.granted_support_type or support_request.support_type
    if support_request.granted_amount is not None:
        return _("%(type)s, %(amount)s riyals") % {
            "type": support_type,
            "amount": f"{support_request.granted_amount:,.2f}",
        }
    if support_request.granted_quantity is not None:
        return _("%(type)s, quantity %(quantity)s") % {
            "type": support_type,
            "quantity": support_request.granted_quantity,
        }
    return str(support_type)


def decision_text(support_request: SupportRequest) -> str:
    """The SMS telling the applicant the committee's decision (Arabic, one message)."""
    if is_accepted(support_request):
        return _(
            "The research committee accepted your support request %(number)s: %(granted)s. "
            "We will contact you to complete the registration and the delivery."
        ) % {"number": support_request.tracking_number, "granted": granted_text(support_request)}
    reason = support_request.rejection_reason
    text = _(
        "The research committee did not accept your support request %(number)s. Reason: %(reason)s."
    ) % {"number": support_request.tracking_number, "reason": reason or "—"}
    if support_request.appealed_at is None:
        text += " " + _("You may appeal once with new information at the association.")
    return text


def notice_send(*, support_request: SupportRequest, actor: User, channel: str) -> SupportRequest:
    """Tell the applicant the decision: by SMS (a service notice to the customer, or to the
    applicant's mobile when not a customer yet), or by the letter printed from the request's
    page. Recorded on the request (how, when, by whom) and in its history; sent again if
    asked (the latest is kept)."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    if channel not in NoticeChannel.values:
        raise SupportRequestError(_("Choose how the applicant is told."))
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.state not in NOTIFIABLE_STATES or locked.decided_at is None:
            raise SupportRequestError(_("The committee has not decided on this request yet."))
        if channel == NoticeChannel.SMS:
            text = decision_text(locked)
            if locked.customer_id is not None:
                # Sent by the system (a service notice): reception staff need no right to
                # send messages; the notice is recorded against the request's handler below.
                send_transactional_sms(customer=locked.customer, text=text, actor=None)
            elif locked.applicant_mobile:
                direct_sms_queue(
                    to=locked.applicant_mobile,
                    body=text,
                    about=_("Decision on support request %(number)s")
                    % {"number": locked.tracking_number},
                )
            else:
                raise SupportRequestError(
                    _("The applicant has no mobile number: print the decision letter.")
                )
        now = timezone.now()
        locked.notice_channel = channel
        locked.notice_sent_at = now
        locked.notice_sent_by = actor
        locked.last_activity_at = now
        locked.save(
            update_fields=["notice_channel", "notice_sent_at", "notice_sent_by", "last_activity_at"]
        )
        REQUEST_WORKFLOW.record_event(
            locked,
            actor=actor,
            note=_("Decision told to the applicant: %(channel)s")
            % {"channel": NoticeChannel(channel).label},
        )
    return locked


def appeal_record(*, support_request: SupportRequest, actor: User, text: str) -> SupportRequest:
    """A rejected applicant appeals once, with new information: the request goes back to the
    research committee (put on a meeting's agenda as an appeal). Beyond seed 003."""
    require(actor, HANDLE)
    _require_visible(actor, support_request)
    text = (text or "").strip()
    if not text:
        raise SupportRequestError(_("Write the new information the applicant brings."))
    with transaction.atomic():
        locked = _locked(support_request)
        if locked.appealed_at is not None:
            raise SupportRequestError(_("The applicant has appealed this decision once already."))
        if locked.state != RequestState.REJECTED:
            raise SupportRequestError(_("Only a rejected request can be appealed."))
        now = timezone.now()
        REQUEST_WORKFLOW.take_step(
            locked,
            "appeal",
            actor=actor,
            note=text[:APPEAL_MAX],
            fields={
                "appealed_at": now,
                "appeal_text": text[:APPEAL_MAX],
                "appeal_recorded_by": actor,
                "last_activity_at": now,
            },
        )
    return locked


# --- the decision letter ------------------------------------------------------------------------


def render_letter_pdf(support_request: SupportRequest) -> RenderedPdf:
    """The decision letter in the reports' layout (support.documents: the visual identity,
    the fonts), in Arabic whatever language asked for it."""
    if support_request.decided_at is None or support_request.state not in NOTIFIABLE_STATES:
        raise SupportRequestError(_("The committee has not decided on this request yet."))
    with translation.override("ar"):
        return documents._render(
            "support/service/decision_letter.html",
            _("Decision letter"),
            timezone.localdate(support_request.decided_at),
            {
                "support_request": support_request,
                "accepted": is_accepted(support_request),
                "granted": granted_text(support_request),
                "decided_at": format_gregorian_hijri(support_request.decided_at, with_time=False),
                "received_at": format_gregorian_hijri(support_request.received_at, with_time=False),
                "may_appeal": support_request.state == RequestState.REJECTED
                and support_request.appealed_at is None,
            },
        )
