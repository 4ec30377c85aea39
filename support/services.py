"""Every write of the support requests' steps 1–5: reception (staff, or the public page's
filing), household, documents, the «incomplete» list and its SMS, referral and research,
the declaration, the committee's meetings, agenda and decisions. Steps 6–7, the decision
notice and the appeal are written by part B's modules (support.delivery, support.notices)
through the same REQUEST_WORKFLOW."""

from django.utils.translation import gettext_lazy

from core.workflow import Workflow

from .errors import SupportRequestError
from .models import RequestTransition

REQUEST_WORKFLOW = Workflow(
    audit=RequestTransition,
    error=SupportRequestError,
    stale_message=gettext_lazy(
        "This support request is no longer at this step: someone took it already. "
        "The page shows where it is now."
    ),
)

HANDLE = "support.handle_request"
RESEARCH = "support.research_request"
MANAGE_COMMITTEE = "support.manage_committee"
DECIDE = "support.decide_request"
