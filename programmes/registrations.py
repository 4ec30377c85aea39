"""What the programmes app adds to the shared navigation bar (marketing pillar), and its
rows read from the cache (core.cache)."""

from django.utils.translation import gettext_lazy

from core import cache, navigation

from .models import Programme, ProgrammeCategory

# The programmes and their categories: options of filters and forms, read from the cache
# until one of them is saved or deleted.
cache.register_topic("programmes", Programme, ProgrammeCategory)

navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Programmes and activities portfolio"),
        "programmes:list",
        "collection",
        "programmes.view_programme",
    ),
)
navigation.register_nav_item(
    "marketing",
    navigation.NavItem(
        gettext_lazy("Import the portfolio"),
        "programmes:import",
        "upload",
        "programmes.add_programme",
    ),
)
