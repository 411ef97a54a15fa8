"""The registry of document kinds: what each kind is called and which key facts /verificar/ may show.

A kind lists its public facts by key; document_issue refuses any other key, so a service cannot put
more personal data on the public page than its kind allows. Names are masked by `mask_name`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed

# Every fact a kind may show, with its label. Values are short text (dates as ISO text).
FACT_LABELS: dict[str, Promise] = {
    "holder": _("Titular"),
    "document_type": _("Tipo de documento"),
    "number": _("Número"),
    "issued_on": _("Fecha de emisión"),
    "valid_until": _("Válido hasta"),
    "office": _("Sede"),
    "procedure": _("Trámite"),
    "direction": _("Sentido"),
    "crossing_point": _("Puesto de control"),
    "occurred_on": _("Fecha del movimiento"),
    "days_granted": _("Días otorgados"),
    "amount": _("Importe"),
    "deposited_on": _("Fecha de depósito"),
    "notified_on": _("Fecha de notificación"),
    "period": _("Periodo"),
}


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: Promise
    label_en: str  # for the reviewer and the API's clients; the page shows `label` translated
    facts: tuple[str, ...]

    def check_facts(self, facts: dict) -> dict[str, str]:
        extra = sorted(set(facts) - set(self.facts))
        if extra:
            raise ValidationFailed(f"facts: {self.code} does not show {', '.join(extra)}",
                                   fields={"facts": ", ".join(extra)})
        return {key: str(value) for key, value in facts.items() if value not in (None, "")}


KINDS: dict[str, DocumentKind] = {}


def kind_register(kind: DocumentKind) -> DocumentKind:
    if kind.code in KINDS and KINDS[kind.code] != kind:
        raise ValueError(f"document kind {kind.code} registered twice")
    unknown = set(kind.facts) - set(FACT_LABELS)
    if unknown:
        raise ValueError(f"document kind {kind.code}: facts without a label: {sorted(unknown)}")
    KINDS[kind.code] = kind
    return kind


def kind_get(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValidationFailed(f"kind: {code!r} is not a document kind", fields={"kind": code}) from None


def kind_choices() -> list[tuple[str, Promise]]:
    return [(k.code, k.label) for k in KINDS.values()]


def mask_name(full_name: str) -> str:
    """"ROJAS PEREZ, CAMILA" -> "R*** P***, C***": enough to match the paper, not to learn a name."""
    sides = [side.split() for side in full_name.split(",")]
    return ", ".join(" ".join(word[:1] + "***" for word in words) for words in sides if words)


for _kind in (
    DocumentKind("TAM", _("Tarjeta Andina de Migración (TAM) virtual"), "Andean Migration Card (TAM)",
                 ("holder", "number", "direction", "crossing_point", "occurred_on", "days_granted")),
    DocumentKind("CONSTANCIA", _("Constancia de trámite"), "Case receipt",
                 ("holder", "number", "procedure", "issued_on")),
    DocumentKind("RESOLUCION", _("Resolución"), "Resolution",
                 ("holder", "number", "procedure", "issued_on")),
    DocumentKind("CERTIFICADO_MOVIMIENTO", _("Certificado de movimiento migratorio"),
                 "Certificate of migratory movements", ("holder", "number", "period", "issued_on", "valid_until")),
    DocumentKind("PERMISO", _("Permiso"), "Permit",
                 ("holder", "number", "document_type", "issued_on", "valid_until")),
    DocumentKind("APPOINTMENT_VOUCHER", _("Constancia de cita"), "Appointment voucher",
                 ("holder", "number", "office", "issued_on")),
    DocumentKind("PAYMENT_RECEIPT", _("Comprobante de pago"), "Payment receipt",
                 ("holder", "number", "amount", "issued_on")),
    DocumentKind("CARGO_NOTIFICACION", _("Cargo de notificación"), "Proof of notification",
                 ("holder", "number", "deposited_on", "notified_on")),
    DocumentKind("CARNE_PRINT_FILE", _("Archivo de impresión del carné"), "Carné print file",
                 ("holder", "number", "document_type", "issued_on", "valid_until")),
):
    kind_register(_kind)
