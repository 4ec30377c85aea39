"""What each role may do with the donations received from the finance system (manual
6.1.7; registered in FinanceConfig.ready, see association/roles.py): those who work on
funding read them; the CRM manager imports them and matches them by hand."""

from association.roles import (
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    RESOURCE_DEVELOPMENT,
)

_READ_DONATIONS = ("finance.view_donation",)
_MANAGE_DONATIONS = _READ_DONATIONS + ("finance.add_donation", "finance.change_donation")

GRANTS = {
    CRM_STAFF: _READ_DONATIONS,
    CRM_MANAGER: _MANAGE_DONATIONS,
    MANAGEMENT: _READ_DONATIONS,
    PLANNING_DIRECTOR: _READ_DONATIONS,
    RESOURCE_DEVELOPMENT: _READ_DONATIONS,
    COUNCIL_SECRETARY: _READ_DONATIONS,
}
