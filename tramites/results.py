"""What an approved case does in the RIM: one handler per kind of result, named by the catalogue.

A handler runs inside the transaction of the case's last transition (tramites.services), with the case
locked: it writes the RIM through rim.services (each write audited there), may issue the document the
procedure gives (a permit, the certificate) and returns a short summary for the case's audit entry and
for the resolution's text. Adding a procedure is adding catalogue data plus, at most, one handler here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import Conflict
from rim import selectors as rim_selectors
from rim import services as rim_services
from rim.models import IdentityDocument, Movement, Permit

from .models import CarneRequest

if TYPE_CHECKING:
    from .catalogue import ProcedureSpec
    from .models import Case


@dataclass
class Effect:
    """What a handler did: words for the resolution, facts for the audit, documents to issue."""

    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    # (kind of CaseAct, title, rows, valid_until, table) for tramites.acts to render, sign and attach.
    documents: list[dict[str, Any]] = field(default_factory=list)


Handler = Callable[..., Effect]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn
    return register


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)


def _today() -> dt.date:
    return timezone.localdate()


@handler("residence_extend")
def residence_extend(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    status = rim_selectors.residence_status_current(person_id=case.person_id)
    if status is None or status.valid_until is None:
        raise Conflict(_("La persona ya no tiene una residencia vigente que prorrogar."), fields={"status": "none"})
    until = add_months(status.valid_until, int(spec.params.get("extend_months", 12)))
    rim_services.residence_status_extend(actor=actor, person=case.person, valid_until=until, reference=case.number)
    return Effect(_("Residencia prorrogada hasta el %(date)s.") % {"date": f"{until:%d/%m/%Y}"},
                  {"valid_until": until.isoformat()})


@handler("stay_extend")
def stay_extend(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    from .eligibility import stay_days_left

    wanted = int(case.form_data.get("dias") or 0)
    days = min(wanted, stay_days_left(case.person, max_days=int(spec.params.get("max_days_per_year", 180))))
    if days <= 0:
        raise Conflict(_("Ya no quedan días de permanencia en el año."), fields={"dias": "0"})
    rim_services.stay_extend(actor=actor, person=case.person, extra_days=days, reference=case.number)
    return Effect(_("Permanencia prorrogada %(days)s días.") % {"days": days}, {"extra_days": days})


@handler("calidad_change")
def calidad_change(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    calidad = spec.params["calidad"]
    months = int(spec.params.get("validity_months", 12))
    if case.form_data.get("vinculo") == "CONYUGE_PERUANO" and spec.params.get("spouse_of_peruvian_months"):
        months = int(spec.params["spouse_of_peruvian_months"])
    today = _today()
    until = add_months(today, months)
    status = rim_services.residence_status_set(actor=actor, person=case.person, calidad=calidad, valid_from=today,
                                               valid_until=until, reference=case.number)
    CarneRequest.objects.create(case=case, person=case.person, reason=CarneRequest.Reason.NEW_CALIDAD,
                                calidad=calidad)
    return Effect(_("Calidad migratoria %(calidad)s otorgada hasta el %(date)s; se emitirá su carné de extranjería.")
                  % {"calidad": status.get_calidad_display(), "date": f"{until:%d/%m/%Y}"},
                  {"calidad": calidad, "valid_until": until.isoformat()})


def _permit_document(case: Case, permit: Permit, title: str, extra_rows: list[tuple[str, str]]) -> dict[str, Any]:
    rows = [(_("Titular"), case.person.full_name), (_("Nacionalidad"), case.person.nationality),
            (_("Expediente"), case.number), (_("Válido desde"), f"{permit.valid_from:%d/%m/%Y}"),
            (_("Válido hasta"), f"{permit.valid_until:%d/%m/%Y}"), *extra_rows]
    return {"kind": "PERMISO", "title": title, "rows": rows, "valid_until": permit.valid_until,
            "document_type": permit.get_kind_display()}


@handler("permit_grant")
def permit_grant(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    today = _today()
    until = today + dt.timedelta(days=int(spec.params.get("permit_days", 30)) - 1)
    permit = rim_services.permit_grant(actor=actor, person=case.person, kind=spec.params["permit_kind"],
                                       valid_from=today, valid_until=until, reference=case.number)
    document = _permit_document(case, permit, _("Permiso especial para firmar contratos"),
                                [(_("Contraparte"), str(case.form_data.get("contraparte", "")))])
    return Effect(_("Permiso otorgado hasta el %(date)s.") % {"date": f"{until:%d/%m/%Y}"},
                  {"permit_id": permit.pk, "valid_until": until.isoformat()}, [document])


@handler("travel_permit")
def travel_permit(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    start = dt.date.fromisoformat(str(case.form_data["salida"]))
    days = int(case.form_data["dias"])
    per_trip, total = int(spec.params.get("max_days_per_trip", 30)), int(spec.params.get("max_days_total", 90))
    status = rim_selectors.residence_status_current(person_id=case.person_id)
    used = rim_selectors.travel_permit_days_used(person_id=case.person_id,
                                                 since=status.valid_from if status else start)
    if days > per_trip or used + days > total:
        raise Conflict(_("El permiso pedido supera los días de viaje permitidos (%(left)s disponibles).")
                       % {"left": max(0, min(per_trip, total - used))}, fields={"dias": str(days)})
    until = start + dt.timedelta(days=days - 1)
    permit = rim_services.permit_grant(actor=actor, person=case.person, kind=Permit.Kind.VIAJE, valid_from=start,
                                       valid_until=until, reference=case.number)
    document = _permit_document(case, permit, _("Permiso especial de viaje"),
                                [(_("Destino"), str(case.form_data.get("destino", "")))])
    return Effect(_("Permiso de viaje del %(start)s al %(end)s.") % {"start": f"{start:%d/%m/%Y}",
                                                                     "end": f"{until:%d/%m/%Y}"},
                  {"permit_id": permit.pk, "valid_until": until.isoformat(), "days": days}, [document])


_DUPLICATE_STATUS = {"PERDIDA": IdentityDocument.Status.PERDIDO, "ROBO": IdentityDocument.Status.ROBADO,
                     "DETERIORO": IdentityDocument.Status.CANCELADO}


@handler("carne_duplicate")
def carne_duplicate(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    carne = (case.person.documents.filter(kind=IdentityDocument.Kind.CARNE_EXTRANJERIA,
                                          status=IdentityDocument.Status.VIGENTE).order_by("-issue_date", "-id").first())
    cancelled = ""
    if carne is not None:
        status = _DUPLICATE_STATUS.get(str(case.form_data.get("motivo")), IdentityDocument.Status.CANCELADO)
        rim_services.document_set_status(actor=actor, document=carne, status=status,
                                         reason=f"duplicado solicitado, expediente {case.number}")
        cancelled = carne.number
    calidad = rim_selectors.residence_status_current(person_id=case.person_id)
    CarneRequest.objects.create(case=case, person=case.person, reason=CarneRequest.Reason.DUPLICATE,
                                calidad=calidad.calidad if calidad else "")
    return Effect(_("Carné anterior cancelado; se emitirá el duplicado."), {"cancelled_document": cancelled})


@handler("data_update")
def data_update(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    field_name, value = str(case.form_data.get("campo")), str(case.form_data.get("valor", "")).strip()
    if field_name == "nationality":
        value = value.upper()
    rim_services.person_update(actor=actor, person=case.person, data={field_name: value})
    label = spec.field_spec("campo").choice_label(field_name) if spec.field_spec("campo") else field_name
    return Effect(_("Dato actualizado en el registro: %(field)s.") % {"field": label}, {"field": field_name})


@handler("movement_certificate")
def movement_certificate(*, case: Case, spec: ProcedureSpec, actor: Actor) -> Effect:
    movements = list(Movement.objects.filter(person=case.person).select_related("crossing_point", "document")
                     .order_by("occurred_at", "id"))
    rows = [(f"{timezone.localtime(m.occurred_at):%d/%m/%Y %H:%M}", m.get_direction_display(),
             m.crossing_point.name, str(m.document.number) if m.document else "") for m in movements]
    first = timezone.localtime(movements[0].occurred_at).date() if movements else None
    today = _today()
    period = f"{first:%d/%m/%Y} – {today:%d/%m/%Y}" if first else f"– {today:%d/%m/%Y}"
    document = {
        "kind": "CERTIFICADO", "title": _("Certificado de movimiento migratorio"),
        "rows": [(_("Titular"), case.person.full_name), (_("Nacionalidad"), case.person.nationality),
                 (_("Fecha de nacimiento"), f"{case.person.birth_date:%d/%m/%Y}"), (_("Expediente"), case.number),
                 (_("Periodo"), period), (_("Movimientos registrados"), str(len(rows)))],
        "valid_until": today + dt.timedelta(days=90), "period": period,
        "table": {"title": _("Entradas y salidas del Perú"),
                  "head": [_("Fecha y hora"), _("Sentido"), _("Puesto de control"), _("Documento")],
                  "rows": rows, "empty": _("No hay movimientos migratorios registrados.")},
    }
    return Effect(_("Certificado emitido con %(count)s movimientos.") % {"count": len(rows)},
                  {"movements": len(rows)}, [document])
