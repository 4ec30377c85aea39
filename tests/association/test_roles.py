import pytest
from django.contrib.auth.models import Group, Permission

from association import roles

pytestmark = pytest.mark.django_db

# The exact permissions each role's group holds after the migrations, written by hand from
# the manual (README, "Demo logins") and not read from association.roles: an extra grant (the
# deputy preparing forms, the centres manager moving opportunities, resource development
# exporting customers) fails the equality below as surely as a missing one.
READ_STRUCTURE = {
    "association.view_city",
    "association.view_centre",
    "association.view_department",
    "association.view_publicholiday",
    "programmes.view_programme",
    "programmes.view_programmecategory",
}
READ_CUSTOMERS = {"customers.view_customer"}
READ_FUNDING = {
    "opportunities.view_opportunity",
    "opportunities.view_donorcontact",
    "finance.view_donation",
    "opportunities.view_pointofcontactdesignation",
}
HANDLE_CASES = {
    "complaints.view_case",
    "complaints.add_case",
    "complaints.change_case",
    "complaints.add_caseattachment",
    "complaints.view_faqentry",
    "complaints.add_faqentry",
}
MANAGE_CASES = {
    "complaints.publish_faqentry",
    "complaints.view_recurringgroupreview",
    "complaints.view_recommendation",
    "complaints.add_recommendation",
    "complaints.change_recommendation",
    "complaints.view_registerreview",
    "complaints.add_registerreview",
}
PREPARE_REPORTS = {"reports.view_report", "reports.produce_report", "reports.archive_report"}
# CRM staff: prepare and file customer forms, document opportunities and donor contacts,
# handle the CRM queue of cases, prepare reports, propose programmes, raise donor problems.
CRM_STAFF = (
    READ_STRUCTURE
    | READ_CUSTOMERS
    | READ_FUNDING
    | HANDLE_CASES
    | PREPARE_REPORTS
    | {
        "customers.view_customerrequest",
        "customers.add_customerrequest",
        "customers.file_customerrequest",
        "customers.export_customer",
        "opportunities.add_opportunity",
        "opportunities.change_opportunity",
        "opportunities.add_donorcontact",
        "opportunities.add_donorinterest",
        "opportunities.delete_donorinterest",
        "opportunities.add_pointofcontactdesignation",
        "opportunities.view_pledge",
        "opportunities.view_donorproblem",
        "opportunities.add_donorproblem",
        "links.view_trackedlink",
        "programmes.view_portfoliocycle",
        "programmes.view_programmeproposal",
        "programmes.add_programmeproposal",
    }
)
EXPECTED_GRANTS = {
    roles.CRM_STAFF: CRM_STAFF,
    # Everything CRM staff do, plus approving forms, designating the steward, keeping the
    # portfolio, moving opportunities and importing donations, managing cases and reports,
    # reviewing cycles and handling donor problems.
    roles.CRM_MANAGER: CRM_STAFF
    | MANAGE_CASES
    | {
        "association.view_staffprofile",
        "customers.approve_customerrequest",
        "customers.view_stewarddesignation",
        "customers.change_stewarddesignation",
        "programmes.add_programme",
        "programmes.change_programme",
        "programmes.add_programmecategory",
        "opportunities.move_opportunity",
        "opportunities.approve_donorcontact",
        "finance.add_donation",
        "finance.change_donation",
        "links.add_trackedlink",
        "links.change_trackedlink",
        "opportunities.manage_donorproblem",
        "reports.review_report",
        "programmes.review_portfoliocycle",
    },
    # Centres-affairs staff: beneficiaries' cases of their centres, their reports; no
    # customer forms, no opportunities.
    roles.CENTRES_STAFF: READ_STRUCTURE | READ_CUSTOMERS | HANDLE_CASES | PREPARE_REPORTS,
    # Their manager adds the managers' case work and the report review, nothing of funding.
    roles.CENTRES_MANAGER: READ_STRUCTURE
    | READ_CUSTOMERS
    | HANDLE_CASES
    | MANAGE_CASES
    | PREPARE_REPORTS
    | {"association.view_staffprofile", "reports.review_report"},
    roles.QUALITY_OFFICER: READ_STRUCTURE
    | READ_CUSTOMERS
    | PREPARE_REPORTS
    | {
        "complaints.view_case",
        "complaints.add_caseentry",
        "complaints.view_faqentry",
        "complaints.add_faqentry",
        "complaints.view_recurringgroupreview",
        "complaints.add_recurringgroupreview",
        "complaints.change_recurringgroupreview",
        "complaints.add_proposedsolution",
        "complaints.change_proposedsolution",
        "complaints.view_recommendation",
        "complaints.view_registerreview",
    },
    # The steward and the deputy enter approved forms; they neither prepare nor approve.
    roles.DATA_STEWARD: READ_STRUCTURE
    | READ_CUSTOMERS
    | {
        "customers.view_customerrequest",
        "customers.enter_customerrequest",
        "customers.view_stewarddesignation",
    },
    roles.DEPUTY_STEWARD: READ_STRUCTURE
    | READ_CUSTOMERS
    | {
        "customers.view_customerrequest",
        "customers.enter_customerrequest",
        "customers.view_stewarddesignation",
    },
    # Management reads, keeps centres and holidays, and exports the customer database.
    roles.MANAGEMENT: READ_STRUCTURE
    | READ_CUSTOMERS
    | READ_FUNDING
    | {
        "association.view_staffprofile",
        "association.add_centre",
        "association.change_centre",
        "association.add_publicholiday",
        "association.change_publicholiday",
        "association.delete_publicholiday",
        "customers.export_customer",
        "reports.view_report",
        "programmes.view_portfoliocycle",
        "programmes.view_programmeproposal",
        "opportunities.view_donorproblem",
    },
    # Strategic planning keeps the portfolio, hands cycles over and answers proposals.
    roles.PLANNING_DIRECTOR: READ_STRUCTURE
    | READ_CUSTOMERS
    | READ_FUNDING
    | {
        "programmes.add_programme",
        "programmes.change_programme",
        "programmes.add_programmecategory",
        "programmes.view_portfoliocycle",
        "programmes.add_portfoliocycle",
        "programmes.view_programmeproposal",
        "programmes.answer_programmeproposal",
        "complaints.view_recurringgroupreview",
        "reports.view_report",
        "reports.archive_report",
    },
    # Resource development contacts donors and proposes points of contact; it does not
    # export customers or move opportunities.
    roles.RESOURCE_DEVELOPMENT: READ_STRUCTURE
    | READ_CUSTOMERS
    | READ_FUNDING
    | {
        "opportunities.add_donorcontact",
        "opportunities.approve_donorcontact_resources",
        "opportunities.add_pointofcontactdesignation",
        "opportunities.view_pledge",
        "opportunities.view_donorproblem",
        "opportunities.add_donorproblem",
        "programmes.view_portfoliocycle",
        "reports.view_report",
    },
    # The sub-council secretary decides recommendations, reports, points of contact and
    # contact with another's donor.
    roles.COUNCIL_SECRETARY: READ_STRUCTURE
    | READ_CUSTOMERS
    | READ_FUNDING
    | {
        "complaints.view_recurringgroupreview",
        "complaints.view_recommendation",
        "complaints.decide_recommendation",
        "complaints.view_registerreview",
        "reports.view_report",
        "reports.decide_report",
        "opportunities.approve_pointofcontactdesignation",
        "opportunities.approve_donorcontact_secretary",
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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS[_role] | _granted_here

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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS[_role] | _granted_here

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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS[_role] | _granted_here

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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS[_role] | _granted_here

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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS.get(_role, set()) | _granted_here

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
    EXPECTED_GRANTS[_role] = EXPECTED_GRANTS.get(_role, set()) | _granted_here


def granted_in_database(group):
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_each_role_group_holds_exactly_its_expected_permissions():
    assert set(EXPECTED_GRANTS) == set(roles.ALL_ROLES)
    for role, expected in EXPECTED_GRANTS.items():
        group = Group.objects.get(name=role.group_name)
        granted = granted_in_database(group)
        assert granted == expected, (
            role.code,
            f"extra: {sorted(granted - expected)}",
            f"missing: {sorted(expected - granted)}",
        )


def test_only_the_role_groups_exist_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) == {
        role.group_name for role in roles.ALL_ROLES
    }


def test_migrations_create_one_group_per_role_with_its_permissions():
    for role in roles.ALL_ROLES:
        group = Group.objects.get(name=role.group_name)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert roles.permissions_of(role) <= granted, role.code
    assert Group.objects.count() == len(roles.ALL_ROLES)


def test_every_listed_permission_exists():
    for role in roles.ALL_ROLES:
        for dotted in roles.permissions_of(role):
            app_label, codename = dotted.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), f"{role.code}: {dotted}"


