"""Who may do what, written by hand from the manual as the README summarises it (its "Demo
logins" table and each pillar's section): per URL, the roles allowed to GET and to POST.
Nothing here is computed from the code.

Every other principal is refused:
- the anonymous visitor is sent to the login page;
- a signed-in user without the right gets 403, except where the page hides that the object
  exists from someone who may use the page but not see this object (`hidden`: 404);
- `soft`: the role reaches the action's service, which refuses it with a message and a
  redirect (a state rule, four eyes, not their turn): still nothing changes.
A method the URL does not serve gets 405 for every signed-in user.

Object names in `args` are keys of the world (tests/permissions/world.py).
"""

from dataclasses import dataclass, field

from association.roles import (
    ADMIN_AFFAIRS_DIRECTOR,
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COMMITTEE_MEMBER,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    DATA_STEWARD,
    DEPUTY_STEWARD,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    QUALITY_OFFICER,
    RESEARCH_OFFICER,
    RESOURCE_DEVELOPMENT,
)
from messaging import urls_email_hooks as email_hooks
from tests.permissions.world import NO_ROLE

EVERY_ROLE = frozenset(
    {
        CRM_STAFF,
        CRM_MANAGER,
        CENTRES_STAFF,
        CENTRES_MANAGER,
        QUALITY_OFFICER,
        DATA_STEWARD,
        DEPUTY_STEWARD,
        MANAGEMENT,
        PLANNING_DIRECTOR,
        RESOURCE_DEVELOPMENT,
        COUNCIL_SECRETARY,
    }
)
# The two roles of the support requests (seed 003) work only there: the other pillars'
# pages treat them as any role without the right (403, or 404 where a page hides its object).
SUPPORT_ONLY = frozenset({RESEARCH_OFFICER, COMMITTEE_MEMBER})
# The director of administrative affairs (the manual's 12-month reviews, 1.10) reads the
# manual and nothing of the pillars: treated as the support roles are.
OUTSIDE_PILLARS = SUPPORT_ONLY | {ADMIN_AFFAIRS_DIRECTOR}
# Any signed-in user, a user holding no role included.
SIGNED_IN = "signed in"
# The URL does not answer this method (405 to every signed-in user).
NOT_SERVED = None

CRM = frozenset({CRM_STAFF, CRM_MANAGER})
CENTRES = frozenset({CENTRES_STAFF, CENTRES_MANAGER})
STEWARDS = frozenset({DATA_STEWARD, DEPUTY_STEWARD})
# 6.2: CRM staff prepare and file the form, the manager approves, the steward enters.
FORM_READERS = CRM | STEWARDS
# Those who export the customer database: the CRM department and the association's
# management (not resource development, not the stewards).
CUSTOMER_EXPORTERS = CRM | {MANAGEMENT}
# The portfolio is kept by strategic planning and the CRM manager.
PORTFOLIO_KEEPERS = frozenset({CRM_MANAGER, PLANNING_DIRECTOR})
CYCLE_READERS = CRM | {MANAGEMENT, PLANNING_DIRECTOR, RESOURCE_DEVELOPMENT}
PROPOSAL_READERS = CRM | {MANAGEMENT, PLANNING_DIRECTOR}
# Opportunities, donor contacts, donations and points of contact are read by the CRM
# department, management, planning, resource development and the sub-council secretary.
FUNDING_READERS = CRM | {MANAGEMENT, PLANNING_DIRECTOR, RESOURCE_DEVELOPMENT, COUNCIL_SECRETARY}
DONOR_CONTACTERS = CRM | {RESOURCE_DEVELOPMENT}
# Contact with another's donor is approved by the CRM manager, resource development and the
# sub-council secretary (3.1.21).
CONTACT_APPROVERS = frozenset({CRM_MANAGER, RESOURCE_DEVELOPMENT, COUNCIL_SECRETARY})
PROBLEM_READERS = CRM | {MANAGEMENT, RESOURCE_DEVELOPMENT}
# Tracked links and their QR codes: the CRM department reads them, its manager makes them.
LINK_READERS = CRM
PROBLEM_RAISERS = CRM | {RESOURCE_DEVELOPMENT}
# Complaints (manual 5): the CRM and centres-affairs departments handle them, the quality
# officer reads every case.
CASE_HANDLERS = CRM | CENTRES
CASE_READERS = CASE_HANDLERS | {QUALITY_OFFICER}
DEPARTMENT_MANAGERS = frozenset({CRM_MANAGER, CENTRES_MANAGER})
ANALYSIS_READERS = DEPARTMENT_MANAGERS | {QUALITY_OFFICER, PLANNING_DIRECTOR, COUNCIL_SECRETARY}
RECOMMENDATION_READERS = DEPARTMENT_MANAGERS | {QUALITY_OFFICER, COUNCIL_SECRETARY}
REPORT_PRODUCERS = CASE_HANDLERS | {QUALITY_OFFICER}
REPORT_READERS = EVERY_ROLE - STEWARDS
# The monthly performance report is read by the departments that prepare and review it, the
# secretary who decides on it and management (not planning, not resource development).
PERFORMANCE_READERS = REPORT_PRODUCERS | {COUNCIL_SECRETARY, MANAGEMENT}
REPORT_ARCHIVERS = REPORT_PRODUCERS | {PLANNING_DIRECTOR}
# Campaigns (3.1.1-3.1.10): the CRM department works them, management approves, the
# departments that coordinate the plan read it all.
CAMPAIGN_READERS = CRM | {MANAGEMENT, PLANNING_DIRECTOR, CENTRES_MANAGER, RESOURCE_DEVELOPMENT}
# Satisfaction surveys (3.1.16-3.1.19): the quality officer prepares, collects and analyses;
# the department managers review; management decides; CRM and centres-affairs staff type
# paper forms in.
SURVEY_READERS = CRM | CENTRES | {QUALITY_OFFICER, MANAGEMENT}
PAPER_ENTERERS = CRM | CENTRES | {QUALITY_OFFICER}
# The manual (1.4): every manager and the CRM staff read it.
MANUAL_READERS = CRM | {
    CENTRES_MANAGER,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    COUNCIL_SECRETARY,
    ADMIN_AFFAIRS_DIRECTOR,
}
# Pages that hide their object from those who may not read it answer them 404.
NOT_ANALYSIS_READERS = (EVERY_ROLE - ANALYSIS_READERS) | OUTSIDE_PILLARS | {NO_ROLE}
NOT_RECOMMENDATION_READERS = (
    (EVERY_ROLE - RECOMMENDATION_READERS - {CRM_STAFF}) | OUTSIDE_PILLARS | {NO_ROLE}
)
# Survey follow-up (3.1.16-3.1.19): the quality officer analyses, the managers review and treat
# the weak points, management decides; success stories are read by the CRM department, the
# quality officer, management and resource development.
SURVEY_ANALYSTS = DEPARTMENT_MANAGERS | {QUALITY_OFFICER, MANAGEMENT}
SURVEY_PRODUCERS = DEPARTMENT_MANAGERS | {QUALITY_OFFICER}
STORY_WRITERS = CRM | {QUALITY_OFFICER}
STORY_READERS = STORY_WRITERS | {MANAGEMENT, RESOURCE_DEVELOPMENT}
# Beneficiary support requests (seed 003): CRM and centres-affairs staff receive them (the
# centres' staff only their centres'), the social research officer researches, the research
# committee decides, the research officer and the centres-affairs manager keep the meetings,
# management reads.
SUPPORT_RECEPTION = CRM | CENTRES
SUPPORT_READERS = SUPPORT_RECEPTION | {RESEARCH_OFFICER, COMMITTEE_MEMBER, MANAGEMENT}
COMMITTEE_KEEPERS = frozenset({RESEARCH_OFFICER, CENTRES_MANAGER})
MEETING_READERS = COMMITTEE_KEEPERS | {COMMITTEE_MEMBER, MANAGEMENT}


