"""Reads of the TAM: a traveller's own TAMs, one by number, and offline seal verification."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from control.trust import csca_certificates
from documentos.models import Document
from documentos.qr import qr_parse
from documentos.selectors import document_for_record
from mrtd.errors import VDSError
from mrtd.vds import verify_seal

from .models import Tam
from .services import DOCUMENT_KIND, RECORD_KIND, SEAL_DOC_TYPE

# mrtd.vds imports no Django, so its (Spanish) reasons are marked here for the catalogue and
# translated when shown; a reason not listed here is shown as mrtd wrote it.
_VDS_REASONS = (
    gettext_noop("firma inválida: el sello fue alterado o no es auténtico"),
    gettext_noop("el firmante no fue emitido por un CSCA de confianza"),
    gettext_noop("el certificado del firmante no está vigente"),
    gettext_noop("sello auténtico"),
)


@dataclass(frozen=True)
class SealCheck:
    valid: bool
    reason: str
    payload: dict[str, Any] | None
    matches_record: bool | None  # the seal's data equals the TAM on record (None when no such TAM)
    revoked: Document | None = None  # the TAM's signed document, when it was revoked


def tams_of_holder(*, document_number: str, nationality: str, birth_date: dt.date) -> QuerySet[Tam]:
    """A traveller's TAMs: all three must match, so a document number alone reveals nothing."""
    return Tam.objects.filter(document_number=document_number.strip().upper(),
                              nationality=nationality.strip().upper(), birth_date=birth_date)


def tam_by_number(number: str) -> Tam | None:
    return Tam.objects.select_related("crossing").filter(number=number.strip().upper()).first()


def seal_check(text: str) -> SealCheck:
    """Verify a seal offline against the published CSCA; then compare it with the record, if any."""
    # What a scanner read: the seal's JSON (TAMs printed before the documents rail) or the
    # /verificar/ address with the seal after '#vds=' (documentos.qr); both are checked the same.
    text = qr_parse(text).vds or text
    try:
        result = verify_seal(text.strip(), csca_certs=csca_certificates())
    except VDSError as exc:
        return SealCheck(False, _("el texto no es un sello válido (%(error)s)") % {"error": exc}, None, None)
    if result.valid and result.doc_type != SEAL_DOC_TYPE:
        return SealCheck(False, _("sello auténtico, pero de otro documento (%(doc_type)s)") % {"doc_type": result.doc_type},
                         result.payload, None)
    payload = result.payload or {}
    record = tam_by_number(str(payload.get("n", ""))) if result.valid else None
    matches, revoked = None, None
    if record is not None:
        from .services import seal_payload

        matches = seal_payload(record) == payload
        document = document_for_record(kind=DOCUMENT_KIND, record_kind=RECORD_KIND, record_id=record.pk,
                                       include_revoked=True)
        revoked = document if document is not None and document.is_revoked else None
    # gettext("") would return the catalogue header, so an empty reason stays empty
    return SealCheck(result.valid, _(result.reason) if result.reason else "", payload, matches, revoked)


def person_records(person_id: int) -> list:
    """The person's TAMs (each from a control), for the officers' person page (rim.hooks)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from control.selectors import direction_label
    from rim.hooks import PersonRecord

    return [
        PersonRecord(kind=gettext_lazy("TAM virtual"), reference=f"{tam.number} · {tam.crossing_point_name}",
                     status=direction_label(tam.direction), when=tam.occurred_at,
                     url=reverse("control:crossing", args=[tam.crossing_id]))
        for tam in Tam.objects.filter(crossing__person_id=person_id).order_by("-occurred_at")[:50]
    ]
