"""The checks of a crossing, one function each; every one returns a CheckOutcome and never raises
for a bad document (a bad document is a failed check, not an error of the service)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from biometria.engine import FaceCountError
from mrtd.errors import LDSError
from mrtd.lds import decode_dg1
from mrtd.mrz import MRZResult
from mrtd.pa import PAReport, passive_authentication
from rim.models import IdentityDocument, Person

from . import faces, stay
from .models import TravelPermit
from .outcomes import ERROR, FAIL, PASS, SKIPPED, CheckOutcome
from .trust import csca_certificates

ADULT_AGE = 18
BAD_DOCUMENT_STATUSES = (IdentityDocument.Status.CANCELADO, IdentityDocument.Status.PERDIDO,
                         IdentityDocument.Status.ROBADO)


@dataclass(frozen=True)
class ChipData:
    """Files read from the chip (whole TLV files, as the reader returns them)."""

    dg1: bytes
    dg2: bytes | None
    sod: bytes


def document_validity(mrz: MRZResult, rim_document: IdentityDocument | None, *, today: dt.date) -> CheckOutcome:
    problems = [f"{field}: {message}" for field, message in mrz.errors.items()]
    expiry = mrz.fields.expiry_date
    if expiry is not None and expiry < today:
        problems.append(f"documento vencido el {expiry:%d/%m/%Y}")
    if rim_document is not None and rim_document.status in BAD_DOCUMENT_STATUSES:
        problems.append(f"documento {rim_document.get_status_display()} en el RIM")
    if problems:
        return CheckOutcome("document_validity", FAIL, "; ".join(problems))
    return CheckOutcome("document_validity", PASS,
                        f"MRZ válida; vigente hasta {expiry:%d/%m/%Y}" if expiry else "MRZ válida")


def passive_auth(chip: ChipData | None, printed_mrz: list[str], *, required: bool) -> tuple[CheckOutcome, PAReport | None]:
    if chip is None:
        return _missing_chip("passive_authentication", required), None
    groups = {1: chip.dg1}
    if chip.dg2 is not None:
        groups[2] = chip.dg2
    report = passive_authentication(sod=chip.sod, data_groups=groups, csca_certs=csca_certificates(),
                                    printed_mrz=printed_mrz)
    if report.valid:
        return CheckOutcome("passive_authentication", PASS,
                            f"chip auténtico: firmado por {report.ds_subject}", details=report.to_dict()), report
    failed = [f"{c.name}: {c.reason}" for c in report.checks if c.passed is False]
    missing = [f"{c.name}: {c.reason}" for c in report.checks if c.passed is None and c.name in
               ("sod", "ds_certificate", "csca_chain", "validity", "signature", "dg_hashes", "dg_listed")]
    return CheckOutcome("passive_authentication", FAIL, "autenticación pasiva fallida: " + "; ".join(failed + missing),
                        details=report.to_dict()), report


def chip_mrz_matches(chip: ChipData | None, printed_mrz: list[str], *, required: bool) -> CheckOutcome:
    if chip is None:
        return _missing_chip("chip_mrz", required)
    try:
        chip_lines = decode_dg1(chip.dg1)
    except LDSError as exc:
        return CheckOutcome("chip_mrz", FAIL, f"DG1 ilegible: {exc}")
    if [line.strip().upper() for line in printed_mrz] != chip_lines:
        return CheckOutcome("chip_mrz", FAIL, "la MRZ del chip (DG1) no coincide con la MRZ impresa")
    return CheckOutcome("chip_mrz", PASS, "la MRZ del chip coincide con la impresa")


def _missing_chip(name: str, required: bool) -> CheckOutcome:
    if required:
        return CheckOutcome(name, FAIL, "la puerta electrónica requiere la lectura del chip")
    return CheckOutcome(name, SKIPPED, "chip no leído", required=False)


def face_match(live: np.ndarray | None, reference: np.ndarray | None, *, reference_source: str, required: bool,
               problem: str = "") -> CheckOutcome:
    """Live face against the chip photo (or the enrolled or pre-registered one)."""
    if problem:
        return CheckOutcome("face", FAIL, problem)
    if live is None or reference is None:
        missing = "rostro en vivo" if live is None else "foto de referencia (chip o enrolamiento)"
        if required:
            return CheckOutcome("face", FAIL, f"falta {missing}")
        return CheckOutcome("face", SKIPPED, f"sin {missing}: verificación por el oficial", required=False)
    decision = faces.match(reference, live)
    details = {"score": decision.score, "threshold": decision.threshold, "reference": reference_source}
    if decision.decision:
        return CheckOutcome("face", PASS, f"rostro coincide con {reference_source} (puntaje {decision.score:.2f} "
                            f">= {decision.threshold:.2f})", details=details)
    return CheckOutcome("face", FAIL, f"rostro no coincide con {reference_source} (puntaje {decision.score:.2f} "
                        f"< {decision.threshold:.2f})", details=details)


def live_encoding(live_face: bytes | faces.PendingEncoding | None) -> tuple[np.ndarray | None, str]:
    """(encoding, problem): no face or several faces is a failed check, not a bad request."""
    if live_face is None:
        return None, ""
    try:
        if isinstance(live_face, faces.PendingEncoding):
            return live_face.result(), ""
        return faces.encode_image(live_face, field="live_face"), ""
    except FaceCountError as exc:
        return None, f"rostro en vivo: {exc.message}"


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def minor_permit(mrz: MRZResult, *, direction: str, today: dt.date) -> CheckOutcome:
    birth = mrz.fields.birth_date
    if birth is None or age_on(birth, today) >= ADULT_AGE:
        return CheckOutcome("minor_permit", SKIPPED, "mayor de edad", required=False)
    if direction != "EXIT":
        return CheckOutcome("minor_permit", SKIPPED, "menor de edad que ingresa: no requiere permiso", required=False)
    permit = (TravelPermit.objects.filter(
        minor_document_number=mrz.fields.document_number, minor_issuing_state=mrz.fields.issuing_state,
        minor_birth_date=birth, valid_from__lte=today, valid_until__gte=today, revoked=False,
    ).order_by("-valid_until").first())
    if permit is None:
        return CheckOutcome("minor_permit", FAIL, f"menor de {age_on(birth, today)} años sin permiso de viaje vigente")
    return CheckOutcome("minor_permit", PASS,
                        f"permiso de viaje {permit.reference} otorgado por {permit.granted_by}, vigente hasta "
                        f"{permit.valid_until:%d/%m/%Y}", details={"permit_id": permit.pk})


def permitted_stay(mrz: MRZResult, person: Person | None, *, direction: str, purpose: str,
                   now: dt.datetime) -> tuple[CheckOutcome, int | None, stay.StayOnExit | None]:
    """(outcome, days granted on entry, stay on exit) for foreigners; Peruvians are skipped."""
    if mrz.fields.nationality == "PER":
        return CheckOutcome("permitted_stay", SKIPPED, "peruano: sin plazo de permanencia", required=False), None, None
    if stay.is_resident(person):
        return CheckOutcome("permitted_stay", PASS, "extranjero residente (carné o PTP vigente)"), None, None
    if direction == "ENTRY":
        days = stay.days_to_grant(person, purpose, now=now)
        if days <= 0:
            return CheckOutcome("permitted_stay", FAIL, "agotó los 183 días de permanencia del último año"), 0, None
        return CheckOutcome("permitted_stay", PASS, f"se otorgan {days} días de permanencia",
                            details={"days_granted": days}), days, None
    try:
        on_exit = stay.stay_on_exit(person, now=now)
    except stay.FeeTableIncomplete as exc:
        return CheckOutcome("permitted_stay", ERROR, str(exc)), None, None
    if on_exit is None:
        return CheckOutcome("permitted_stay", FAIL, "no hay registro de su ingreso al país"), None, None
    details = {"days_granted": on_exit.days_granted, "days_stayed": on_exit.days_stayed,
               "overstay_days": on_exit.overstay_days, "fine": str(on_exit.fine)}
    if on_exit.overstay_days:
        return CheckOutcome("permitted_stay", FAIL,
                            f"exceso de permanencia de {on_exit.overstay_days} días: multa de S/ {on_exit.fine}",
                            details=details), None, on_exit
    return CheckOutcome("permitted_stay", PASS,
                        f"permaneció {on_exit.days_stayed} de {on_exit.days_granted} días otorgados",
                        details=details), None, on_exit


def today_local() -> dt.date:
    return timezone.localdate()


def direction_sequence(person: Person | None, *, direction: str) -> CheckOutcome:
    """An entry after an entry (or an exit after an exit) of the same person is referred: the same
    passport used twice, or a movement missing from the RIM, is for an officer to look at."""
    from rim.models import Movement

    last = (Movement.objects.filter(person=person).select_related("crossing_point").order_by("-occurred_at", "-id")
            .first() if person is not None else None)
    if last is None or last.direction != direction:
        return CheckOutcome("direction_sequence", PASS, "sin movimiento previo en el mismo sentido")
    when = timezone.localtime(last.occurred_at)
    kind = "un ingreso" if direction == "ENTRY" else "una salida"
    return CheckOutcome("direction_sequence", FAIL,
                        f"ya registra {kind} el {when:%d/%m/%Y %H:%M} en {last.crossing_point.code} "
                        f"sin movimiento en sentido contrario", details={"movement_id": last.pk})


def identity_evidence(chip: ChipData | None, live_face: object | None) -> CheckOutcome:
    """A tablet decides on the chip or the face, never on the printed MRZ alone."""
    if chip is None and live_face is None:
        return CheckOutcome("identity_evidence", FAIL, "el control móvil requiere la lectura del chip o el rostro")
    used = [name for name, present in (("chip", chip is not None), ("rostro", live_face is not None)) if present]
    return CheckOutcome("identity_evidence", PASS, "verificado con " + " y ".join(used))
