from django.contrib.auth.models import AnonymousUser, User

from .models import StaffProfile


def staff_profile_for(user: User | AnonymousUser) -> StaffProfile | None:
    """The user's staff profile with department and centres, or None."""
    if not user.is_authenticated:
        return None
    return (
        StaffProfile.objects.select_related("department")
        .prefetch_related("centres__city")
        .filter(user=user)
        .first()
    )
