"""What each role may do with the reports (manual 3.1.15, 5.1.11-5.1.12; registered in
ReportsConfig.ready, see association/roles.py)."""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    QUALITY_OFFICER,
    RESOURCE_DEVELOPMENT,
)

# Department staff prepare and archive reports, the department managers review the monthly
# performance report, the sub-council secretary decides on it; which report types each role
# reads is in reports.selectors.
_READ_REPORTS = ("reports.view_report",)
_PREPARE_REPORTS = _READ_REPORTS + ("reports.produce_report", "reports.archive_report")
_REVIEW_REPORTS = _PREPARE_REPORTS + ("reports.review_report",)

GRANTS = {
    CRM_STAFF: _PREPARE_REPORTS,
    CRM_MANAGER: _REVIEW_REPORTS,
    CENTRES_STAFF: _PREPARE_REPORTS,
    CENTRES_MANAGER: _REVIEW_REPORTS,
    QUALITY_OFFICER: _PREPARE_REPORTS,
    MANAGEMENT: _READ_REPORTS,
    PLANNING_DIRECTOR: _READ_REPORTS + ("reports.archive_report",),
    RESOURCE_DEVELOPMENT: _READ_REPORTS,
    COUNCIL_SECRETARY: _READ_REPORTS + ("reports.decide_report",),
}
