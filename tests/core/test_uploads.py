"""core.uploads: one check of uploaded documents by their content (filetype), with the
caller's own wording where it gives one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from core.errors import ServiceError
from core.uploads import (
    JPEG,
    PDF,
    PNG,
    UploadError,
    check_uploaded_file,
    kind_of_name,
)

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
LIMIT = 1024


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("scan.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", PNG_BYTES, "image/png"),
        ("photo.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_documents_are_recognised_by_their_content(name, content, mime):
    assert check_uploaded_file(upload(name, content), max_bytes=LIMIT).mime == mime


def test_the_name_does_not_matter_unless_asked():
    assert check_uploaded_file(upload("letter.txt", PDF_BYTES), max_bytes=LIMIT).extension == PDF


def test_the_file_is_left_at_its_start():
    file = upload("scan.pdf", PDF_BYTES)
    check_uploaded_file(file, max_bytes=LIMIT)
    assert file.read() == PDF_BYTES


def test_other_content_is_refused_in_the_persons_language():
    with override("en"), pytest.raises(UploadError) as refused:
        check_uploaded_file(upload("notes.pdf", b"just some text"), max_bytes=LIMIT)
    assert str(refused.value) == "notes.pdf is not a PDF / JPEG / PNG file."
    with override("ar"), pytest.raises(UploadError) as refused:
        check_uploaded_file(upload("notes.pdf", b"just some text"), max_bytes=LIMIT)
    assert "notes.pdf" in str(refused.value) and "file" not in str(refused.value)


def test_a_kind_not_allowed_is_refused():
    with pytest.raises(UploadError):
        check_uploaded_file(upload("scan.pdf", PDF_BYTES), max_bytes=LIMIT, allowed=(PNG, JPEG))


def test_a_large_file_is_refused_with_its_limit():
    with override("en"), pytest.raises(UploadError) as refused:
        check_uploaded_file(upload("big.pdf", PDF_BYTES + b"\x00" * LIMIT), max_bytes=LIMIT)
    assert str(refused.value) == "big.pdf is larger than 1 KB."  # core.numbers.format_file_size


def test_with_match_name_the_extension_and_the_content_must_agree():
    with pytest.raises(UploadError, match="wrong name"):
        check_uploaded_file(
            upload("scan.docx", PDF_BYTES),
            max_bytes=LIMIT,
            match_name=True,
            wrong_name="wrong name",
        )
    with pytest.raises(UploadError, match="png inside"):
        check_uploaded_file(
            upload("scan.pdf", PNG_BYTES),
            max_bytes=LIMIT,
            match_name=True,
            wrong_content="%(name)s: png inside",
        )
    kind = check_uploaded_file(upload("photo.JPEG", JPEG_BYTES), max_bytes=LIMIT, match_name=True)
    assert kind.extension == JPEG


def test_the_name_is_checked_before_the_size():
    with pytest.raises(UploadError, match="wrong name"):
        check_uploaded_file(
            upload("big.exe", b"\x00" * (LIMIT + 1)),
            max_bytes=LIMIT,
            match_name=True,
            wrong_name="wrong name",
            too_large="too large",
        )


def test_kind_of_name():
    assert kind_of_name("a.PDF") == PDF
    assert kind_of_name("a.jpeg") == kind_of_name("a.jpg") == JPEG
    assert kind_of_name("a.gif") is None
    assert kind_of_name(None) is None


def test_an_upload_error_is_a_service_error():
    assert issubclass(UploadError, ServiceError)
