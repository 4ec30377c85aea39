"""The apps' URLs come from their AppConfigs (urls = {prefix: urlconf}); crm_site/urls.py
includes them. The paths and names are those written by hand before the registry."""

import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

JOB = uuid.UUID("12345678-1234-5678-1234-567812345678")

PATHS_BEFORE_THE_REGISTRY = {
    # The site's own pages.
    ("home", ()): "/",
    ("login", ()): "/accounts/login/",
    ("set_language", ()): "/i18n/setlang/",
    ("healthz", ()): "/healthz",
    ("admin:index", ()): "/admin/",
    ("admin:customers_customer_changelist", ()): "/admin/customers/customer/",
    # core
    ("core:job_detail", (JOB,)): f"/jobs/{JOB}/",
    ("core:job_status", (JOB,)): f"/jobs/{JOB}/status/",
    # customers
    ("customers:list", ()): "/customers/",
    ("customers:lookup", ()): "/customers/lookup/",
    ("customers:detail", (7,)): "/customers/7/",
    ("customers:steward", ()): "/customers/steward/",
    ("customers:request_new", ()): "/customers/forms/new/",
    ("customers:request_detail", (3,)): "/customers/forms/3/",
    ("customers:request_action", (3, "approve")): "/customers/forms/3/approve/",
    ("customers:export_xlsx", ()): "/customers/export.xlsx",
    ("customers:import_preview", (JOB,)): f"/customers/import/{JOB}/",
    ("customers:statistics_xlsx", ()): "/customers/statistics/xlsx/",
    # programmes
    ("programmes:list", ()): "/programmes/",
    ("programmes:create", ()): "/programmes/new/",
    ("programmes:edit", (4,)): "/programmes/4/edit/",
    ("programmes:cycle_handover", ()): "/programmes/cycles/hand-over/",
    ("programmes:cycle_review", (2,)): "/programmes/cycles/2/review/",
    ("programmes:proposal_answer", (5, "accept")): "/programmes/proposals/5/answer/accept/",
    # opportunities
    ("opportunities:detail", (9,)): "/opportunities/9/",
    ("opportunities:correct", (9,)): "/opportunities/9/edit/",
    ("opportunities:log_contact", (9,)): "/opportunities/9/contacts/",
    ("opportunities:designation_detail", (1,)): "/opportunities/designations/1/",
    ("opportunities:donor_contact_request", (6,)): "/opportunities/donors/6/contacts/request/",
    ("opportunities:problem_detail", (2,)): "/opportunities/problems/2/",
    ("opportunities:donation_import", ()): "/opportunities/donations/import/",
    # finance (the donation pages, where they were before the app)
    ("finance:donation_list", ()): "/opportunities/donations/",
    ("finance:donations_unmatched", ()): "/opportunities/donations/unmatched/",
    ("finance:donation_match", (5,)): "/opportunities/donations/5/match/",
    ("finance:donation_unmatch", (5,)): "/opportunities/donations/5/unmatch/",
    # complaints, staff pages and the public's
    ("complaints:list", ()): "/complaints/",
    ("complaints:action", (11, "close")): "/complaints/11/close/",
    ("complaints:export", ()): "/complaints/export/",
    ("complaints:faq_edit", (3,)): "/complaints/faq/3/edit/",
    ("complaints:recurring", ()): "/complaints/recurring/",
    ("complaints:solution_monitor", (1,)): "/complaints/recurring/solutions/1/monitor/",
    ("complaints:register_reviews", ()): "/complaints/register-reviews/",
    ("public:index", ()): "/public/",
    ("public:file", ()): "/public/cases/new/",
    ("public:track", ()): "/public/cases/track/",
    ("public:faq", ()): "/public/faq/",
    # reports
    ("reports:pdf", (8,)): "/reports/8/pdf/",
    ("reports:decide", (8,)): "/reports/8/decide/",
    ("reports:status", (8,)): "/reports/8/status/",
    # links: the public short link and the staff's pages
    ("shortlink:follow", ("Ab3dE9",)): "/c/Ab3dE9",
    ("links:list", ()): "/links/",
    ("links:detail", (3,)): "/links/3/",
    ("links:poster", (3,)): "/links/3/poster.pdf",
    # messaging: the public unsubscribe page of a message's link
    ("unsubscribe:page", ("a1:b2",)): "/u/a1:b2/",
    # messaging: the SMS gateway's webhooks
    ("hooks:sms_delivery", ()): "/hooks/sms/delivery/",
    ("hooks:sms_inbound_token", ("t0k",)): "/hooks/sms/inbound/t0k/",
    # messaging: the e-mail provider's tracking webhook (django-anymail)
    ("email_hooks:postmark_tracking_webhook", ()): "/hooks/email/postmark/tracking/",
    # messaging: the staff's pages
    ("messaging:message_list", ()): "/messaging/",
    ("messaging:message_create", ()): "/messaging/new/",
    ("messaging:message_detail", (4,)): "/messaging/4/",
    ("messaging:message_step", (4, "approve")): "/messaging/4/step/approve/",
    ("messaging:message_test_send", (4,)): "/messaging/4/test/",
    ("messaging:message_progress", (4,)): "/messaging/4/progress/",
    ("messaging:audience", ()): "/messaging/audience/",
    ("messaging:segment_list", ()): "/messaging/segments/",
    ("messaging:segment_create", ()): "/messaging/segments/new/",
    ("messaging:segment_detail", (2,)): "/messaging/segments/2/",
    ("messaging:segment_edit", (2,)): "/messaging/segments/2/edit/",
    # survey follow-up: beside the surveys' own pages
    ("survey_analysis:round_analysis", (5,)): "/surveys/5/analysis/",
    ("survey_analysis:document_download", (5, "results")): "/surveys/5/documents/results/",
    ("survey_analysis:action_detail", (3,)): "/surveys/treatment-steps/3/",
    ("survey_analysis:story_list", ()): "/surveys/success-stories/",
    ("survey_analysis:story_detail", (2,)): "/surveys/success-stories/2/",
    # beneficiary support requests (issue 17): the staff's pages and the committee
    ("support:request_list", ()): "/support/",
    ("support:request_detail", (4,)): "/support/4/",
    ("support:documents", (4,)): "/support/4/documents/",
    ("support:research", (4,)): "/support/4/research/",
    ("support:meeting_list", ()): "/support/committee/",
    ("support:meeting_detail", (2,)): "/support/committee/2/",
    ("support:minutes_pdf", (2,)): "/support/committee/2/minutes.pdf",
    # the manual (issue 18): its documents, versions, sections, search and reading access
    ("manual:index", ()): "/manual/",
    ("manual:search", ()): "/manual/search/",
    ("manual:access", ()): "/manual/access/",
    ("manual:access_decide", (3,)): "/manual/access/3/decide/",
    ("manual:delegation_create", ()): "/manual/delegations/new/",
    ("manual:document", ("crm",)): "/manual/crm/",
    ("manual:access_request", ("crm",)): "/manual/crm/access/",
    ("manual:section", ("crm", "5.1.6")): "/manual/crm/section/5.1.6/",
    ("manual:section", ("crm", "5.2-1")): "/manual/crm/section/5.2-1/",
    ("manual:version", ("crm", 1)): "/manual/crm/v/1/",
    ("manual:version_pdf", ("crm", 1)): "/manual/crm/v/1/pdf/",
    ("manual:draft_start", ("crm",)): "/manual/crm/drafts/new/",
    ("manual:section_edit", ("crm", 2, "5.1.6")): "/manual/crm/v/2/section/5.1.6/edit/",
    ("manual:change_add", ("crm", 2)): "/manual/crm/v/2/changes/new/",
    ("manual:version_submit", ("crm", 2)): "/manual/crm/v/2/submit/",
    ("manual:version_approve", ("crm", 2)): "/manual/crm/v/2/approve/",
}