@dataclass(frozen=True)
class Row:
    url_name: str
    args: dict = field(default_factory=dict)
    get: object = NOT_SERVED
    post: object = NOT_SERVED
    hidden: frozenset = frozenset()
    soft: frozenset = frozenset()
    query: str = ""
    label: str = ""

    @property
    def id(self):
        return self.label or self.url_name


def row(url_name, args=None, *, get=NOT_SERVED, post=NOT_SERVED, **options):
    return Row(
        url_name,
        args or {},
        frozenset(get) if isinstance(get, frozenset | set) else get,
        frozenset(post) if isinstance(post, frozenset | set) else post,
        **options,
    )


# Pages anyone may open without signing in: not part of the role table.
PUBLIC = {
    "login": "GET",
    "set_language": "POST",
    "healthz": "GET",
    "public:index": "GET",
    "public:file": "GET",
    "public:filed": "GET",
    "public:track": "GET",
    "public:faq": "GET",
    # The advertising agency's upload page: its signed link, no account.
    "agency:upload": "GET",
    # A tracked short link (/c/<code>): redirects anyone to its target.
    "shortlink:follow": "GET",
    # A message's one-click unsubscribe page (/u/<signed token>/): asks, then withdraws by
    # POST (tests/messaging/test_unsubscribe.py).
    "unsubscribe:page": "GET",
    # The SMS gateway's webhooks (/hooks/sms/…, CSRF-exempt): POST only, proven by the body's
    # signature or by the token in the path; an unproven call gets 403 and changes nothing
    # (tests/messaging/test_webhooks.py). Not pages: the sweep does not visit them.
    "hooks:sms_delivery": "signed POST",
    "hooks:sms_delivery_token": "signed POST",
    "hooks:sms_inbound": "signed POST",
    "hooks:sms_inbound_token": "signed POST",
    # The e-mail provider's tracking webhooks (django-anymail, one per provider, CSRF-exempt):
    # POST only, proven by HTTP basic auth with ANYMAIL's WEBHOOK_SECRET, refused (403)
    # without one (tests/messaging/test_email_tracking.py).
    **{f"email_hooks:{pattern.name}": "basic-auth POST" for pattern in email_hooks.urlpatterns},
    # The satisfaction survey's answer pages: a centre's link or QR code, a personal
    # invitation, the thank-you page (tests/surveys/test_public.py).
    "surveys_public:answer": "GET",
    "surveys_public:invitation": "GET",
    "surveys_public:thanks": "GET",
    # The online support request, its thank-you page and its status page
    # (tests/support/test_public_pages.py).
    "support_public:request_new": "GET",
    "support_public:thanks": "GET",
    "support_public:status": "GET",
}

