"""What each role may do with opportunities, donor contacts and the donor problems register
(registered in OpportunitiesConfig.ready, see association/roles.py). The donations are the
finance app's (finance/roles.py)."""

from association.roles import (
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    RESOURCE_DEVELOPMENT,
)

# Opportunities (manual 3.1.11–3.1.15, 3.1.21): CRM staff document opportunities and donor
# contacts; the CRM manager moves opportunities and approves contact with another's donor.
_READ_FUNDING = (
    "opportunities.view_opportunity",
    "opportunities.view_donorcontact",
    "opportunities.view_pointofcontactdesignation",
)
# 3.1.21: the CRM department and resource development propose a donor's point of contact
# (the sub-council secretary approves it); those who work opportunities open signed pledges.
_PROPOSE_POINT_OF_CONTACT = (
    "opportunities.add_pointofcontactdesignation",
    "opportunities.view_pledge",
)
_DOCUMENT_OPPORTUNITIES = (
    _READ_FUNDING
    + (
        "opportunities.add_opportunity",
        "opportunities.change_opportunity",
        "opportunities.add_donorcontact",
        "opportunities.add_donorinterest",
        "opportunities.delete_donorinterest",
    )
    + _PROPOSE_POINT_OF_CONTACT
)
_MANAGE_OPPORTUNITIES = (
    "opportunities.move_opportunity",
    "opportunities.approve_donorcontact",
)

# Problems threatening a donor relationship (3.1.17, 3.1.20): those who meet donors raise
# them; the CRM manager handles and assigns them (owners see their own, see
# opportunities.problems).
_RAISE_DONOR_PROBLEMS = ("opportunities.view_donorproblem", "opportunities.add_donorproblem")
_HANDLE_DONOR_PROBLEMS = _RAISE_DONOR_PROBLEMS + ("opportunities.manage_donorproblem",)

GRANTS = {
    CRM_STAFF: _DOCUMENT_OPPORTUNITIES + _RAISE_DONOR_PROBLEMS,
    CRM_MANAGER: _DOCUMENT_OPPORTUNITIES + _MANAGE_OPPORTUNITIES + _HANDLE_DONOR_PROBLEMS,
    MANAGEMENT: _READ_FUNDING + ("opportunities.view_donorproblem",),
    PLANNING_DIRECTOR: _READ_FUNDING,
    RESOURCE_DEVELOPMENT: _READ_FUNDING
    + ("opportunities.add_donorcontact", "opportunities.approve_donorcontact_resources")
    + _PROPOSE_POINT_OF_CONTACT
    + _RAISE_DONOR_PROBLEMS,
    COUNCIL_SECRETARY: _READ_FUNDING
    + (
        "opportunities.approve_pointofcontactdesignation",
        "opportunities.approve_donorcontact_secretary",
    ),
}
