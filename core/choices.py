"""Choices shared by several pillars."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    """The association's communication channels (the manual's list)."""

    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    WEBSITE = "website", _("Website")
    SOCIAL_MEDIA = "social_media", _("Social media")
    LETTER = "letter", _("Letters")
    BRANCH_REPRESENTATIVE = "branch_representative", _("Branch office representatives")
    SMS = "sms", _("SMS")
    # Seed 003's channels 5 and 6 (the beneficiary support requests).
    HELP_REQUEST_SERVICES = "help_request_services", _("Help-request services")
    VOLUNTEERING_SERVICE = "volunteering_service", _("Volunteering service")
