"""SMS gateway backends, shaped like Django's email backends: `settings.SMS_BACKEND` names
the class, `settings.SMS_BACKEND_OPTIONS` its keyword arguments, and `get_sms_backend()`
makes one. A backend sends a batch of `OutgoingSms` and answers one `SmsResult` per
message, in order:

- accepted: the gateway took the message (its id kept for delivery reports);
- refused for this recipient (`permanent`): an invalid or unreachable number; the sender
  does not try again and may suppress the number;
- a failure of the gateway itself (timeout, 5xx, no balance, a bad key) raises
  `GatewayUnavailable` with the results of the messages handed over before it: the rest
  stay unsent and the task retries later.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class OutgoingSms:
    to: str  # E.164, "+9665XXXXXXXX"
    body: str
    sender: str  # the sender name registered with the gateway
    reference: str = ""  # ours, echoed in delivery reports where the gateway allows


@dataclass(frozen=True)
class SmsResult:
    accepted: bool
    gateway_id: str = ""
    parts: int = 0
    error: str = ""  # the gateway's code, e.g. "ER-02"
    detail: str = ""  # the gateway's words, for the message page
    permanent: bool = False  # a refusal for this recipient, never retried


class GatewayUnavailable(Exception):
    """The gateway could not take the rest of the batch; retry later. `detail` says why;
    `results` are those of the messages handed over before it failed (a prefix of the
    batch: they were sent and must be recorded as such)."""

    def __init__(
        self,
        detail: str,
        *,
        results: Sequence["SmsResult"] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.results = list(results)
        self.retry_after = retry_after


class BaseSmsBackend:
    # Messages a send() may hand over at once; the sending task slices batches by it.
    batch_size = 100

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        raise NotImplementedError


def get_sms_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    backend_class = import_string(path or settings.SMS_BACKEND)
    merged = {**getattr(settings, "SMS_BACKEND_OPTIONS", {}), **options}
    backend: BaseSmsBackend = backend_class(**merged)
    return backend
