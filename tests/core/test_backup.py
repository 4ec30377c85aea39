"""The backup and restore drill (issue 10 item 11): data with files (a case attachment, a
signed pledge, a produced report's PDF and XLSX) is backed up, the database AND the media
are wiped, the archive is restored, and every row and file comes back with the same
checksums, and the pages serving the files answer 200 again. Runs on PostgreSQL (pg_dump /
pg_restore into the test database) and on SQLite (the online backup API)."""

import hashlib
import io
import json
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from complaints.models import Case, CaseAttachment
from core import backup
from opportunities.models import Opportunity
from reports.models import Report
from tests.conftest import skip_or_fail
from tests.core.personal_files import build_personal_files
from tests.reports.support import fake_documents, media_root  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.backup, pytest.mark.django_db(transaction=True)]

FILE_PAGES = ("case attachment", "signed pledge", "report PDF", "report XLSX")


@pytest.fixture(autouse=True)
def database_tools():
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        skip_or_fail("pg_dump / pg_restore (postgresql-client) are not installed")


def media_checksums(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def file_pages_answer(built, user):
    client = Client()
    client.force_login(user)
    statuses = {}
    for name in FILE_PAGES:
        response = client.get(built["urls"][name])
        statuses[name] = response.status_code
        if response.status_code == 200:
            b"".join(response.streaming_content)
    return statuses


@pytest.fixture
def data_with_files(fake_documents, media_root):  # noqa: F811
    built = build_personal_files()
    return built


def make_backup(tmp_path):
    out = StringIO()
    call_command("backup", f"{tmp_path / 'backups'}/", stdout=out)
    archives = list((tmp_path / "backups").glob("crm-backup-*.tar"))
    assert len(archives) == 1, out.getvalue()
    return archives[0], out.getvalue()


def test_backup_wipe_restore_finds_every_row_and_file(data_with_files, media_root, tmp_path):  # noqa: F811
    built = data_with_files
    manager = built["people"]["crm_manager"]
    assert set(file_pages_answer(built, manager).values()) == {200}
    rows_before = backup.row_counts()
    files_before = media_checksums(media_root)
    for stored in (
        built["attachment"].file,
        built["opportunity"].pledge_file,
        built["report"].pdf,
        built["report"].xlsx,
    ):
        assert stored.name in files_before

    archive, output = make_backup(tmp_path)
    assert "Backup written" in output

    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["row_counts"]["complaints_case"] == 1
    assert {entry["path"]: entry["sha256"] for entry in manifest["media"]} == files_before
    assert manifest["created_at"] and "app_version" in manifest and "git_commit" in manifest

    # The disaster: the database and the media both gone.
    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(media_root)
    assert not Case.objects.exists()
    assert get_user_model().objects.count() == 0

    out = StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "Restored and checked" in out.getvalue()

    assert backup.row_counts() == rows_before
    assert media_checksums(media_root) == files_before
    case = Case.objects.get(pk=built["case"].pk)
    assert case.subject == "تأخر الخدمة"
    attachment = CaseAttachment.objects.get(pk=built["attachment"].pk)
    assert attachment.file.storage.exists(attachment.file.name)
    opportunity = Opportunity.objects.get(pk=built["opportunity"].pk)
    assert opportunity.pledge_file.name == built["opportunity"].pledge_file.name
    report = Report.objects.get(pk=built["report"].pk)
    assert report.pdf.storage.exists(report.pdf.name)
    manager = get_user_model().objects.get(pk=manager.pk)
    assert set(file_pages_answer(built, manager).values()) == {200}


def _rewrite(archive, target, change):
    """Copy the archive with one member's bytes or the manifest changed."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as copy:
        for member in source:
            data = source.extractfile(member).read()
            data = change(member.name, data)
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


def _state(media_root):  # noqa: F811
    return backup.row_counts(), media_checksums(media_root)


def test_a_damaged_archive_is_refused_and_nothing_changes(data_with_files, media_root, tmp_path):  # noqa: F811
    archive, _output = make_backup(tmp_path)
    pledge = data_with_files["opportunity"].pledge_file.name

    def flip(name, data):
        if name == f"media/{pledge}":
            return data[:-1] + bytes([data[-1] ^ 0xFF])
        return data

    damaged = _rewrite(archive, tmp_path / "damaged.tar", flip)
    Case.objects.all().update(subject="تغيّر بعد النسخة")
    before = _state(media_root)
    with pytest.raises(CommandError, match="checksum does not match"):
        call_command("restore", str(damaged), "--yes", stdout=StringIO())
    assert _state(media_root) == before
    assert Case.objects.get().subject == "تغيّر بعد النسخة"

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[:2048])
    with pytest.raises(CommandError):
        call_command("restore", str(truncated), "--yes", stdout=StringIO())
    assert _state(media_root) == before


def test_a_backup_of_another_database_engine_is_refused(data_with_files, media_root, tmp_path):  # noqa: F811
    archive, _output = make_backup(tmp_path)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def other_engine(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"]["engine"] = other
            return json.dumps(manifest).encode()
        return data

    mismatched = _rewrite(archive, tmp_path / "other.tar", other_engine)
    before = _state(media_root)
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(mismatched), "--yes", stdout=StringIO())
    assert _state(media_root) == before


def test_restore_asks_for_confirmation(data_with_files, media_root, tmp_path, monkeypatch):  # noqa: F811
    archive, _output = make_backup(tmp_path)
    Case.objects.all().update(subject="تغيّر بعد النسخة")
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive), stdout=StringIO())
    assert asked and "MEDIA_ROOT" in asked[0]
    assert Case.objects.get().subject == "تغيّر بعد النسخة"

    out = StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "Archive verified" in out.getvalue()
    assert Case.objects.get().subject == "تغيّر بعد النسخة"

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("restore", str(archive), stdout=StringIO())
    assert Case.objects.get().subject == "تأخر الخدمة"


def test_restore_removes_files_added_after_the_backup(data_with_files, media_root, tmp_path):  # noqa: F811
    archive, _output = make_backup(tmp_path)
    stray = Path(media_root) / "complaints" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.4 not in the backup")
    call_command("restore", str(archive), "--yes", stdout=StringIO())
    assert not stray.exists()
    assert not list(Path(media_root).glob(".restoring-*"))
