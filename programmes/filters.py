import django_filters
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from core import cache
from core.forms import FilterSet

from .models import Programme, ProgrammeCategory, ProgrammeStatus


def _portfolio_years():
    """The years of the portfolio, the latest first: cached under the programmes' topic
    (core.cache), renewed when a programme is saved."""

    def compute() -> list[int | None]:
        return list(
            Programme.objects.exclude(portfolio_year=None)
            .order_by("-portfolio_year")
            .values_list("portfolio_year", flat=True)
            .distinct()
        )

    return [
        (str(year), str(year)) for year in cache.cached("programmes", "portfolio-years", compute)
    ]


class ProgrammeFilter(FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("category"), queryset=ProgrammeCategory.objects.all()
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=ProgrammeStatus.choices)
    centre = django_filters.ModelChoiceFilter(
        label=_("neighbourhood centre"),
        field_name="centres",
        queryset=Centre.objects.select_related("city"),
    )
    year = django_filters.ChoiceFilter(
        label=_("portfolio year"), field_name="portfolio_year", choices=_portfolio_years
    )

    class Meta:
        model = Programme
        fields = ["category", "status", "centre", "year"]
