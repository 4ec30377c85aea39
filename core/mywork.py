"""The "my work" (عملي) home page: what awaits the signed-in user.

Each app registers a provider, a function taking the user and returning a WorkSection or
None when the user has nothing to do there (e.g. not their role). Items carry their
deadline so overdue work stands out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    due: datetime | None = None
    detail: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


@dataclass
class WorkSection:
    title: str
    items: list[WorkItem] = field(default_factory=list)
    list_url: str = ""  # where the full list lives, when the section shows only a few

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)


WorkProvider = Callable[["User"], WorkSection | None]
_providers: list[WorkProvider] = []


def register_work_provider(provider: WorkProvider) -> WorkProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_work_provider(provider: WorkProvider) -> None:
    _providers.remove(provider)


def work_sections_for(user: "User") -> list[WorkSection]:
    sections = (provider(user) for provider in _providers)
    return [section for section in sections if section is not None]
