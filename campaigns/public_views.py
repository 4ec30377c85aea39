"""The advertising agency's upload page (step 3): no account, only the signed and expiring
link the CRM manager's request sent it. A tampered, expired or closed link shows why in
Arabic and stores nothing."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from . import services
from .errors import AgencyLinkError, CampaignError
from .forms import ProposalUploadForm

UPLOAD_RATE = "20/h"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="agency:upload", key="ip", rate=UPLOAD_RATE, method="POST", block=False)
def agency_upload(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    try:
        campaign = services.campaign_from_agency_token(token)
    except AgencyLinkError as error:
        # The page explains why; a refused sending is a 403, opening the link reads it.
        return render(
            request,
            "campaigns/public/agency_upload.html",
            {"refusal": str(error)},
            status=403 if request.method == "POST" else 200,
        )
    form = ProposalUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many uploads from your connection. Try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                proposal = services.proposal_upload_by_agency(
                    token=token,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    note=form.cleaned_data["note"],
                )
            except AgencyLinkError as error:
                return render(
                    request,
                    "campaigns/public/agency_upload.html",
                    {"refusal": str(error)},
                    status=403,
                )
            except CampaignError as error:
                form.add_error("file", str(error))
            else:
                url = (
                    reverse("agency:upload")
                    + "?"
                    + urlencode({"t": token, "sent": str(proposal.version)})
                )
                return redirect(url)
    sent = request.GET.get("sent", "")
    return render(
        request,
        "campaigns/public/agency_upload.html",
        {
            "campaign": campaign,
            "form": form,
            "sent": sent if sent.isdigit() else "",
            "proposals": campaign.proposals.filter(by_agency=True).order_by("version"),
        },
        status=status,
    )
