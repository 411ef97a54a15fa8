"""The append-only, hash-chained audit log."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One audited action. Never updated, deleted or truncated (PostgreSQL triggers refuse each)."""

    class Kind(models.TextChoices):
        READ = "read", _("consulta")
        WRITE = "write", _("cambio")
        AUTH = "auth", _("acceso")

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The RIM person whose data was read or changed, for "quién consultó mis datos".
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which AUDIT_HMAC_KEY made `hash` (its public id); empty for the early plain SHA-256 entries.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("entrada de auditoría")
        verbose_name_plural = _("auditoría")
        indexes = [models.Index(fields=["person_id", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id} por {self.actor_repr}"
