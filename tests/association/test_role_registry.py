"""Each app declares what the roles may do with its models (its roles.py, registered with
association.roles.register_grants). The groups must hold exactly what they held when every
grant was written in one table in association/roles.py: this snapshot was taken from the
groups of a freshly migrated database before the registry. (The donation permissions are
the same rows, now the finance app's: finance.0001_initial moved their content type.) The
tracked links app (links) came after, with its grants added here: CRM staff read links,
the CRM manager makes and edits them."""

import pytest
from django.contrib.auth.models import Group

from association import roles

pytestmark = pytest.mark.django_db

GRANTS_BEFORE_THE_REGISTRY = {
    roles.CRM_STAFF: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "complaints.add_case",
        "complaints.add_caseattachment",
        "complaints.add_faqentry",
        "complaints.change_case",
        "complaints.view_case",
        "complaints.view_faqentry",
        "customers.add_customerrequest",
        "customers.export_customer",
        "customers.file_customerrequest",
        "customers.view_customer",
        "customers.view_customerrequest",
        "opportunities.add_donorcontact",
        "opportunities.add_donorinterest",
        "opportunities.add_donorproblem",
        "opportunities.add_opportunity",
        "opportunities.add_pointofcontactdesignation",
        "opportunities.change_opportunity",
        "opportunities.delete_donorinterest",
        "finance.view_donation",
        "links.view_trackedlink",
        "opportunities.view_donorcontact",
        "opportunities.view_donorproblem",
        "opportunities.view_opportunity",
        "opportunities.view_pledge",
        "opportunities.view_pointofcontactdesignation",
        "programmes.add_programmeproposal",
        "programmes.view_portfoliocycle",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "programmes.view_programmeproposal",
        "reports.archive_report",
        "reports.produce_report",
        "reports.view_report",
    },
    roles.CRM_MANAGER: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "association.view_staffprofile",
        "complaints.add_case",
        "complaints.add_caseattachment",
        "complaints.add_faqentry",
        "complaints.add_recommendation",
        "complaints.add_registerreview",
        "complaints.change_case",
        "complaints.change_recommendation",
        "complaints.publish_faqentry",
        "complaints.view_case",
        "complaints.view_faqentry",
        "complaints.view_recommendation",
        "complaints.view_recurringgroupreview",
        "complaints.view_registerreview",
        "customers.add_customerrequest",
        "customers.approve_customerrequest",
        "customers.change_stewarddesignation",
        "customers.export_customer",
        "customers.file_customerrequest",
        "customers.view_customer",
        "customers.view_customerrequest",
        "customers.view_stewarddesignation",
        "finance.add_donation",
        "links.add_trackedlink",
        "links.change_trackedlink",
        "links.view_trackedlink",
        "opportunities.add_donorcontact",
        "opportunities.add_donorinterest",
        "opportunities.add_donorproblem",
        "opportunities.add_opportunity",
        "opportunities.add_pointofcontactdesignation",
        "opportunities.approve_donorcontact",
        "finance.change_donation",
        "opportunities.change_opportunity",
        "opportunities.delete_donorinterest",
        "opportunities.manage_donorproblem",
        "opportunities.move_opportunity",
        "finance.view_donation",
        "opportunities.view_donorcontact",
        "opportunities.view_donorproblem",
        "opportunities.view_opportunity",
        "opportunities.view_pledge",
        "opportunities.view_pointofcontactdesignation",
        "programmes.add_programme",
        "programmes.add_programmecategory",
        "programmes.add_programmeproposal",
        "programmes.change_programme",
        "programmes.review_portfoliocycle",
        "programmes.view_portfoliocycle",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "programmes.view_programmeproposal",
        "reports.archive_report",
        "reports.produce_report",
        "reports.review_report",
        "reports.view_report",
    },
    roles.CENTRES_STAFF: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "complaints.add_case",
        "complaints.add_caseattachment",
        "complaints.add_faqentry",
        "complaints.change_case",
        "complaints.view_case",
        "complaints.view_faqentry",
        "customers.view_customer",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "reports.archive_report",
        "reports.produce_report",
        "reports.view_report",
    },
    roles.CENTRES_MANAGER: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "association.view_staffprofile",
        "complaints.add_case",
        "complaints.add_caseattachment",
        "complaints.add_faqentry",
        "complaints.add_recommendation",
        "complaints.add_registerreview",
        "complaints.change_case",
        "complaints.change_recommendation",
        "complaints.publish_faqentry",
        "complaints.view_case",
        "complaints.view_faqentry",
        "complaints.view_recommendation",
        "complaints.view_recurringgroupreview",
        "complaints.view_registerreview",
        "customers.view_customer",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "reports.archive_report",
        "reports.produce_report",
        "reports.review_report",
        "reports.view_report",
    },
    roles.QUALITY_OFFICER: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "complaints.add_caseentry",
        "complaints.add_faqentry",
        "complaints.add_proposedsolution",
        "complaints.add_recurringgroupreview",
        "complaints.change_proposedsolution",
        "complaints.change_recurringgroupreview",
        "complaints.view_case",
        "complaints.view_faqentry",
        "complaints.view_recommendation",
        "complaints.view_recurringgroupreview",
        "complaints.view_registerreview",
        "customers.view_customer",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "reports.archive_report",
        "reports.produce_report",
        "reports.view_report",
    },
    roles.DATA_STEWARD: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "customers.enter_customerrequest",
        "customers.view_customer",
        "customers.view_customerrequest",
        "customers.view_stewarddesignation",
        "programmes.view_programme",
        "programmes.view_programmecategory",
    },
    roles.DEPUTY_STEWARD: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "customers.enter_customerrequest",
        "customers.view_customer",
        "customers.view_customerrequest",
        "customers.view_stewarddesignation",
        "programmes.view_programme",
        "programmes.view_programmecategory",
    },
    roles.MANAGEMENT: {
        "association.add_centre",
        "association.add_publicholiday",
        "association.change_centre",
        "association.change_publicholiday",
        "association.delete_publicholiday",
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "association.view_staffprofile",
        "customers.export_customer",
        "customers.view_customer",
        "finance.view_donation",
        "opportunities.view_donorcontact",
        "opportunities.view_donorproblem",
        "opportunities.view_opportunity",
        "opportunities.view_pointofcontactdesignation",
        "programmes.view_portfoliocycle",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "programmes.view_programmeproposal",
        "reports.view_report",
    },
    roles.PLANNING_DIRECTOR: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "complaints.view_recurringgroupreview",
        "customers.view_customer",
        "finance.view_donation",
        "opportunities.view_donorcontact",
        "opportunities.view_opportunity",
        "opportunities.view_pointofcontactdesignation",
        "programmes.add_portfoliocycle",
        "programmes.add_programme",
        "programmes.add_programmecategory",
        "programmes.answer_programmeproposal",
        "programmes.change_programme",
        "programmes.view_portfoliocycle",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "programmes.view_programmeproposal",
        "reports.archive_report",
        "reports.view_report",
    },
    roles.RESOURCE_DEVELOPMENT: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "customers.view_customer",
        "opportunities.add_donorcontact",
        "opportunities.add_donorproblem",
        "opportunities.add_pointofcontactdesignation",
        "opportunities.approve_donorcontact_resources",
        "finance.view_donation",
        "opportunities.view_donorcontact",
        "opportunities.view_donorproblem",
        "opportunities.view_opportunity",
        "opportunities.view_pledge",
        "opportunities.view_pointofcontactdesignation",
        "programmes.view_portfoliocycle",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "reports.view_report",
    },
    roles.COUNCIL_SECRETARY: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
        "complaints.decide_recommendation",
        "complaints.view_recommendation",
        "complaints.view_recurringgroupreview",
        "complaints.view_registerreview",
        "customers.view_customer",
        "opportunities.approve_donorcontact_secretary",
        "opportunities.approve_pointofcontactdesignation",
        "finance.view_donation",
        "opportunities.view_donorcontact",
        "opportunities.view_opportunity",
        "opportunities.view_pointofcontactdesignation",
        "programmes.view_programme",
        "programmes.view_programmecategory",
        "reports.decide_report",
        "reports.view_report",
    },
    # The two roles of the support requests (seed 003) read the association's structure.
    roles.RESEARCH_OFFICER: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
    },
    roles.COMMITTEE_MEMBER: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
    },  # The manual's 12-month reviews (issue 18, 1.10) read the association's structure.
    roles.ADMIN_AFFAIRS_DIRECTOR: {
        "association.view_centre",
        "association.view_city",
        "association.view_department",
        "association.view_publicholiday",
    },
}

