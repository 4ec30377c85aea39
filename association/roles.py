"""The association's roles (DESIGN.md section 1) as Django groups, with their permissions.

The roles are created by a data migration. Every app lists the permissions a role needs in
ROLE_PERMISSIONS (one place); after each `migrate` the groups receive any permission listed
here that now exists. Syncing only adds, so an administrator's extra grants in the admin
are kept.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    # Compared and hashed by code only: a lazy label's hash changes with the active language.
    group_name: str = field(compare=False)  # Arabic, as staff read it in the admin
    label: object = field(compare=False)  # translatable label for the UI


CRM_STAFF = Role("crm_staff", "موظف إدارة علاقات العملاء", _("CRM staff"))
CRM_MANAGER = Role("crm_manager", "مدير إدارة علاقات العملاء", _("CRM manager"))
CENTRES_STAFF = Role("centres_staff", "موظف قسم شؤون المراكز", _("Centres-affairs staff"))
CENTRES_MANAGER = Role("centres_manager", "مدير قسم شؤون المراكز", _("Centres-affairs manager"))
QUALITY_OFFICER = Role("quality_officer", "موظف إدارة الجودة", _("Quality officer"))
DATA_STEWARD = Role("data_steward", "مسؤول قاعدة بيانات العملاء", _("Customer-data steward"))
DEPUTY_STEWARD = Role(
    "deputy_steward", "نائب مسؤول قاعدة بيانات العملاء", _("Deputy customer-data steward")
)
MANAGEMENT = Role("management", "إدارة الجمعية", _("Association management"))
PLANNING_DIRECTOR = Role(
    "planning_director",
    "مدير التخطيط الاستراتيجي وتطوير الخدمات",
    _("Strategic planning director"),
)
RESOURCE_DEVELOPMENT = Role(
    "resource_development", "موظف إدارة تنمية الموارد المالية", _("Resource development officer")
)
COUNCIL_SECRETARY = Role("council_secretary", "أمين المجلس الفرعي", _("Sub-council secretary"))

ALL_ROLES = (
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
)

# Reading the association's structure is common to every role: staff pick cities, centres
# and departments in forms, deadlines depend on the holiday calendar, and every pillar refers
# to the programmes portfolio.
_READ_STRUCTURE = (
    "association.view_city",
    "association.view_centre",
    "association.view_department",
    "association.view_publicholiday",
    "programmes.view_programme",
    "programmes.view_programmecategory",
)

# Customers (manual 6): every role reads the database (centres staff only the beneficiaries
# of their centres, see customers.selectors); CRM staff prepare and file the create/modify
# form, the CRM manager approves it, the steward and deputy enter it.
_READ_CUSTOMERS = ("customers.view_customer",)
# The CRM department designates the steward and deputy (6.1.4): the CRM manager changes the
# designation and the "steward absent" flag; the steward and deputy see it.
_SEE_DESIGNATION = ("customers.view_stewarddesignation",)
_DESIGNATE_STEWARD = _SEE_DESIGNATION + ("customers.change_stewarddesignation",)
_PREPARE_FORMS = (
    "customers.view_customerrequest",
    "customers.add_customerrequest",
    "customers.file_customerrequest",
    "customers.export_customer",
)

# Opportunities (manual 3.1.11–3.1.15, 3.1.21) and the donations received (6.1.7, the
# finance app): the portfolio comes from strategic planning; CRM staff document
# opportunities and donor contacts; the CRM manager moves opportunities, approves contact
# with another's donor, imports finance donations and matches them.
_READ_FUNDING = (
    "opportunities.view_opportunity",
    "opportunities.view_donorcontact",
    "finance.view_donation",
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
_KEEP_PORTFOLIO = (
    "programmes.add_programme",
    "programmes.change_programme",
    "programmes.add_programmecategory",
)
_MANAGE_OPPORTUNITIES = (
    "opportunities.move_opportunity",
    "opportunities.approve_donorcontact",
    "finance.add_donation",
    "finance.change_donation",
)

# Portfolio cycles and programme proposals (procedure "خلق الفرص" steps 1-2, 3.1.11-3.1.12):
# strategic planning hands each cycle over and answers proposals; the CRM manager reviews the
# cycle and identifies its potential donors; CRM staff and manager propose programmes.
_READ_CYCLES = ("programmes.view_portfoliocycle",)
_HAND_OVER_CYCLES = _READ_CYCLES + (
    "programmes.add_portfoliocycle",
    "programmes.view_programmeproposal",
    "programmes.answer_programmeproposal",
)
_PROPOSE_PROGRAMMES = ("programmes.view_programmeproposal", "programmes.add_programmeproposal")
_REVIEW_CYCLES = _READ_CYCLES + ("programmes.review_portfoliocycle",)
# Problems threatening a donor relationship (3.1.17, 3.1.20): those who meet donors raise
# them; the CRM manager handles and assigns them (owners see their own, see
# opportunities.problems).
_RAISE_DONOR_PROBLEMS = ("opportunities.view_donorproblem", "opportunities.add_donorproblem")
_HANDLE_DONOR_PROBLEMS = _RAISE_DONOR_PROBLEMS + ("opportunities.manage_donorproblem",)

# Complaints, inquiries and suggestions (manual 5): CRM staff handle the CRM queue (donors
# and others), centres-affairs staff the beneficiaries' cases of their centres (see
# complaints.selectors); the quality officer reads every case for the analysis.
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

# Reports (manual 3.1.15, 5.1.11-5.1.12): department staff prepare and archive them, the
# department managers review the monthly performance report, the sub-council secretary
# decides on it; which report types each role reads is in reports.selectors.
_READ_REPORTS = ("reports.view_report",)
_PREPARE_REPORTS = _READ_REPORTS + ("reports.produce_report", "reports.archive_report")
_REVIEW_REPORTS = _PREPARE_REPORTS + ("reports.review_report",)

# Later apps add their permissions here, next to the role that needs them.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    CRM_STAFF: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _PREPARE_FORMS
    + _DOCUMENT_OPPORTUNITIES
    + _HANDLE_CASES
    + _PREPARE_REPORTS
    + _READ_CYCLES
    + _PROPOSE_PROGRAMMES
    + _RAISE_DONOR_PROBLEMS,
    CRM_MANAGER: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _PREPARE_FORMS
    + _DOCUMENT_OPPORTUNITIES
    + _KEEP_PORTFOLIO
    + _MANAGE_OPPORTUNITIES
    + _HANDLE_CASES
    + _MANAGE_CASES
    + ("association.view_staffprofile", "customers.approve_customerrequest")
    + _DESIGNATE_STEWARD
    + _REVIEW_REPORTS
    + _REVIEW_CYCLES
    + _PROPOSE_PROGRAMMES
    + _HANDLE_DONOR_PROBLEMS,
    CENTRES_STAFF: _READ_STRUCTURE + _READ_CUSTOMERS + _HANDLE_CASES + _PREPARE_REPORTS,
    CENTRES_MANAGER: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _HANDLE_CASES
    + _MANAGE_CASES
    + ("association.view_staffprofile",)
    + _REVIEW_REPORTS,
    QUALITY_OFFICER: _READ_STRUCTURE + _READ_CUSTOMERS + _ANALYSE_CASES + _PREPARE_REPORTS,
    DATA_STEWARD: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + ("customers.view_customerrequest", "customers.enter_customerrequest")
    + _SEE_DESIGNATION,
    DEPUTY_STEWARD: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + ("customers.view_customerrequest", "customers.enter_customerrequest")
    + _SEE_DESIGNATION,
    # Management keeps the structure the others read: centres, departments and holidays.
    MANAGEMENT: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _READ_FUNDING
    + (
        "association.view_staffprofile",
        "association.add_centre",
        "association.change_centre",
        "association.add_publicholiday",
        "association.change_publicholiday",
        "association.delete_publicholiday",
        "customers.export_customer",
    )
    + _READ_REPORTS
    + _READ_CYCLES
    + ("programmes.view_programmeproposal", "opportunities.view_donorproblem"),
    PLANNING_DIRECTOR: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _READ_FUNDING
    + _KEEP_PORTFOLIO
    + ("complaints.view_recurringgroupreview",)
    + _READ_REPORTS
    + ("reports.archive_report",)
    + _HAND_OVER_CYCLES,
    RESOURCE_DEVELOPMENT: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _READ_FUNDING
    + ("opportunities.add_donorcontact", "opportunities.approve_donorcontact_resources")
    + _PROPOSE_POINT_OF_CONTACT
    + _READ_REPORTS
    + _READ_CYCLES
    + _RAISE_DONOR_PROBLEMS,
    COUNCIL_SECRETARY: _READ_STRUCTURE
    + _READ_CUSTOMERS
    + _READ_FUNDING
    + _DECIDE_RECOMMENDATIONS
    + _READ_REPORTS
    + ("reports.decide_report",)
    + (
        "opportunities.approve_pointofcontactdesignation",
        "opportunities.approve_donorcontact_secretary",
    ),
}

# Which roles reach the Django admin (is_staff) in the demo data.
ADMIN_SITE_ROLES = (MANAGEMENT,)


def role_by_code(code):
    return next(role for role in ALL_ROLES if role.code == code)


def user_roles(user):
    """The roles a user holds, in the order of ALL_ROLES. Kept on the user object for the
    request, like Django's permission cache: several pages' providers ask."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_role_cache"):
        names = set(user.groups.values_list("name", flat=True))
        user._role_cache = [role for role in ALL_ROLES if role.group_name in names]
    return list(user._role_cache)


def user_has_role(user, *roles):
    return bool(set(user_roles(user)) & set(roles))


def sync_role_groups(group_model, permission_model):
    """Create the role groups and add every listed permission that exists. Idempotent.

    Takes the models as arguments so data migrations can pass their historical models."""
    for role in ALL_ROLES:
        group, _created = group_model.objects.get_or_create(name=role.group_name)
        wanted = ROLE_PERMISSIONS.get(role, ())
        for permission in _existing_permissions(permission_model, wanted):
            group.permissions.add(permission)


def _existing_permissions(permission_model, dotted_names):
    by_app = {}
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        by_app.setdefault(app_label, set()).add(codename)
    for app_label, codenames in by_app.items():
        yield from permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )


def sync_role_groups_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions of apps migrated after this one may not exist yet: create them first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_groups(Group, Permission)
