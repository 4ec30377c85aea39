from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import get_language

from core.cache import cached, register_topic, topic_version

from .apps import PLACES_TOPIC
from .models import Centre, City, StaffProfile

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


def cities_by_pk() -> dict[int, City]:
    """Every city by its id, from the `places` cache (renewed on any change of a place)."""
    return cached(
        PLACES_TOPIC, "cities:by_pk", lambda: {city.pk: city for city in City.objects.all()}
    )


def centres_by_pk() -> dict[int, Centre]:
    """Every centre by its id, from the `places` cache (renewed on any change of a place)."""
    return cached(
        PLACES_TOPIC,
        "centres:by_pk",
        lambda: {centre.pk: centre for centre in Centre.objects.all()},
    )


def active_centre_choices() -> list[tuple[int, str]]:
    """[(pk, name in the current language)] of the active centres in their order (city,
    then name), from the `places` cache: the options of a select of active centres."""
    return cached(
        PLACES_TOPIC,
        f"active_centre_choices:{get_language()}",
        lambda: [(centre.pk, str(centre)) for centre in Centre.objects.filter(is_active=True)],
    )
