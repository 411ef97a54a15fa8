"""The documents a case produces (constancia, resolution, permit, certificate) and the notices that carry them.

Each is rendered from one template (tramites/pdf/act.html), signed and stored by documentos (a code
anyone can check on /verificar/), recorded as the case's `CaseAct` of that kind (once: issuing again
gives back the one issued) and, when it is an act with legal effect, deposited in the applicant's buzón.
"""
from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from buzon.services import notice_deposit
from core.actor import Actor
from documentos.rendering import pdf_render
from documentos.services import document_issue

from .audit_actions import AuditAction
from .catalogue import spec_of
from .models import Case, CaseAct

RECORD_KIND = "tramites.case"
DOCUMENT_KINDS = {CaseAct.Kind.CONSTANCIA: "CONSTANCIA", CaseAct.Kind.RESOLUCION: "RESOLUCION",
                  CaseAct.Kind.PERMISO: "PERMISO", CaseAct.Kind.CERTIFICADO: "CERTIFICADO_MOVIMIENTO"}


def _pdf(context: dict[str, Any]) -> bytes:
    return pdf_render("tramites/pdf/act.html", {"now": timezone.localtime(), **context})


def act_issue(*, case: Case, kind: str, title: str, rows: list[tuple[str, str]], actor: Actor,
              outcome: str = "", paragraphs: list[str] | None = None, table: dict | None = None,
              facts: dict | None = None) -> CaseAct:
    """Render, sign and record the case's act of `kind` (once per kind; the existing one is given back)."""
    existing = CaseAct.objects.filter(case=case, kind=kind).select_related("document").first()
    if existing is not None:
        return existing
    context = {"title": title, "number": case.number, "rows": rows, "outcome": outcome,
               "paragraphs": paragraphs or [], "table_rows": None}
    if table is not None:
        context.update(table_title=table["title"], table_head=table["head"], table_rows=table["rows"],
                       table_empty=table["empty"])
    spec = spec_of(case.procedure)
    public = {"holder": case.person.full_name, "number": case.number, "issued_on": timezone.localdate().isoformat(),
              **(facts or {})}
    document_kind = DOCUMENT_KINDS[kind]
    if document_kind in ("CONSTANCIA", "RESOLUCION"):
        public.setdefault("procedure", spec.name_es)
    from documentos.kinds import mask_name

    public["holder"] = mask_name(public["holder"])
    document = document_issue(kind=document_kind, pdf=_pdf(context), facts=public, record_kind=RECORD_KIND,
                              record_id=case.pk, person=case.person_id, actor=actor)
    act = CaseAct.objects.create(case=case, kind=kind, document=document)
    audit_record(actor=actor, action=AuditAction.CASE_ACT_ISSUE, obj=case, person_id=case.person_id,
                 details={"kind": kind, "document": document.code})
    return act


def constancia_issue(*, case: Case, actor: Actor) -> CaseAct:
    """The signed constancia de trámite: the case number, what was filed and when; for a procedure with
    positive silence it is the proof the applicant shows if the term passes without a resolution."""
    spec = spec_of(case.procedure)
    filed = timezone.localtime(case.filed_at)
    rows = [(_("Expediente"), case.number), (_("Trámite"), spec.name_es), (_("Solicitante"), case.person.full_name),
            (_("Presentado el"), f"{filed:%d/%m/%Y %H:%M}"), (_("Sede"), case.office.name)]
    paragraphs = []
    if case.due_on:
        rows.append((_("Plazo legal de respuesta"), f"{case.due_on:%d/%m/%Y}"))
        if spec.silence == "POSITIVE":
            paragraphs.append(_("Si al vencer el plazo no se le notificó una resolución, su pedido queda aprobado "
                                "por silencio administrativo positivo (art. 35 del TUO de la Ley 27444): esta "
                                "constancia es la prueba."))
        else:
            paragraphs.append(_("Si al vencer el plazo no se le notificó una resolución, puede considerar denegado "
                                "su pedido (silencio negativo) y presentar un recurso de reconsideración."))
    files = [f"{f.name} ({f.sha256[:12]})" for f in case.files.filter(replaced=False)]
    if files:
        rows.append((_("Documentos presentados"), ", ".join(files)))
    with translation.override("es"):
        return act_issue(case=case, kind=CaseAct.Kind.CONSTANCIA, title=_("Constancia de trámite"), rows=rows,
                         paragraphs=paragraphs, actor=actor)


def bilingual(message: str, values: dict[str, Any] | None = None) -> tuple[str, str]:
    """A gettext message (already marked) in Spanish and in English, with its values."""
    texts = []
    for language in ("es", "en"):
        with translation.override(language):
            text = _(message)
            texts.append(text % values if values else text)
    return texts[0], texts[1]


def case_notice(*, case: Case, title: tuple[str, str], body: tuple[str, str], actor: Actor, attachment=None,
                deadline_business_days: int | None = None):
    """Deposit an act of the case in the applicant's buzón (or e-mail pending acknowledgement)."""
    return notice_deposit(recipient=case.applicant, title=title[0], body=body[0], title_en=title[1], body_en=body[1],
                          record_kind=RECORD_KIND, record_id=case.pk, expediente=case.number or "",
                          attachment=attachment, deadline_business_days=deadline_business_days,
                          person_id=case.person_id, actor=actor)
