"""Where a case came from when another app opened it (a satisfaction survey's low score): that
app registers how to name it and link back, so the case page shows it without complaints
importing the app (docs/ARCHITECTURE.md, section 3)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Case


@dataclass(frozen=True)
class CaseOrigin:
    label: str  # what opened the case, in words
    url: str = ""  # its page, only when the reader may open it


OriginReader = Callable[["Case", "User"], CaseOrigin | None]
_readers: list[OriginReader] = []


def register_case_origin(reader: OriginReader) -> OriginReader:
    """`reader(case, user)` → the case's origin in that app, or None. It reads nothing for a
    case that app did not open (test the case's own fields first): the case page pays no
    query for it."""
    _readers.append(reader)
    return reader


def case_origins(case: "Case", user: "User") -> list[CaseOrigin]:
    return [origin for reader in _readers if (origin := reader(case, user)) is not None]
