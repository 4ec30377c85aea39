"""manage.py load_manual: the manual's documents shipped with the project (manual/texts/) as
their versions in force. Idempotent: a document already loaded is left as it is."""

from typing import Any

from django.core.management.base import BaseCommand

from manual import services


class Command(BaseCommand):
    help = "Load the manual's documents shipped with the project as their versions in force."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = services.load_manual()
        self.stdout.write(f"Loaded {loaded} manual documents.")
