"""Appends one JSON line per SMS to a file of the day under SMS_FILE_PATH (the development
default: what would have been sent stays readable, and the demo's messages are there)."""

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from ..sms import sms_length
from .base import BaseSmsBackend, OutgoingSms, SmsResult


class SmsBackend(BaseSmsBackend):
    batch_size = 500

    def __init__(self, file_path: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.folder = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        lines, results = [], []
        for message in messages:
            gateway_id = uuid.uuid4().hex
            parts = sms_length(message.body).parts
            lines.append(
                json.dumps(
                    {
                        "id": gateway_id,
                        "at": now.isoformat(),
                        "sender": message.sender,
                        "to": message.to,
                        "reference": message.reference,
                        "parts": parts,
                        "body": message.body,
                    },
                    ensure_ascii=False,
                )
            )
            results.append(SmsResult(True, gateway_id, parts))
        path = self.folder / f"sms-{now:%Y-%m-%d}.jsonl"
        with path.open("a", encoding="utf-8") as file:
            file.write("".join(line + "\n" for line in lines))
        return results
