"""Backup and restore of the database and the uploaded files together (README "Operations:
backup and restore").

One archive (a tar file) holds:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the sqlite3 online backup API), taken from the current connection's settings;
- ``media/…``: every file under MEDIA_ROOT (case attachments, signed pledges, report PDF and
  XLSX files, pending imports);
- ``manifest.json``: when, which version, which database engine, the row count of every
  table, and every file with its size and SHA-256 (the database file too).

A restore reads the manifest and checks every checksum before it touches anything, refuses a
damaged archive or one made for another database engine, then replaces the database and the
media together and checks the row counts and the files again.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Folders made inside MEDIA_ROOT while a restore runs: never backed up.
RESTORE_FOLDER_PREFIX = ".restoring-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or a failure the operator should read."""


@dataclass
class RestoreResult:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list = field(default_factory=list)


# --- what is in the database and in MEDIA_ROOT ------------------------------------------------


def engine_name(conn: BaseDatabaseWrapper | None = None) -> str:
    vendor = (conn or connection).vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def row_counts(conn: BaseDatabaseWrapper | None = None) -> dict[str, int]:
    """Rows per table, for every table of the database (Django's and the others')."""
    conn = conn or connection
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {}
        for table in sorted(tables):
            quoted = '"' + table.replace('"', '""') + '"'
            counts[table] = db.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]
    return counts


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path | None = None) -> list[str]:
    """Every file under MEDIA_ROOT, as POSIX paths relative to it, sorted."""
    root = Path(root or media_root())
    if not root.exists():
        return []
    found = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(RESTORE_FOLDER_PREFIX))
        for name in files:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def sha256_of(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _file_entry(path: Path, relative: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        digest, size = sha256_of(handle)
    return {"path": relative, "size": size, "sha256": digest}


def app_version() -> tuple[str, str]:
    from importlib import metadata

    try:
        version = metadata.version("crm-association")
    except metadata.PackageNotFoundError:
        version = ""
    commit = os.environ.get("GIT_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            commit = ""
    return version, commit


# --- PostgreSQL through its own tools --------------------------------------------------------


def _pg_environment(conn: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq variables for pg_dump / pg_restore, from the connection Django uses (in the
    test suite, the test database)."""
    params = conn.get_connection_params()
    env = {**os.environ}
    for key, variable in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("dbname", "PGDATABASE"),
    ):
        value = params.get(key)
        if value not in (None, ""):
            env[variable] = str(value)
    if "sslmode" in params:
        env["PGSSLMODE"] = str(params["sslmode"])
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: install postgresql-client (the same major "
            "version as the PostgreSQL server)."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result


def _dump_postgresql(conn: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts were taken in: the counts and the dump agree
    even while the site is in use."""
    env = _pg_environment(conn)
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = row_counts(conn)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env,
        )
    return counts


def _restore_postgresql(conn: BaseDatabaseWrapper, source: Path) -> None:
    env = _pg_environment(conn)
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env.get('PGDATABASE', '')}",
            str(source),
        ],
        env,
    )


# --- SQLite through the online backup API -----------------------------------------------------


def _dump_sqlite(conn: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    conn.ensure_connection()
    with sqlite3.connect(target) as copy:
        conn.connection.backup(copy)
    # Counted in the copy: exactly what the archive holds.
    return _sqlite_row_counts(target)


def _restore_sqlite(conn: BaseDatabaseWrapper, source: Path) -> None:
    conn.ensure_connection()
    with sqlite3.connect(source) as backup:
        backup.backup(conn.connection)


# --- backup -----------------------------------------------------------------------------------


def default_archive_name(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now)
    return f"crm-backup-{now:%Y%m%d-%H%M%S}.tar"


def resolve_destination(destination: str | Path) -> Path:
    """A directory (existing, or written with a trailing slash) gets a dated archive name."""
    text = str(destination)
    path = Path(destination)
    if path.is_dir() or text.endswith(("/", os.sep)):
        path.mkdir(parents=True, exist_ok=True)
        return path / default_archive_name()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def create_backup(destination: str | Path) -> tuple[Path, dict[str, Any]]:
    """Write the archive; return (path, manifest). The archive is written under a temporary
    name and renamed when complete, so a half-written backup never looks like a good one."""
    conn = connection
    engine = engine_name(conn)
    path = resolve_destination(destination)
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name.")
    version, commit = app_version()
    partial = path.with_name(f".{path.name}.partial-{uuid.uuid4().hex[:8]}")
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as work:
        database_file = Path(work) / DATABASE_FILES[engine]
        if engine == "postgresql":
            counts = _dump_postgresql(conn, database_file)
        else:
            counts = _dump_sqlite(conn, database_file)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "app_version": version,
            "git_commit": commit,
            "database": {
                "engine": engine,
                "name": str(conn.settings_dict.get("NAME", "")),
                **_file_entry(database_file, DATABASE_FILES[engine]),
            },
            "row_counts": counts,
            "media": [],
        }
        root = media_root()
        try:
            with tarfile.open(partial, "w") as archive:
                archive.add(database_file, arcname=DATABASE_FILES[engine])
                for relative in media_files(root):
                    source = root / relative
                    entry = _file_entry(source, relative)
                    archive.add(source, arcname=MEDIA_PREFIX + relative, recursive=False)
                    manifest["media"].append(entry)
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return path, manifest


