"""Who sees which cases: each department its own queue (manual 5), and whoever registered
a case keeps reading it wherever it was routed."""

from django.db.models import Q

from association import roles
from association.models import Centre

from .models import Case, CaseEvent, CaseRoute

# Roles reading every case: the quality officer analyses all complaints.
READ_ALL_ROLES = {roles.QUALITY_OFFICER}
CRM_ROLES = {roles.CRM_STAFF, roles.CRM_MANAGER}

_RELATED = ("customer", "centre", "programme", "category", "assigned_to", "registered_by")


def _queue_condition(user, *, route="routed_to", centre="centre"):
    """The queues this user's roles handle, as a condition on a route field and a centre
    field (of a case, or of a case event's origin). CRM staff and manager: the CRM queue.
    Centres-affairs manager: the whole centres queue; centres-affairs staff: the centres
    cases of their own centres."""
    user_role_set = set(roles.user_roles(user))
    condition = Q(pk__in=[])
    if user_role_set & CRM_ROLES:
        condition |= Q(**{route: CaseRoute.CRM})
    if roles.CENTRES_MANAGER in user_role_set:
        condition |= Q(**{route: CaseRoute.CENTRES})
    elif roles.CENTRES_STAFF in user_role_set:
        condition |= Q(
            **{route: CaseRoute.CENTRES, f"{centre}__in": Centre.objects.filter(staff__user=user)}
        )
    return condition


def cases_in_queue_of(user):
    """The cases this user's department (and centres) handle now: the only cases they may
    act on (services._require_handler). Superusers: every case."""
    queryset = Case.objects.select_related(*_RELATED)
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_queue_condition(user))


def cases_visible_to(user):
    """The cases this user reads. Superusers and the quality officer: every case. Everyone
    else with the right to read cases: their queue (cases_in_queue_of), and the cases they
    registered themselves, wherever those were routed. Anyone else: nothing."""
    queryset = Case.objects.select_related(*_RELATED)
    if not user.is_authenticated or not user.has_perm("complaints.view_case"):
        return queryset.none()
    if user.is_superuser or set(roles.user_roles(user)) & READ_ALL_ROLES:
        return queryset
    return queryset.filter(_queue_condition(user) | Q(registered_by=user))


def user_handles_case(user, case):
    """Whether the case is in this user's queue now. Asked several times by one page (the
    buttons, the referral, the match): remembered on the case for its current queue, so a
    move of the in-memory case asks again."""
    remembered = case.__dict__.setdefault("_handled_by", {})
    key = (user.pk, case.routed_to, case.centre_id)
    if key not in remembered:
        remembered[key] = cases_in_queue_of(user).filter(pk=case.pk).exists()
    return remembered[key]


def case_left_queue_of(user, pk):
    """True when the case was moved out of this user's queue (referred, or re-routed when
    linked to a customer): an action sent from a page shown before the move then gets a
    message instead of a 404."""
    if not user.is_authenticated or not user.has_perm("complaints.change_case"):
        return False
    return (
        CaseEvent.objects.filter(case_id=pk)
        .exclude(to_route="")
        .filter(_queue_condition(user, route="from_route", centre="from_centre"))
        .exists()
    )
