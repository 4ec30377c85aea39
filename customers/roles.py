"""What each role may do with the customer database (registered in CustomersConfig.ready,
see association/roles.py)."""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    DATA_STEWARD,
    DEPUTY_STEWARD,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    QUALITY_OFFICER,
    RESOURCE_DEVELOPMENT,
)

# Customers (manual 6): every role reads the database (centres staff only the beneficiaries
# of their centres, see customers.selectors); CRM staff prepare and file the create/modify
# form, the CRM manager approves it, the steward and deputy enter it.
_READ_CUSTOMERS = ("customers.view_customer",)
# The CRM department designates the steward and deputy (6.1.4): the CRM manager changes the
# designation and the "steward absent" flag; the steward and deputy see it.
_SEE_DESIGNATION = ("customers.view_stewarddesignation",)
_DESIGNATE_STEWARD = _SEE_DESIGNATION + ("customers.change_stewarddesignation",)
_EXPORT_CUSTOMERS = ("customers.export_customer",)
_PREPARE_FORMS = (
    "customers.view_customerrequest",
    "customers.add_customerrequest",
    "customers.file_customerrequest",
) + _EXPORT_CUSTOMERS
_ENTER_FORMS = ("customers.view_customerrequest", "customers.enter_customerrequest")

GRANTS = {
    CRM_STAFF: _READ_CUSTOMERS + _PREPARE_FORMS,
    CRM_MANAGER: _READ_CUSTOMERS
    + _PREPARE_FORMS
    + ("customers.approve_customerrequest",)
    + _DESIGNATE_STEWARD,
    CENTRES_STAFF: _READ_CUSTOMERS,
    CENTRES_MANAGER: _READ_CUSTOMERS,
    QUALITY_OFFICER: _READ_CUSTOMERS,
    DATA_STEWARD: _READ_CUSTOMERS + _ENTER_FORMS + _SEE_DESIGNATION,
    DEPUTY_STEWARD: _READ_CUSTOMERS + _ENTER_FORMS + _SEE_DESIGNATION,
    MANAGEMENT: _READ_CUSTOMERS + _EXPORT_CUSTOMERS,
    PLANNING_DIRECTOR: _READ_CUSTOMERS,
    RESOURCE_DEVELOPMENT: _READ_CUSTOMERS,
    COUNCIL_SECRETARY: _READ_CUSTOMERS,
}
