"""Proposed and current values shown to people: labels, choice names, related objects."""

from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.models import Centre, City
from association.selectors import centres_by_pk, cities_by_pk
from core.consent import FORM_PAIRS, pair_label
from core.dates import format_gregorian_hijri
from core.phones import format_saudi_mobile_local
from core.templatetags.dates import compact_date

from . import selectors, services
from .models import Customer, RequestState
from .services import CUSTOMER_FIELDS, DATE_FIELDS, FOREIGN_KEY_FIELDS, PROPOSED_FIELDS

_RELATED_MODELS = {"city": City, "centre": Centre, "point_of_contact": get_user_model()}
_RELATED_FIELDS = (*FOREIGN_KEY_FIELDS, "point_of_contact")
# The history also shows the point of contact, designated outside the form (3.1.21).
HISTORY_FIELDS = (*CUSTOMER_FIELDS, "point_of_contact")
# Numbers and addresses that read left to right even inside Arabic text.
LEFT_TO_RIGHT_FIELDS = ("national_id", "phone", "mobile", "email")


# The proposed values that are not the customer's own fields (customers.services).
_PROPOSED_LABELS = {
    "consents": gettext_lazy("consent to messages"),
    "consent_date": gettext_lazy("consent date"),
    "consent_source": gettext_lazy("consent source"),
}


def field_label(name):
    if name in _PROPOSED_LABELS:
        return _PROPOSED_LABELS[name]
    return Customer._meta.get_field(name).verbose_name


def consents_text(grid):
    """The pairs given in a grid, «رسائل الجوال: التسويق والحملات، …», or that none is."""
    given = [pair_label(key) for key in FORM_PAIRS if (grid or {}).get(key)]
    return "، ".join(given) if given else _("No consent given")


def display_value(name, value, related=None):
    shown = display_text(name, value, related)
    if name in LEFT_TO_RIGHT_FIELDS and shown != "—":
        if name in ("mobile", "phone"):  # "050 123 4567" never breaks across lines
            return format_html('<span dir="ltr" class="text-nowrap">{}</span>', shown)
        return format_html('<span dir="ltr">{}</span>', shown)
    return shown


def display_text(name, value, related=None):
    """The value as plain text (display_value marks left-to-right values in HTML)."""
    if name == "consents":
        return consents_text(value)
    if value in (None, ""):
        return "—"
    if name in _RELATED_FIELDS:
        obj = (related or {}).get((name, value))
        if obj is None:
            return "—"
        if name == "point_of_contact":
            return obj.get_full_name() or obj.get_username()
        return str(obj)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "mobile":
        return format_saudi_mobile_local(str(value))
    if name in DATE_FIELDS:
        import datetime

        return format_gregorian_hijri(datetime.date.fromisoformat(value))
    if name in _PROPOSED_LABELS:
        return str(value)
    field = Customer._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# Cities and centres are few and rarely change: read from the `places` cache (core.cache),
# renewed on any change of them. The other related objects: one query per model.
_CACHED_PLACES = {"city": cities_by_pk, "centre": centres_by_pk}


def related_objects(*value_dicts, loaded=None):
    """Fetch the related objects named in several value dicts: cities and centres from the
    cache, those already selected on `loaded` (a customer) from it, the others with one
    query per model (none when nothing names them)."""
    wanted = {name: set() for name in _RELATED_FIELDS}
    for values in value_dicts:
        for name in _RELATED_FIELDS:
            if values.get(name):
                wanted[name].add(values[name])
    related = {}
    for name, pks in wanted.items():
        if (
            loaded is not None
            and getattr(loaded, f"{name}_id") in pks
            and loaded._meta.get_field(name).is_cached(loaded)
        ):
            obj = getattr(loaded, name)
            related[(name, obj.pk)] = obj
            pks = pks - {obj.pk}
        if not pks:
            continue
        if name in _CACHED_PLACES:
            places = _CACHED_PLACES[name]()
            for pk in pks:
                obj = places.get(_as_pk(pk))
                if obj is not None:
                    related[(name, obj.pk)] = obj
            continue
        for obj in _RELATED_MODELS[name].objects.filter(pk__in=pks):
            related[(name, obj.pk)] = obj
    return related


