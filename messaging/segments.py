"""Segments: saved filters over customers, built from criteria that apps register, and the
audience of a message: who will receive it and who is kept out, and why.

`register_criterion(Criterion(...))` adds a filter to the segment form: its form fields,
how the cleaned values are kept in `Segment.criteria` (JSON) and how they narrow the
customers. The customers' own criteria (type, city, centre) are registered here; other
apps register theirs (donors who gave in a period: finance; recorded interests:
opportunities) from their registrations module, so messaging imports none of them.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import connections, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.cache import cached, query_key, register_topic
from core.consent import CHANNEL_ADDRESS_FIELD, ConsentChannel, ConsentPurpose
from customers.models import Customer, CustomerKind

from .choices import SkipReason
from .models import Consent, Suppression


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str | Promise
    fields: Callable[[], dict[str, forms.Field]]  # form fields, named "<key>" or "<key>_…"
    dump: Callable[[dict[str, Any]], Any]  # cleaned values → JSON, None when not used
    narrow: Callable[["QuerySet[Customer]", Any], "QuerySet[Customer]"]
    # The saved JSON back into the form's initial values ({field name: value}); by default
    # the value is the initial of the field named like the criterion.
    load: Callable[[Any], dict[str, Any]] | None = None

    def initial(self, value: Any) -> dict[str, Any]:
        if value in (None, [], ""):
            return {}
        return self.load(value) if self.load is not None else {self.key: value}


_criteria: list[Criterion] = []


def register_criterion(criterion: Criterion) -> Criterion:
    if all(known.key != criterion.key for known in _criteria):
        _criteria.append(criterion)
    return criterion


def unregister_criterion(key: str) -> None:
    """Remove a criterion (a benchmark's own, once it is done)."""
    _criteria[:] = [known for known in _criteria if known.key != key]


def criteria() -> list[Criterion]:
    return list(_criteria)


def model_choice_criterion(
    key: str, label: str | Promise, queryset: Callable[[], QuerySet[Any]], lookup: str
) -> Criterion:
    """A criterion choosing some rows of a model (cities, centres…): customers whose field
    `lookup` (on the customer's own row; a relation to many rows narrows with Exists in its
    own criterion, never a join that repeats customers) is one of them."""

    def fields() -> dict[str, forms.Field]:
        return {key: forms.ModelMultipleChoiceField(queryset(), label=label, required=False)}

    return Criterion(
        key,
        label,
        fields,
        dump=lambda cleaned: sorted(row.pk for row in cleaned.get(key) or []) or None,
        narrow=lambda customers, ids: customers.filter(**{f"{lookup}__in": ids}),
    )


def segment_customers(criteria_values: Mapping[str, Any]) -> "QuerySet[Customer]":
    """The active customers the saved criteria choose (unknown keys, from an app no longer
    installed, are ignored)."""
    customers = Customer.objects.filter(is_active=True)
    known = {criterion.key: criterion for criterion in _criteria}
    for key, value in criteria_values.items():
        if key in known and value not in (None, [], ""):
            customers = known[key].narrow(customers, value)
    return customers


def segment_counts(segments: "Iterable[Any]") -> dict[int, int]:
    """{segment id: how many customers it chooses now} of several segments (a page of the
    segment list) in one query, kept like the audience (topic `audience`, two minutes): a
    count over every customer grows with the table."""
    segments = list(segments)
    if not segments:
        return {}
    chosen = {segment.pk: segment_customers(segment.criteria) for segment in segments}
    keys = [f"{pk}={query_key(customers)}" for pk, customers in chosen.items()]
    return cached(
        AUDIENCE_TOPIC,
        "segments:" + hashlib.sha256("|".join(keys).encode()).hexdigest(),
        lambda: _count_each(chosen),
        timeout=AUDIENCE_SECONDS,
    )


def _count_each(chosen: "Mapping[int, QuerySet[Customer]]") -> dict[int, int]:
    """One COUNT per segment, read together in a UNION ALL: each counts with its own
    criteria (a COUNT … FILTER (WHERE id IN (…)) of every segment over all customers needs a
    hash of each subquery in memory, and falls back to a scan per customer beyond it)."""
    counts = [
        customers.order_by()
        .annotate(segment=Value(pk))
        .values("segment")
        .annotate(customers=Count("pk"))
        .values_list("segment", "customers")
        for pk, customers in chosen.items()
    ]
    found = dict(counts[0].union(*counts[1:], all=True))
    return {pk: found.get(pk, 0) for pk in chosen}


def segment_count(criteria_values: Mapping[str, Any]) -> int:
    """How many customers one segment chooses now (a plain COUNT), kept as segment_counts()
    keeps them."""
    customers = segment_customers(criteria_values)
    key = query_key(customers)
    if key is None:
        return 0
    return cached(AUDIENCE_TOPIC, f"count:{key}", customers.count, timeout=AUDIENCE_SECONDS)


# --- the audience --------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    recipients: int  # will be sent the message
    excluded: dict[str, int]  # SkipReason value → how many

    @property
    def total(self) -> int:
        return self.recipients + sum(self.excluded.values())

    def excluded_rows(self) -> list[tuple[str, int]]:
        """(reason in words, count) of the reasons that keep someone out, in their order."""
        return [
            (str(SkipReason(reason).label), count)
            for reason, count in self.excluded.items()
            if count
        ]


def with_eligibility(
    customers: "QuerySet[Customer]", channel: str, purpose: str
) -> "QuerySet[Any]":
    """The customers annotated with `msg_address` (the field the channel needs), `msg_consent`
    (the latest answer for this channel and purpose: True, False or None) and
    `msg_suppressed`."""
    address_field = CHANNEL_ADDRESS_FIELD[ConsentChannel(channel)]
    latest = (
        Consent.objects.filter(customer=OuterRef("pk"), channel=channel, purpose=purpose)
        .order_by("-id")
        .values("given")[:1]
    )
    return customers.annotate(
        msg_address=F(address_field),
        msg_consent=Subquery(latest),
        msg_suppressed=Exists(Suppression.objects.filter(address=OuterRef(address_field))),
    )


def consent_condition(purpose: str) -> Q:
    """Service notices go out unless withdrawn; every other purpose needs consent given."""
    if purpose == ConsentPurpose.SERVICE:
        return Q(msg_consent__isnull=True) | Q(msg_consent=True)
    return Q(msg_consent=True)


def no_consent_condition(purpose: str) -> Q:
    """The opposite of consent_condition, written out: NOT over a NULL answer is NULL."""
    if purpose == ConsentPurpose.SERVICE:
        return Q(msg_consent=False)
    return Q(msg_consent__isnull=True) | Q(msg_consent=False)


def reason_conditions(purpose: str) -> dict[str, Q]:
    """The first reason that keeps each customer out, as exclusive conditions in order."""
    no_address = Q(msg_address="") | Q(msg_address__isnull=True)
    has_address = ~no_address
    return {
        SkipReason.NO_ADDRESS: no_address,
        SkipReason.SUPPRESSED: has_address & Q(msg_suppressed=True),
        SkipReason.NO_CONSENT: has_address
        & Q(msg_suppressed=False)
        & no_consent_condition(purpose),
    }


def eligible_condition(purpose: str) -> Q:
    return (
        ~(Q(msg_address="") | Q(msg_address__isnull=True))
        & Q(msg_suppressed=False)
        & consent_condition(purpose)
    )


AUDIENCE_TOPIC = "audience"
# A change that skips the signals (a customers' bulk write) shows in the counts after this.
AUDIENCE_SECONDS = 120
register_topic(AUDIENCE_TOPIC, Customer, Consent, Suppression, form_options=False)


def counted_audience(customers: "QuerySet[Customer]", channel: str, purpose: str) -> Audience:
    """audience() as the pages show it: kept per query, channel and purpose for two minutes,
    renewed at once by a change of a customer, a consent or the suppression list (topic
    `audience`). The compose page counts again at every change of its form, the segment and
    message pages at every view; submitting, approving and sending count afresh."""
    key = query_key(customers)
    if key is None:
        return audience(customers, channel, purpose)
    return cached(
        AUDIENCE_TOPIC,
        f"{key}:{channel}:{purpose}",
        lambda: audience(customers, channel, purpose),
        timeout=AUDIENCE_SECONDS,
    )


def audience(customers: "QuerySet[Customer]", channel: str, purpose: str) -> Audience:
    """Who of these customers a message would reach, and why the others would not, in one
    query: a customer sharing a number or address with another eligible one is counted once
    (the first by id is sent it)."""
    if connections[customers.db].vendor == "postgresql":
        return _audience_postgresql(customers, channel, purpose)
    return _audience_orm(customers, channel, purpose)


def _audience_orm(customers: "QuerySet[Customer]", channel: str, purpose: str) -> Audience:
    """audience() through with_eligibility's annotations (SQLite; the PostgreSQL query's
    tests hold the two equal)."""
    annotated = with_eligibility(customers.order_by(), channel, purpose)
    reasons = reason_conditions(purpose)
    eligible = eligible_condition(purpose)
    counts = annotated.aggregate(
        eligible=Count("pk", filter=eligible),
        distinct=Count("msg_address", filter=eligible, distinct=True),
        **{reason: Count("pk", filter=condition) for reason, condition in reasons.items()},
    )
    excluded = {reason: counts[reason] for reason in reasons}
    excluded[SkipReason.DUPLICATE] = counts["eligible"] - counts["distinct"]
    return Audience(recipients=counts["distinct"], excluded=excluded)


# The latest answer of each customer for one channel and purpose, joined to the customers
# once (the correlated subquery of with_eligibility runs once per customer and per use:
# seconds at 100,000); the reasons in the order of reason_conditions.
AUDIENCE_SQL = """
SELECT reason, SUM(people), COUNT(*) FROM (
  SELECT reason, address, COUNT(*) AS people FROM (
    SELECT c.address, CASE
        WHEN c.address IS NULL OR c.address = '' THEN %s
        WHEN s.address IS NOT NULL THEN %s
        WHEN {no_consent} THEN %s
        ELSE '' END AS reason
    FROM ({customers}) AS c (id, address)
    LEFT JOIN (
      SELECT DISTINCT ON (customer_id) customer_id, given FROM {consent}
      WHERE channel = %s AND purpose = %s ORDER BY customer_id, id DESC
    ) AS latest ON latest.customer_id = c.id
    LEFT JOIN {suppression} AS s ON s.address = c.address
  ) AS answered GROUP BY reason, address
) AS addresses GROUP BY reason
"""
AUDIENCE_WORK_MEM = "32MB"  # the join's hash and sort in memory, for this query alone


def _audience_postgresql(customers: "QuerySet[Customer]", channel: str, purpose: str) -> Audience:
    """audience() in one query of joins: the same reasons as reason_conditions, the same
    duplicates (eligible customers minus their distinct addresses)."""
    connection = connections[customers.db]
    address_field = CHANNEL_ADDRESS_FIELD[ConsentChannel(channel)]
    chosen, chosen_params = (
        customers.order_by().values_list("pk", address_field).query.sql_with_params()
    )
    quote = connection.ops.quote_name
    sql = AUDIENCE_SQL.format(
        customers=chosen,
        consent=quote(Consent._meta.db_table),
        suppression=quote(Suppression._meta.db_table),
        # Service notices go out unless withdrawn; every other purpose needs consent given.
        no_consent="latest.given = FALSE"
        if purpose == ConsentPurpose.SERVICE
        else "latest.given IS NOT TRUE",
    )
    params = [
        SkipReason.NO_ADDRESS.value,
        SkipReason.SUPPRESSED.value,
        SkipReason.NO_CONSENT.value,
        *chosen_params,
        channel,
        purpose,
    ]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [AUDIENCE_WORK_MEM])
        cursor.execute(sql, params)
        rows = {reason: (int(people), int(addresses)) for reason, people, addresses in cursor}
    eligible, distinct = rows.pop("", (0, 0))
    excluded = {reason: rows.get(str(reason), (0, 0))[0] for reason in reason_conditions(purpose)}
    excluded[SkipReason.DUPLICATE] = eligible - distinct
    return Audience(recipients=distinct, excluded=excluded)


def _register_customer_criteria() -> None:
    from association.models import Centre, City

    def kind_fields() -> dict[str, forms.Field]:
        return {
            "kind": forms.MultipleChoiceField(
                choices=CustomerKind.choices, label=_("customer type"), required=False
            )
        }

    register_criterion(
        Criterion(
            "kind",
            _("customer type"),
            kind_fields,
            dump=lambda cleaned: sorted(cleaned.get("kind") or []) or None,
            narrow=lambda customers, kinds: customers.filter(kind__in=kinds),
        )
    )
    register_criterion(
        model_choice_criterion("city", _("city"), lambda: City.objects.all(), "city")
    )
    register_criterion(
        model_choice_criterion(
            "centre", _("neighbourhood centre"), lambda: Centre.objects.all(), "centre"
        )
    )


_register_customer_criteria()
