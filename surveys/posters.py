"""The printable poster of a round's centre: links' poster (QR code, visual identity, A4
PDF through core.pdf) for the centre's own answer address."""

from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _

from links import qr
from links.models import TrackedLink

from .models import RoundCentre
from .services import public_url


@dataclass(frozen=True)
class _PosterLink:
    """What links' poster reads of a link: its label and the address the code encodes."""

    label: str
    short_url: str


def poster_html(round_centre: RoundCentre) -> tuple[str, str | None]:
    if round_centre.link is not None:
        return qr.poster_html(round_centre.link)
    label = _("Share your opinion: %(round)s · %(centre)s") % {
        "round": round_centre.round.title,
        "centre": round_centre.centre.name,
    }
    # The poster reads only `label` and `short_url` (links.qr.poster_html).
    link = cast(TrackedLink, _PosterLink(label=label, short_url=public_url(round_centre)))
    return qr.poster_html(link)
