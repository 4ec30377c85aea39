"""A file backend made slow, for the killed-worker test (tests/messaging/test_killed_worker.py):
the worker names it by SMS_BACKEND in its environment. Each batch waits before it writes its
lines, as a gateway's round trip would, so the test can kill the worker mid-send."""

import os
import time
from collections.abc import Sequence

from messaging.backends.base import OutgoingSms, SmsResult
from messaging.backends.filebased import SmsBackend


class SlowSmsBackend(SmsBackend):
    batch_size = int(os.environ.get("SLOW_SMS_BATCH", "20"))

    def send(self, messages: Sequence[OutgoingSms]) -> list[SmsResult]:
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0.2")))
        return super().send(messages)
