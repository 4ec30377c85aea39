"""The visual identity's logo: a PNG or JPEG image, judged by its content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import LOGO_MAX_BYTES, validate_logo

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def test_a_png_logo_is_accepted():
    validate_logo(SimpleUploadedFile("logo.png", PNG))


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image"),
        SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
        SimpleUploadedFile("big.png", PNG + b"\x00" * LOGO_MAX_BYTES),
    ],
    ids=["executable renamed .png", "svg", "over 1 MB"],
)
def test_other_files_are_refused(upload):
    with pytest.raises(ValidationError):
        validate_logo(upload)
