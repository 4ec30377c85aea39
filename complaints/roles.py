"""What each role may do with complaints, inquiries and suggestions (manual 5; registered in
ComplaintsConfig.ready, see association/roles.py)."""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    PLANNING_DIRECTOR,
    QUALITY_OFFICER,
)

# CRM staff handle the CRM queue (donors and others), centres-affairs staff the
# beneficiaries' cases of their centres (see complaints.selectors).
_HANDLE_CASES = (
    "complaints.view_case",
    "complaints.add_case",
    "complaints.change_case",
    "complaints.add_caseattachment",
    "complaints.view_faqentry",
    "complaints.add_faqentry",
)
# Department managers publish FAQ answers (5.1.10), review the register weekly and raise
# recommendations (procedure step 8), then follow their implementation up.
_MANAGE_CASES = (
    "complaints.publish_faqentry",
    "complaints.view_recurringgroupreview",
    "complaints.view_recommendation",
    "complaints.add_recommendation",
    "complaints.change_recommendation",
    "complaints.view_registerreview",
    "complaints.add_registerreview",
)
# The quality officer reads every case, follows them up with the departments (a register
# entry) and writes the analysis of each recurring group (5.1.7-5.1.8).
_ANALYSE_CASES = (
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
)
# The sub-council secretary decides on the recommendations monthly (procedure step 9).
_DECIDE_RECOMMENDATIONS = (
    "complaints.view_recurringgroupreview",
    "complaints.view_recommendation",
    "complaints.decide_recommendation",
    "complaints.view_registerreview",
)

GRANTS = {
    CRM_STAFF: _HANDLE_CASES,
    CRM_MANAGER: _HANDLE_CASES + _MANAGE_CASES,
    CENTRES_STAFF: _HANDLE_CASES,
    CENTRES_MANAGER: _HANDLE_CASES + _MANAGE_CASES,
    QUALITY_OFFICER: _ANALYSE_CASES,
    PLANNING_DIRECTOR: ("complaints.view_recurringgroupreview",),
    COUNCIL_SECRETARY: _DECIDE_RECOMMENDATIONS,
}
