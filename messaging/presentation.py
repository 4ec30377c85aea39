"""What the messaging pages show: a segment's criteria in words, a message's cost and the
progress of its sending."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from .choices import RecipientStatus
from .segments import criteria


def _choice_labels(field: forms.Field) -> dict[str, str]:
    choices = getattr(field, "choices", None)
    if choices is None:
        return {}
    labels: dict[str, str] = {}
    for value, label in choices:
        key = getattr(value, "value", value)  # a ModelChoiceIteratorValue
        labels[str(key)] = str(label)
    return labels


def criteria_in_words(saved: Iterable[Mapping[str, Any]]) -> list[list[tuple[str, str]]]:
    """For each saved criteria (Segment.criteria), [(criterion label, chosen values in
    words)]; the options of each criterion are read once for all of them."""
    saved = list(saved)
    used = {key for values in saved for key, value in values.items() if value}
    labels: dict[str, dict[str, str]] = {}
    for criterion in criteria():
        if criterion.key in used:
            field = criterion.fields().get(criterion.key)
            labels[criterion.key] = _choice_labels(field) if field is not None else {}
    described = []
    for values in saved:
        rows = []
        for criterion in criteria():
            value = values.get(criterion.key)
            if value in (None, [], ""):
                continue
            known = labels.get(criterion.key, {})
            items = value if isinstance(value, list) else [value]
            words = "، ".join(known.get(str(item), str(item)) for item in items)
            rows.append((str(criterion.label), words))
        described.append(rows)
    return described


@dataclass(frozen=True)
class Cost:
    parts: int
    recipients: int
    price_per_part: Decimal

    @property
    def total(self) -> Decimal:
        return self.parts * self.recipients * self.price_per_part


@dataclass(frozen=True)
class Progress:
    counts: dict[str, int]
    total: int

    @property
    def done(self) -> int:
        """Recipients the sending has finished with (sent, delivered, failed, interrupted)."""
        return sum(
            self.counts.get(status, 0)
            for status in (
                RecipientStatus.SENT,
                RecipientStatus.DELIVERED,
                RecipientStatus.FAILED,
                RecipientStatus.UNCERTAIN,
            )
        )

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def rows(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of the statuses that have someone."""
        return [
            (status, str(label), self.counts.get(status, 0))
            for status, label in RecipientStatus.choices
            if self.counts.get(status, 0)
        ]


def progress_of(counts: dict[str, int]) -> Progress:
    """Recipients skipped at listing time are not part of the bar."""
    total = sum(count for status, count in counts.items() if status != RecipientStatus.SKIPPED) + 0
    return Progress(counts, total)
