import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from association.models import Centre, City
from core.forms import FilterSet
from core.widgets import DependentSelect

from .models import Customer, CustomerKind, CustomerRequest, RequestKind, RequestState


class CustomerFilter(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("customer type"), choices=CustomerKind.choices)
    city = django_filters.ModelChoiceFilter(label=_("city"), queryset=City.objects.all())
    centre = django_filters.ModelChoiceFilter(
        label=_("neighbourhood centre"),
        queryset=Centre.objects.select_related("city"),
        # The centres of the chosen city only (static/js/dependent-select.js).
        widget=DependentSelect(follows="city", key="city_id"),
    )
    point_of_contact = django_filters.ModelChoiceFilter(
        label=_("point of contact"),
        # EXISTS, not a join with DISTINCT: the join reads every customer on each page.
        queryset=get_user_model().objects.filter(
            Exists(Customer.objects.filter(point_of_contact=OuterRef("pk")))
        ),
    )
    is_active = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[("1", _("Active")), ("0", _("Archived"))],
        method="filter_active",
        empty_label=_("All"),
    )

    class Meta:
        model = Customer
        fields = ["kind", "city", "centre", "point_of_contact", "is_active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class RequestFilter(FilterSet):
    state = django_filters.ChoiceFilter(label=_("status"), choices=RequestState.choices)
    kind = django_filters.ChoiceFilter(label=_("request type"), choices=RequestKind.choices)
    mine = django_filters.BooleanFilter(
        label=_("Prepared by me"), method="filter_mine", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = CustomerRequest
        fields = ["state", "kind"]

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(prepared_by=self.request.user)
        return queryset
