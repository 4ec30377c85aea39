"""PDF rendering shared by every printable document (the customer form, the reports).

WeasyPrint is imported inside the functions so that the site runs on a machine without
Pango until someone asks for a PDF. Fonts (docs/ARCHITECTURE.md, section 6): one full TTF per weight
from static/fonts, declared with @font-face and ONE FontConfiguration shared by the
stylesheet and the rendering; otherwise WeasyPrint silently falls back to DejaVu. The URL
fetcher loads those fonts (and files the caller names, e.g. the logo) and nothing else:
documents print data typed by users, and must never reach the network or other files.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

# (family, weight, static path): one full TTF per weight, no unicode-range subsets.
FONT_FILES = (
    ("Noto Sans Arabic", 400, "fonts/NotoSansArabic-Regular.ttf"),
    ("Noto Sans Arabic", 700, "fonts/NotoSansArabic-Bold.ttf"),
    ("Noto Sans", 400, "fonts/NotoSans-Regular.ttf"),
    ("Noto Sans", 700, "fonts/NotoSans-Bold.ttf"),
)


@dataclass
class RenderedPdf:
    content: bytes
    page_count: int


def font_uris() -> dict[str, str]:
    """{static path: file:// URI} of the PDF fonts; a missing font is a deployment error,
    not a reason to print in DejaVu."""
    return {
        static_path: _font_file(static_path).as_uri()
        for _family, _weight, static_path in FONT_FILES
    }


def _font_file(static_path: str) -> Path:
    found = finders.find(static_path)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"PDF font {static_path} not found by the static finders.")
    return Path(found).resolve()


def font_face_css(uris: dict[str, str] | None = None) -> str:
    uris = uris or font_uris()
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{uris[static_path]}") format("truetype"); }}'
        for family, weight, static_path in FONT_FILES
    )


def only_these_files_fetcher(allowed: Collection[str]) -> Any:
    """A URL fetcher that loads the given file:// URIs and nothing else."""
    from weasyprint import URLFetcher

    class OnlyTheseFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url not in allowed:
                raise ValueError(f"Not loaded in a PDF: {url}")
            return super().fetch(url, headers)

    return OnlyTheseFilesFetcher(allowed_protocols=("file",), allow_redirects=False)


def render_pdf(html: str, *, extra_files: Iterable[str | Path] = ()) -> RenderedPdf:
    """Render an HTML document to PDF with the bundled fonts embedded. `extra_files` are
    local paths the document may load besides the fonts (a logo)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    uris = font_uris()
    allowed = set(uris.values()) | {Path(path).resolve().as_uri() for path in extra_files}
    fetcher = only_these_files_fetcher(allowed)
    font_config = FontConfiguration()
    fonts = CSS(string=font_face_css(uris), font_config=font_config, url_fetcher=fetcher)
    base_url = str(_font_file(FONT_FILES[0][2]).parent)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[fonts], font_config=font_config
    )
    return RenderedPdf(content=document.write_pdf(), page_count=len(document.pages))