# The campaigns app (campaigns/roles.py), written by hand: CRM staff upload proposals and
# launch evidence; the CRM manager prepares plans and campaigns and takes their steps;
# management approves; the departments that coordinate the plan read it and add their note.
_CAMPAIGN_READ = {"campaigns.view_marketingplan", "campaigns.view_campaign"}
_CAMPAIGN_STAFF = _CAMPAIGN_READ | {"campaigns.add_proposal", "campaigns.add_launchevidence"}
_CAMPAIGN_COORDINATE = _CAMPAIGN_READ | {"campaigns.coordinate_marketingplan"}
CAMPAIGN_GRANTS = {
    roles.CRM_STAFF: _CAMPAIGN_STAFF,
    roles.CRM_MANAGER: _CAMPAIGN_STAFF
    | {
        "campaigns.add_marketingplan",
        "campaigns.change_marketingplan",
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.manage_campaign",
    },
    roles.MANAGEMENT: _CAMPAIGN_READ
    | {"campaigns.approve_marketingplan", "campaigns.approve_campaign"},
    roles.PLANNING_DIRECTOR: _CAMPAIGN_COORDINATE,
    roles.CENTRES_MANAGER: _CAMPAIGN_COORDINATE,
    roles.RESOURCE_DEVELOPMENT: _CAMPAIGN_COORDINATE,
}
for _role, _granted_here in CAMPAIGN_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY[_role] | _granted_here