@pytest.mark.parametrize(("name", "args"), list(PATHS_BEFORE_THE_REGISTRY))
def test_every_name_reverses_to_the_same_path(name, args):
    assert reverse(name, args=args) == PATHS_BEFORE_THE_REGISTRY[name, args]


def test_each_project_app_declares_its_own_prefixes():
    declared = [
        (prefix, urlconf)
        for config in apps.get_app_configs()
        if config.name in settings.PROJECT_APPS
        for prefix, urlconf in getattr(config, "urls", {}).items()
    ]
    # Finance's donation pages kept the /opportunities/ paths they had before the app.
    assert declared == [
        ("jobs/", "core.urls"),
        ("manual/", "manual.urls"),
        ("customers/", "customers.urls"),
        ("u/", "messaging.urls_public"),
        ("hooks/", "messaging.urls_hooks"),
        ("hooks/email/", "messaging.urls_email_hooks"),
        ("messaging/", "messaging.urls"),
        ("programmes/", "programmes.urls"),
        ("opportunities/", "finance.urls"),
        ("opportunities/", "opportunities.urls"),
        ("complaints/", "complaints.urls"),
        ("public/", "complaints.urls_public"),
        ("reports/", "reports.urls"),
        ("c/", "links.urls_public"),
        ("links/", "links.urls"),
        ("campaigns/", "campaigns.urls"),
        ("agency/", "campaigns.urls_public"),
        ("surveys/", "surveys.urls"),
        ("public/surveys/", "surveys.urls_public"),
        ("surveys/", "survey_analysis.urls"),
        ("support/", "support.urls"),
        ("public/support/", "support.urls_public"),
    ]
