"""Reads of the customer database: who sees which customers, search, duplicates."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import connections
from django.db.models import CharField, Count, F, Func, IntegerField, Q, QuerySet, Value

from association import roles
from association.models import Centre
from association.selectors import centres_by_pk, cities_by_pk
from core.phones import normalize_saudi_mobile
from core.text import normalize_arabic

from .models import (
    CODE_MAX_DIGITS,
    Customer,
    CustomerKind,
    CustomerRequest,
    CustomerRequestLine,
    LineAction,
    RequestState,
    RequestTransition,
)

# A mobile is also found by this many of its digits or more, typed as they come to mind.
MOBILE_PART_MIN_DIGITS = 5
# The lookup fields show this many suggestions at most.
LOOKUP_LIMIT = 20

# Roles whose members see only the beneficiaries of their own centres.
CENTRE_SCOPED_ROLES = {roles.CENTRES_STAFF, roles.CENTRES_MANAGER}


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """All customers for roles that read the database; the beneficiaries of their own
    centres for centres-affairs staff; nothing for anyone else."""
    queryset = Customer.objects.select_related("city", "centre", "point_of_contact")
    if not user.has_perm("customers.view_customer"):
        return queryset.none()
    user_role_set = set(roles.user_roles(user))
    if user.is_superuser or user_role_set - CENTRE_SCOPED_ROLES:
        return queryset
    return queryset.filter(kind=CustomerKind.BENEFICIARY, centre__in=_user_centres(user))


def with_cached_places(customers: Iterable[Customer]) -> list[Customer]:
    """The customers with their city and centre taken from the places cache (read them
    with `select_related(None)`: no join for a few rows that rarely change)."""
    cities, centres = cities_by_pk(), centres_by_pk()
    customers = list(customers)
    for customer in customers:
        # A place not in the cache is left to be read from the database: assigning None
        # would clear the link.
        if customer.city_id in cities:
            customer.city = cities[customer.city_id]
        if customer.centre_id in centres:
            customer.centre = centres[customer.centre_id]
    return customers


def _user_centres(user: User) -> QuerySet[Centre]:
    return Centre.objects.filter(staff__user=user)


def search_customers(queryset: QuerySet[Customer], text: str | None) -> QuerySet[Customer]:
    """One search box: code, name (Arabic-normalised), mobile (any typing, or its last
    digits), national ID or email. The customer list and the lookup fields use it."""
    condition = customer_search_condition(text)
    return queryset if condition is None else queryset.filter(condition)


def customer_search_condition(text: str | None, *, through: str = "") -> Q | None:
    """The condition of search_customers (None when nothing is typed), on the customer
    reached through the link `through` ("donor") when given."""
    text = (text or "").strip()
    if not text:
        return None
    prefix = f"{through}__" if through else ""

    def on_customer(**lookup: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookup.items()})

    normalized = normalize_arabic(text)
    condition = on_customer(name_normalized__contains=normalized)
    digits = normalized.replace(" ", "")
    if digits.isdigit():
        if len(digits) <= CODE_MAX_DIGITS:
            condition |= on_customer(code=int(digits))
        condition |= on_customer(national_id=digits)
        if len(digits.lstrip("0")) >= MOBILE_PART_MIN_DIGITS:
            condition |= on_customer(mobile__contains=digits.lstrip("0"))
    mobile = _as_mobile(text)
    if mobile:
        condition |= on_customer(mobile=mobile)
    if "@" in text:
        condition |= on_customer(email=text.lower())
    return condition


def search_by_customer(
    queryset: QuerySet[Any], text: str | None, *, field: str = "customer"
) -> QuerySet[Any]:
    """Records whose `field` (a link to a customer: "donor") is a customer the search box
    above finds, as one subquery on the indexed columns (the admin's searches of problems,
    designations and interests)."""
    if not (text or "").strip():
        return queryset
    found = search_customers(Customer.objects.all(), text).values("pk")
    return queryset.filter(**{f"{field}__in": found})


def search_through_customer(
    queryset: QuerySet[Any], text: str | None, *, field: str = "customer"
) -> QuerySet[Any]:
    """The records of search_by_customer, with the condition on the customer joined
    through `field` (a link to one customer, so no row is repeated): a list read newest
    first walks its order's index and checks each row's customer by key, stopping at the
    page's last row, where the subquery reads every matching customer first (16,000 for
    «محمد» among 300,000, whatever the page). For a list whose count is kept apart
    (core.admin.LargeTableAdminMixin.search_topics)."""
    condition = customer_search_condition(text, through=field)
    return queryset if condition is None else queryset.filter(condition)


def lookup_customers(
    user: User,
    text: str | None,
    *,
    kinds: Iterable[str] = (),
    active_only: bool = False,
    limit: int = LOOKUP_LIMIT,
) -> list[Customer]:
    """The suggestions of a customer lookup field: the customer list's search over the
    customers `user` may see, of the given kinds, active ones first, at most `limit`."""
    if not (text or "").strip():
        return []
    queryset = search_customers(customers_visible_to(user), text)
    kinds = list(kinds)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return list(queryset.order_by("-is_active", "name", "code")[:limit])


def _as_mobile(text: str) -> str | None:
    try:
        return normalize_saudi_mobile(text)
    except Exception:  # noqa: BLE001 - any unparsable text is simply not a mobile number
        return None


@dataclass
class DuplicateMatch:
    customer: Customer | None
    reasons: list[str] = field(default_factory=list)
    blocking: bool = False
    # Another line of the same form (an import listing one person twice), not a customer.
    line: object = None


LineMatches = tuple[CustomerRequestLine, list[DuplicateMatch]]
# national ID, mobile, email (lower case), name (Arabic-normalised)
MatchKeys = tuple[str, str, str, str]


def _match_keys(values: Mapping[str, Any]) -> MatchKeys:
    return (
        values.get("national_id") or "",
        values.get("mobile") or "",
        (values.get("email") or "").lower(),
        normalize_arabic(values.get("name")),
    )


def find_possible_duplicates(
    values: Mapping[str, Any], *, exclude_pk: int | None = None, limit: int = 10
) -> list[DuplicateMatch]:
    """Customers that may be the same person or body as `values` (proposed values)."""
    return _possible_duplicates([(_match_keys(values), exclude_pk)], limit=limit)[0]


def _exact_condition(keys: MatchKeys) -> Q | None:
    """The customers with one of these keys (an index read each)."""
    national_id, mobile, email, name = keys
    condition = Q(pk__in=[])
    if national_id:
        condition |= Q(national_id=national_id)
    if mobile:
        condition |= Q(mobile=mobile)
    if email:
        condition |= Q(email=email)
    if name:
        condition |= Q(name_normalized=name)
    return condition if any(keys) else None


# A normalised name's first and last words, as the PostgreSQL index customer_name_ends
# (customers 0005) writes them: the index serves only these very expressions.
NAME_FIRST_WORD = Func(
    F("name_normalized"), Value(" "), Value(1), function="SPLIT_PART", output_field=CharField()
)
NAME_LAST_WORD = Func(
    Func(
        Func(F("name_normalized"), function="REVERSE", output_field=CharField()),
        Value(" "),
        Value(1),
        function="SPLIT_PART",
        output_field=CharField(),
    ),
    function="REVERSE",
    output_field=CharField(),
)


def _same_ends(keys: MatchKeys, using: str) -> QuerySet[Customer] | None:
    """The customers whose name (two words or more) has the same first and last words as
    the name of these keys (of two words or more): `LIKE 'first %' AND LIKE '% last'`. On
    PostgreSQL the same condition written on the index's expressions, so that the newest
    codes are read from the index, not every such name (hundreds of «مؤسسة … الخيرية»)."""
    tokens = keys[3].split()
    if len(tokens) < 2:
        return None
    if connections[using].vendor == "postgresql":
        return (
            Customer.objects.alias(first_word=NAME_FIRST_WORD, last_word=NAME_LAST_WORD)
            .filter(first_word=tokens[0], last_word=tokens[-1])
            .filter(name_normalized__contains=" ")
        )
    return Customer.objects.filter(
        name_normalized__startswith=tokens[0] + " ", name_normalized__endswith=" " + tokens[-1]
    )


# What a match is told and shown by (its link, `str()`, the reasons): the import preview, the
# form page, its PDF and the approval's check read no other column of the customer, so the
# reads compile and carry these alone (any other field is deferred).
DUPLICATE_FIELDS = ("code", "name", "national_id", "mobile", "email")


def _possible_duplicates(
    searches: list[tuple[MatchKeys, int | None]], *, limit: int
) -> list[list[DuplicateMatch]]:
    """The possible duplicates of each (keys, customer pk left out), at most `limit` each
    (the newest codes), in one query whatever the number of searches: a UNION ALL of each
    search's LIMITed reads, written as derived tables (SQLite refuses a LIMIT directly inside
    a UNION). A search is two reads: the exact keys, and the same first and last name words
    (each served by its own index in code order; an OR of both read every name of those
    words)."""
    using = Customer.objects.db
    parts: list[str] = []
    params: list[Any] = []
    for index, (keys, exclude_pk) in enumerate(searches):
        for number, (sql, part_params) in enumerate(
            _search_sql(keys, exclude_pk, index=index, limit=limit, using=using)
        ):
            parts.append(f"SELECT * FROM ({sql}) AS search_{index}_{number}")
            params.extend(part_params)
    found: list[dict[int, Customer]] = [{} for _search in searches]
    if parts:
        for customer in Customer.objects.raw(" UNION ALL ".join(parts), params):
            found[customer.search_index].setdefault(customer.pk, customer)  # type: ignore[attr-defined]
    # A UNION promises no order: each search's matches in its own read's order (Meta).
    return [
        [
            _describe_match(customer, keys)
            for customer in sorted(
                customers.values(), key=lambda customer: customer.code, reverse=True
            )[:limit]
        ]
        for customers, (keys, _exclude_pk) in zip(found, searches, strict=True)
    ]


def _search_reads(
    keys: MatchKeys, exclude_pk: int | None, *, index: int, limit: int, using: str
) -> list[QuerySet[Customer]]:
    """The reads of one search (none without a key), as _possible_duplicates runs them."""
    exact = _exact_condition(keys)
    if exact is None:
        return []
    same_ends = _same_ends(keys, using)
    reads = [Customer.objects.filter(exact)] + ([same_ends] if same_ends is not None else [])
    if exclude_pk is not None:
        reads = [read.exclude(pk=exclude_pk) for read in reads]
    return [
        read.only(*DUPLICATE_FIELDS)
        .annotate(search_index=Value(index, output_field=IntegerField()))
        .order_by("-code")[:limit]
        for read in reads
    ]


# The SQL of a search's reads is compiled by the ORM once per process for each shape of
# search (which keys it has, a name of one word or more, a customer left out or not), with
# these marks in place of the values, then filled with each search's own values: compiling
# two querysets per line cost the form page more than running their UNION.
_NATIONAL_ID_MARK, _MOBILE_MARK, _EMAIL_MARK = "\x01nid\x01", "\x01mobile\x01", "\x01email\x01"
_FIRST_WORD_MARK, _LAST_WORD_MARK = "\x01first\x01", "\x01last\x01"
_PK_MARK, _INDEX_MARK = -2_000_000_001, -2_000_000_002
_compiled_searches: dict[tuple[Any, ...], list[tuple[str, tuple[Any, ...]]]] = {}


def _marked_name(words: list[str]) -> str:
    """The mark of a name of these words: the words the second read looks for, marked."""
    return f"{_FIRST_WORD_MARK} {_LAST_WORD_MARK}" if len(words) > 1 else _FIRST_WORD_MARK


def _search_sql(
    keys: MatchKeys, exclude_pk: int | None, *, index: int, limit: int, using: str
) -> list[tuple[str, list[Any]]]:
    """(SQL, params) of each read of _search_reads(keys, exclude_pk, ...)."""
    national_id, mobile, email, name = keys
    words = name.split()
    keys_given = (bool(national_id), bool(mobile), bool(email), bool(name), len(words) > 1)
    shape = (using, *keys_given, exclude_pk is None, limit)
    compiled = _compiled_searches.get(shape)
    if compiled is None:
        marked = (
            _NATIONAL_ID_MARK if national_id else "",
            _MOBILE_MARK if mobile else "",
            _EMAIL_MARK if email else "",
            _marked_name(words) if name else "",
        )
        pk_mark = None if exclude_pk is None else _PK_MARK
        compiled = [
            read.query.sql_with_params()
            for read in _search_reads(marked, pk_mark, index=_INDEX_MARK, limit=limit, using=using)
        ]
        _compiled_searches[shape] = compiled
    in_patterns = {_FIRST_WORD_MARK: words[0], _LAST_WORD_MARK: words[-1]} if words else {}
    whole = {
        _NATIONAL_ID_MARK: national_id,
        _MOBILE_MARK: mobile,
        _EMAIL_MARK: email,
        **in_patterns,
        _marked_name(words): name,
    }
    # Inside a pattern (SQLite's LIKE 'first %'), a word is escaped as the ORM escapes it.
    escape = connections[using].ops.prep_for_like_query

    def filled(param: Any) -> Any:
        if isinstance(param, int) and param in (_PK_MARK, _INDEX_MARK):
            # Of the type the ORM gave it (psycopg's Int4 for the search's number); the
            # customer's mark is in the SQL only of a search leaving one out.
            return type(param)(cast(int, exclude_pk) if param == _PK_MARK else index)
        if not isinstance(param, str) or "\x01" not in param:
            return param
        if param in whole:
            return whole[param]
        for mark, word in in_patterns.items():
            param = param.replace(mark, escape(word))
        return param

    return [(sql, [filled(param) for param in params]) for sql, params in compiled]


def _describe_match(customer: Customer, keys: MatchKeys) -> DuplicateMatch:
    from django.utils.translation import gettext as _

    national_id, mobile, email, name = keys
    match = DuplicateMatch(customer)
    if national_id and customer.national_id == national_id:
        match.reasons.append(_("same national ID"))
        match.blocking = True
    if mobile and customer.mobile == mobile:
        match.reasons.append(_("same mobile"))
        match.blocking = True
    if email and customer.email == email:
        match.reasons.append(_("same email"))
    if name and not match.reasons:
        match.reasons.append(_("similar name"))
    return match


# Up to this many lines, each line gets the full search (similar names included); a larger
# import batch is checked on exact keys in bulk, a few queries for the whole batch.
FULL_SEARCH_LINE_LIMIT = 50
BULK_CHUNK = 1000


def _line_values(line: CustomerRequestLine) -> dict[str, Any]:
    return {**line.base_values, **line.proposed}


def duplicates_by_line(
    request: CustomerRequest, lines: Iterable[CustomerRequestLine] | None = None
) -> list[LineMatches]:
    """[(line, [DuplicateMatch])] for the lines of a form (all of them by default): existing
    customers, then other lines of the form with the same name and another mobile."""
    lines = list(request.lines.all() if lines is None else lines)
    if len(lines) <= FULL_SEARCH_LINE_LIMIT:
        searches = [(_match_keys(_line_values(line)), line.customer_id) for line in lines]
        results = list(zip(lines, _possible_duplicates(searches, limit=10), strict=True))
    else:
        results = []
        for start in range(0, len(lines), BULK_CHUNK):
            results += _exact_duplicates(lines[start : start + BULK_CHUNK])
    same_name = _same_name_lines(request, lines)
    for line, matches in results:
        matches += same_name.get(line.pk, [])
    return results


@dataclass
class _OtherLine:
    pk: int
    source_row: int | None


def _same_name_lines(
    request: CustomerRequest, lines: list[CustomerRequestLine]
) -> dict[int, list[DuplicateMatch]]:
    """{line pk: [DuplicateMatch]}: the other lines of the form whose name is the same after
    Arabic normalisation (alef, ya, hamza, tatweel, tashkeel) and whose mobile differs. One
    query over the whole form, reading only names and mobiles."""
    from django.utils.translation import gettext as _

    if not lines:
        return {}
    by_name: dict[str, list[tuple[_OtherLine, str]]] = {}
    for pk, source_row, name, base_name, mobile, base_mobile in request.lines.values_list(
        "pk",
        "source_row",
        "proposed__name",
        "base_values__name",
        "proposed__mobile",
        "base_values__mobile",
    ).order_by("source_row", "pk"):
        key = normalize_arabic(name if name is not None else base_name)
        if key:
            shown_mobile = mobile if mobile is not None else base_mobile
            by_name.setdefault(key, []).append((_OtherLine(pk, source_row), shown_mobile or ""))
    found = {}
    wanted = {line.pk for line in lines}
    for group in by_name.values():
        if len(group) < 2:
            continue
        for line, mobile in group:
            if line.pk not in wanted:
                continue
            found[line.pk] = [
                DuplicateMatch(
                    customer=None,
                    reasons=[_("same name in this form, another mobile")],
                    line=other,
                )
                for other, other_mobile in group
                if other.pk != line.pk and other_mobile != mobile
            ]
    return found


def _exact_duplicates(lines: list[CustomerRequestLine]) -> list[LineMatches]:
    keys = [_match_keys(_line_values(line)) for line in lines]
    wanted = [{key[position] for key in keys if key[position]} for position in range(4)]
    candidates = Customer.objects.filter(
        Q(national_id__in=wanted[0])
        | Q(mobile__in=wanted[1])
        | Q(email__in=wanted[2])
        | Q(name_normalized__in=wanted[3])
    ).only(*DUPLICATE_FIELDS, "name_normalized")
    by_key: dict[tuple[int, str], list[Customer]] = {}
    for customer in candidates:
        customer_keys = (
            customer.national_id,
            customer.mobile,
            customer.email,
            customer.name_normalized,
        )
        for position, value in enumerate(customer_keys):
            if value:
                by_key.setdefault((position, value), []).append(customer)
    results = []
    for line, line_keys in zip(lines, keys, strict=True):
        found = {
            customer.pk: customer
            for position, value in enumerate(line_keys)
            if value
            for customer in by_key.get((position, value), [])
            if customer.pk != line.customer_id
        }
        results.append(
            (line, [_describe_match(customer, line_keys) for customer in found.values()])
        )
    return results


def blocking_duplicates(
    request: CustomerRequest,
) -> list[tuple[CustomerRequestLine, DuplicateMatch]]:
    """New-record lines that match an existing customer's national ID or mobile exactly."""
    return [
        (line, match)
        for line, matches in duplicates_by_line(request)
        if line.action == LineAction.CREATE
        for match in matches
        if match.blocking
    ]


