"""What the programmes app adds to the shared navigation bar (marketing pillar)."""

from django.utils.translation import gettext_lazy

from core import navigation

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