# --- verify -----------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def _member_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    handle = archive.extractfile(member)
    if handle is None:  # a folder or a link where a file was expected
        raise BackupError(f"{member.name} in the archive is not a file.")
    return handle


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError as error:
        raise BackupError("The archive has no manifest.json: it is not a CRM backup.") from error
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"The archive is truncated or damaged ({error}).") from error
    try:
        manifest = json.loads(_member_file(archive, member).read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError("The archive's manifest.json is damaged.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify_archive(path: str | Path, *, engine: str | None = None) -> dict[str, Any]:
    """Check the archive against its manifest without changing anything: every file there,
    none extra, every size and SHA-256 right, and made for this database engine. Returns the
    manifest; raises BackupError naming the first problems found."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        database = manifest.get("database") or {}
        if engine is not None and database.get("engine") != engine:
            raise BackupError(
                f"This backup is of a {database.get('engine')} database; this site uses "
                f"{engine}. Restore it on a site with the same database engine."
            )
        if not isinstance(database.get("path"), str):
            raise BackupError("The archive's manifest.json is damaged.")
        expected: dict[str, Any] = {database["path"]: database}
        for entry in manifest.get("media", []):
            expected[MEDIA_PREFIX + entry["path"]] = entry
        problems = []
        seen = set()
        try:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if not _safe_member_name(member.name) or not member.isfile():
                    problems.append(f"unexpected entry {member.name!r}")
                    continue
                entry = expected.get(member.name)
                if entry is None:
                    problems.append(f"{member.name}: not in the manifest")
                    continue
                digest, size = sha256_of(_member_file(archive, member))
                if size != entry["size"] or digest != entry["sha256"]:
                    problems.append(f"{member.name}: checksum does not match the manifest")
                seen.add(member.name)
        except (tarfile.TarError, OSError, EOFError) as error:
            problems.append(f"the archive is truncated or damaged ({error})")
        problems += [f"{name}: missing from the archive" for name in sorted(set(expected) - seen)]
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BackupError(
            f"The archive is damaged or does not match its manifest; nothing was changed:\n  "
            f"{shown}{more}"
        )
    return manifest


# --- restore ----------------------------------------------------------------------------------


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with _member_file(archive, member) as source, open(target, "wb") as handle:
        shutil.copyfileobj(source, handle, CHUNK)


def _replace_media(staging: Path, root: Path) -> None:
    """Empty MEDIA_ROOT (it may be a mounted volume: never removed itself) and move the
    restored files in."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry == staging:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staging.iterdir():
        os.replace(entry, root / entry.name)
    staging.rmdir()


def restore_archive(path: str | Path) -> RestoreResult:
    """Verify, then restore the database and MEDIA_ROOT from the archive, then check them.
    The caller has asked for confirmation."""
    conn = connection
    engine = engine_name(conn)
    manifest = verify_archive(path, engine=engine)
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{RESTORE_FOLDER_PREFIX}{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="crm-restore-") as work,
            tarfile.open(path) as archive,
        ):
            database_file = Path(work) / manifest["database"]["path"]
            for member in archive:
                if member.name == manifest["database"]["path"]:
                    _extract(archive, member, database_file)
                elif member.name.startswith(MEDIA_PREFIX):
                    _extract(archive, member, staging / member.name[len(MEDIA_PREFIX) :])
            if engine == "postgresql":
                _restore_postgresql(conn, database_file)
            else:
                _restore_sqlite(conn, database_file)
        _replace_media(staging, root)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return check_restored(manifest)


def check_restored(manifest: dict[str, Any]) -> RestoreResult:
    """Row counts per table and every file (size and SHA-256) as the manifest says."""
    result = RestoreResult()
    counts = row_counts(connection)
    for table, expected in sorted(manifest["row_counts"].items()):
        found = counts.get(table)
        if found != expected:
            result.problems.append(f"table {table}: {found} rows, the backup had {expected}")
        result.tables += 1
        result.rows += expected
    root = media_root()
    for entry in manifest["media"]:
        target = root / entry["path"]
        if not target.is_file():
            result.problems.append(f"media/{entry['path']}: missing after the restore")
            continue
        if _file_entry(target, entry["path"]) != entry:
            result.problems.append(f"media/{entry['path']}: checksum differs after the restore")
        result.files += 1
    return result


def describe(manifest: dict[str, Any]) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    return (
        f"made {timezone.localtime(created):%Y-%m-%d %H:%M %Z}, "
        f"version {manifest.get('app_version') or '?'} "
        f"{(manifest.get('git_commit') or '')[:12]}".rstrip()
        + f", {manifest['database']['engine']} database "
        f"({sum(manifest['row_counts'].values())} rows in {len(manifest['row_counts'])} tables), "
        f"{len(manifest['media'])} files"
    )
