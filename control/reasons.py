"""The reasons of control's checks in words: a code and parameters per outcome, a label per check,
rendered with gettext when shown (the officer's language), and in Spanish when stored.

An outcome keeps its Spanish text (`reason`) for the record and the audit log; pages, the queue
and its API render `code` + `params` in the reader's language. A parameter that is itself
{"code": ..., "params": ...} is rendered the same way, a list of them is joined with "; ", and a
parameter named after a set of choices (`alert_source`, `alert_kind`, `document_status`) shows
that choice's label. Records made before codes existed have no code: their Spanish text is shown.
"""
from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mrtd import mrz as mrtd_mrz
from rim.models import Alert, IdentityDocument

CHECK_LABELS = {
    "document_validity": _("Validez del documento"),
    "passive_authentication": _("Autenticación del chip"),
    "chip_authentic": _("Chip original (no clonado)"),
    "chip_mrz": _("MRZ del chip"),
    "face": _("Rostro"),
    "alerts_rim": _("Alertas del RIM"),
    "alerts_pnp": _("Alertas de la PNP"),
    "alerts_interpol_sltd": _("Interpol: documentos robados o perdidos"),
    "alerts_interpol_notices": _("Interpol: notificaciones"),
    "permitted_stay": _("Permanencia"),
    "minor_permit": _("Permiso de viaje de menor"),
    "special_travel_permit": _("Permiso especial de viaje"),
    "direction_sequence": _("Secuencia de ingresos y salidas"),
    "identity_evidence": _("Evidencia de identidad"),
}

# The MRZ's fields, named as an officer would (check-digit errors and OCR fixes at the counter too).
MRZ_FIELD_LABELS = {
    "document_code": _("tipo de documento"),
    "issuing_state": _("Estado emisor"),
    "document_number": _("número de documento"),
    "birth_date": _("fecha de nacimiento"),
    "expiry_date": _("fecha de caducidad"),
    "sex": _("sexo"),
    "nationality": _("nacionalidad"),
    "names": _("nombres"),
    "primary_identifier": _("nombres"),
    "optional_data": _("datos opcionales"),
    "optional_data_2": _("datos opcionales"),
    "composite": _("dígito de control compuesto"),
}

# mrtd speaks no Django: its (bilingual) messages are mapped to codes here.
MRZ_ERROR_CODES = {
    mrtd_mrz.MSG_CHECK_DIGIT: "mrz_check_digit",
    mrtd_mrz.MSG_DATE: "mrz_date",
    mrtd_mrz.MSG_COUNTRY: "mrz_country",
    mrtd_mrz.MSG_SEX: "mrz_sex",
    mrtd_mrz.MSG_NAME: "mrz_name",
    mrtd_mrz.MSG_CODE: "mrz_code",
    mrtd_mrz.MSG_OPTIONAL_FILLER: "mrz_optional_filler",
}

