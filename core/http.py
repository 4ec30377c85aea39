"""Types for views, and the names of downloaded files. Every page but the few marked
login_not_required is behind Django's LoginRequiredMiddleware, so a view's request carries a
signed-in user."""

import re
from datetime import date, datetime

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone, translation


class AuthenticatedRequest(HttpRequest):
    """For annotations only: a request whose `user` is a signed-in User, never anonymous."""

    user: User


# --- names of downloaded files ----------------------------------------------------------------
# One scheme for every export and document: the Arabic title, what it is about, then the date
# (and the time of an export of live data), e.g. "سجل شكاوى العملاء 2026-12-06 1405.xlsx" or
# "تقرير الأداء الشهري 2026-10-01.pdf". Arabic whoever downloads: the files are the
# association's documents. Django writes the RFC 5987 form for the non-ASCII name.


def download_name(
    title: object, *about: object, when: date | datetime | None = None, extension: str
) -> str:
    """The file name of a download: `title` (translated in Arabic), the `about` parts and
    `when` (a date as 2026-12-06, a datetime in Riyadh time as 2026-12-06 1405)."""
    with translation.override("ar"):
        parts = [str(title), *(str(part) for part in about if part not in (None, ""))]
    if isinstance(when, datetime):
        parts.append(f"{timezone.localtime(when):%Y-%m-%d %H%M}")
    elif isinstance(when, date):
        parts.append(f"{when:%Y-%m-%d}")
    name = " ".join(part.strip() for part in parts if part.strip())
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name)
    return f"{name}.{extension.lstrip('.')}"
