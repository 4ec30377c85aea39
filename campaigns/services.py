"""Every write of the campaigns app: the annual plan and its coordination (3.1.8), and a
campaign's procedure steps 1–6 («الحملات التسويقية»). Each function checks its permission
first, runs in a transaction and takes its step through core.workflow."""

import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core.permissions import require
from core.uploads import DOCUMENT_KINDS, JPEG, PNG, UploadError, check_uploaded_file
from core.workflow import Workflow
from customers.models import Customer, CustomerKind
from links.errors import LinkError
from links.models import TrackedLink
from links.services import link_create
from links.targets import check_target

from .errors import AgencyLinkError, CampaignError, PlanError
from .models import (
    CAMPAIGN_RELATIONS,
    DEFAULT_PLACEMENT_TARGET,
    EDITABLE_PLAN_STATES,
    Campaign,
    CampaignState,
    CampaignTransition,
    Channel,
    Department,
    LaunchEvidence,
    MarketingPlan,
    Placement,
    PlanCoordination,
    PlanState,
    PlanTransition,
    Proposal,
    plan_allows_launch,
)
from .selectors import departments_of

# Deadlines. The seed gives the agency "one to two weeks" for its proposals and the CRM
# manager as long to evaluate them: two working weeks each. The steps "on need" get the
# house's decision times: a week for the departments' coordination notes and three working
# days for each decision of the association's management.
COORDINATION_WORKING_DAYS = 5
DECISION_WORKING_DAYS = 3
PROPOSALS_WORKING_DAYS = 10
EVALUATION_WORKING_DAYS = 10

# The agency's upload link: signed, valid three weeks (the two weeks of the request and a
# margin for a late sender); a new request or the end of the step closes it earlier.
AGENCY_LINK_SALT = "campaigns.agency-upload"
AGENCY_LINK_MAX_AGE = 21 * 24 * 3600
PROPOSAL_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_BYTES = 8 * 1024 * 1024

PLAN_WORKFLOW = Workflow(
    audit=PlanTransition,
    error=PlanError,
    stale_message=gettext_lazy("The plan is no longer at this step. Reload the page."),
)
CAMPAIGN_WORKFLOW = Workflow(
    audit=CampaignTransition,
    error=CampaignError,
    stale_message=gettext_lazy("The campaign is no longer at this step. Reload the page."),
)

# The permissions of the procedures' steps.
PLAN_EDIT = "campaigns.change_marketingplan"
PLAN_DECIDE = "campaigns.approve_marketingplan"
MANAGE = "campaigns.manage_campaign"
DECIDE = "campaigns.approve_campaign"

PLAN_FIELDS = ("title", "objectives", "strategic_goals", "promotion_plans", "timing")


def _locked_plan(plan: MarketingPlan) -> MarketingPlan:
    return MarketingPlan.objects.select_for_update().get(pk=plan.pk)


def _locked_campaign(campaign: Campaign) -> Campaign:
    # The plan is read by the launch guard: select_related keeps it one query.
    return (
        Campaign.objects.select_for_update(of=("self",)).select_related("plan").get(pk=campaign.pk)
    )