REASONS = {
    # document_validity
    "document_ok": _("MRZ válida"),
    "document_ok_until": _("MRZ válida; vigente hasta %(date)s"),
    "mrz_field_error": _("%(field)s: %(error)s"),
    "mrz_check_digit": _("dígito de control incorrecto"),
    "mrz_date": _("fecha inválida"),
    "mrz_country": _("código de país desconocido"),
    "mrz_sex": _("el sexo debe ser M, F o <"),
    "mrz_name": _("nombre con caracteres que no son letras"),
    "mrz_code": _("tipo de documento inválido"),
    "mrz_optional_filler": _("'<' como dígito de control solo si los datos opcionales están vacíos"),
    "document_expired": _("documento vencido el %(date)s"),
    "document_rim_status": _("documento %(document_status)s en el RIM"),
    # passive_authentication and chip_mrz
    "chip_authentic": _("chip auténtico: firmado por %(signer)s"),
    "chip_pa_failed": _("autenticación pasiva fallida: %(detail)s"),
    "chip_dg1_unreadable": _("DG1 ilegible: %(detail)s"),
    "chip_mrz_differs": _("la MRZ del chip (DG1) no coincide con la MRZ impresa"),
    "chip_mrz_matches": _("la MRZ del chip coincide con la impresa"),
    "chip_required": _("la puerta electrónica requiere la lectura del chip"),
    "chip_not_read": _("chip no leído"),
    # face
    "face_live_unusable": _("rostro en vivo: %(detail)s"),
    "face_chip_photo_unusable": _("foto del chip inutilizable: %(detail)s"),
    "face_missing": _("falta %(missing)s"),
    "face_missing_officer": _("sin %(missing)s: verificación por el oficial"),
    "face_missing_live": _("rostro en vivo"),
    "face_missing_reference": _("foto de referencia (chip o enrolamiento)"),
    "face_match": _("rostro coincide con %(source)s (puntaje %(score)s >= %(threshold)s)"),
    "face_no_match": _("rostro no coincide con %(source)s (puntaje %(score)s < %(threshold)s)"),
    "face_source_chip": _("la foto del chip"),
    "face_source_migracheck": _("la foto del chip (preparada por MigraCheck)"),
    "face_source_enrolled": _("el rostro enrolado"),
    # alerts (the check's label names the source: the texts do not repeat it)
    "alerts_timeout": _("sin respuesta en %(seconds)s s"),
    "alerts_pnp_requisitoria": _("requisitoria %(number)s (%(court)s: %(crime)s)"),
    "alerts_pnp_impedimento": _("impedimento de salida %(number)s (%(authority)s)"),
    "alerts_pnp_clear": _("sin requisitorias ni impedimentos"),
    "alerts_pnp_clear_ban_on_entry": _("sin requisitorias ni impedimentos (impedimento de salida sin efecto al ingresar)"),
    "alerts_sltd_hit": _("documento reportado como %(sltd_status)s"),
    "alerts_sltd_reported": _("documento reportado"),
    "alerts_sltd_clear": _("documento sin reporte"),
    "alerts_notices_no_name": _("sin nombre que buscar"),
    "alerts_notice": _("notificación %(notice_type)s %(notice_id)s"),
    "alerts_notices_clear": _("sin notificaciones"),
    "alerts_rim_item": _("%(alert_source)s: %(alert_kind)s (%(text)s)"),
    "alerts_rim_clear": _("sin alertas judiciales, de la Alianza del Pacífico ni de MIGRACIONES"),
    # permitted_stay
    "stay_peruvian": _("peruano: sin plazo de permanencia"),
    "stay_resident": _("extranjero residente (calidad migratoria, carné o PTP vigente)"),
    "stay_exhausted": _("agotó los 183 días de permanencia del último año"),
    "stay_granted": _("se otorgan %(days)s días de permanencia"),
    "stay_no_entry": _("no hay registro de su ingreso al país"),
    "stay_overstay": _("exceso de permanencia de %(days)s días: multa de S/ %(fine)s"),
    "stay_within": _("permaneció %(stayed)s de %(granted)s días otorgados"),
    # minor_permit
    "minor_adult": _("mayor de edad"),
    "minor_entering": _("menor de edad que ingresa: no requiere permiso"),
    "minor_no_permit": _("menor de %(age)s años sin permiso de viaje vigente"),
    "minor_permit_ok": _("permiso de viaje %(reference)s otorgado por %(granted_by)s, vigente hasta %(date)s"),
    # chip_authentic (clone detection: Active Authentication with the portal's one-time challenge)
    "chip_no_clone_protection": _("el chip no ofrece autenticación activa ni de chip (pasaporte anterior)"),
    "chip_aa_ok": _("el chip firmó el desafío con la clave de su DG15 (%(algorithm)s)"),
    "chip_aa_failed": _("el chip no probó tener la clave de su DG15: posible clon (%(detail)s)"),
    "chip_aa_missing": _("el chip ofrece autenticación activa pero no se envió su respuesta al desafío"),
    "chip_dg15_altered": _("el DG15 enviado no es el que firmó el emisor"),
    "chip_ca_reported": _("la puerta informa la autenticación de chip correcta"),
    "chip_ca_missing": _("el chip ofrece autenticación de chip pero no se informó su resultado"),
    "challenge_unknown": _("el desafío enviado no fue emitido por el portal"),
    "challenge_expired": _("el desafío enviado venció (60 segundos)"),
    "challenge_other_device": _("el desafío enviado fue emitido para otro dispositivo"),
    "challenge_reused": _("el desafío enviado ya fue usado"),
    # special_travel_permit (CPP and PTP holders leaving the country)
    "travel_permit_entering": _("ingreso: no requiere permiso especial de viaje"),
    "travel_permit_not_needed": _("no es titular de CPP ni PTP: no requiere permiso especial de viaje"),
    "travel_permit_missing": _("titular de %(calidad)s sin permiso especial de viaje vigente"),
    "travel_permit_ok": _("titular de %(calidad)s con permiso especial de viaje %(reference)s, vigente hasta %(date)s"),
    # direction_sequence
    "sequence_ok": _("sin movimiento previo en el mismo sentido"),
    "sequence_entry_twice": _("ya registra un ingreso el %(when)s en %(point)s sin movimiento en sentido contrario"),
    "sequence_exit_twice": _("ya registra una salida el %(when)s en %(point)s sin movimiento en sentido contrario"),
    # identity_evidence
    "evidence_missing": _("el control móvil requiere la lectura del chip o el rostro"),
    "evidence_chip": _("verificado con chip"),
    "evidence_face": _("verificado con rostro"),
    "evidence_chip_and_face": _("verificado con chip y rostro"),
}

