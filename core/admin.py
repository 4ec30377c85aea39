"""The admin site: Django's, with every form reading numbers and dates the way the rest of
the project does (core.forms). crm_site.settings installs it through core.apps.AdminConfig,
so every admin registered with @admin.register or admin.site.register (the project's and
third-party apps') gets it without changing its class."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import cache, pagination
from core.forms import localise_field, name_the_empty_choice
from core.pagination import CappedPaginator
from core.permissions import permission_choice_label

# The mixin's super() is a ModelAdmin or an inline: mypy is told so, Python needs no base.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin as _AdminBase
else:
    _AdminBase = object


class LocalisedFieldsAdminMixin(_AdminBase):
    """For a ModelAdmin or an inline: the form fields it builds for model fields read Arabic
    digits and separators, and a select left empty reads «اختر…», never "---------" (the
    actions list too). Fields declared on a custom form come from core.forms already."""

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = localise_field(super().formfield_for_dbfield(db_field, request, **kwargs))
        name_the_empty_choice(field)
        label_permissions(field)
        return field

    def get_action_choices(
        self, request: HttpRequest, default_choices: Any = None
    ) -> list[tuple[str, str]]:
        parent = cast(Any, super())
        return list(parent.get_action_choices(request, default_choices=[("", _("Choose…"))]))


def label_permissions(field: forms.Field | None) -> None:
    """A choice of permissions (the user's and the group's pickers) reads each one in Arabic
    (core.permissions.permission_choice_label), not the English name Django stored."""
    from django.contrib.auth.models import Permission

    if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
        return
    if field.queryset.model is Permission:
        # An instance attribute: ModelChoiceIterator calls field.label_from_instance(obj).
        field.label_from_instance = permission_choice_label  # type: ignore[method-assign,assignment]


def _localised(admin_class: type[Any]) -> type[Any]:
    if issubclass(admin_class, LocalisedFieldsAdminMixin):
        return admin_class
    attributes: dict[str, Any] = {
        "__module__": admin_class.__module__,
        "__doc__": admin_class.__doc__,
    }
    if getattr(admin_class, "inlines", None):
        attributes["inlines"] = [_localised(inline) for inline in admin_class.inlines]
    return type(admin_class.__name__, (LocalisedFieldsAdminMixin, admin_class), attributes)


class AdminSite(admin.AdminSite):
    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, _localised(admin_class or admin.ModelAdmin), **options)


# Stands for the primary key in the change URL reversed once per changelist page.
_PK_MARKER = "__pk__"


class LargeTableChangeList(ChangeList):
    """Django's changelist, with each row's link to its record built without a reverse()
    and a resolve() per row: Django reverses the change URL of every row, then, when the
    list is searched or filtered, resolves that URL again to append the filters it keeps
    for the way back. Here the URL is reversed and given those filters once, and each row
    puts its key in it: the same links, a constant cost per page."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # admin_list.items_for_result appends cl.preserved_filters to every row's URL: they
        # are in _row_url already.
        self.row_filters, self.preserved_filters = self.preserved_filters, ""

    @cached_property
    def _row_url(self) -> str:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(_PK_MARKER,),
            current_app=self.model_admin.admin_site.name,
        )
        return add_preserved_filters(
            {"preserved_filters": self.row_filters, "opts": self.opts}, url
        )

    def url_for_result(self, result: Any) -> str:
        pk = getattr(result, self.pk_attname)
        if isinstance(pk, int):
            return self._row_url.replace(_PK_MARKER, str(pk), 1)
        # A text key may need reverse()'s own escaping.
        return add_preserved_filters(
            {"preserved_filters": self.row_filters, "opts": self.opts},
            super().url_for_result(result),
        )


