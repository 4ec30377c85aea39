"""`manage.py restore ARCHIVE [--yes] [--check]`: verify a backup's checksums, then replace
the database and the media files with it and check every table's rows and every file."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from core import backup


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from a backup archive. Everything now in "
        "the database and under MEDIA_ROOT is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar archive written by `manage.py backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts, CI)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive against its manifest; change nothing.",
        )

    def handle(
        self, *args: Any, archive: str, yes: bool = False, check: bool = False, **options: Any
    ) -> None:
        try:
            manifest = backup.verify_archive(archive, engine=backup.engine_name(connection))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Archive verified: {backup.describe(manifest)}")
        if check:
            return
        if not yes:
            database = connection.settings_dict.get("NAME")
            answer = input(
                f"This replaces the whole database {database!s} and every file under MEDIA_ROOT "
                "with the backup. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            result = backup.restore_archive(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if result.problems:
            raise CommandError(
                "The restore finished but does not match the backup:\n  "
                + "\n  ".join(result.problems[:50])
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked: {result.rows} rows in {result.tables} tables, "
                f"{result.files} files."
            )
        )
