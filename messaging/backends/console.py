"""Writes each SMS to standard output (development)."""

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..sms import sms_length
from .base import BaseSmsBackend, OutgoingSms, SmsResult


class SmsBackend(BaseSmsBackend):
    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream or sys.stdout

    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        results = []
        for number, message in enumerate(messages, start=1):
            self.stream.write(
                f"SMS from {message.sender} to {message.to} ({message.reference}):\n"
                f"{message.body}\n{'-' * 40}\n"
            )
            parts = sms_length(message.body).parts
            results.append(SmsResult(True, f"console-{number}", parts))
        self.stream.flush()
        return results
