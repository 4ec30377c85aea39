"""Attachments of a case (manual 5: images or PDF only, size-limited).

The type is read from the file's first bytes, never from its name or the browser's claim,
and every file of an upload is checked before any is stored: a case gets all of them or
none."""

import filetype
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import AttachmentError
from .models import CaseAttachment

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS_PER_CASE = 5
ALLOWED_CONTENT_TYPES = {"image/jpeg", "image/png", "application/pdf"}
# filetype needs at most this many leading bytes to recognise these formats.
_SIGNATURE_BYTES = 262


def content_type_of(upload):
    """The checked content type of one uploaded file, or AttachmentError with the reason."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(MAX_ATTACHMENT_BYTES)}
        )
    upload.seek(0)
    head = upload.read(_SIGNATURE_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        raise AttachmentError(
            _("%(name)s is not an image (JPEG, PNG) or a PDF file.") % {"name": upload.name}
        )
    return kind.mime


def check_uploads(uploads, *, already_attached=0):
    """Check every file before storing any; returns [(upload, content type)]."""
    if already_attached + len(uploads) > MAX_ATTACHMENTS_PER_CASE:
        raise AttachmentError(
            _("A case takes at most %(count)d attachments.") % {"count": MAX_ATTACHMENTS_PER_CASE}
        )
    return [(upload, content_type_of(upload)) for upload in uploads]


def store_attachments(case, checked_uploads, *, uploaded_by=None):
    """Store checked files on the case. Callers check the right to attach first."""
    with transaction.atomic():
        return [
            CaseAttachment.objects.create(
                case=case,
                file=upload,
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=uploaded_by,
            )
            for upload, content_type in checked_uploads
        ]


def case_add_attachments(*, case, actor, uploads):
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
