"""The "my work" (عملي) home page: what awaits the signed-in user.

Each app registers a provider, a function taking the user and returning a WorkSection or
None when the user has nothing to do there (e.g. not their role). Items carry their
deadline so overdue work stands out.

The home page reads the sections and the headline figures through `home_for(user)`: kept
in the cache (core.cache topic "my_work") per user, language and day, renewed when any row
of a project app (or a user, a group, a permission) is saved, deleted or linked, and at most
`HOME_TIMEOUT` seconds old anyway (a selection that moves with the clock, e.g. "no
activity for 30 days", or a write that sends no signal: queryset.update(), bulk_create).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from . import cache

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .dashboard import Headline


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


# --- the cached home page ---------------------------------------------------------------------

WORK_TOPIC = "my_work"
HOME_TIMEOUT = 120  # seconds: how old the figures on «عملي» may be when nothing was saved
# Rows whose changes never show on «عملي»: a background job's progress, the login time.
_UNWATCHED_MODELS = {"core.backgroundjob"}
_UNWATCHED_UPDATES = {"auth.user": frozenset({"last_login"})}


def _watched_labels() -> set[str]:
    from django.conf import settings

    return {*settings.PROJECT_APPS, "auth"}


def _changed(sender: type[models.Model], **kwargs: Any) -> None:
    meta = sender._meta
    if meta.app_label not in _watched_labels() or meta.label_lower in _UNWATCHED_MODELS:
        return
    fields = kwargs.get("update_fields")
    if fields and frozenset(fields) <= _UNWATCHED_UPDATES.get(meta.label_lower, frozenset()):
        return
    cache.bump(WORK_TOPIC, once_per_transaction=True)


def register_work_topic() -> None:
    """Called from core's AppConfig.ready(): the topic, renewed by any write of a project
    app's row or of a user, group or permission."""
    cache.register_topic(WORK_TOPIC, form_options=False)
    uid = "core.mywork:changed"
    post_save.connect(_changed, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(_changed, weak=False, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_changed, weak=False, dispatch_uid=f"{uid}:m2m")


@dataclass
class Home:
    sections: list[WorkSection]
    headlines: list["Headline"]


def home_for(user: "User", *, headlines: bool) -> Home:
    """What «عملي» shows this user (the headline figures only when `headlines`), from the
    cache when nothing changed since it was computed (see the module's docstring)."""
    from .dashboard import headlines_for

    def compute() -> Home:
        return Home(
            sections=work_sections_for(user),
            headlines=headlines_for(user) if headlines else [],
        )

    key = (
        f"home:{user.pk}:{int(headlines)}:{int(user.is_active)}:{int(user.is_superuser)}:"
        f"{translation.get_language()}:{timezone.localdate().isoformat()}"
    )
    return cache.cached(WORK_TOPIC, key, compute, timeout=HOME_TIMEOUT)