def test_sync_is_idempotent_and_keeps_extra_grants():
    group = Group.objects.get(name=roles.QUALITY_OFFICER.group_name)
    extra = Permission.objects.get(codename="view_staffprofile")
    group.permissions.add(extra)
    before = set(group.permissions.all())
    roles.sync_role_groups(Group, Permission)
    roles.sync_role_groups(Group, Permission)
    assert set(group.permissions.all()) == before
    assert Group.objects.count() == len(roles.ALL_ROLES)


def test_user_roles_and_permissions(make_user):
    manager = make_user(roles.CRM_MANAGER)
    assert roles.user_roles(manager) == [roles.CRM_MANAGER]
    assert roles.user_has_role(manager, roles.CRM_MANAGER, roles.CRM_STAFF)
    assert not roles.user_has_role(manager, roles.DATA_STEWARD)
    assert manager.has_perm("association.view_staffprofile")
    staff = make_user(roles.CRM_STAFF)
    assert not staff.has_perm("association.view_staffprofile")
    assert staff.has_perm("association.view_centre")


def test_role_codes_are_unique_and_found_by_code():
    codes = [role.code for role in roles.ALL_ROLES]
    assert len(codes) == len(set(codes)) == 14
    assert roles.role_by_code("council_secretary") is roles.COUNCIL_SECRETARY
