"""A document the portal issued: its signed PDF (by hash and storage path), verification code and key facts."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import LENGTH, code_display


class Document(models.Model):
    kind = models.CharField(_("tipo"), max_length=32)
    code = models.CharField(_("código de verificación"), max_length=LENGTH, unique=True)
    sha256 = models.CharField(_("SHA-256 del PDF firmado"), max_length=64, db_index=True)
    file = models.CharField(_("archivo"), max_length=200)  # path in the default storage
    size = models.PositiveIntegerField(_("tamaño (bytes)"), default=0)
    facts = models.JSONField(_("datos públicos"), default=dict, blank=True)
    has_seal = models.BooleanField(_("lleva sello digital visible (VDS)"), default=False)
    record_kind = models.CharField(_("tipo de registro"), max_length=40)
    record_id = models.CharField(_("id del registro"), max_length=40)
    person_id = models.BigIntegerField(_("persona (RIM)"), null=True, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("emitido"))
    issued_by = models.CharField(_("emitido por"), max_length=200)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    revoked_reason = models.CharField(_("motivo de la revocación"), max_length=300, blank=True)
    revoked_by = models.CharField(_("revocado por"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("documento verificable")
        verbose_name_plural = _("documentos verificables")
        indexes = [models.Index(fields=["record_kind", "record_id"], name="documento_record_idx")]
        permissions = [("revoke_document", _("Puede revocar documentos verificables"))]

    def __str__(self) -> str:
        return f"{self.kind} {code_display(self.code)}"

    @property
    def code_display(self) -> str:
        return code_display(self.code)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
