"""Tracked short links (/c/<code>) on the association's own domain, the hosts they may send
visitors to, and their visits.

A link belongs to whatever uses it (a campaign placement, later a survey invitation)
through a generic relation, so this app imports none of them. A visit is one row written
with a single INSERT in the redirect: no IP address is ever stored, only a hash of the
address and browser salted with a secret that changes every day (links.services)."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import staff_member

CODE_MAX_LENGTH = 16


class AllowedRedirectHost(models.Model):
    """A host outside this site that a tracked link may send visitors to (the allow-list:
    no open redirect). Edited in the admin."""

    host = models.CharField(
        _("host"),
        max_length=253,
        unique=True,
        help_text=_("The host name only, e.g. www.example.org: no scheme, path or port."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allowed redirect host")
        verbose_name_plural = _("allowed redirect hosts")
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host


class TrackedLink(models.Model):
    """A short link /c/<code> that redirects to `target` with UTM parameters and counts
    its visits."""

    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, unique=True, editable=False)
    # Who owns the link (a campaign placement); empty for a link made on its own.
    owner_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner type"),
    )
    owner_id = models.PositiveBigIntegerField(_("owner"), null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    label = models.CharField(_("label"), max_length=200)
    target = models.CharField(
        _("target"),
        max_length=2000,
        help_text=_(
            "A page of this site (e.g. /public/cases/new/) or a full address whose host is "
            "on the allowed list."
        ),
    )
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = staff_member(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="link_owner")]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def short_path(self) -> str:
        from django.urls import reverse

        return reverse("shortlink:follow", args=[self.code])

    @property
    def short_url(self) -> str:
        """The address printed on posters and leaflets: the site's configured base URL
        (SITE_URL), never the host a request happened to arrive on."""
        return settings.SITE_URL.rstrip("/") + self.short_path


class LinkVisit(models.Model):
    """One visit of a tracked link by a person (bots are not recorded). `visitor` is a
    64-bit hash of the address and browser with the day's salt: the same person counts
    once a day, and nobody can tell who they are or follow them from one day to the
    next."""

    link = models.ForeignKey(
        TrackedLink,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("tracked link"),
        # The (link, day, visitor) index below serves the foreign key too.
        db_index=False,
    )
    visited_at = models.DateTimeField(_("visited at"))
    day = models.DateField(_("day"))
    visitor = models.BigIntegerField(_("visitor hash"))

    class Meta:
        verbose_name = _("link visit")
        verbose_name_plural = _("link visits")
        indexes = [
            # Visits and unique visitors per link and day: an index-only scan with millions
            # of rows (COUNT(*) and COUNT(DISTINCT visitor) grouped by day).
            models.Index(fields=["link", "day", "visitor"], name="linkvisit_link_day_visitor"),
            # Visits of every link over a period (the list page's last 30 days).
            models.Index(fields=["day", "link"], name="linkvisit_day_link"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.visited_at:%Y-%m-%d %H:%M}"


class LinkDayTotal(models.Model):
    """A link's visits on one closed day, counted once (links.services.visits_roll_up, every
    night). Visits are only ever recorded on the day they happen, so a past day's figures
    never change: the pages add these rows to a live count of the days not rolled up yet
    (today) instead of counting millions of visits on every request."""

    link = models.ForeignKey(
        TrackedLink,
        on_delete=models.CASCADE,
        related_name="day_totals",
        verbose_name=_("tracked link"),
        # The (link, day) unique constraint below serves the foreign key too.
        db_index=False,
    )
    day = models.DateField(_("day"))
    visits = models.PositiveIntegerField(_("visits"))
    unique_visitors = models.PositiveIntegerField(_("unique visitors"))

    class Meta:
        verbose_name = _("visits of a day")
        verbose_name_plural = _("visits per day")
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="linkdaytotal_link_day")
        ]
        # The last day rolled up (MAX(day)): where the live count starts.
        indexes = [models.Index(fields=["day"], name="linkdaytotal_day")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day}: {self.visits}"