def _as_pk(value):
    """A primary key as stored in a value dict (an int, or its text in old JSON)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def value_rows(values, related=None):
    """[(label, shown value)] for every field present in values, in form order."""
    return [
        (field_label(name), display_value(name, values[name], related))
        for name in PROPOSED_FIELDS
        if name in values
    ]


def diff_rows(base_values, proposed, related=None):
    """[(label, current, proposed)] for each changed field of a modification."""
    return [
        (
            field_label(name),
            display_value(name, base_values.get(name), related),
            display_value(name, proposed[name], related),
        )
        for name in PROPOSED_FIELDS
        if name in proposed
    ]


def history_entries(customer, limit=50):
    """[(record, [(label, old, new)])] newest first: who changed what, and when."""
    records = list(customer.history.select_related("history_user")[: limit + 1])
    changed = []
    for record, older in zip(records[:limit], records[1 : limit + 1] + [None], strict=False):
        changes = record.diff_against(older).changes if older else []
        shown = [change for change in changes if change.field in HISTORY_FIELDS]
        old_values = {change.field: change.old for change in shown}
        new_values = {change.field: change.new for change in shown}
        for values in (old_values, new_values):
            for name in DATE_FIELDS:
                if values.get(name):
                    values[name] = values[name].isoformat()
        changed.append((record, shown, old_values, new_values))
    # The related objects of every record at once: no query per record.
    related = related_objects(
        *(values for _, _, old, new in changed for values in (old, new)), loaded=customer
    )
    return [
        (
            record,
            [
                (
                    field_label(change.field),
                    display_value(change.field, old_values[change.field], related),
                    display_value(change.field, new_values[change.field], related),
                )
                for change in shown
            ],
        )
        for record, shown, old_values, new_values in changed
    ]


DESIGNATION_FIELDS = ("steward", "deputy", "steward_absent")


def _designation_value(record, name):
    return record.steward_absent if name == "steward_absent" else getattr(record, f"{name}_id")


def designation_history(limit=50):
    """[(record, [(label, old, new)])] of the steward designation, newest first: who changed
    it, when, from what to what, and why."""
    from .models import StewardDesignation

    records = list(
        StewardDesignation.history.select_related("history_user").order_by("-history_id")[
            : limit + 1
        ]
    )
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(
            pk__in={r.steward_id for r in records} | {r.deputy_id for r in records}
        )
    }

    def shown(name, value):
        if name == "steward_absent":
            return _("Absent") if value else _("Present")
        return people.get(value, "—")

    entries = []
    for record, older in zip(records[:limit], records[1 : limit + 1] + [None], strict=False):
        changes = []
        for name in DESIGNATION_FIELDS:
            new = _designation_value(record, name)
            old = _designation_value(older, name) if older else None
            if older is None or old != new:
                label = StewardDesignation._meta.get_field(name).verbose_name
                # The first record (the first designation) has no old value: None.
                changes.append((label, shown(name, old) if older else None, shown(name, new)))
        entries.append((record, changes))
    return entries


def request_context(form_request, user, lines=None):
    """Everything the form page and its PDF show; `lines` limits it to one page of lines."""
    if lines is None:
        lines = form_request.lines.select_related("customer")
    lines = list(lines)
    related = related_objects(
        *[line.proposed for line in lines], *[line.base_values for line in lines]
    )
    duplicates = dict(selectors.duplicates_by_line(form_request, lines))
    shown_lines = [
        {
            "line": line,
            "rows": value_rows(line.proposed, related)
            if line.action == "create"
            else diff_rows(line.base_values, line.proposed, related),
            "duplicates": duplicates.get(line, []),
        }
        for line in lines
    ]
    actions = services.available_actions(form_request, user)
    return {
        "form_request": form_request,
        "lines": shown_lines,
        # Over the whole form, not just this page: the approval needs an override reason.
        "has_blocking_duplicates": "approve" in actions
        and bool(selectors.blocking_duplicates(form_request)),
        "transitions": form_request.transitions.select_related("actor"),
        "actions": actions,
        "states": RequestState,
    }


# --- the timeline's entries ---------------------------------------------------------------
# The customer 360 shows up to 30 entries: written here rather than by a template loop, whose
# variable lookups cost more than the rest of the timeline's rendering
# (tests/customers/test_timeline_markup.py holds the two identical).


def timeline_entries_html(entries):
    """The <li> of each customers.timeline.TimelineEntry, newest first."""
    return mark_safe("\n".join(_timeline_entry_html(entry) for entry in entries))


def _timeline_entry_html(entry):
    if entry.url:
        title = format_html('<a href="{}">{}</a>', entry.url, entry.title)
    else:
        title = format_html("{}", entry.title)
    detail = ""
    if entry.detail:
        shown = Truncator(entry.detail).words(40, truncate=" …")
        detail = format_html(
            '<div class="small text-body-secondary text-break" dir="auto">{}</div>',
            mark_safe(shown) if isinstance(entry.detail, SafeData) else shown,
        )
    actor = format_html(" · <bdi>{}</bdi>", entry.actor) if entry.actor else ""
    return format_html(
        '<li class="c360-entry" data-kind="{}">'
        '<span class="c360-entry-icon" aria-hidden="true"><i class="bi bi-{}"></i></span>'
        '<div class="c360-entry-body">'
        '<div class="c360-entry-title">{}</div>{}'
        '<div class="small text-body-secondary">{}{}</div>'
        "</div></li>",
        entry.kind,
        entry.icon,
        title,
        detail,
        compact_date(entry.when, "time"),
        actor,
    )
