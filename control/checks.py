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
from rim import selectors as rim_selectors
from rim.models import IdentityDocument, Permit, Person, ResidenceStatus

from . import faces, stay
from .models import TravelPermit
from .outcomes import ERROR, FAIL, PASS, SKIPPED, CheckOutcome, outcome
from .reasons import PARTS, TEXT, mrz_error, phrase
from .trust import pa_anchors

ADULT_AGE = 18
BAD_DOCUMENT_STATUSES = (IdentityDocument.Status.CANCELADO, IdentityDocument.Status.PERDIDO,
                         IdentityDocument.Status.ROBADO)


@dataclass(frozen=True)
class ChipData:
    """Files read from the chip (whole TLV files, as the reader returns them)."""

    dg1: bytes
    dg2: bytes | None
    sod: bytes
    # Clone detection (issue 14): DG14/DG15 as read, and the chip's answer to the portal's challenge.
    dg14: bytes | None = None
    dg15: bytes | None = None
    aa_challenge: bytes | None = None  # a challenge the portal issued to this device, spent for this crossing
    aa_signature: bytes | None = None
    challenge_refused: str = ""  # egates' reason when the challenge sent proves nothing
    ca_verified: bool | None = None  # the device's report of Chip Authentication, when it ran it


def document_validity(mrz: MRZResult, rim_document: IdentityDocument | None, *, today: dt.date) -> CheckOutcome:
    problems = [mrz_error(field, message) for field, message in mrz.errors.items()]
    expiry = mrz.fields.expiry_date
    if expiry is not None and expiry < today:
        problems.append(phrase("document_expired", date=f"{expiry:%d/%m/%Y}"))
    if rim_document is not None and rim_document.status in BAD_DOCUMENT_STATUSES:
        problems.append(phrase("document_rim_status", document_status=rim_document.status))
    if problems:
        return outcome("document_validity", FAIL, PARTS, parts=problems)
    if expiry:
        return outcome("document_validity", PASS, "document_ok_until", date=f"{expiry:%d/%m/%Y}")
    return outcome("document_validity", PASS, "document_ok")


def passive_auth(chip: ChipData | None, printed_mrz: list[str], *, required: bool) -> tuple[CheckOutcome, PAReport | None]:
    if chip is None:
        return _missing_chip("passive_authentication", required), None
    groups = {1: chip.dg1}
    for number, data in ((2, chip.dg2), (14, chip.dg14), (15, chip.dg15)):
        if data is not None:
            groups[number] = data
    csca_certs, store = pa_anchors()
    report = passive_authentication(sod=chip.sod, data_groups=groups, csca_certs=csca_certs, trust_store=store,
                                    printed_mrz=printed_mrz)
    if report.valid:
        return outcome("passive_authentication", PASS, "chip_authentic", signer=report.ds_subject,
                       details=report.to_dict()), report
    failed = [f"{c.name}: {c.reason}" for c in report.checks if c.passed is False]
    missing = [f"{c.name}: {c.reason}" for c in report.checks if c.passed is None and c.name in
               ("sod", "ds_certificate", "csca_chain", "validity", "signature", "dg_hashes", "dg_listed")]
    return outcome("passive_authentication", FAIL, "chip_pa_failed", detail="; ".join(failed + missing),
                   details=report.to_dict()), report


