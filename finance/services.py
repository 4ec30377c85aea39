"""Writes of finance records: matching an unmatched donation by hand, and undoing a wrong
manual match (manual 6.1.7). The import of the finance system's files is
opportunities.donations (moving onto the shared import framework)."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require
from customers.models import Customer
from programmes.models import Programme

from .models import Donation, UndoneDonationMatch


class DonationError(Exception):
    """A donation action refused for a reason the user can act on (translated message)."""


def donation_match(
    *, donation: Donation, donor: Customer | None, programme: Programme | None, actor: User
) -> Donation:
    """Give an unmatched donation its donor and programme; records who matched it, when."""
    require(actor, "finance.change_donation")
    if donor is None or programme is None:
        raise DonationError(_("Choose both the donor and the programme."))
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.is_matched:
            raise DonationError(
                _("Donation %(receipt)s was already matched, by someone else or in another tab.")
                % {"receipt": locked.receipt_number}
            )
        locked.donor = donor
        locked.programme = programme
        locked.matched_by = actor
        locked.matched_at = timezone.now()
        locked.save(update_fields=["donor", "programme", "matched_by", "matched_at"])
    return locked


def donation_unmatch(*, donation: Donation, actor: User, reason: str) -> UndoneDonationMatch:
    """Undo a wrong manual match: the donation goes back among the rows waiting to be
    matched, and the match is kept (donor, programme, who matched it and when) with who
    undid it, when and why. Matches the import made by code are the finance system's own
    and are not undone here."""
    require(actor, "finance.change_donation")
    reason = (reason or "").strip()
    if not reason:
        raise DonationError(_("Write why the match is wrong."))
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.matched_by_id is None:
            raise DonationError(
                _(
                    "Donation %(receipt)s was not matched by hand (or its match was already "
                    "undone): there is nothing to undo."
                )
                % {"receipt": locked.receipt_number}
            )
        undone = UndoneDonationMatch.objects.create(
            donation=locked,
            donor_id=locked.donor_id,
            programme_id=locked.programme_id,
            matched_by_id=locked.matched_by_id,
            matched_at=locked.matched_at,
            undone_by=actor,
            reason=reason,
        )
        locked.donor = None
        locked.programme = None
        locked.matched_by = None
        locked.matched_at = None
        locked.save(update_fields=["donor", "programme", "matched_by", "matched_at"])
    return undone
