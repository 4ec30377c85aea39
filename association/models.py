"""The association's own structure: cities, neighbourhood centres, departments, staff
profiles and public holidays (the calendar that working-day deadlines count on)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.phones import validate_saudi_mobile


class BilingualNameMixin(models.Model):
    """Arabic name always, English name optional; shown in the user's language."""

    name = models.CharField(_("name (Arabic)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "ar").startswith("en"):
            return self.name_en
        return self.name


class City(BilingualNameMixin):
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="unique_city_name")]


class Centre(BilingualNameMixin):
    """A neighbourhood centre (مركز حي) in one city."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="centres", verbose_name=_("city")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("neighbourhood centre")
        verbose_name_plural = _("neighbourhood centres")
        ordering = ["city__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="unique_centre_name_per_city")
        ]


class Department(BilingualNameMixin):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    # Staff of a centres department serve in neighbourhood centres and must be linked to them.
    works_in_centres = models.BooleanField(_("staff work in centres"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("department"),
        null=True,
        blank=True,
    )
    centres = models.ManyToManyField(
        Centre, related_name="staff", verbose_name=_("neighbourhood centres"), blank=True
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=16, blank=True, validators=[validate_saudi_mobile]
    )
    history = HistoricalRecords(m2m_fields=[centres])

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class PublicHoliday(models.Model):
    """A holiday that is not a working day (Eid al-Fitr, Eid al-Adha, National Day...).

    Spans from start_date to end_date inclusive."""

    name = models.CharField(_("name"), max_length=150)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="holiday_ends_after_it_starts",
            ),
            models.UniqueConstraint(fields=["name", "start_date"], name="unique_holiday"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
