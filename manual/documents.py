"""A version of the manual as a PDF in the association's visual identity: its header and
approval table, its sections, its procedure tables and its change log. The fonts are
embedded by core.pdf (Arabic shaped by WeasyPrint).

The manual sits right above `association` and imports no app below it: the visual identity
(name, logo, colours, edited in the admin by reports) is read through the app registry when
that app is installed, and the defaults are used otherwise."""

import re
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.dates import format_gregorian_hijri
from core.pdf import RenderedPdf, render_pdf

from . import selectors
from .models import ManualVersion

DEFAULT_PRIMARY = "#0F6E5F"
DEFAULT_ACCENT = "#C8A14A"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _identity() -> tuple[str, str, str, str]:
    """(name, logo path or "", primary colour, accent colour)."""
    name, logo, primary, accent = settings.ASSOCIATION_NAME, "", DEFAULT_PRIMARY, DEFAULT_ACCENT
    try:
        model = apps.get_model("reports", "VisualIdentity")
    except LookupError:
        return name, logo, primary, accent
    row: Any = model._default_manager.order_by("pk").first()
    if row is None:
        return name, logo, primary, accent
    if row.logo:
        try:
            path = row.logo.path
        except (NotImplementedError, ValueError):
            path = ""
        logo = path if path and Path(path).is_file() else ""
    primary = row.primary_colour if _COLOUR.match(row.primary_colour or "") else primary
    accent = row.accent_colour if _COLOUR.match(row.accent_colour or "") else accent
    return row.name or name, logo, primary, accent


def _css_string(text: str) -> str:
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n' else char for char in text)
    return f'"{escaped}"'


def _day(value: Any) -> str:
    return format_gregorian_hijri(value, with_time=False) if value else "—"


def version_pdf(version: ManualVersion) -> RenderedPdf:
    """The version's PDF, in Arabic whoever asks (the document is the association's)."""
    with translation.override("ar"):
        name, logo, primary, accent = _identity()
        page = _css_string(pgettext("page N of M", "Page") + " ")
        of = _css_string(" " + pgettext("page N of M", "of") + " ")
        html = render_to_string(
            "manual/pdf/version.html",
            {
                "version": version,
                "document": version.document,
                "sections": list(selectors.sections_of(version)),
                "changes": list(selectors.changes_of(version)),
                "association_name": name,
                "logo_uri": Path(logo).resolve().as_uri() if logo else "",
                "colours": {"primary": primary, "accent": accent},
                "issued": _day(version.issued_on),
                "updated": _day(version.updated_on),
                "approved_at": format_gregorian_hijri(version.approved_at)
                if version.approved_at
                else "",
                "generated_at": format_gregorian_hijri(timezone.now()),
                "page_css": mark_safe(f"{page} counter(page) {of} counter(pages)"),  # noqa: S308  (escaped above)
                "state_label": version.get_state_display(),
                "title": _("Policies and procedures manual"),
            },
        )
        return render_pdf(html, extra_files=[logo] if logo else [])
