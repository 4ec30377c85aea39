"""The programmes and activities portfolio (محفظة البرامج والأنشطة), supplied once or twice a
year by the strategic planning department (manual 3.1.11). Opportunities, donations,
surveys and complaints refer to these programmes."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from association.models import Centre


class ProgrammeCategory(models.Model):
    """What a programme is about; donors record the categories they want to fund."""

    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("programme category")
        verbose_name_plural = _("programme categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Running")
    COMPLETED = "completed", _("Completed")
    # A programme (برنامج) is ملغى; an opportunity (فرصة) is ملغاة: two msgids by context.
    CANCELLED = "cancelled", pgettext_lazy("programme status", "Cancelled")


class Programme(models.Model):
    code = models.CharField(_("programme code"), max_length=30, unique=True)
    name = models.CharField(_("programme name"), max_length=200)
    category = models.ForeignKey(
        ProgrammeCategory,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("category"),
    )
    centres = models.ManyToManyField(
        Centre, blank=True, related_name="programmes", verbose_name=_("neighbourhood centres")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (SAR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    portfolio_year = models.PositiveSmallIntegerField(_("portfolio year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[centres])

    class Meta:
        verbose_name = _("programme or activity")
        verbose_name_plural = _("programmes and activities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="programme_budget_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"