def requests_visible_to(user: User) -> QuerySet[CustomerRequest]:
    if not user.has_perm("customers.view_customerrequest"):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.select_related("prepared_by", "decided_by", "entered_by")


# A form on its way to the database: awaiting the decision, the entry or the filing.
PENDING_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.APPROVED, RequestState.ENTERED)


def requests_of_customer(user: User, customer: Customer) -> QuerySet[CustomerRequest]:
    """The forms with a line about this customer that this user may read."""
    lines = CustomerRequestLine.objects.filter(customer=customer).values("request_id")
    return requests_visible_to(user).filter(pk__in=lines)


def pending_requests_of_customer(user: User, customer: Customer) -> QuerySet[CustomerRequest]:
    return requests_of_customer(user, customer).filter(state__in=PENDING_REQUEST_STATES)


def request_steps_of_customer(user: User, customer: Customer) -> QuerySet[RequestTransition]:
    """The steps of this customer's forms, newest first."""
    forms = requests_of_customer(user, customer).values("pk")
    return (
        RequestTransition.objects.filter(request__in=forms)
        .select_related("actor", "request")
        .order_by("-at", "-id")
    )


def open_requests_in_state(state: str) -> QuerySet[CustomerRequest]:
    return (
        CustomerRequest.objects.filter(state=state).select_related("prepared_by").order_by("due_at")
    )


def forms_awaiting_approval_counts(now: datetime) -> tuple[int, int]:
    """(awaiting the CRM manager's decision, of which past the review deadline): one query."""
    totals = (
        CustomerRequest.objects.filter(state=RequestState.SUBMITTED)
        .order_by()
        .aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    return totals["waiting"], totals["overdue"]