def chip_authentic(chip: ChipData | None, *, required: bool = True) -> CheckOutcome:
    """Is the chip the one its data were written to? The SOD says whether it holds an Active
    Authentication key (DG15) or a Chip Authentication key (DG14); such a chip must answer the portal's
    one-time challenge with that key. A copy of the data groups and SOD into another chip cannot."""
    from mrtd import aa
    from mrtd.errors import MRTDError
    from mrtd.lds import decode_dg14, decode_sod, hash_bytes

    if chip is None:
        return outcome("chip_authentic", SKIPPED, "chip_not_read", required=False)
    try:
        sod = decode_sod(chip.sod)
    except MRTDError:
        return outcome("chip_authentic", SKIPPED, "chip_not_read", required=False)  # passive_auth refers it
    listed = set(sod.dg_hashes)
    if not listed & {14, 15}:
        return outcome("chip_authentic", SKIPPED, "chip_no_clone_protection", required=False)
    if chip.challenge_refused:
        return outcome("chip_authentic", FAIL, chip.challenge_refused, required=required)
    if 15 in listed:
        if chip.dg15 is None or chip.aa_signature is None or chip.aa_challenge is None:
            return outcome("chip_authentic", FAIL, "chip_aa_missing", required=required)
        if hash_bytes(sod.hash_algorithm, chip.dg15) != sod.dg_hashes[15]:
            return outcome("chip_authentic", FAIL, "chip_dg15_altered", required=required)
        algorithm = None
        if chip.dg14 is not None:
            try:
                infos = decode_dg14(chip.dg14).active_authentication
                algorithm = infos[0].signature_algorithm if infos else None
            except MRTDError:
                algorithm = None  # a DG14 that does not decode names no algorithm; DG15's key decides
        result = aa.check(dg15=chip.dg15, challenge=chip.aa_challenge, signature=chip.aa_signature,
                          signature_algorithm=algorithm)
        if result.verified:
            return outcome("chip_authentic", PASS, "chip_aa_ok", algorithm=result.algorithm,
                           details={"aa": result.algorithm, "ca": chip.ca_verified})
        return outcome("chip_authentic", FAIL, "chip_aa_failed", detail=result.reason or result.algorithm,
                       details={"aa": result.algorithm}, required=required)
    if chip.ca_verified:
        return outcome("chip_authentic", PASS, "chip_ca_reported", details={"ca": True})
    return outcome("chip_authentic", FAIL, "chip_ca_missing", required=required)


def chip_mrz_matches(chip: ChipData | None, printed_mrz: list[str], *, required: bool) -> CheckOutcome:
    if chip is None:
        return _missing_chip("chip_mrz", required)
    try:
        chip_lines = decode_dg1(chip.dg1)
    except LDSError as exc:
        return outcome("chip_mrz", FAIL, "chip_dg1_unreadable", detail=str(exc))
    if [line.strip().upper() for line in printed_mrz] != chip_lines:
        return outcome("chip_mrz", FAIL, "chip_mrz_differs")
    return outcome("chip_mrz", PASS, "chip_mrz_matches")


def _missing_chip(name: str, required: bool) -> CheckOutcome:
    if required:
        return outcome(name, FAIL, "chip_required")
    return outcome(name, SKIPPED, "chip_not_read", required=False)


# What the live face is compared with (reason codes; the Spanish words are in control/reasons.py).
SOURCE_CHIP, SOURCE_MIGRACHECK, SOURCE_ENROLLED = "face_source_chip", "face_source_migracheck", "face_source_enrolled"


def face_match(live: np.ndarray | None, reference: np.ndarray | None, *, reference_source: str, required: bool,
               problem: dict | None = None) -> CheckOutcome:
    """Live face against the chip photo (or the enrolled or pre-registered one); `reference_source` is
    one of the SOURCE_ codes, `problem` a phrase (control/reasons.py) saying why there is no face."""
    if problem:
        return outcome("face", FAIL, problem["code"], **problem["params"])
    if live is None or reference is None:
        missing = phrase("face_missing_live" if live is None else "face_missing_reference")
        if required:
            return outcome("face", FAIL, "face_missing", missing=missing)
        return outcome("face", SKIPPED, "face_missing_officer", missing=missing, required=False)
    decision = faces.match(reference, live)
    details = {"score": decision.score, "threshold": decision.threshold, "reference": reference_source}
    scores = {"source": phrase(reference_source), "score": f"{decision.score:.2f}",
              "threshold": f"{decision.threshold:.2f}"}
    if decision.decision:
        return outcome("face", PASS, "face_match", details=details, **scores)
    return outcome("face", FAIL, "face_no_match", details=details, **scores)


def live_encoding(live_face: bytes | faces.PendingEncoding | None) -> tuple[np.ndarray | None, dict | None]:
    """(encoding, problem): no face or several faces is a failed check, not a bad request."""
    if live_face is None:
        return None, None
    try:
        if isinstance(live_face, faces.PendingEncoding):
            return live_face.result(), None
        return faces.encode_image(live_face, field="live_face"), None
    except FaceCountError as exc:
        return None, phrase("face_live_unusable", detail=str(exc.message))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def minor_permit(mrz: MRZResult, *, direction: str, today: dt.date) -> CheckOutcome:
    birth = mrz.fields.birth_date
    if birth is None or age_on(birth, today) >= ADULT_AGE:
        return outcome("minor_permit", SKIPPED, "minor_adult", required=False)
    if direction != "EXIT":
        return outcome("minor_permit", SKIPPED, "minor_entering", required=False)
    permit = (TravelPermit.objects.filter(
        minor_document_number=mrz.fields.document_number, minor_issuing_state=mrz.fields.issuing_state,
        minor_birth_date=birth, valid_from__lte=today, valid_until__gte=today, revoked=False,
    ).order_by("-valid_until").first())
    if permit is None:
        return outcome("minor_permit", FAIL, "minor_no_permit", age=age_on(birth, today))
    return outcome("minor_permit", PASS, "minor_permit_ok", reference=permit.reference, granted_by=permit.granted_by,
                   date=f"{permit.valid_until:%d/%m/%Y}", details={"permit_id": permit.pk})


