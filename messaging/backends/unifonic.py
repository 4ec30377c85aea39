"""Unifonic (unifonic.com), a Saudi SMS gateway, over its REST API: one form-encoded POST
per message to `{base_url}/rest/SMS/messages` with AppSid, SenderID, Recipient (the number
without "+"), Body, responseType=JSON and CorrelationID (our reference). It answers JSON:
`{"success": true, "data": {"MessageID": …, "NumberOfUnits": …}}`, or `"success": false`
with an `errorCode` (ER-01 … ER-10, "Understanding reasons of SMS non-delivery").

Options (SMS_BACKEND_OPTIONS): app_sid (required), base_url (default the public endpoint;
tests point it at a local fake server), timeout in seconds.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import BaseSmsBackend, GatewayUnavailable, OutgoingSms, SmsResult

DEFAULT_BASE_URL = "https://el.cloud.unifonic.com"
# Refusals of one recipient or one text: the number is invalid or unreachable, the text
# empty, filtered or a duplicate of a recent one. Any other code (no balance ER-01, the
# sender not registered ER-08, an unknown code) stops the batch: no other message would go.
RECIPIENT_ERRORS = frozenset({"ER-02", "ER-03", "ER-04", "ER-05", "ER-06", "ER-07", "ER-09"})


class SmsBackend(BaseSmsBackend):
    batch_size = 50

    def __init__(
        self,
        app_sid: str = "",
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | str = 10.0,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not app_sid:
            raise ImproperlyConfigured("The Unifonic backend needs SMS_BACKEND_OPTIONS app_sid.")
        self.app_sid = app_sid
        self.url = base_url.rstrip("/") + "/rest/SMS/messages"
        self.timeout = float(timeout)  # from SMS_BACKEND_OPTIONS: text

    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        results: list[SmsResult] = []
        for message in messages:
            try:
                results.append(self._send_one(message))
            except GatewayUnavailable as failure:
                failure.results = results
                raise
        return results

    def _send_one(self, message: OutgoingSms) -> SmsResult:
        answer = self._post(
            {
                "AppSid": self.app_sid,
                "SenderID": message.sender,
                "Recipient": message.to.lstrip("+"),
                "Body": message.body,
                "responseType": "JSON",
                "CorrelationID": message.reference,
                "async": "false",
            }
        )
        if answer.get("success") in (True, "true"):
            data = answer.get("data") or {}
            return SmsResult(
                True, str(data.get("MessageID", "")), _whole(data.get("NumberOfUnits"))
            )
        code = str(answer.get("errorCode", ""))
        detail = str(answer.get("message", ""))
        if code in RECIPIENT_ERRORS:
            return SmsResult(False, error=code, detail=detail, permanent=True)
        raise GatewayUnavailable(f"Unifonic {code or 'error'}: {detail}".strip())

    def _post(self, fields: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
            if error.code == 429 or error.code >= 500:
                raise GatewayUnavailable(
                    f"Unifonic HTTP {error.code}", retry_after=_seconds(error.headers)
                ) from error
            # A 4xx answer still carries the JSON error (a refused number or a bad key).
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise GatewayUnavailable(f"Unifonic unreachable: {error}") from error
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise GatewayUnavailable("Unifonic answered something that is not JSON") from error
        if not isinstance(answer, dict):
            raise GatewayUnavailable("Unifonic answered an unexpected JSON shape")
        return answer


def _whole(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _seconds(headers: Any) -> float | None:
    try:
        return float(headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None
