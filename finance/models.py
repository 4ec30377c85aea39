"""Donations received from the finance system (manual 6.1.7): each file imported, each
receipt, and the manual matches that were undone. Finance records are about a donor and a
programme; opportunities read them (a pledge is covered by donations), never the reverse."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import optional_link
from customers.models import Customer
from programmes.models import Programme


class DonationImport(models.Model):
    """One finance-system file imported; its rows are Donations."""

    filename = models.CharField(max_length=255)
    digest = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    added = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("donation import")
        verbose_name_plural = _("donation imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return self.filename


class Donation(models.Model):
    """Money received, as the finance system recorded it. Rows whose donor or programme is
    not found keep the codes as written and wait for a person to match them by hand."""

    receipt_number = models.CharField(_("receipt number"), max_length=50, unique=True)
    received_on = models.DateField(_("date received"), db_index=True)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    donor = optional_link(Customer, related_name="donations", verbose_name=_("donor"))
    programme = optional_link(
        Programme, related_name="donations", verbose_name=_("programme or activity")
    )
    donor_code_as_imported = models.CharField(
        _("donor code in the file"), max_length=30, blank=True
    )
    programme_code_as_imported = models.CharField(
        _("programme code in the file"), max_length=30, blank=True
    )
    source = models.ForeignKey(
        DonationImport, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["donor", "programme"]),
            models.Index(fields=["programme", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="donation_amount_positive"
            )
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def is_matched(self):
        return self.donor_id is not None and self.programme_id is not None


class UndoneDonationMatch(models.Model):
    """A manual match that was undone: what it said, who matched it and when, who undid it,
    when and why. The donation went back among the rows waiting to be matched."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="undone_matches")
    donor = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        verbose_name = _("undone donation match")
        verbose_name_plural = _("undone donation matches")
        ordering = ["-undone_at", "-id"]

    def __str__(self):
        return f"{self.donation_id} ({self.undone_at:%Y-%m-%d})"