# The messaging app (messaging/roles.py), written by hand: the CRM department builds
# segments, writes and sends messages; its manager also approves marketing messages.
_MESSAGING_WRITE = {
    "messaging.view_segment",
    "messaging.add_segment",
    "messaging.change_segment",
    "messaging.view_message",
    "messaging.send_message",
}
MESSAGING_GRANTS = {
    roles.CRM_STAFF: _MESSAGING_WRITE,
    roles.CRM_MANAGER: _MESSAGING_WRITE | {"messaging.approve_message"},
}
for _role, _granted_here in MESSAGING_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY[_role] | _granted_here

# The surveys app (surveys/roles.py), written by hand: the quality officer prepares, collects
# and analyses; the department managers review (and see the presenter's figures); the CRM
# manager surveys the donors; management decides; CRM and centres staff type paper forms.
_SURVEY_READ = {"surveys.view_round"}
_SURVEY_PAPER = _SURVEY_READ | {"surveys.enter_paper_response"}
_SURVEY_REVIEW = _SURVEY_READ | {"surveys.review_round", "surveys.view_presenter_figures"}
SURVEY_GRANTS = {
    roles.QUALITY_OFFICER: _SURVEY_PAPER | {"surveys.add_round", "surveys.prepare_round"},
    roles.CRM_MANAGER: _SURVEY_REVIEW | {"surveys.enter_paper_response", "surveys.survey_donors"},
    roles.CENTRES_MANAGER: _SURVEY_REVIEW | {"surveys.enter_paper_response"},
    roles.MANAGEMENT: _SURVEY_READ | {"surveys.decide_round", "surveys.view_presenter_figures"},
    roles.CRM_STAFF: _SURVEY_PAPER,
    roles.CENTRES_STAFF: _SURVEY_PAPER,
}
for _role, _granted_here in SURVEY_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY[_role] | _granted_here

# The survey follow-up app (survey_analysis/roles.py), written by hand: the quality officer
# and the managers read the analysis and its documents; the quality officer writes the
# findings; the CRM and centres-affairs managers the treatment steps; management decides;
# success stories are written by CRM staff, its manager and the quality officer, approved by
# the CRM manager, and read by them, management and resource development.
_FOLLOW_UP_READ = {
    "survey_analysis.view_roundfindings",
    "survey_analysis.view_treatmentaction",
    "survey_analysis.view_rounddocument",
    "survey_analysis.view_managementdecision",
}
_STORY_READ = {"survey_analysis.view_successstory"}
_STORY_WRITE = _STORY_READ | {"survey_analysis.add_successstory"}
_FOLLOW_UP_TREAT = _FOLLOW_UP_READ | {
    "survey_analysis.add_treatmentaction",
    "survey_analysis.change_treatmentaction",
    "survey_analysis.add_rounddocument",
}
SURVEY_ANALYSIS_GRANTS = {
    roles.QUALITY_OFFICER: _FOLLOW_UP_READ
    | _STORY_WRITE
    | {
        "survey_analysis.add_roundfindings",
        "survey_analysis.change_roundfindings",
        "survey_analysis.add_rounddocument",
    },
    roles.CRM_MANAGER: _FOLLOW_UP_TREAT | _STORY_WRITE | {"survey_analysis.approve_successstory"},
    roles.CENTRES_MANAGER: _FOLLOW_UP_TREAT,
    roles.MANAGEMENT: _FOLLOW_UP_READ | _STORY_READ | {"survey_analysis.add_managementdecision"},
    roles.CRM_STAFF: _STORY_WRITE,
    roles.RESOURCE_DEVELOPMENT: _STORY_READ,
}
for _role, _granted_here in SURVEY_ANALYSIS_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY[_role] | _granted_here

