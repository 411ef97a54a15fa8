"""The Agencia Digital: procedure types as versioned data, and the cases (expedientes) filed under them.

A `ProcedureType` row is one version of one procedure of the catalogue (tramites/data/procedures.toml):
its whole definition is kept in `spec` (who may apply, fee, documents, form fields, evaluation, result),
so a case keeps the version it was filed under even after the catalogue changes. A `Case` moves only
through its declared transitions (tramites/workflows.py); each move is a `CaseEvent` (the applicant's
timeline) and an audit entry.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProcedureType(models.Model):
    """One version of a procedure: what the catalogue said when it was loaded."""

    code = models.CharField(_("código del trámite"), max_length=60)
    version = models.PositiveIntegerField(_("versión"))
    name_es = models.CharField(_("nombre"), max_length=200)
    name_en = models.CharField(_("nombre en inglés"), max_length=200)
    spec = models.JSONField(_("definición"))
    spec_sha256 = models.CharField(max_length=64)
    active = models.BooleanField(_("vigente"), default=True)
    loaded_at = models.DateTimeField(_("cargada"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("tipo de trámite")
        verbose_name_plural = _("tipos de trámite")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="tramites_procedure_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(active=True), name="tramites_procedure_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Case(models.Model):
    """An expediente: one person's request under one procedure version, from draft to its effects."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("borrador")
        FILED = "FILED", _("presentado")
        IN_EVALUATION = "IN_EVALUATION", _("en evaluación")
        OBSERVED = "OBSERVED", _("observado")
        CORRECTED = "CORRECTED", _("subsanado")
        RESOLVED = "RESOLVED", _("resuelto")
        NOTIFIED = "NOTIFIED", _("notificado")
        FINAL = "FINAL", _("firme")
        EFFECTS_APPLIED = "EFFECTS_APPLIED", _("concluido")
        NOT_FILED = "NOT_FILED", _("no presentado")
        WITHDRAWN = "WITHDRAWN", _("desistido")
        ABANDONED = "ABANDONED", _("abandonado")
        APPEALED = "APPEALED", _("en reconsideración")

    class Outcome(models.TextChoices):
        APPROVED = "APPROVED", _("aprobado")
        APPROVED_BY_SILENCE = "APPROVED_BY_SILENCE", _("aprobado por silencio administrativo positivo")
        DENIED = "DENIED", _("denegado")
        INADMISSIBLE = "INADMISSIBLE", _("improcedente")

    procedure = models.ForeignKey(ProcedureType, verbose_name=_("trámite"), on_delete=models.PROTECT,
                                  related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("solicitante"), on_delete=models.PROTECT,
                                  related_name="cases")
    person = models.ForeignKey("rim.Person", verbose_name=_("persona (RIM)"), on_delete=models.PROTECT,
                               related_name="cases")
    office = models.ForeignKey("cuentas.Office", verbose_name=_("sede"), on_delete=models.PROTECT,
                               related_name="cases")
    status = models.CharField(_("estado"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("número de expediente"), max_length=24, unique=True, null=True, blank=True)
    # The answers to the procedure's form fields (keys from the spec), kept as typed while a draft.
    form_data = models.JSONField(_("datos del formulario"), default=dict, blank=True)
    # The key the client sent with "submit": a second submit with it is the same filing.
    submit_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    filed_at = models.DateTimeField(_("presentado el"), null=True, blank=True)
    # The last business day of the legal term (prior evaluation); moved on while an observation runs.
    due_on = models.DateField(_("plazo legal hasta"), null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asignado a"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="assigned_cases")
    # Interoperability results by source ("PNP", "INTERPOL", "JUDICIAL"): {"status": ..., "at": ..., "detail": ...}.
    checks = models.JSONField(_("consultas"), default=dict, blank=True)
    # Set while a source has not answered: the beat asks again, and no approval is possible meanwhile.
    checks_pending = models.BooleanField(_("consulta pendiente"), default=False, db_index=True)
    outcome = models.CharField(_("resultado"), max_length=20, choices=Outcome.choices, blank=True)
    resolution_text = models.TextField(_("fundamentos de la resolución"), blank=True)
    resolved_at = models.DateTimeField(_("resuelto el"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resuelto por"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="resolved_cases")
    # A second officer's approval where the procedure asks for one (drafted by resolved_by, approved here).
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aprobado por"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="approved_cases")
    draft_outcome = models.CharField(_("resultado propuesto"), max_length=20, choices=Outcome.choices, blank=True)
    notified_on = models.DateField(_("notificado el"), null=True, blank=True)
    final_on = models.DateField(_("firme el"), null=True, blank=True)
    effects_applied_at = models.DateTimeField(_("efectos aplicados el"), null=True, blank=True)
    # The time of the applicant's last act (filing, answer, upload): abandonment counts from it.
    applicant_active_at = models.DateTimeField(_("última actuación del solicitante"), null=True, blank=True)
    closed_reason = models.CharField(_("motivo del cierre"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("expediente")
        verbose_name_plural = _("expedientes")
        indexes = [
            # The officers' queue: open cases of a sede by their legal deadline.
            models.Index(fields=["office", "status", "due_on", "id"], name="tramites_case_queue_idx"),
            models.Index(fields=["applicant", "-created_at"], name="tramites_case_applicant_idx"),
            models.Index(fields=["status", "due_on"], name="tramites_case_status_due_idx"),
            # The queue in its order (all open statuses at once, and an officer's own), and the appeal
            # terms the beat checks: partial, so they hold only the rows those reads can return.
            models.Index(fields=["office", "due_on", "id"], name="tramites_case_open_queue_idx",
                         condition=Q(status__in=["FILED", "IN_EVALUATION", "CORRECTED", "APPEALED"])),
            models.Index(fields=["assigned_to", "due_on", "id"], name="tramites_case_open_mine_idx",
                         condition=Q(status__in=["FILED", "IN_EVALUATION", "CORRECTED", "APPEALED"])),
            models.Index(fields=["notified_on"], name="tramites_case_notified_idx", condition=Q(status="NOTIFIED")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="DRAFT") | Q(number__isnull=False),
                                   name="tramites_case_filed_has_number"),
        ]

    def __str__(self) -> str:
        return self.number or f"borrador {self.pk}"


class CaseEvent(models.Model):
    """One move of a case: the applicant's timeline and the officers' history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("movimiento"), max_length=40)
    from_status = models.CharField(_("estado anterior"), max_length=16, blank=True)
    to_status = models.CharField(_("estado nuevo"), max_length=16, choices=Case.Status.choices)
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    actor_repr = models.CharField(_("actor"), max_length=200)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("movimiento del expediente")
        verbose_name_plural = _("movimientos de expedientes")


class CaseFile(models.Model):
    """A file the applicant gave for one document of the procedure; a newer one for the same key replaces it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(_("documento"), max_length=40)
    name = models.CharField(_("nombre del archivo"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=8)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("tamaño"))
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(_("páginas"), null=True, blank=True)
    path = models.CharField(max_length=200)
    replaced = models.BooleanField(_("reemplazado"), default=False)
    uploaded_at = models.DateTimeField(_("subido"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-uploaded_at"]
        verbose_name = _("archivo del expediente")
        verbose_name_plural = _("archivos de expedientes")
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], condition=Q(replaced=False),
                                    name="tramites_casefile_one_current"),
        ]


class Observation(models.Model):
    """The one consolidated observation of a case (art. 136 TUO 27444), or a requirement during evaluation."""

    class Kind(models.TextChoices):
        # Formal defects: not corrected in time, the filing counts as not filed and the fee is refunded.
        FORMAL = "FORMAL", _("observación de requisitos (art. 136)")
        # Something the applicant must do during evaluation: 30 days idle allow a declared abandonment.
        REQUIREMENT = "REQUIREMENT", _("requerimiento durante la evaluación")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="observations")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices, default=Kind.FORMAL)
    text = models.TextField(_("observación"))
    # Documents (keys of the spec) the applicant must give again.
    documents = models.JSONField(_("documentos observados"), default=list, blank=True)
    term_business_days = models.PositiveSmallIntegerField(_("plazo (días hábiles)"))
    extension_days = models.PositiveSmallIntegerField(_("prórroga concedida (días)"), default=0)
    extension_requested_at = models.DateTimeField(_("prórroga pedida el"), null=True, blank=True)
    notice = models.ForeignKey("buzon.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("respuesta"), blank=True)
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    created_by = models.CharField(_("observado por"), max_length=200)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")


class CaseAct(models.Model):
    """A document the case produced (constancia, resolution, permit, certificate) and its notice, if any."""

    class Kind(models.TextChoices):
        CONSTANCIA = "CONSTANCIA", _("constancia de trámite")
        RESOLUCION = "RESOLUCION", _("resolución")
        PERMISO = "PERMISO", _("permiso")
        CERTIFICADO = "CERTIFICADO", _("certificado")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="acts")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    document = models.ForeignKey("documentos.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    notice = models.ForeignKey("buzon.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("acto del expediente")
        verbose_name_plural = _("actos de expedientes")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="tramites_caseact_one_per_kind"),
        ]


class CarneRequest(models.Model):
    """A carné the carné service must issue because a case was approved (new calidad, duplicate)."""

    class Reason(models.TextChoices):
        NEW_CALIDAD = "NEW_CALIDAD", _("nueva calidad migratoria")
        DUPLICATE = "DUPLICATE", _("duplicado")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="carne_request")
    person = models.ForeignKey("rim.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("motivo"), max_length=12, choices=Reason.choices)
    calidad = models.CharField(_("calidad migratoria"), max_length=24)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    fulfilled_at = models.DateTimeField(_("emitido"), null=True, blank=True)

    class Meta:
        verbose_name = _("carné por emitir")
        verbose_name_plural = _("carnés por emitir")
