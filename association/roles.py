"""The association's roles (README, "Demo logins") as Django groups.

The roles are created by a data migration. Each app declares what the roles may do with its
own models in its `roles.py` (a GRANTS table) and registers it in its AppConfig.ready with
`register_grants`; after each `migrate` the groups receive every registered permission that
now exists. Syncing only adds, so an administrator's extra grants in the admin are kept.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the auth models need the app registry, which imports this module
    from django.contrib.auth.models import AnonymousUser, Group, Permission, User


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
# Beneficiary support requests (seed 003): the social research officer answers, visits and
# reports; the research committee's members (the group's members, set in the admin) decide.
RESEARCH_OFFICER = Role("research_officer", "مسؤول البحث الاجتماعي", _("Social research officer"))
COMMITTEE_MEMBER = Role("committee_member", "عضو لجنة البحث", _("Research committee member"))
# The manual (seed 000, 1.10): approves the 12-month reviews of its policies and procedures.
ADMIN_AFFAIRS_DIRECTOR = Role(
    "admin_affairs_director",
    "مدير إدارة الشؤون الإدارية",
    _("Director of administrative affairs"),
)

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
    RESEARCH_OFFICER,
    COMMITTEE_MEMBER,
    ADMIN_AFFAIRS_DIRECTOR,
)

# Who sees the row of headline figures on top of "عملي" (core.dashboard): the department
# managers, the sub-council secretary and the association's management. Each app's
# headline decides which of them its figure is for.
HEADLINE_ROLES = (CRM_MANAGER, CENTRES_MANAGER, COUNCIL_SECRETARY, MANAGEMENT)

# What each role may do is declared by each app next to its own code (its roles.py, a
# GRANTS table naming only its own permissions), registered in its AppConfig.ready.
_grants_by_app: dict[str, dict[Role, frozenset[str]]] = {}


def register_grants(app_label: str, grants: Mapping[Role, Iterable[str]]) -> None:
    """Record what each role may do in the app `app_label`: "app_label.codename" names of
    that app only, so that an app's permissions are handed out by that app alone.
    Registering the same app again replaces its grants."""
    for role, permissions in grants.items():
        if role not in ALL_ROLES:
            raise ValueError(f"{app_label}: unknown role {role!r}")
        foreign = sorted(p for p in permissions if p.split(".", 1)[0] != app_label)
        if foreign:
            raise ValueError(f"{app_label} grants permissions of another app: {foreign}")
    _grants_by_app[app_label] = {
        role: frozenset(permissions) for role, permissions in grants.items()
    }


def permissions_of(role: Role) -> frozenset[str]:
    """Every permission ("app_label.codename") the apps grant to this role."""
    return frozenset().union(*(grants.get(role, ()) for grants in _grants_by_app.values()))


# The association's own grants. Every role reads its structure: staff pick cities, centres
# and departments in forms, and deadlines depend on the holiday calendar.
_READ_STRUCTURE = (
    "association.view_city",
    "association.view_centre",
    "association.view_department",
    "association.view_publicholiday",
)
_SEE_STAFF = ("association.view_staffprofile",)

GRANTS = {
    CRM_STAFF: _READ_STRUCTURE,
    CRM_MANAGER: _READ_STRUCTURE + _SEE_STAFF,
    CENTRES_STAFF: _READ_STRUCTURE,
    CENTRES_MANAGER: _READ_STRUCTURE + _SEE_STAFF,
    QUALITY_OFFICER: _READ_STRUCTURE,
    DATA_STEWARD: _READ_STRUCTURE,
    DEPUTY_STEWARD: _READ_STRUCTURE,
    # Management keeps the structure the others read: centres and holidays.
    MANAGEMENT: _READ_STRUCTURE
    + _SEE_STAFF
    + (
        "association.add_centre",
        "association.change_centre",
        "association.add_publicholiday",
        "association.change_publicholiday",
        "association.delete_publicholiday",
    ),
    PLANNING_DIRECTOR: _READ_STRUCTURE,
    RESOURCE_DEVELOPMENT: _READ_STRUCTURE,
    COUNCIL_SECRETARY: _READ_STRUCTURE,
    RESEARCH_OFFICER: _READ_STRUCTURE,
    COMMITTEE_MEMBER: _READ_STRUCTURE,
    ADMIN_AFFAIRS_DIRECTOR: _READ_STRUCTURE,
}

# Which roles reach the Django admin (is_staff) in the demo data.
ADMIN_SITE_ROLES = (MANAGEMENT,)


def role_by_code(code: str) -> Role:
    return next(role for role in ALL_ROLES if role.code == code)


def user_roles(user: "User | AnonymousUser") -> list[Role]:
    """The roles a user holds, in the order of ALL_ROLES. Kept on the user object for the
    request, like Django's permission cache: several pages' providers ask; the group names
    come from the cache (core.auth), renewed when the user's groups change."""
    if not user.is_authenticated:
        return []
    cached: list[Role] | None = getattr(user, "_role_cache", None)
    if cached is None:
        from core.auth import group_names_of

        names = group_names_of(user)
        cached = [role for role in ALL_ROLES if role.group_name in names]
        user._role_cache = cached  # type: ignore[attr-defined]  # a cache Django's User lacks
    return list(cached)


def user_has_role(user: "User | AnonymousUser", *roles: Role) -> bool:
    return bool(set(user_roles(user)) & set(roles))


def sync_role_groups(group_model: "type[Group]", permission_model: "type[Permission]") -> None:
    """Create the role groups and add every listed permission that exists. Idempotent.

    Takes the models as arguments so data migrations can pass their historical models."""
    for role in ALL_ROLES:
        group, _created = group_model.objects.get_or_create(name=role.group_name)
        for permission in _existing_permissions(permission_model, permissions_of(role)):
            group.permissions.add(permission)


def _existing_permissions(
    permission_model: "type[Permission]", dotted_names: Iterable[str]
) -> "Iterator[Permission]":
    by_app: dict[str, set[str]] = {}
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        by_app.setdefault(app_label, set()).add(codename)
    for app_label, codenames in by_app.items():
        yield from permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )


def sync_role_groups_after_migrate(sender: object, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions of apps migrated after this one may not exist yet: create them first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_groups(Group, Permission)
