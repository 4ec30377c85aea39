"""Attachments of a case (manual 5: images or PDF only, size-limited).

The type is read from the file's first bytes (core.uploads), never from its name or the
browser's claim, and every file of an upload is checked before any is stored: a case gets
all of them or none."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.uploads import UploadError, check_uploaded_file

from .errors import AttachmentError
from .models import CaseAttachment

if TYPE_CHECKING:
    from .models import Case

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS_PER_CASE = 5


def content_type_of(upload: UploadedFile) -> str:
    """The checked content type of one uploaded file, or AttachmentError with the reason."""
    try:
        kind = check_uploaded_file(
            upload,
            max_bytes=MAX_ATTACHMENT_BYTES,
            wrong_content=_("%(name)s is not an image (JPEG, PNG) or a PDF file."),
        )
    except UploadError as error:
        raise AttachmentError(str(error)) from error
    return kind.mime


def check_uploads(
    uploads: Sequence[UploadedFile], *, already_attached: int = 0
) -> list[tuple[UploadedFile, str]]:
    """Check every file before storing any; returns [(upload, content type)]."""
    if already_attached + len(uploads) > MAX_ATTACHMENTS_PER_CASE:
        raise AttachmentError(
            _("A case takes at most %(count)d attachments.") % {"count": MAX_ATTACHMENTS_PER_CASE}
        )
    return [(upload, content_type_of(upload)) for upload in uploads]


def store_attachments(
    case: "Case",
    checked_uploads: Sequence[tuple[UploadedFile, str]],
    *,
    uploaded_by: User | None = None,
) -> list[CaseAttachment]:
    """Store checked files on the case. Callers check the right to attach first."""
    with transaction.atomic():
        return [
            CaseAttachment.objects.create(
                case=case,
                file=upload,
                original_name=(upload.name or "")[:200],
                content_type=content_type,
                size=upload.size,  # type: ignore[misc]  # an uploaded file has its size
                uploaded_by=uploaded_by,
            )
            for upload, content_type in checked_uploads
        ]


def case_add_attachments(
    *, case: "Case", actor: User, uploads: Sequence[UploadedFile]
) -> list[CaseAttachment]:
    """Staff attach files to a case of their queue."""
    from .selectors import user_handles_case

    if not actor.has_perm("complaints.add_caseattachment"):
        raise PermissionDenied
    if not user_handles_case(actor, case):
        raise PermissionDenied
    if not uploads:
        raise AttachmentError(_("Choose the files to attach."))
    checked = check_uploads(uploads, already_attached=case.attachments.count())
    return store_attachments(case, checked, uploaded_by=actor)