class LargeTableAdminMixin(_AdminBase):
    """For the changelist of a large model (customers, cases, opportunities, donations,
    donor contacts: 10⁵ rows and more):

    - 25 rows a page, as the site's own lists;
    - no count of the whole table beside the filtered one (`show_full_result_count`: the
      changelist counted every row twice) and a count that stops at 10,000
      (core.pagination.CappedPaginator; `templates/admin/pagination.html` reads «أكثر من
      10,000 سجل»);
    - the search box runs the app's own search, `search_selector(queryset, text)` (the
      normalised, indexed columns the site's lists search), instead of Django's
      `UPPER(column) LIKE '%…%'` over every search field. `search_fields` still has to be
      set for the admin to show the box; it says what the selector covers, nothing more;
    - the rows link to their records at a constant cost per page (LargeTableChangeList);
    - the date drill-down (`date_hierarchy`) of the unfiltered list is cached under the
      model's topic (`dates_topic`, core/templatetags/admin_dates.py): Django reads the
      distinct dates of every row on each visit. It is the same for every reader, so an
      admin whose get_queryset() depends on the reader must not set a date_hierarchy;
    - `page_ids_first = True` reads a page's ids from the model's table alone, then those
      rows with their `list_select_related` records (CappedPaginator's ids_first): for a
      list whose order has no index to walk, so the database sorts ids, not joined rows;
    - `count_selector(queryset, cap)`: the list's count up to `cap` + 1 from the app's own
      reader (the customer list's, kept in the cache until a customer changes), so the
      admin counts as the site's own list does;
    - `search_topics`: the cache topics of every table a search reads (the model's and the
      customers' for a search by the donor's name): a searched list's count and its date
      drill-down are kept under them (core.pagination.kept_count), so that a search whose
      condition is checked row by row on a join (customers.selectors.
      search_through_customer) reads only the rows of its page.
    """

    show_full_result_count = False
    # As many rows as the site's own lists show (core.pagination): Django's 100 rows cost
    # the drawing of 100 rows, for a list staff page through rather than read whole.
    list_per_page = 25
    paginator: ClassVar[type] = CappedPaginator
    change_list_template: ClassVar[Any] = "admin/large_table_change_list.html"
    page_ids_first = False
    # A function (queryset, text) -> queryset; set with staticmethod(...) or as a plain
    # function (read from the class, so it is never bound).
    search_selector: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None
    # A function (queryset, cap) -> the rows counted up to cap + 1, declared as above.
    count_selector: Callable[[QuerySet[Any], int], int] | None = None
    search_topics: tuple[str, ...] = ()

    def __init__(self, model: type[Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)  # type: ignore[call-arg]
        if getattr(self, "date_hierarchy", None):
            # Here, where the admin is registered in every process (at start-up), so a save
            # anywhere renews what any process cached.
            cache.register_topic(dates_topic(model), model, form_options=False)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return LargeTableChangeList

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> CappedPaginator:
        searched = bool(request.GET.get(SEARCH_VAR, "").strip())
        counter = _declared(type(self), "count_selector")
        if isinstance(counter, staticmethod):
            counter = counter.__func__
        known_count = None
        if searched and self.search_topics:
            known_count = pagination.kept_count(queryset, pagination.COUNT_CAP, self.search_topics)
        elif counter is not None:
            known_count = counter(queryset, pagination.COUNT_CAP)
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            ids_first=self.page_ids_first,
            known_count=known_count,
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        selector = _declared(type(self), "search_selector")
        if selector is None or not search_term.strip():
            return cast(Any, super()).get_search_results(request, queryset, search_term)
        if isinstance(selector, staticmethod):
            selector = selector.__func__
        # The selectors filter by subqueries and ORs, never joins to many rows: no
        # duplicates to remove with DISTINCT.
        return selector(queryset, search_term), False


def dates_topic(model: type[Model]) -> str:
    """The cache topic of a large model's date drill-down in the admin."""
    return f"admin_dates:{model._meta.label_lower}"


def _declared(admin_class: type, name: str) -> Any:
    """A selector (search_selector, count_selector) as declared on the class or a base
    (never bound as a method)."""
    for klass in admin_class.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


class ReadOnlyAdminMixin(_AdminBase):
    """For a ModelAdmin or an inline of records written only by the site's services (their
    steps, audit rows): every field shown read-only, nothing added, changed or deleted here."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Not the implicit id: a number staff never use, named in English by Django.
        return [field.name for field in self.model._meta.fields if not field.auto_created]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class TransitionInline(ReadOnlyInline):
    """The audit trail of a workflow (a core.models.TransitionRecord subclass) under its
    record: set `model`."""

    # Named here, in Arabic, rather than on the abstract model: its fields carry no
    # verbose names, and giving them some would migrate every workflow's audit table.
    fields = ("step_from", "step_to", "step_actor", "step_at", "step_note")
    verbose_name = _("step")
    verbose_name_plural = _("Steps taken")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    @admin.display(description=_("from"))
    def step_from(self, record: Any) -> str:
        return str(getattr(record, "get_source_display", lambda: record.source)())

    @admin.display(description=_("to"))
    def step_to(self, record: Any) -> str:
        return str(getattr(record, "get_target_display", lambda: record.target)())

    @admin.display(description=_("by"))
    def step_actor(self, record: Any) -> str:
        return str(record.actor.get_full_name() or record.actor)

    @admin.display(description=_("at"))
    def step_at(self, record: Any) -> str:
        return date_format(timezone.localtime(record.at), "DATETIME_FORMAT")

    @admin.display(description=_("note"))
    def step_note(self, record: Any) -> str:
        return str(record.note)
