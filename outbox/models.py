"""Tasks to publish to the broker, written in the same transaction as the change that needs them."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One task invocation: ids and short codes only, never personal or biometric data."""

    task_name = models.CharField(_("tarea"), max_length=200)
    kwargs = models.JSONField(_("argumentos"), default=dict)
    queue = models.CharField(_("cola"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("publicado"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("intentos"), default=0)
    # Only the exception's class name: a broker error's text may quote the message.
    last_error = models.CharField(_("último error"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("mensaje pendiente")
        verbose_name_plural = _("bandeja de salida")
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.task_name}"
