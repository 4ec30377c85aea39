"""Donations in the admin: read-only. They arrive through the finance import and are matched
by hand on the site's pages (finance.services), which record who matched or undid what."""

from django.contrib import admin

from core.admin import LargeTableAdminMixin, ReadOnlyAdminMixin
from customers.statistics import STATISTICS_TOPIC

from .models import Donation
from .selectors import DONATIONS_TOPIC, search_donations


@admin.register(Donation)
class DonationAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["receipt_number", "received_on", "amount", "donor", "programme"]
    list_select_related = ["donor", "programme"]
    fields = [
        "receipt_number",
        "received_on",
        "amount",
        "donor",
        "programme",
        "donor_code_as_imported",
        "programme_code_as_imported",
    ]
    # A receipt number or a donor code exactly, or the donor as the customer search finds
    # them (finance.selectors.search_donations).
    search_fields = ["receipt_number", "donor_code_as_imported", "donor__name_normalized"]
    search_selector = staticmethod(search_donations)
    # The search reads the donations and their donors: its count is kept until either changes.
    search_topics = (DONATIONS_TOPIC, STATISTICS_TOPIC)
