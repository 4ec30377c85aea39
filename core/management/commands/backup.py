"""`manage.py backup [PATH]`: the database and every uploaded file in one archive, with a
manifest of checksums (core/backup.py). PATH is a .tar file or a folder (a dated name is
chosen in it); without it, BACKUP_DIR."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import backup


class Command(BaseCommand):
    help = "Back up the database and the media files together, with a manifest of checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            help="The archive to write (.tar) or a folder for it (default: BACKUP_DIR).",
        )

    def handle(self, *args: Any, destination: str | None = None, **options: Any) -> None:
        target = destination or f"{settings.BACKUP_DIR}/"
        try:
            path, manifest = backup.create_backup(target)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
        self.stdout.write(f"  {backup.describe(manifest)}")
