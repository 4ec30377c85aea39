"""Keeps each SMS in `outbox` (tests), as Django's locmem email backend keeps mail.outbox."""

from collections.abc import Sequence

from ..sms import sms_length
from .base import BaseSmsBackend, OutgoingSms, SmsResult

outbox: list[OutgoingSms] = []


class SmsBackend(BaseSmsBackend):
    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        results = []
        for message in messages:
            outbox.append(message)
            results.append(SmsResult(True, f"locmem-{len(outbox)}", sms_length(message.body).parts))
        return results
