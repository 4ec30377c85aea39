"""Who sees which cases: each department its own queue (manual 5)."""

from django.db.models import Q

from association import roles
from association.models import Centre

from .models import Case, CaseRoute

# Roles reading every case: the quality officer analyses all complaints.
READ_ALL_ROLES = {roles.QUALITY_OFFICER}
CRM_ROLES = {roles.CRM_STAFF, roles.CRM_MANAGER}


def cases_visible_to(user):
    """Superusers and the quality officer: every case. CRM staff and manager: the CRM
    queue. Centres-affairs manager: the whole centres queue; centres-affairs staff: the
    centres cases of their own centres. Anyone else: nothing."""
    queryset = Case.objects.select_related(
        "customer", "centre", "programme", "category", "assigned_to", "registered_by"
    )
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return queryset.none()
    user_role_set = set(roles.user_roles(user))
    if user.is_superuser or user_role_set & READ_ALL_ROLES:
        return queryset
    condition = Q(pk__in=[])
    if user_role_set & CRM_ROLES:
        condition |= Q(routed_to=CaseRoute.CRM)
    if roles.CENTRES_MANAGER in user_role_set:
        condition |= Q(routed_to=CaseRoute.CENTRES)
    elif roles.CENTRES_STAFF in user_role_set:
        condition |= Q(
            routed_to=CaseRoute.CENTRES, centre__in=Centre.objects.filter(staff__user=user)
        )
    return queryset.filter(condition)