# Holders of these calidades leave the country only with a permiso especial de viaje in force that day.
CALIDADES_NEEDING_TRAVEL_PERMIT = (ResidenceStatus.Calidad.CPP, ResidenceStatus.Calidad.PTP)


def special_travel_permit(person: Person | None, *, direction: str, today: dt.date) -> CheckOutcome:
    """A CPP or PTP holder leaving needs a permiso especial de viaje in force today; others are skipped."""
    if direction != "EXIT":
        return outcome("special_travel_permit", SKIPPED, "travel_permit_entering", required=False)
    current = rim_selectors.residence_status_current(person_id=person.pk, on=today) if person is not None else None
    if current is None or current.calidad not in CALIDADES_NEEDING_TRAVEL_PERMIT:
        return outcome("special_travel_permit", SKIPPED, "travel_permit_not_needed", required=False)
    permit = rim_selectors.permits_in_force(person_id=person.pk, kind=Permit.Kind.VIAJE, on=today).first()
    if permit is None:
        return outcome("special_travel_permit", FAIL, "travel_permit_missing", calidad=current.calidad,
                       details={"residence_status_id": current.pk})
    return outcome("special_travel_permit", PASS, "travel_permit_ok", calidad=current.calidad,
                   reference=permit.reference or f"N.º {permit.pk}", date=f"{permit.valid_until:%d/%m/%Y}",
                   details={"permit_id": permit.pk, "residence_status_id": current.pk})


def permitted_stay(mrz: MRZResult, person: Person | None, *, direction: str, purpose: str,
                   now: dt.datetime) -> tuple[CheckOutcome, int | None, stay.StayOnExit | None]:
    """(outcome, days granted on entry, stay on exit) for foreigners; Peruvians are skipped."""
    if mrz.fields.nationality == "PER":
        return outcome("permitted_stay", SKIPPED, "stay_peruvian", required=False), None, None
    if stay.is_resident(person):
        return outcome("permitted_stay", PASS, "stay_resident"), None, None
    if direction == "ENTRY":
        days = stay.days_to_grant(person, purpose, now=now)
        if days <= 0:
            return outcome("permitted_stay", FAIL, "stay_exhausted"), 0, None
        return outcome("permitted_stay", PASS, "stay_granted", days=days, details={"days_granted": days}), days, None
    try:
        on_exit = stay.stay_on_exit(person, now=now)
    except stay.FeeTableIncomplete as exc:
        return outcome("permitted_stay", ERROR, TEXT, text=str(exc)), None, None
    if on_exit is None:
        return outcome("permitted_stay", FAIL, "stay_no_entry"), None, None
    details = {"days_granted": on_exit.days_granted, "days_stayed": on_exit.days_stayed,
               "overstay_days": on_exit.overstay_days, "fine": str(on_exit.fine)}
    if on_exit.overstay_days:
        return outcome("permitted_stay", FAIL, "stay_overstay", days=on_exit.overstay_days, fine=str(on_exit.fine),
                       details=details), None, on_exit
    return outcome("permitted_stay", PASS, "stay_within", stayed=on_exit.days_stayed, granted=on_exit.days_granted,
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
        return outcome("direction_sequence", PASS, "sequence_ok")
    when = timezone.localtime(last.occurred_at)
    code = "sequence_entry_twice" if direction == "ENTRY" else "sequence_exit_twice"
    return outcome("direction_sequence", FAIL, code, when=f"{when:%d/%m/%Y %H:%M}", point=last.crossing_point.code,
                   details={"movement_id": last.pk})


def identity_evidence(chip: ChipData | None, live_face: object | None) -> CheckOutcome:
    """A tablet decides on the chip or the face, never on the printed MRZ alone."""
    if chip is None and live_face is None:
        return outcome("identity_evidence", FAIL, "evidence_missing")
    if chip is not None and live_face is not None:
        return outcome("identity_evidence", PASS, "evidence_chip_and_face")
    return outcome("identity_evidence", PASS, "evidence_chip" if chip is not None else "evidence_face")
