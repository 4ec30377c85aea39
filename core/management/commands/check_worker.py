import time
from typing import Any

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.tasks import ping


class Command(BaseCommand):
    help = "Send a task to the Celery worker and wait for its answer (checks broker and worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args: Any, timeout: float, **options: Any) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("REDIS_URL is not set: tasks run in-process (eager mode).")
        started = time.monotonic()
        try:
            answer = ping.delay("check_worker").get(timeout=timeout)
        except CeleryTimeoutError as error:
            raise CommandError(f"No worker answered within {timeout:g} s.") from error
        elapsed_ms = (time.monotonic() - started) * 1000
        self.stdout.write(
            self.style.SUCCESS(f"Worker answered in {elapsed_ms:.0f} ms: {answer['answered_at']}")
        )