# The manual (manual/roles.py, issue 18), written by hand from seed 000 section 1: every
# manager and the CRM staff read it (1.4); the CRM manager is its controller (1.3); the
# sub-council secretary approves its versions (1.5).
_MANUAL_READ = {"manual.view_manualdocument"}
MANUAL_GRANTS = {
    roles.CRM_STAFF: _MANUAL_READ,
    roles.CRM_MANAGER: _MANUAL_READ | {"manual.control_manual"},
    roles.CENTRES_MANAGER: _MANUAL_READ,
    roles.MANAGEMENT: _MANUAL_READ,
    roles.PLANNING_DIRECTOR: _MANUAL_READ,
    roles.COUNCIL_SECRETARY: _MANUAL_READ | {"manual.approve_manual_version"},
    roles.ADMIN_AFFAIRS_DIRECTOR: _MANUAL_READ,
}
for _role, _granted_here in MANUAL_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY.get(_role, set()) | _granted_here

# The support requests app (support/roles.py, issue 17), written by hand from seed 003:
# CRM and centres-affairs staff receive requests and record deliveries (centres staff run
# distribution days); the social research officer researches and keeps the committee's
# meetings; the research committee's members decide; the research report and the household
# are for the research officer, the committee and the centres-affairs manager; the managers
# and management read the statistics and export them; the two managers keep the catalogues.
_SUPPORT_READ = {"support.view_supportrequest"}
_SUPPORT_READ_ALL = _SUPPORT_READ | {"support.view_all_requests"}
_SUPPORT_RECEIVE = _SUPPORT_READ | {"support.handle_request", "support.deliver_support"}
_SUPPORT_FIGURES = {"support.view_support_statistics", "support.export_support_requests"}
_SUPPORT_CATALOGUES = {
    f"support.{action}_{model}"
    for model in ("supporttype", "documenttype", "rejectionreason")
    for action in ("view", "add", "change")
} | {"support.view_supportsettings", "support.change_supportsettings"}
_SUPPORT_MEETINGS = {"support.view_committeemeeting"}
SUPPORT_GRANTS = {
    roles.CRM_STAFF: _SUPPORT_RECEIVE | {"support.view_all_requests"},
    roles.CRM_MANAGER: _SUPPORT_RECEIVE
    | {"support.view_all_requests"}
    | _SUPPORT_FIGURES
    | _SUPPORT_CATALOGUES,
    roles.CENTRES_STAFF: _SUPPORT_RECEIVE | {"support.run_distribution_day"},
    roles.CENTRES_MANAGER: _SUPPORT_RECEIVE
    | {
        "support.view_all_requests",
        "support.view_confidential",
        "support.manage_committee",
        "support.run_distribution_day",
    }
    | _SUPPORT_MEETINGS
    | _SUPPORT_FIGURES
    | _SUPPORT_CATALOGUES,
    roles.RESEARCH_OFFICER: _SUPPORT_READ_ALL
    | {"support.research_request", "support.view_confidential", "support.manage_committee"}
    | _SUPPORT_MEETINGS,
    roles.COMMITTEE_MEMBER: _SUPPORT_READ_ALL
    | {"support.decide_request", "support.view_confidential"}
    | _SUPPORT_MEETINGS,
    roles.MANAGEMENT: _SUPPORT_READ_ALL | _SUPPORT_FIGURES | _SUPPORT_MEETINGS,
}
for _role, _granted_here in SUPPORT_GRANTS.items():
    GRANTS_BEFORE_THE_REGISTRY[_role] = GRANTS_BEFORE_THE_REGISTRY.get(_role, set()) | _granted_here


def _granted(group):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize("role", roles.ALL_ROLES, ids=lambda role: role.code)
def test_each_group_holds_exactly_what_it_held_before(role):
    group = Group.objects.get(name=role.group_name)
    assert _granted(group) == GRANTS_BEFORE_THE_REGISTRY[role]


@pytest.mark.parametrize("role", roles.ALL_ROLES, ids=lambda role: role.code)
def test_permissions_of_a_role_is_what_its_group_gets(role):
    assert roles.permissions_of(role) == GRANTS_BEFORE_THE_REGISTRY[role]


def test_an_app_grants_only_its_own_permissions():
    with pytest.raises(ValueError, match="another app"):
        roles.register_grants("reports", {roles.CRM_STAFF: ("customers.view_customer",)})
    assert "customers.view_customer" in roles.permissions_of(roles.CRM_STAFF)
    assert "reports.view_report" in roles.permissions_of(roles.CRM_STAFF)


def test_grants_name_known_roles_only():
    stranger = roles.Role("stranger", "غريب", "Stranger")
    with pytest.raises(ValueError, match="unknown role"):
        roles.register_grants("reports", {stranger: ("reports.view_report",)})
    assert roles.permissions_of(stranger) == frozenset()
