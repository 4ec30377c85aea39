"""Consent to messages, per channel and purpose (PDPL, manual 6.1: consent before any
message), and the addresses that must never be messaged.

A `Consent` is one change (given or withdrawn), never updated in place: the latest record of
a (customer, channel, purpose), the highest id, is the person's current answer.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.consent import ConsentChannel, ConsentPurpose, ConsentSource

# The choices live in core.consent: the customers app's form and import use them too.
Channel = ConsentChannel
Purpose = ConsentPurpose
Source = ConsentSource


class Consent(models.Model):
    """One change of a customer's consent to be messaged on a channel for a purpose: who
    recorded it, when the person gave or withdrew it, how, and its evidence."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("consent given"))
    at = models.DateTimeField(_("given or withdrawn at"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent to messages")
        verbose_name_plural = _("consents to messages")
        ordering = ["-id"]
        indexes = [
            # The latest record of each (customer, channel, purpose): the highest id.
            models.Index(fields=["customer", "channel", "purpose", "-id"], name="consent_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}.{self.purpose} {'+' if self.given else '-'}"


class SuppressionReason(models.TextChoices):
    INVALID = "invalid", _("Invalid address")
    COMPLAINED = "complained", _("Complained")
    BOUNCED = "bounced", _("Bounced permanently")
    REQUESTED = "requested", _("Asked never to be messaged")


class Suppression(models.Model):
    """A mobile (E.164) or an email (lower case) that is never messaged, whatever the
    consents say."""

    address = models.CharField(_("mobile or email"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=SuppressionReason.choices)
    at = models.DateTimeField(_("suppressed at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.address
