"""Every write to the programmes and activities portfolio (manual 3.1.11), in one place.

The strategic planning director hands the portfolio to the CRM manager once or twice a year;
both keep it up to date. Views, the import and commands call these functions; each checks
the actor's right to act, validates, saves in a transaction and records who did it in the
programme's history.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from association.models import Centre
from core.permissions import require
from core.text import normalize_arabic, normalize_digits

from .models import Programme, ProgrammeCategory, ProgrammeStatus

# The fields a programme is written with, in the order of the portfolio spreadsheet.
PROGRAMME_FIELDS = (
    "code",
    "name",
    "category",
    "centres",
    "start_date",
    "end_date",
    "budget",
    "description",
    "status",
    "portfolio_year",
)


# --- values -----------------------------------------------------------------------------


def normalize_code(code: object) -> str:
    """Programme codes as stored: ASCII digits, no surrounding spaces."""
    return normalize_digits(str(code or "")).strip()


def normalize_category_name(name: object) -> str:
    return " ".join(str(name or "").split())


def dates_error(start_date: date | None, end_date: date | None) -> str | None:
    """The message for an end date before the start date, else None (shared with forms)."""
    if start_date and end_date and end_date < start_date:
        return _("The end date cannot be before the start date.")
    return None


def budget_error(budget: Decimal | None) -> str | None:
    if budget is not None and budget < 0:
        return _("The budget cannot be negative.")
    return None


def code_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    """Codes are compared without regard to case: "prg-1" and "PRG-1" are one programme."""
    same_code = Programme.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        same_code = same_code.exclude(pk=exclude_pk)
    return same_code.exists()


def programme_changes(
    programme: Programme, values: Mapping[str, Any], current_centre_ids: Iterable[int] | None = None
) -> list[str]:
    """Names of the fields whose value in `values` differs from the programme's.

    `current_centre_ids` saves a query when the caller already holds them (the import)."""
    changed = []
    for name in PROGRAMME_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "centres":
            if current_centre_ids is None:
                current_centre_ids = set(programme.centres.values_list("pk", flat=True))
            if {centre.pk for centre in value} != set(current_centre_ids):
                changed.append(name)
        elif name == "category":
            if isinstance(value, ProgrammeCategory):
                if value.pk != programme.category_id:
                    changed.append(name)
            elif _category_key(value) != _category_key(programme.category.name):
                changed.append(name)
        elif name == "code":
            if normalize_code(value) != programme.code:
                changed.append(name)
        elif getattr(programme, name) != value:
            changed.append(name)
    return changed


def _category_key(name: object) -> str:
    return normalize_arabic(normalize_category_name(name))


def _validate(programme: Programme) -> None:
    errors = {}
    if not programme.code:
        errors["code"] = _("Write the programme code.")
    elif code_taken(programme.code, exclude_pk=programme.pk):
        errors["code"] = _("Another programme already has the code %(code)s.") % {
            "code": programme.code
        }
    if message := dates_error(programme.start_date, programme.end_date):
        errors["end_date"] = message
    if message := budget_error(programme.budget):
        errors["budget"] = message
    if errors:
        raise ValidationError(errors)
    # Lengths, choices and required fields; the uniqueness of the code was checked above.
    programme.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)


def _record_actor(programme: Programme, actor: User, change_reason: str) -> None:
    # Read by django-simple-history when the programme is saved.
    programme._history_user = actor  # type: ignore[attr-defined]
    if change_reason:
        programme._change_reason = change_reason  # type: ignore[attr-defined]


# --- categories -------------------------------------------------------------------------


def category_find(name: object) -> ProgrammeCategory | None:
    """The category with this name, spelling variants (ة/ه, أ/ا, case) folded; or None."""
    key = _category_key(name)
    for category in ProgrammeCategory.objects.all():
        if _category_key(category.name) == key:
            return category
    return None


@transaction.atomic
def category_get_or_create(*, name: str, actor: User) -> tuple[ProgrammeCategory, bool]:
    """(category, created). Finding one needs no right; making one needs the right to add
    categories."""
    name = normalize_category_name(name)
    if not name:
        raise ValidationError({"category": _("Write the category name.")})
    found = category_find(name)
    if found is not None:
        return found, False
    require(actor, "programmes.add_programmecategory")
    category = ProgrammeCategory(name=name)
    category.full_clean()
    category.save()
    return category, True


def _resolve_category(category: ProgrammeCategory | str, actor: User) -> ProgrammeCategory:
    if isinstance(category, ProgrammeCategory):
        return category
    return category_get_or_create(name=category, actor=actor)[0]


# --- programmes -------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor: User,
    code: str,
    name: str,
    category: ProgrammeCategory | str,
    centres: Iterable[Centre] = (),
    start_date: date | None = None,
    end_date: date | None = None,
    budget: Decimal = Decimal("0"),
    description: str = "",
    status: str = ProgrammeStatus.PLANNED,
    portfolio_year: int | None = None,
    change_reason: str = "",
) -> Programme:
    """A new programme. `category` is a ProgrammeCategory or the name of one (made if new)."""
    require(actor, "programmes.add_programme")
    programme = Programme(
        code=normalize_code(code),
        name=(name or "").strip(),
        category=_resolve_category(category, actor),
        start_date=start_date,
        end_date=end_date,
        budget=budget,
        description=(description or "").strip(),
        status=status,
        portfolio_year=portfolio_year,
    )
    _validate(programme)
    _record_actor(programme, actor, change_reason)
    programme.save()
    centres = list(centres)
    if centres:
        # A second history row ("centres changed"): simple_history records many-to-many
        # fields only once the programme has a primary key.
        programme.centres.set(centres)
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, actor: User, change_reason: str = "", **values: Any
) -> Programme:
    """Change the given fields. Nothing is written (and no history row is made) when every
    value is already the programme's. Returns the programme as saved."""
    require(actor, "programmes.change_programme")
    unknown = set(values) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown programme fields: {', '.join(sorted(unknown))}")
    # Fresh and locked: a form may have changed the caller's instance in memory, and two
    # people saving at once must not interleave.
    current = Programme.objects.select_for_update().select_related("category").get(pk=programme.pk)
    changed = programme_changes(current, values)
    if not changed:
        return current
    for name in changed:
        value = values[name]
        if name == "centres":
            continue
        if name == "category":
            value = _resolve_category(value, actor)
        elif name == "code":
            value = normalize_code(value)
        elif name in ("name", "description"):
            value = (value or "").strip()
        setattr(current, name, value)
    _validate(current)
    _record_actor(current, actor, change_reason)
    if "centres" in changed:
        # Set the centres without a history row of their own, so the save below records
        # the whole change (fields and centres) as one row.
        current.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            current.centres.set(list(values["centres"]))
        finally:
            del current.skip_history_when_saving  # type: ignore[attr-defined]
    current.save()
    return current