TABLE = [
    # --- the site ------------------------------------------------------------------------
    row("home", get=SIGNED_IN),
    row("logout", post=SIGNED_IN),
    row("password_change", get=SIGNED_IN, post=SIGNED_IN),
    row("password_change_done", get=SIGNED_IN),
    # Background jobs: only their owner (the job belongs to CRM staff).
    row(
        "core:job_detail",
        {"pk": "job_customers"},
        get={CRM_STAFF},
        hidden=EVERY_ROLE | OUTSIDE_PILLARS | {NO_ROLE},
    ),
    row(
        "core:job_status",
        {"pk": "job_customers"},
        get={CRM_STAFF},
        hidden=EVERY_ROLE | OUTSIDE_PILLARS | {NO_ROLE},
    ),
    # --- customers (manual 6) -------------------------------------------------------------
    row("customers:list", get=EVERY_ROLE),
    # The suggestions of the customer lookup fields: JSON, scoped like the list.
    row("customers:lookup", get=EVERY_ROLE),
    # Centres-affairs staff and their manager read only their centres' beneficiaries.
    row(
        "customers:detail",
        {"pk": "donor"},
        get=EVERY_ROLE - CENTRES,
        hidden=CENTRES,
        label="customers:detail donor",
    ),
    row(
        "customers:detail",
        {"pk": "beneficiary_own_centre"},
        get=EVERY_ROLE,
        label="customers:detail own centre",
    ),
    row(
        "customers:detail",
        {"pk": "beneficiary_other_centre"},
        get=EVERY_ROLE - CENTRES,
        hidden=CENTRES,
        label="customers:detail other centre",
    ),
    row("customers:request_modify", {"pk": "donor"}, get=CRM, post=CRM, hidden=CENTRES),
    row("customers:request_new", get=CRM, post=CRM),
    row("customers:request_list", get=FORM_READERS),
    row("customers:request_detail", {"pk": "form_submitted"}, get=FORM_READERS),
    row("customers:request_pdf", {"pk": "form_submitted"}, get=FORM_READERS),
    # Only the CRM manager approves (the form was prepared by CRM staff).
    row(
        "customers:request_action",
        {"pk": "form_submitted", "action": "approve"},
        post={CRM_MANAGER},
        label="customers:request_action approve",
    ),
    # The steward enters; the deputy only while the steward is marked absent.
    row(
        "customers:request_action",
        {"pk": "form_approved", "action": "enter"},
        post={DATA_STEWARD},
        label="customers:request_action enter",
    ),
    row("customers:steward", get={CRM_MANAGER} | STEWARDS, post={CRM_MANAGER}),
    row("customers:export_xlsx", get=CUSTOMER_EXPORTERS),
    row("customers:export_csv", get=CUSTOMER_EXPORTERS),
    row("customers:import", get=CRM, post=CRM),
    # The dry run belongs to the CRM employee who started it.
    row("customers:import_preview", {"pk": "job_customers"}, get={CRM_STAFF}, hidden={CRM_MANAGER}),
    row("customers:import_confirm", post=CRM),
    row("customers:statistics", get=EVERY_ROLE),
    row("customers:statistics_xlsx", get=EVERY_ROLE),
    # --- programmes and the portfolio -------------------------------------------------------
    row("programmes:list", get=EVERY_ROLE),
    row("programmes:detail", {"pk": "programme"}, get=EVERY_ROLE),
    row("programmes:create", get=PORTFOLIO_KEEPERS, post=PORTFOLIO_KEEPERS),
    row("programmes:edit", {"pk": "programme"}, get=PORTFOLIO_KEEPERS, post=PORTFOLIO_KEEPERS),
    row("programmes:import", get=PORTFOLIO_KEEPERS, post=PORTFOLIO_KEEPERS),
    row(
        "programmes:import_preview",
        {"pk": "job_programmes"},
        get={CRM_MANAGER},
        hidden={PLANNING_DIRECTOR},
    ),
    row("programmes:import_confirm", post=PORTFOLIO_KEEPERS),
    row("programmes:import_template", get=PORTFOLIO_KEEPERS),
    row("programmes:cycle_list", get=CYCLE_READERS),
    row("programmes:cycle_handover", get={PLANNING_DIRECTOR}, post={PLANNING_DIRECTOR}),
    row("programmes:cycle_detail", {"pk": "cycle"}, get=CYCLE_READERS),
    # Steps 1-2 of "خلق الفرص": the CRM manager reviews the cycle and identifies donors.
    row("programmes:cycle_review", {"pk": "cycle"}, post={CRM_MANAGER}),
    row("programmes:cycle_donors", {"pk": "cycle", "entry_pk": "cycle_entry"}, post={CRM_MANAGER}),
    row("programmes:cycle_identify", {"pk": "cycle"}, post={CRM_MANAGER}),
    # Step 3-4: an opportunity seeded from an identified cycle, by whoever documents them.
    row(
        "programmes:cycle_seed",
        {"pk": "identified_cycle", "entry_pk": "identified_entry"},
        post=CRM,
    ),
    row("programmes:proposal_list", get=PROPOSAL_READERS),
    row("programmes:proposal_create", get=CRM, post=CRM),
    row("programmes:proposal_detail", {"pk": "proposal"}, get=PROPOSAL_READERS),
    row(
        "programmes:proposal_answer",
        {"pk": "proposal", "answer": "accept"},
        post={PLANNING_DIRECTOR},
    ),
    row(
        "programmes:proposal_create_programme", {"pk": "accepted_proposal"}, post=PORTFOLIO_KEEPERS
    ),
    row("programmes:proposal_link_programme", {"pk": "accepted_proposal"}, post=PORTFOLIO_KEEPERS),
    # --- opportunities (3.1.11-3.1.21) ------------------------------------------------------
    row("opportunities:board", get=FUNDING_READERS),
    row("opportunities:list", get=FUNDING_READERS),
    row("opportunities:create", get=CRM, post=CRM),
    row("opportunities:detail", {"pk": "opportunity"}, get=FUNDING_READERS),
    row("opportunities:log_contact", {"pk": "opportunity"}, post=DONOR_CONTACTERS),
    row("opportunities:update_probability", {"pk": "opportunity"}, post=CRM),
    row("opportunities:add_donor", {"pk": "opportunity"}, post=CRM),
    # Its owner (the demo's CRM employee) or the CRM manager corrects an opportunity.
    row("opportunities:correct", {"pk": "opportunity"}, get=CRM, post=CRM),
    # The signed pledge: those who work opportunities (not management, planning), and the
    # sub-council secretary while a contact with the pledging donor awaits her decision.
    row(
        "opportunities:pledge_file",
        {"pk": "opportunity"},
        get=DONOR_CONTACTERS | {COUNCIL_SECRETARY},
    ),
    # Only the CRM manager moves an opportunity (step 5-6).
    row("opportunities:move", {"pk": "opportunity", "transition": "cancel"}, post={CRM_MANAGER}),
    row("opportunities:contacts_pending", get=CONTACT_APPROVERS),
    row("opportunities:contact_detail", {"pk": "contact_awaiting"}, get=FUNDING_READERS),
    # Only the one who asked (in the demo, resource development) records the contact made.
    row(
        "opportunities:contact_made",
        {"pk": "contact_awaiting"},
        post={RESOURCE_DEVELOPMENT},
    ),
    row(
        "opportunities:contact_decide",
        {"pk": "contact_awaiting", "decision": "approve"},
        post=CONTACT_APPROVERS,
    ),
    row(
        "opportunities:donor_contact_request",
        {"pk": "donor"},
        get=DONOR_CONTACTERS,
        post=DONOR_CONTACTERS,
    ),
    row(
        "opportunities:designation_propose",
        {"pk": "donor"},
        get=DONOR_CONTACTERS,
        post=DONOR_CONTACTERS,
    ),
    row("opportunities:designation_list", get=FUNDING_READERS),
    row("opportunities:designation_detail", {"pk": "designation_proposed"}, get=FUNDING_READERS),
    # The sub-council secretary approves a donor's point of contact.
    row(
        "opportunities:designation_decide",
        {"pk": "designation_proposed", "decision": "approve"},
        post={COUNCIL_SECRETARY},
    ),
    row("opportunities:donor_interests", {"pk": "donor"}, get=FUNDING_READERS, post=CRM),
    row(
        "opportunities:donor_contact_new",
        {"pk": "donor"},
        get=DONOR_CONTACTERS,
        post=DONOR_CONTACTERS,
    ),
    # --- tracked links and QR codes (issue 14) -----------------------------------------------
    row("links:list", get=LINK_READERS),
    row("links:create", get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("links:detail", {"pk": "tracked_link"}, get=LINK_READERS),
    row("links:edit", {"pk": "tracked_link"}, get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("links:qr_svg", {"pk": "tracked_link"}, get=LINK_READERS),
    row("links:qr_png", {"pk": "tracked_link"}, get=LINK_READERS),
    row("links:poster", {"pk": "tracked_link"}, get=LINK_READERS),
    row("finance:donation_list", get=FUNDING_READERS),
    # Finance donations are imported and matched by the CRM manager.
    row("opportunities:donation_import", get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("opportunities:donation_import_preview", {"pk": "job_opportunities"}, get={CRM_MANAGER}),
    row("opportunities:donation_import_confirm", post={CRM_MANAGER}),
    row("finance:donations_unmatched", get={CRM_MANAGER}),
    row("finance:donation_match", {"pk": "donation"}, post={CRM_MANAGER}),
    row("finance:donation_unmatch", {"pk": "donation"}, get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("opportunities:problem_list", get=PROBLEM_READERS),
    row("opportunities:problem_create", get=PROBLEM_RAISERS, post=PROBLEM_RAISERS),
    row("opportunities:problem_detail", {"pk": "problem"}, get=PROBLEM_READERS),
    row("opportunities:problem_add_action", {"pk": "problem"}, post={CRM_MANAGER}),
    row("opportunities:problem_resolve", {"pk": "problem"}, post={CRM_MANAGER}),
    row("opportunities:problem_assign", {"pk": "problem"}, post={CRM_MANAGER}),
    # --- complaints, inquiries and suggestions (manual 5) -----------------------------------
    row("complaints:list", get=CASE_READERS),
    row("complaints:new", get=CASE_HANDLERS, post=CASE_HANDLERS),
    row("complaints:export", get=CASE_READERS),
    # Each department its own queue; the centres-affairs employee only their centres.
    row(
        "complaints:detail",
        {"pk": "crm_case"},
        get=CRM | {QUALITY_OFFICER},
        hidden=CENTRES,
        label="complaints:detail CRM case",
    ),
    row(
        "complaints:detail",
        {"pk": "own_centre_case"},
        get=CENTRES | {QUALITY_OFFICER},
        hidden=CRM,
        label="complaints:detail own centre",
    ),
    row(
        "complaints:detail",
        {"pk": "other_centre_case"},
        get={CENTRES_MANAGER, QUALITY_OFFICER},
        hidden=CRM | {CENTRES_STAFF},
        label="complaints:detail other centre",
    ),
    row(
        "complaints:action",
        {"pk": "crm_case", "action": "promise_callback"},
        post=CRM,
        hidden=CENTRES,
        label="complaints:action CRM case",
    ),
    row(
        "complaints:action",
        {"pk": "other_centre_case", "action": "promise_callback"},
        post={CENTRES_MANAGER},
        hidden=CRM | {CENTRES_STAFF},
        label="complaints:action other centre",
    ),
    row("complaints:attachment", {"pk": "attachment"}, get=CRM | {QUALITY_OFFICER}, hidden=CENTRES),
    row("complaints:faq_list", get=CASE_READERS),
    row("complaints:faq_new", get=CASE_READERS, post=CASE_READERS),
    row("complaints:faq_detail", {"pk": "faq_proposed"}, get=CASE_READERS),
    # A proposal is edited by its proposer (the demo's CRM employee) or a publishing manager.
    row(
        "complaints:faq_edit",
        {"pk": "faq_proposed"},
        get={CRM_STAFF} | DEPARTMENT_MANAGERS,
        post={CRM_STAFF} | DEPARTMENT_MANAGERS,
    ),
    # 5.1.10 with four eyes: the demo answer was edited by the CRM manager, so the
    # centres-affairs manager publishes it.
    row(
        "complaints:faq_action",
        {"pk": "faq_proposed", "action": "publish"},
        post={CENTRES_MANAGER},
        soft={CRM_MANAGER},
    ),
    row("complaints:recurring", get=ANALYSIS_READERS),
    row("complaints:recurring_detail", get=ANALYSIS_READERS, post={QUALITY_OFFICER}, query="group"),
    row("complaints:solution_new", post={QUALITY_OFFICER}),
    # A solution is read by the analysis' readers and its owner (the centres-affairs manager
    # in the demo), hidden from anyone else; the owner reports progress, the quality officer
    # judges it and edits the plan.
    row(
        "complaints:solution_detail",
        {"pk": "solution"},
        get=ANALYSIS_READERS,
        hidden=NOT_ANALYSIS_READERS,
    ),
    row(
        "complaints:solution_monitor",
        {"pk": "solution"},
        post={QUALITY_OFFICER, CENTRES_MANAGER},
        hidden=NOT_ANALYSIS_READERS,
    ),
    row(
        "complaints:solution_edit",
        {"pk": "solution"},
        get={QUALITY_OFFICER},
        post={QUALITY_OFFICER},
        hidden=NOT_ANALYSIS_READERS,
    ),
    # Owners of a recommendation (the demo's CRM employee owns the one awaiting the
    # secretary) read their own.
    row("complaints:recommendations", get=RECOMMENDATION_READERS | {CRM_STAFF}),
    row("complaints:recommendation_new", get=DEPARTMENT_MANAGERS, post=DEPARTMENT_MANAGERS),
    row(
        "complaints:recommendation_detail",
        {"pk": "recommendation"},
        get=RECOMMENDATION_READERS | {CRM_STAFF},
        hidden=NOT_RECOMMENDATION_READERS,
    ),
    # Step 9: the sub-council secretary decides on the recommendations.
    row(
        "complaints:recommendation_action",
        {"pk": "recommendation", "action": "approve"},
        post={COUNCIL_SECRETARY},
        hidden=NOT_RECOMMENDATION_READERS,
    ),
    row("complaints:register_reviews", get=RECOMMENDATION_READERS),
    # Step 8: each department manager reviews their own register weekly.
    row(
        "complaints:register_review",
        {"department": "crm", "week": "review_week"},
        get={CRM_MANAGER, QUALITY_OFFICER, COUNCIL_SECRETARY},
        post={CRM_MANAGER},
        hidden={CENTRES_MANAGER},
    ),
    # --- reports (3.1.15, 5.1.11-5.1.12) ----------------------------------------------------
    row("reports:list", get=REPORT_READERS),
    row("reports:produce", get=REPORT_PRODUCERS, post=REPORT_PRODUCERS),
    row(
        "reports:detail",
        {"pk": "report_monthly_performance"},
        get=PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:status",
        {"pk": "report_monthly_performance"},
        get=PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:pdf",
        {"pk": "report_monthly_performance"},
        get=PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:xlsx",
        {"pk": "report_monthly_performance"},
        get=PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:retry",
        {"pk": "report_monthly_performance"},
        post=REPORT_PRODUCERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:review",
        {"pk": "report_monthly_performance"},
        post=DEPARTMENT_MANAGERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:review_pdf",
        {"pk": "report_monthly_performance"},
        get=PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:decide",
        {"pk": "report_monthly_performance"},
        post={COUNCIL_SECRETARY},
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:archive",
        {"pk": "report_monthly_performance"},
        post=REPORT_ARCHIVERS & PERFORMANCE_READERS,
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    row(
        "reports:recommendation_decide",
        {
            "pk": "report_monthly_performance",
            "recommendation_pk": "recommendation",
            "decision": "approve",
        },
        post={COUNCIL_SECRETARY},
        hidden=REPORT_READERS - PERFORMANCE_READERS,
    ),
    # --- campaigns (3.1.1-3.1.10) ------------------------------------------------------------
    # An empty POST: a form sent back, or the service refusing a step the record is not at.
    row("campaigns:plan_list", get=CAMPAIGN_READERS),
    row("campaigns:plan_create", get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("campaigns:plan_detail", {"pk": "plan"}, get=CAMPAIGN_READERS),
    row("campaigns:plan_calendar", {"pk": "plan"}, get=CAMPAIGN_READERS),
    row("campaigns:plan_edit", {"pk": "plan"}, get={CRM_MANAGER}, post=set(), soft={CRM_MANAGER}),
    row(
        "campaigns:plan_coordinate",
        {"pk": "plan"},
        post=set(),
        soft={PLANNING_DIRECTOR, CENTRES_MANAGER, RESOURCE_DEVELOPMENT},
    ),
    row("campaigns:plan_step", {"pk": "plan", "action": "approve"}, post=set(), soft={MANAGEMENT}),
    row("campaigns:campaign_list", get=CAMPAIGN_READERS),
    row("campaigns:campaign_create", get={CRM_MANAGER}, post={CRM_MANAGER}),
    row("campaigns:campaign_detail", {"pk": "campaign_waiting"}, get=CAMPAIGN_READERS),
    row(
        "campaigns:campaign_edit",
        {"pk": "campaign_waiting"},
        get={CRM_MANAGER},
        post=set(),
        soft={CRM_MANAGER},
    ),
    row("campaigns:campaign_evaluation", {"pk": "campaign_launched"}, get=CAMPAIGN_READERS),
    row(
        "campaigns:campaign_evaluation",
        {"pk": "campaign_waiting"},
        get=CAMPAIGN_READERS,
        label="campaigns:campaign_evaluation (before the launch)",
    ),
    row("campaigns:brief_pdf", {"pk": "campaign_waiting"}, get=CAMPAIGN_READERS),
    row(
        "campaigns:campaign_step",
        {"pk": "campaign_waiting", "action": "choose_proposal"},
        post=set(),
        soft={CRM_MANAGER},
    ),
    row("campaigns:proposal_upload", {"pk": "campaign_waiting"}, post=set(), soft=CRM),
    row(
        "campaigns:proposal_file",
        {"pk": "campaign_waiting", "version": 1},
        get=CAMPAIGN_READERS,
    ),
    row("campaigns:placement_add", {"pk": "campaign_launched"}, post=set(), soft={CRM_MANAGER}),
    row(
        "campaigns:placement_remove",
        {"pk": "campaign_launched", "placement_pk": "placement"},
        post=set(),
        soft={CRM_MANAGER},
    ),
    row("campaigns:evidence_add", {"pk": "campaign_launched"}, post=set(), soft=CRM),
    row(
        "campaigns:evidence_photo",
        {"pk": "campaign_launched", "evidence_pk": "evidence"},
        get=CAMPAIGN_READERS,
    ),
    # --- messaging (issue 15; 3.1.7): the CRM department; its manager approves --------------
    row("messaging:message_list", get=CRM),
    row("messaging:message_create", get=CRM, post=CRM),
    row("messaging:message_detail", {"pk": "message_draft"}, get=CRM),
    row("messaging:message_progress", {"pk": "message_draft"}, get=CRM),
    # Approving: the manager, never the writer (CRM staff here: refused with a message).
    row(
        "messaging:message_step",
        {"pk": "message_awaiting", "action": "approve"},
        post={CRM_MANAGER},
        soft={CRM_STAFF},
    ),
    # A test to oneself: sent, or refused with a message when the person has no mobile.
    row("messaging:message_test_send", {"pk": "message_draft"}, post=CRM),
    row("messaging:audience", get=CRM, query="audience"),
    row("messaging:segment_list", get=CRM),
    row("messaging:segment_create", get=CRM, post=CRM),
    row("messaging:segment_detail", {"pk": "segment"}, get=CRM),
    row("messaging:segment_edit", {"pk": "segment"}, get=CRM, post=CRM),
    # --- satisfaction surveys (3.1.16-3.1.19) ---------------------------------------------
    # The demo round collects answers: an empty POST is a form sent back, or a step the
    # round is not at (refused with a message).
    row("surveys:round_list", get=SURVEY_READERS),
    row("surveys:round_create", get={QUALITY_OFFICER}, post={QUALITY_OFFICER}),
    row("surveys:round_detail", {"pk": "survey_round"}, get=SURVEY_READERS),
    row(
        "surveys:round_edit",
        {"pk": "survey_round"},
        get={QUALITY_OFFICER},
        post=set(),
        soft={QUALITY_OFFICER},
    ),
    row(
        "surveys:round_step",
        {"pk": "survey_round", "action": "decide"},
        post=set(),
        soft={MANAGEMENT},
    ),
    row(
        "surveys:version_revise",
        {"pk": "survey_round"},
        get={QUALITY_OFFICER},
        post=set(),
        soft={QUALITY_OFFICER},
    ),
    row(
        "surveys:paper_entry",
        {"pk": "survey_round"},
        get=PAPER_ENTERERS,
        post=set(),
        soft=PAPER_ENTERERS,
    ),
    row(
        "surveys:invitations",
        {"pk": "survey_round"},
        get={QUALITY_OFFICER},
        post=set(),
        soft={QUALITY_OFFICER},
    ),
    row(
        "surveys:poster",
        {"pk": "survey_round", "centre_pk": "survey_centre"},
        get=SURVEY_READERS,
    ),
    # --- survey follow-up (issue 16; 3.1.16-3.1.19): analysis, steps 4-8, stories -----------
    row("survey_analysis:round_analysis", {"pk": "survey_round_analysing"}, get=SURVEY_ANALYSTS),
    row("survey_analysis:findings_save", {"pk": "survey_round_analysing"}, post={QUALITY_OFFICER}),
    row("survey_analysis:action_add", {"pk": "survey_round_treatment"}, post=DEPARTMENT_MANAGERS),
    row("survey_analysis:decision_save", {"pk": "survey_round_decision"}, post={MANAGEMENT}),
    # The results report of a round without findings: the producers are told why, no job.
    row(
        "survey_analysis:document_produce",
        {"pk": "survey_round_analysing", "kind": "results"},
        post=SURVEY_PRODUCERS,
    ),
    row(
        "survey_analysis:document_download",
        {"pk": "survey_round_analysing", "kind": "answers"},
        get=SURVEY_ANALYSTS,
    ),
    row(
        "survey_analysis:donor_invitations",
        {"pk": "survey_round_donors"},
        get={CRM_MANAGER},
        post={CRM_MANAGER},
    ),
    # A treatment step owned by the centres-affairs manager: the owner and the managers mark it.
    row(
        "survey_analysis:action_detail",
        {"pk": "treatment_action"},
        get=SURVEY_ANALYSTS,
        post=DEPARTMENT_MANAGERS,
    ),
    row("survey_analysis:story_list", get=STORY_READERS),
    row("survey_analysis:story_create", get=STORY_WRITERS, post=STORY_WRITERS),
    row("survey_analysis:story_detail", {"pk": "success_story"}, get=STORY_READERS),
    row(
        "survey_analysis:story_step",
        {"pk": "success_story", "step": "approve"},
        post={CRM_MANAGER},
    ),
    # --- beneficiary support requests, steps 1-5 (issue 17, seed 003) --------------------
    # The demo's requests are in the demo centres-affairs employee's two centres (handled by
    # them); `support_other_centre` is in a centre nobody works in. An empty POST is a form
    # sent back (nothing written) unless the form has no required field.
    row("support:request_list", get=SUPPORT_READERS),
    row("support:request_create", get=SUPPORT_RECEPTION, post=SUPPORT_RECEPTION),
    row("support:request_detail", {"pk": "support_incomplete"}, get=SUPPORT_READERS),
    row(
        "support:request_detail",
        {"pk": "support_other_centre"},
        get=SUPPORT_READERS - {CENTRES_STAFF},
        hidden={CENTRES_STAFF},
        label="support:request_detail other centre",
    ),
    row(
        "support:request_step",
        {"pk": "support_incomplete", "action": "withdraw"},
        post=SUPPORT_RECEPTION | {RESEARCH_OFFICER},
    ),
    # The applicant's data as received are corrected by reception until the declaration.
    row(
        "support:request_correct",
        {"pk": "support_incomplete"},
        get=SUPPORT_RECEPTION,
        post=SUPPORT_RECEPTION,
    ),
    # The household is the handler's (the demo centres-affairs employee) and the confidential
    # readers' who also receive requests.
    row(
        "support:household_add",
        {"pk": "support_incomplete"},
        post={CENTRES_STAFF, CENTRES_MANAGER},
    ),
    row(
        "support:household_remove",
        {"pk": "support_incomplete", "member_pk": "support_member"},
        post={CENTRES_STAFF, CENTRES_MANAGER},
    ),
    row(
        "support:documents",
        {"pk": "support_incomplete"},
        get=SUPPORT_RECEPTION,
        post=SUPPORT_RECEPTION,
    ),
    row(
        "support:research",
        {"pk": "support_research"},
        get={RESEARCH_OFFICER},
        post={RESEARCH_OFFICER},
    ),
    row("support:declaration_pdf", {"pk": "support_awaiting"}, get=SUPPORT_RECEPTION),
    row("support:declaration_scan", {"pk": "support_ready"}, get=SUPPORT_READERS),
    row(
        "support:document_scan",
        {"pk": "support_incomplete", "check_pk": "support_document"},
        get=SUPPORT_READERS,
    ),
    row("support:meeting_list", get=MEETING_READERS),
    row("support:meeting_create", get=COMMITTEE_KEEPERS, post=COMMITTEE_KEEPERS),
    row("support:meeting_detail", {"pk": "meeting_planned"}, get=MEETING_READERS),
    row("support:meeting_add", {"pk": "meeting_planned"}, post=COMMITTEE_KEEPERS),
    row(
        "support:meeting_item_remove",
        {"pk": "meeting_planned", "item_pk": "agenda_pending"},
        post=COMMITTEE_KEEPERS,
    ),
    row(
        "support:agenda_decide",
        {"pk": "meeting_planned", "item_pk": "agenda_pending"},
        post={COMMITTEE_MEMBER},
    ),
    row("support:meeting_close", {"pk": "meeting_planned"}, post=COMMITTEE_KEEPERS),
    row("support:minutes_pdf", {"pk": "meeting_held"}, get=MEETING_READERS),
    # --- support requests, steps 6-7, the notice, the appeal, the statistics (part B) -----
    # Reception staff tell the decision, record the appeal, link the customer, record the
    # deliveries and close; registering through the customers' form needs the right to
    # prepare customer forms too (the CRM department). An empty POST is a form sent back.
    row(
        "support:register_applicant",
        {"pk": "support_accepted"},
        get=CRM,
        post=CRM,
    ),
    row("support:link_customer", {"pk": "support_in_service"}, post=SUPPORT_RECEPTION),
    row("support:delivery_add", {"pk": "support_in_service"}, post=SUPPORT_RECEPTION),
    row("support:notice_send", {"pk": "support_in_service"}, post=SUPPORT_RECEPTION),
    row("support:letter_pdf", {"pk": "support_in_service"}, get=SUPPORT_RECEPTION),
    row("support:appeal", {"pk": "support_in_service"}, post=SUPPORT_RECEPTION),
    row("support:close", {"pk": "support_in_service"}, post=SUPPORT_RECEPTION),
    row(
        "support:schedule_edit",
        {"pk": "support_schedule"},
        get=SUPPORT_RECEPTION,
        post=SUPPORT_RECEPTION,
    ),
    # Distribution days: centres-affairs staff run them in their centres; whoever records
    # deliveries records entries; an entry is removed by who runs the day.
    row("support:distribution_list", get=SUPPORT_RECEPTION),
    row("support:distribution_create", get=CENTRES, post=CENTRES),
    row(
        "support:distribution_detail",
        {"pk": "distribution_day"},
        get=SUPPORT_RECEPTION,
        post=SUPPORT_RECEPTION,
    ),
    row("support:distribution_close", {"pk": "distribution_day"}, post=CENTRES),
    row(
        "support:distribution_undo",
        {"pk": "distribution_day", "delivery_pk": "distribution_entry"},
        post=CENTRES,
    ),
    row("support:statistics", get={CRM_MANAGER, CENTRES_MANAGER, MANAGEMENT}),
    row("support:statistics_export", get={CRM_MANAGER, CENTRES_MANAGER, MANAGEMENT}),
    # The manual (issue 18, seed 000 section 1): every manager and the CRM staff read it
    # (1.4), any other staff member asks the controller (the manual's pages answer them 403
    # with the request form); the CRM manager is the controller (1.3) and delegates (1.6.2).
    row("manual:index", get=SIGNED_IN),
    row("manual:search", get=SIGNED_IN),
    row("manual:access_request", {"key": "crm"}, post=SIGNED_IN),
    row("manual:document", {"key": "crm"}, get=MANUAL_READERS),
    row("manual:section", {"key": "crm", "number": "5.1.6"}, get=MANUAL_READERS),
    row("manual:version", {"key": "crm", "serial": 1}, get=MANUAL_READERS),
    row("manual:version_pdf", {"key": "crm", "serial": 1}, get=MANUAL_READERS),
    row("manual:access", get={CRM_MANAGER}),
    row("manual:access_decide", {"pk": "manual_access_request"}, post={CRM_MANAGER}),
    row("manual:delegation_create", post={CRM_MANAGER}),
    # A new version (1.5): the controller prepares it (the world's CRM manual has a draft,
    # version 2), the sub-council secretary approves it (the policy's version 3, submitted).
    # A version not in force is hidden from the other readers.
    row(
        "manual:version",
        {"key": "crm", "serial": 2},
        get={CRM_MANAGER, COUNCIL_SECRETARY},
        hidden=MANUAL_READERS - {CRM_MANAGER, COUNCIL_SECRETARY},
        label="manual:version draft",
    ),
    row("manual:draft_start", {"key": "beneficiary-relations"}, post={CRM_MANAGER}),
    row(
        "manual:section_edit",
        {"key": "crm", "serial": 2, "number": "1.3"},
        get={CRM_MANAGER},
        post={CRM_MANAGER},
    ),
    row("manual:change_add", {"key": "crm", "serial": 2}, post={CRM_MANAGER}),
    row("manual:version_submit", {"key": "crm", "serial": 2}, post={CRM_MANAGER}),
    row(
        "manual:version_approve",
        {"key": "beneficiary-relations", "serial": 3},
        post={COUNCIL_SECRETARY},
    ),
]
