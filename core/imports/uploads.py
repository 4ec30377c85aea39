"""An uploaded spreadsheet, kept between its dry run and its confirmation.

The bytes are stored under MEDIA_ROOT/imports/<token> (the web app and the worker share
MEDIA_ROOT). Confirming first *claims* the upload (an atomic rename), so a second
confirmation of the same upload finds nothing; the background job then reads the claimed
file and deletes it when done, or puts it back if it failed."""

import contextlib
import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

UPLOAD_SUBDIRECTORY = "imports"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadMissing(Exception):
    """The stored upload is gone: already confirmed, expired, or never ours."""


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _upload_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_SUBDIRECTORY


def _upload_path(token: object) -> Path:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise UploadMissing
    return _upload_directory() / token


def _claimed_path(token: str) -> Path:
    return _upload_path(token).with_name(f"{token}.claimed")


def store_upload(content: bytes) -> str:
    """Keep the uploaded bytes under MEDIA_ROOT/imports/<token>; return the token."""
    directory = _upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    purge_stale_uploads()
    token = uuid.uuid4().hex
    descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    return token


def read_upload(token: str) -> bytes:
    try:
        return _upload_path(token).read_bytes()
    except FileNotFoundError as error:
        raise UploadMissing from error


def claim_upload(token: str) -> None:
    """Take the upload for its confirmation (atomically: one of two clicks wins).
    Raises UploadMissing when it was already taken, expired, or never stored."""
    path = _upload_path(token)
    try:
        path.rename(_claimed_path(token))
    except FileNotFoundError as error:
        raise UploadMissing from error


def read_claimed_upload(token: str) -> bytes:
    try:
        return _claimed_path(token).read_bytes()
    except FileNotFoundError as error:
        raise UploadMissing from error


def release_claim(token: str) -> None:
    """The confirmation failed: the upload may be confirmed again."""
    with contextlib.suppress(FileNotFoundError, UploadMissing):
        _claimed_path(token).rename(_upload_path(token))


def finish_claim(token: str) -> None:
    """The confirmation succeeded: the upload is gone."""
    with contextlib.suppress(UploadMissing):
        _claimed_path(token).unlink(missing_ok=True)


@contextlib.contextmanager
def claimed_upload(token: str) -> Iterator[bytes]:
    """The stored bytes, claimed; put back if the block fails, deleted if it succeeds."""
    claim_upload(token)
    try:
        yield read_claimed_upload(token)
    except BaseException:
        release_claim(token)
        raise
    finish_claim(token)


def discard_upload(token: str) -> None:
    with contextlib.suppress(UploadMissing):
        _upload_path(token).unlink(missing_ok=True)


def purge_stale_uploads(max_age_seconds: float = UPLOAD_MAX_AGE_SECONDS) -> None:
    """Delete uploads (and claims of dead jobs) nobody touched within a day."""
    directory = _upload_directory()
    if not directory.is_dir():
        return
    oldest = time.time() - max_age_seconds
    for path in directory.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < oldest:
                path.unlink()
