from django.contrib.auth.models import AnonymousUser, User

from core.cache import cached, register_topic, topic_version

from .apps import PLACES_TOPIC
from .models import StaffProfile

STAFF_PROFILES_TOPIC = "staff_profiles"
register_topic(
    STAFF_PROFILES_TOPIC,
    StaffProfile,
    m2m_through=(StaffProfile.centres.through,),
    form_options=False,
)


def staff_profile_for(user: User | AnonymousUser) -> StaffProfile | None:
    """The user's staff profile with department and centres, or None. Read from the cache
    (core.cache) until the profile, its centres, or a city, centre or department's name
    changes."""
    if not user.is_authenticated:
        return None

    def read() -> StaffProfile | None:
        return (
            StaffProfile.objects.select_related("department")
            .prefetch_related("centres__city")
            .filter(user=user)
            .first()
        )

    places = topic_version(PLACES_TOPIC)
    return cached(STAFF_PROFILES_TOPIC, f"{user.pk}:{places}", read)
