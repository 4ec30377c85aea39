from django.conf import settings
from django.db import models


class TransitionRecord(models.Model):
    """One step of a workflow: who took it, when, with what note. Each workflow's subclass
    adds the foreign key to its record and the `source` / `target` fields with its states."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.source} → {self.target} ({self.at:%Y-%m-%d %H:%M})"
