"""What visitors did after coming through a tracked link: each public outcome (a case
filed, later a survey answered or a support request) is a model with a nullable
`source_link` foreign key to TrackedLink (on_delete SET_NULL), set from
`links.attribution.first_touch` (or `core.attribution.first_touch_id` in an app below
links) when the public form is submitted.

An app registers its outcome here (from its AppConfig.ready, or links registers the
outcomes of the apps below it), and the link's page counts them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Outcome:
    key: str
    label: Any  # lazy, plural: "Cases filed"
    model: type[models.Model]
    # Who may see the count (a permission of the outcome's app).
    permission: str
    # The staff page of one record, by pk (None: counts only).
    detail_url: Callable[[models.Model], str] | None = None
    field: str = "source_link"
    # The outcome's customer (a foreign key to customers.Customer) and when it happened:
    # a campaign's evaluation counts the customers its outcomes reached, and the new ones
    # (recorded on or after their first attributed outcome). None: the outcome names no
    # customer.
    customer_field: str | None = None
    at_field: str | None = None
    # The campaign target it counts towards ("support_requests"), if any.
    counts_towards: str = ""


_outcomes: list[Outcome] = []


def register_outcome(outcome: Outcome) -> None:
    if all(existing.key != outcome.key for existing in _outcomes):
        _outcomes.append(outcome)


def registered_outcomes() -> tuple[Outcome, ...]:
    return tuple(_outcomes)
