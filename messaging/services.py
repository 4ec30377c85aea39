"""Every write of consents: the customer information form's entry (customers.signals
.request_entered: the pairs the form changed), the public unsubscribe link, the demo and
the admin. Records are appended, never changed."""

import datetime
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.consent import FORM_PAIRS, ConsentSource, no_consents, pair_key, split_pair
from customers.models import Customer, CustomerRequest, RequestKind

from .models import Consent
from .selectors import latest_answers


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Riyadh of a day (a consent given on a date, with no time)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_default_timezone()
    )


def consents_record(
    *,
    customer_id: int,
    changes: Mapping[str, bool],
    at: datetime.datetime,
    source: str,
    evidence: str = "",
    actor: User | None = None,
) -> list[Consent]:
    """Record the pairs ({pair key: given}) whose current answer differs; the others are
    left as they are. Returns the records written."""
    current = latest_answers([customer_id])
    records = [
        Consent(
            customer_id=customer_id,
            channel=channel,
            purpose=purpose,
            given=given,
            at=at,
            source=source,
            evidence=evidence[:300],
            recorded_by=actor,
        )
        for key, given in changes.items()
        for channel, purpose in [split_pair(key)]
        if current.get((customer_id, key)) != given
    ]
    with transaction.atomic():
        return Consent.objects.bulk_create(records)


def consents_from_entered_form(*, request: CustomerRequest) -> int:
    """The consents of an entered customer information form (customers.signals
    .request_entered, inside the entry's transaction): for each line, the pairs the form
    changed from the values it was prepared against, written where the customer's current
    answer differs (a withdrawal by link since then is not undone by a form that did not
    touch that pair). Source «form» (an import batch: «import»), evidence the form's number,
    recorded by the person who entered it. Returns how many records were written."""
    lines = [line for line in request.lines.all() if "consents" in line.proposed]
    if not lines:
        return 0
    changes_by_customer: dict[int, dict[str, bool]] = {}
    dates: dict[int, tuple[str | None, str]] = {}
    for line in lines:
        base = {**no_consents(), **(line.base_values.get("consents") or {})}
        proposed = line.proposed.get("consents") or {}
        changed = {
            key: bool(given)
            for key, given in proposed.items()
            if key in FORM_PAIRS and bool(given) != bool(base.get(key))
        }
        if changed and line.customer_id:
            changes_by_customer[line.customer_id] = changed
            dates[line.customer_id] = (
                line.proposed.get("consent_date"),
                line.proposed.get("consent_source") or "",
            )
    if not changes_by_customer:
        return 0
    source = ConsentSource.IMPORT if request.kind == RequestKind.IMPORT else ConsentSource.FORM
    now = timezone.now()
    current: dict[tuple[int, str], bool] = {}
    customer_ids = list(changes_by_customer)
    for start in range(0, len(customer_ids), 1000):  # one query per 1,000 customers
        current.update(latest_answers(customer_ids[start : start + 1000]))
    records = []
    for customer_id, changed in changes_by_customer.items():
        day, how = dates[customer_id]
        at = day_start(datetime.date.fromisoformat(day)) if day else now
        evidence = _("Form %(number)s") % {"number": request.pk}
        if how:
            evidence = f"{evidence} · {how}"
        for key, given in changed.items():
            if current.get((customer_id, key)) == given:
                continue
            channel, purpose = split_pair(key)
            records.append(
                Consent(
                    customer_id=customer_id,
                    channel=channel,
                    purpose=purpose,
                    given=given,
                    at=at,
                    source=source,
                    evidence=evidence[:300],
                    recorded_by_id=request.entered_by_id,
                )
            )
    Consent.objects.bulk_create(records, batch_size=1000)
    return len(records)


def consent_withdraw_by_link(*, customer_id: int, channel: str, purpose: str) -> bool:
    """The person clicked the unsubscribe link of a message: withdrawn at once. A second
    click records nothing more. Returns whether a record was written."""
    with transaction.atomic():
        # Serialise two clicks at once on the same customer's consents.
        Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk").first()
        written = consents_record(
            customer_id=customer_id,
            changes={pair_key(channel, purpose): False},
            at=timezone.now(),
            source=ConsentSource.UNSUBSCRIBE_LINK,
            evidence=_("Unsubscribe link"),
        )
    return bool(written)


def consents_seed(rows: list[tuple[int, str, datetime.datetime, str]]) -> None:
    """Synthetic consents given, [(customer id, pair key, at, how)], in bulk (the seeding
    commands, through customers.consents.seed_consents): no check, no actor."""
    Consent.objects.bulk_create(
        [
            Consent(
                customer_id=customer_id,
                channel=split_pair(key)[0],
                purpose=split_pair(key)[1],
                given=True,
                at=at,
                source=ConsentSource.FORM,
                evidence=how[:300],
            )
            for customer_id, key, at, how in rows
        ],
        batch_size=2000,
    )