def _reason(text: str, error: type[Exception], message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise error(message)
    return text


Record = TypeVar("Record", MarketingPlan, Campaign)
# Each record's workflow and the way it is locked for a step.
_PROCEDURES: dict[type[models.Model], tuple[Workflow, Callable[[Any], Any]]] = {
    MarketingPlan: (PLAN_WORKFLOW, _locked_plan),
    Campaign: (CAMPAIGN_WORKFLOW, _locked_campaign),
}


def _step(
    record: Record,
    step: str,
    *,
    actor: User,
    permission: str,
    due: int | Callable[[Record], datetime] | None,
    note: str = "",
    reason_missing: str | None = None,
    reason_field: str | None = None,
    fields: Mapping[str, Any] | None = None,
    check: Callable[[Record], None] | None = None,
    then: Callable[[Record], None] | None = None,
) -> Record:
    """One step of the plan's or a campaign's procedure, in this order:
    - `require(actor, permission)`;
    - a step that must say why (`reason_missing`: the message when the note is empty) gets
      its note stripped, and kept in `reason_field` too when given;
    - in one transaction: the record locked; `check(record)`, the step's own rules with
      their messages, on the locked record; the workflow's step with `fields` and the new
      deadline `due` (working days from now, `due(record)`, or None for none); then
      `then(record)`, what the step starts in the same transaction.
    The workflow refuses a step the record is no longer at with its stale message."""
    workflow, lock = _PROCEDURES[type(record)]
    require(actor, permission)
    values = dict(fields or {})
    if reason_missing is not None:
        note = _reason(note, workflow.error, reason_missing)
        if reason_field is not None:
            values[reason_field] = note
    with transaction.atomic():
        locked: Record = lock(record)
        if check is not None:
            check(locked)
        if isinstance(due, int):
            values["due_at"] = working_deadline(timezone.now(), due)
        else:
            values["due_at"] = None if due is None else due(locked)
        workflow.take_step(locked, step, actor=actor, note=note, fields=values)
        if then is not None:
            then(locked)
    return locked


# --- the annual plan ----------------------------------------------------------------------


def plan_create(*, actor: User, year: int, **fields: Any) -> MarketingPlan:
    require(actor, "campaigns.add_marketingplan")
    if MarketingPlan.objects.filter(year=year).exists():
        raise PlanError(_("There is already a plan for %(year)s.") % {"year": year})
    try:
        with transaction.atomic():
            plan = MarketingPlan.objects.create(
                year=year, created_by=actor, **{k: fields.get(k, "") for k in PLAN_FIELDS}
            )
            PLAN_WORKFLOW.record_event(plan, actor=actor, note=_("Plan prepared."))
    except IntegrityError as error:
        raise PlanError(_("There is already a plan for %(year)s.") % {"year": year}) from error
    return plan


def plan_update(*, plan: MarketingPlan, actor: User, **fields: Any) -> MarketingPlan:
    require(actor, PLAN_EDIT)
    with transaction.atomic():
        plan = _locked_plan(plan)
        if plan.state not in EDITABLE_PLAN_STATES:
            raise PlanError(_("A plan submitted to management or approved can no longer change."))
        for name in PLAN_FIELDS:
            if name in fields:
                setattr(plan, name, fields[name])
        plan.save(update_fields=[name for name in PLAN_FIELDS if name in fields])
    return plan


def plan_send_for_coordination(*, plan: MarketingPlan, actor: User, note: str = "") -> None:
    _step(
        plan,
        "send_for_coordination",
        actor=actor,
        permission=PLAN_EDIT,
        note=note,
        due=COORDINATION_WORKING_DAYS,
        fields={"return_reason": ""},
    )


def plan_coordinate(
    *, plan: MarketingPlan, actor: User, department: str, verdict: str, note: str = ""
) -> PlanCoordination:
    """A department's note on the plan (3.1.8); recorded again replaces its earlier note
    while the plan is in coordination."""
    require(actor, "campaigns.coordinate_marketingplan")
    if department not in departments_of(actor):
        raise PlanError(_("You do not record the notes of this department."))
    if verdict == "comments" and not note.strip():
        raise PlanError(_("Write the department's comments."))
    with transaction.atomic():
        plan = _locked_plan(plan)
        if plan.state != PlanState.COORDINATION:
            raise PlanError(_("The plan is not in coordination."))
        coordination, _created = PlanCoordination.objects.update_or_create(
            plan=plan,
            department=department,
            defaults={
                "verdict": verdict,
                "note": note.strip(),
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        PLAN_WORKFLOW.record_event(
            plan,
            actor=actor,
            note=f"{Department(department).label} · {coordination.get_verdict_display()}"
            + (f": {note.strip()}" if note.strip() else ""),
        )
    return coordination


def _coordinated(plan: MarketingPlan) -> None:
    missing = set(Department.values) - set(plan.coordinations.values_list("department", flat=True))
    if plan.state == PlanState.COORDINATION and missing:
        raise PlanError(
            _("Awaiting the notes of: %(departments)s.")
            % {"departments": "، ".join(str(Department(code).label) for code in missing)}
        )


def plan_submit(*, plan: MarketingPlan, actor: User, note: str = "") -> None:
    _step(
        plan,
        "submit",
        actor=actor,
        permission=PLAN_EDIT,
        note=note,
        due=DECISION_WORKING_DAYS,
        check=_coordinated,
    )


def plan_approve(*, plan: MarketingPlan, actor: User, note: str = "") -> None:
    _step(
        plan,
        "approve",
        actor=actor,
        permission=PLAN_DECIDE,
        note=note,
        due=None,
        fields={"decided_by": actor, "decided_at": timezone.now()},
    )


def plan_return(*, plan: MarketingPlan, actor: User, reason: str) -> None:
    _step(
        plan,
        "return_plan",
        actor=actor,
        permission=PLAN_DECIDE,
        note=reason,
        reason_missing=_("Write why the plan is returned."),
        reason_field="return_reason",
        due=None,
        fields={"decided_by": actor, "decided_at": timezone.now()},
    )


# --- campaigns: preparation ---------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "title",
    "objectives",
    "starts_on",
    "ends_on",
    "budget",
    "customer_kinds",
    "target_reach",
    "target_visits",
    "target_new_customers",
    "target_support_requests",
    "target_donations",
    "target_opportunities",
    "channels",
    "channel_notes",
    "adhoc_reason",
)


def _check_campaign(plan: MarketingPlan | None, values: dict[str, Any]) -> None:
    if plan is None and not (values.get("adhoc_reason") or "").strip():
        raise CampaignError(
            _("A campaign outside the annual plan needs the reason it is needed now.")
        )
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        raise CampaignError(_("The campaign cannot end before it starts."))
    if plan is not None and isinstance(starts, date) and starts.year != plan.year:
        raise CampaignError(
            _("A campaign of the %(year)s plan starts in %(year)s.") % {"year": plan.year}
        )


def _set_relations(campaign: Campaign, values: dict[str, Any]) -> None:
    for name in CAMPAIGN_RELATIONS:
        if name in values:
            getattr(campaign, name).set(values[name] or [])


def campaign_create(*, actor: User, plan: MarketingPlan | None, **values: Any) -> Campaign:
    require(actor, "campaigns.add_campaign")
    _check_campaign(plan, values)
    if plan is not None:
        values["adhoc_reason"] = ""  # a campaign of the plan needs no reason
    with transaction.atomic():
        campaign = Campaign.objects.create(
            plan=plan,
            created_by=actor,
            **{name: values[name] for name in CAMPAIGN_FIELDS if name in values},
        )
        _set_relations(campaign, values)
        CAMPAIGN_WORKFLOW.record_event(campaign, actor=actor, note=_("Campaign prepared."))
    return campaign


def campaign_update(*, campaign: Campaign, actor: User, **values: Any) -> Campaign:
    """Change the campaign while its channels are not submitted (a draft or returned)."""
    require(actor, "campaigns.change_campaign")
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        if campaign.state != CampaignState.DRAFT:
            raise CampaignError(_("Only a campaign whose channels are not submitted can change."))
        _check_campaign(campaign.plan, {**{"adhoc_reason": campaign.adhoc_reason}, **values})
        fields = [name for name in CAMPAIGN_FIELDS if name in values]
        for name in fields:
            setattr(campaign, name, values[name])
        campaign.save(update_fields=fields)
        _set_relations(campaign, values)
    return campaign


# --- campaigns: the procedure -------------------------------------------------------------


def _has_channels(campaign: Campaign) -> None:
    if campaign.state == CampaignState.DRAFT and not campaign.channels:
        raise CampaignError(_("Choose the campaign's channels first."))


def campaign_submit_channels(*, campaign: Campaign, actor: User, note: str = "") -> None:
    """Step 1: the CRM manager submits the chosen channels (and, for an ad hoc campaign, its
    reason) to the association's management."""
    _step(
        campaign,
        "submit_channels",
        actor=actor,
        permission=MANAGE,
        note=note,
        due=DECISION_WORKING_DAYS,
        fields={"return_reason": ""},
        check=_has_channels,
    )


def campaign_approve_channels(*, campaign: Campaign, actor: User, note: str = "") -> None:
    _step(campaign, "approve_channels", actor=actor, permission=DECIDE, note=note, due=None)


def campaign_return_channels(*, campaign: Campaign, actor: User, reason: str) -> None:
    _step(
        campaign,
        "return_channels",
        actor=actor,
        permission=DECIDE,
        note=reason,
        reason_missing=_("Write why the channels are returned."),
        reason_field="return_reason",
        due=None,
    )


def _check_agency(agency: Customer | None) -> None:
    if agency is None or agency.kind != CustomerKind.OTHER or not agency.is_active:
        raise CampaignError(_("Choose the advertising agency among the customers of type Other."))


def campaign_request_proposals(
    *, campaign: Campaign, actor: User, agency: Customer | None, requirements: str
) -> None:
    """Step 2: the requirements discussed with the agency and its proposals requested, due
    in two working weeks; the agency gets a private upload link by email."""
    from .tasks import send_agency_link

    now = timezone.now()
    _step(
        campaign,
        "request_proposals",
        actor=actor,
        permission=MANAGE,
        note=requirements,
        reason_missing=_("Write the requirements discussed with the agency."),
        reason_field="requirements",
        due=lambda _campaign: working_deadline(now, PROPOSALS_WORKING_DAYS),
        fields={
            "agency": agency,
            "proposals_requested_at": now,
            "agency_link_nonce": secrets.token_hex(8),
        },
        check=lambda _campaign: _check_agency(agency),
        then=lambda campaign: send_agency_link.delay_on_commit(campaign.pk),
    )


def agency_token(campaign: Campaign) -> str:
    """The signed value of the agency's upload link for the current request."""
    signer = signing.TimestampSigner(salt=AGENCY_LINK_SALT)
    return signer.sign(f"{campaign.pk}:{campaign.agency_link_nonce}")


def campaign_from_agency_token(token: str) -> Campaign:
    """The campaign the link opens, or AgencyLinkError saying why it no longer does."""
    signer = signing.TimestampSigner(salt=AGENCY_LINK_SALT)
    try:
        value = signer.unsign(token or "", max_age=AGENCY_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise AgencyLinkError(
            _("This upload link has expired. Ask the association for a new one.")
        ) from error
    except signing.BadSignature as error:
        raise AgencyLinkError(
            _("This upload link is not valid. Check that it was copied in full.")
        ) from error
    pk, _sep, nonce = value.partition(":")
    campaign = (
        Campaign.objects.select_related("agency").filter(pk=int(pk)).first()
        if pk.isdigit()
        else None
    )
    if (
        campaign is None
        or not nonce
        or campaign.agency_link_nonce != nonce
        or campaign.state != CampaignState.PROPOSALS_REQUESTED
    ):
        raise AgencyLinkError(
            _(
                "This upload link is closed: the association is no longer receiving "
                "proposals through it."
            )
        )
    return campaign


def _checked_proposal_file(upload: File) -> str:
    kind = check_uploaded_file(
        upload,
        max_bytes=PROPOSAL_MAX_BYTES,
        allowed=DOCUMENT_KINDS,
        wrong_content=_("%(name)s is not a PDF, JPEG or PNG file."),
        too_large=_("%(name)s is larger than %(limit)s."),
    )
    return str(kind.mime)


def _add_proposal(
    campaign: Campaign, upload: File, *, title: str, note: str, actor: User | None
) -> Proposal:
    try:
        content_type = _checked_proposal_file(upload)
    except UploadError as error:
        raise CampaignError(str(error)) from error
    title = (title or "").strip() or _("Proposals")
    previous = campaign.proposals.aggregate(last=Max("version"))["last"] or 0
    proposal = Proposal(
        campaign=campaign,
        version=previous + 1,
        title=title[:200],
        content_type=content_type,
        size=upload.size or 0,
        note=(note or "").strip(),
        uploaded_by=actor,
        by_agency=actor is None,
    )
    proposal.file.save(upload.name or "proposal", upload, save=False)
    proposal.save()
    if previous == 0:
        # The first proposals arrived: the clock is now the CRM manager's evaluation.
        campaign.due_at = working_deadline(timezone.now(), EVALUATION_WORKING_DAYS)
        campaign.save(update_fields=["due_at"])
    return proposal


def proposal_upload(
    *, campaign: Campaign, actor: User, upload: File, title: str = "", note: str = ""
) -> Proposal:
    """Step 3 by CRM staff: a new version of the agency's proposals."""
    require(actor, "campaigns.add_proposal")
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        if campaign.state != CampaignState.PROPOSALS_REQUESTED:
            raise CampaignError(_("Proposals are received only while they are awaited."))
        proposal = _add_proposal(campaign, upload, title=title, note=note, actor=actor)
        CAMPAIGN_WORKFLOW.record_event(
            campaign,
            actor=actor,
            note=_("Proposals uploaded (version %(version)s).") % {"version": proposal.version},
        )
    return proposal


def proposal_upload_by_agency(
    *, token: str, upload: File, title: str = "", note: str = ""
) -> Proposal:
    """Step 3 by the agency itself, through its signed link; nothing is stored when the link
    is refused."""
    with transaction.atomic():
        campaign = _locked_campaign(campaign_from_agency_token(token))
        # Checked again under the lock: the step may have closed since.
        campaign_from_agency_token(token)
        proposal = _add_proposal(campaign, upload, title=title, note=note, actor=None)
        CAMPAIGN_WORKFLOW.record_event(
            campaign,
            actor=campaign.created_by,
            note=_("Proposals sent by the agency %(agency)s (version %(version)s).")
            % {
                "agency": campaign.agency.name if campaign.agency else "",
                "version": proposal.version,
            },
        )
    return proposal


def campaign_choose_proposal(
    *,
    campaign: Campaign,
    actor: User,
    proposal: Proposal | None,
    evaluation: str,
    more_advertising_needed: bool = False,
) -> None:
    """Step 4: the CRM manager evaluates the proposals (is more advertising needed?) and
    chooses one."""

    def one_of_its_proposals(campaign: Campaign) -> None:
        if proposal is None or proposal.campaign_id != campaign.pk:
            raise CampaignError(_("Choose one of this campaign's proposals."))

    _step(
        campaign,
        "choose_proposal",
        actor=actor,
        permission=MANAGE,
        note=evaluation,
        reason_missing=_("Write the evaluation of the proposals."),
        reason_field="evaluation",
        due=None,
        fields={"chosen_proposal": proposal, "more_advertising_needed": more_advertising_needed},
        check=one_of_its_proposals,
    )


def placement_add(
    *,
    campaign: Campaign,
    actor: User,
    channel: str,
    location: str,
    starts_on: date,
    ends_on: date,
    cost: Decimal,
    proposal: Proposal | None = None,
    target: str = DEFAULT_PLACEMENT_TARGET,
) -> Placement:
    """Step 5: one line of the advertising programme, while the programme is being defined.
    `target` is checked now with the links app's rule, so approval never meets a target its
    link would refuse."""
    require(actor, MANAGE)
    if ends_on < starts_on:
        raise CampaignError(_("A placement cannot end before it starts."))
    try:
        target = check_target(target)
    except ValidationError as error:
        raise CampaignError(" ".join(error.messages)) from None
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        if campaign.state != CampaignState.PROPOSAL_CHOSEN:
            raise CampaignError(
                _("Placements are added once a proposal is chosen, before approval.")
            )
        if proposal is not None and proposal.campaign_id != campaign.pk:
            raise CampaignError(_("Choose one of this campaign's proposals."))
        return Placement.objects.create(
            campaign=campaign,
            channel=channel,
            location=location.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            cost=cost,
            proposal=proposal,
            target=target,
            added_by=actor,
        )


def placement_remove(*, placement: Placement, actor: User) -> None:
    require(actor, MANAGE)
    with transaction.atomic():
        campaign = _locked_campaign(placement.campaign)
        if campaign.state != CampaignState.PROPOSAL_CHOSEN:
            raise CampaignError(_("An approved or submitted programme keeps its placements."))
        Placement.objects.filter(pk=placement.pk).delete()


def _has_placements(campaign: Campaign) -> None:
    if campaign.state == CampaignState.PROPOSAL_CHOSEN and not campaign.placements.exists():
        raise CampaignError(_("Add the programme's placements first."))


def campaign_submit_programme(*, campaign: Campaign, actor: User, note: str = "") -> None:
    _step(
        campaign,
        "submit_programme",
        actor=actor,
        permission=MANAGE,
        note=note,
        due=DECISION_WORKING_DAYS,
        fields={"return_reason": ""},
        check=_has_placements,
    )


def _launch_due(campaign: Campaign) -> datetime:
    first = campaign.placements.order_by("starts_on").values_list("starts_on", flat=True).first()
    day = max(first or campaign.starts_on, timezone.localdate())
    return working_deadline(timezone.make_aware(datetime.combine(day, datetime.min.time())), 0)


def _plan_approved(campaign: Campaign) -> None:
    if campaign.state == CampaignState.PROGRAMME_SUBMITTED and not plan_allows_launch(campaign):
        raise CampaignError(_("The campaign's annual plan is not approved yet."))


def campaign_approve_programme(*, campaign: Campaign, actor: User, note: str = "") -> None:
    _step(
        campaign,
        "approve_programme",
        actor=actor,
        permission=DECIDE,
        note=note,
        due=_launch_due,
        check=_plan_approved,
        then=_link_placements,
    )


# utm_medium of each channel: the kind of medium, as analytics tools group it.
_CHANNEL_MEDIUM = {
    Channel.WEBSITE: "web",
    Channel.E_CAMPAIGN: "email",
    Channel.SMS: "sms",
    Channel.EMAIL: "email",
    Channel.LEAFLETS: "print",
    Channel.BILLBOARDS: "outdoor",
    Channel.SOCIAL: "social",
    Channel.EVENTS: "event",
}


def _link_placements(campaign: Campaign) -> None:
    """A tracked link for every placement of the approved programme that has none, in the
    approval's transaction.

    The links are made in the name of the campaign's preparer (the CRM manager, who holds
    links.add_trackedlink), not of the approver: association management approves the
    programme but is given no right to make links of its own, and each link's "created by"
    names the person who defined its placement. A preparer who no longer holds that right
    stops the approval with a clear message, and nothing is written."""
    preparer = campaign.created_by
    if not preparer.has_perm("links.add_trackedlink"):
        raise CampaignError(
            _(
                "The campaign's preparer (%(name)s) may no longer make tracked links, so the "
                "placements cannot get theirs."
            )
            % {"name": preparer.get_full_name() or preparer.get_username()}
        )
    placements = list(campaign.placements.order_by("pk"))
    linked = set(
        TrackedLink.objects.filter(
            owner_type=ContentType.objects.get_for_model(Placement),
            owner_id__in=[placement.pk for placement in placements],
        ).values_list("owner_id", flat=True)
    )
    for placement in placements:
        if placement.pk in linked:
            continue
        try:
            link_create(
                actor=preparer,
                label=f"{campaign.title} · {placement.get_channel_display()} · "
                f"{placement.location}"[:200],
                target=placement.target,
                owner=placement,
                utm_source=placement.channel,
                utm_medium=_CHANNEL_MEDIUM.get(Channel(placement.channel), placement.channel),
                utm_campaign=str(campaign.pk),
                utm_content=str(placement.pk),
            )
        except LinkError as error:
            raise CampaignError(
                _("The placement “%(placement)s” could not get its link: %(error)s")
                % {"placement": placement, "error": error}
            ) from None


def campaign_return_programme(*, campaign: Campaign, actor: User, reason: str) -> None:
    _step(
        campaign,
        "return_programme",
        actor=actor,
        permission=DECIDE,
        note=reason,
        reason_missing=_("Write why the programme is returned."),
        reason_field="return_reason",
        due=None,
    )


def _checked_photo(upload: File) -> None:
    try:
        check_uploaded_file(
            upload,
            max_bytes=PHOTO_MAX_BYTES,
            allowed=(JPEG, PNG),
            wrong_content=_("%(name)s is not a JPEG or PNG photo."),
        )
    except UploadError as error:
        raise CampaignError(str(error)) from error


def evidence_add(
    *, campaign: Campaign, actor: User, photo: File | None = None, url: str = "", note: str = ""
) -> LaunchEvidence:
    """A photo of a billboard or a link to a post, once the programme is approved."""
    require(actor, "campaigns.add_launchevidence")
    if photo is None and not url:
        raise CampaignError(_("Attach a photo or give a link."))
    if photo is not None:
        _checked_photo(photo)
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        if campaign.state not in (CampaignState.PROGRAMME_APPROVED, CampaignState.LAUNCHED):
            raise CampaignError(_("Launch evidence is recorded once the programme is approved."))
        evidence = LaunchEvidence(campaign=campaign, url=url, note=note.strip(), added_by=actor)
        if photo is not None:
            evidence.photo.save(photo.name or "photo", photo, save=False)
        evidence.save()
    return evidence


def campaign_launch(*, campaign: Campaign, actor: User, launched_on: date, note: str = "") -> None:
    """Step 6: the launch recorded with its date; the evidence is added before or after."""

    def ready_to_launch(campaign: Campaign) -> None:
        if campaign.state == CampaignState.PROGRAMME_APPROVED:
            if not plan_allows_launch(campaign):
                raise CampaignError(_("The campaign's annual plan is not approved yet."))
            if not campaign.evidence.exists():
                raise CampaignError(
                    _("Add the launch evidence first: a photo of a billboard or a link to a post.")
                )
        if launched_on > timezone.localdate():
            raise CampaignError(_("The launch date cannot be in the future."))

    _step(
        campaign,
        "launch",
        actor=actor,
        permission=MANAGE,
        note=note,
        due=None,
        fields={"launched_on": launched_on},
        check=ready_to_launch,
    )


def campaign_cancel(*, campaign: Campaign, actor: User, reason: str) -> None:
    _step(
        campaign,
        "cancel",
        actor=actor,
        permission=MANAGE,
        note=reason,
        reason_missing=_("Write why the campaign is cancelled."),
        reason_field="cancel_reason",
        due=None,
    )