# Two codes without words of their own: several phrases joined with "; ", and a text that comes from
# elsewhere as it is (a library's technical detail, an external system's message, an alert's note).
PARTS, TEXT = "parts", "text"

_CHOICE_PARAMS = {
    "alert_source": dict(Alert.Source.choices),
    "alert_kind": dict(Alert.Kind.choices),
    "document_status": dict(IdentityDocument.Status.choices),
    "sltd_status": {"STOLEN": _("robado"), "LOST": _("perdido"), "REVOKED": _("revocado")},
}


def phrase(code: str, **params: Any) -> dict[str, Any]:
    """A nested parameter: rendered with its own code when shown."""
    return {"code": code, "params": params}


def render(code: str, params: dict[str, Any] | None = None) -> str:
    """The reason `code` with its parameters, in the active language."""
    params = params or {}
    if code == PARTS:
        return _render_param("parts", params.get("parts", []))
    template = REASONS.get(code)
    if template is None:  # TEXT, or a code this version does not know: the text as it came
        return str(params.get("text", code))
    values = {name: _render_param(name, value) for name, value in params.items()}
    return str(template) % values if values else str(template)


def render_spanish(code: str, params: dict[str, Any] | None = None) -> str:
    """The text stored with the record (and written to the audit log): Spanish, whoever is signed in."""
    with translation.override("es"):
        return render(code, params)


def _render_param(name: str, value: Any) -> Any:
    if isinstance(value, dict) and "code" in value:
        return render(value["code"], value.get("params"))
    if isinstance(value, list):
        return "; ".join(str(_render_param(name, item)) for item in value)
    if name in _CHOICE_PARAMS:
        return _CHOICE_PARAMS[name].get(value, value)
    return value


def check_label(name: str) -> str:
    label = CHECK_LABELS.get(name)
    return str(label) if label is not None else name


def mrz_field_label(name: str) -> str:
    label = MRZ_FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def mrz_error(field: str, message: str) -> dict[str, Any]:
    """One MRZ problem as a phrase: the field in words and what is wrong with it."""
    code = MRZ_ERROR_CODES.get(message)
    error = phrase(code) if code else phrase(TEXT, text=message)
    return phrase("mrz_field_error", field=phrase("mrz_field_" + field) if field in MRZ_FIELD_LABELS else field,
                  error=error)


def reason_line(item: dict[str, Any]) -> str:
    """One stored reason {"check", "code", "params"} (or {"check", "text"} from before codes) in words."""
    label = check_label(item.get("check", ""))
    text = render(item["code"], item.get("params")) if item.get("code") else item.get("text", "")
    return f"{label}: {text}" if label else text


def legacy_item(reason: str) -> dict[str, Any]:
    """A stored "check_name: texto" string as an item without code (its Spanish text is kept)."""
    name, sep, text = reason.partition(": ")
    if not sep or " " in name:
        return {"check": "", "text": reason}
    return {"check": name, "text": text}


# Field names of the MRZ as reason codes (rendered through MRZ_FIELD_LABELS).
for _field, _label in MRZ_FIELD_LABELS.items():
    REASONS["mrz_field_" + _field] = _label
