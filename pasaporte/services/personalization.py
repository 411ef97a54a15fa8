"""Personalization: a passport number allocated once, TD3 MRZ, signed LDS, chip image, then quality control.

The chip is personalized with PACE, Active Authentication (ECDSA P-256) and Chip Authentication
(ECDH P-256). Their private keys go only into the chip: the whole image is handed to the card's
personalization (`chip_image_write`, a 0600 file in PASAPORTE_CHIP_OUTPUT_DIR that the printer
consumes); the portal's database keeps the image without them (Passport.chip_image: the LDS files and
how the chip is opened), and they are never logged or sent to a task.
"""
import dataclasses
import datetime as dt
import os
import fcntl
import io
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop

from biometria import selectors as biometria_selectors
from biometria import services as biometria_services
from biometria.models import Enrollment as BiometricEnrollment
from core.errors import ApplicationError, Conflict
from mrtd.chip import ChipImage, VirtualChip, start_vpcd_thread
from mrtd.errors import MRTDError
from mrtd.mrz import generate_td3
from mrtd.personalize import personalize_chip
from mrtd.pki import TestPKI, init_test_pki, load_pki
from mrtd.reader import read_chip
from rim import services as rim_services
from rim.models import IdentityDocument, Person

from .. import biometrics
from ..models import Application, CheckResult, Passport, PassportNumberCounter
from ..workflows import PASSPORT
from ..notes import note, parts_of
from .common import application_lock, application_transition

S = Application.Status
ACTOR = "sistema:personalizacion"
COUNTER_NAME = "PASAPORTE_PE"
# The demo RIM hands out 120000000 + n: the personalization office's range starts well above it.
FIRST_NUMBER = 200_000_001
VALIDITY_YEARS = 10
FINISHED = frozenset({S.READY, S.DELIVERED, S.EXPIRED})


class PersonalizationFailed(ApplicationError):
    """Quality control refused the chip: the passport is not released; the reason is recorded."""

    status, code = 422, "personalization_failed"


@dataclass(frozen=True)
class QualityReport:
    passed: bool
    transport: str
    pa_valid: bool
    mrz_matches: bool
    face_score: float | None
    failures: list[str]
    read_s: float
    aa_verified: bool = False
    ca_verified: bool = False

    def as_dict(self) -> dict:
        return {"passed": self.passed, "transport": self.transport, "pa_valid": self.pa_valid,
                "mrz_matches": self.mrz_matches, "face_score": self.face_score,
                "aa_verified": self.aa_verified, "ca_verified": self.ca_verified,
                "failures": self.failures, "read_s": round(self.read_s, 3)}


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """A lock across worker processes (creating the PKI, or holding the one vpcd reader)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pki_load() -> TestPKI:
    """The Document Signer; outside production a test PKI is created on first use."""
    directory = Path(settings.MRTD_PKI_DIR)
    if not (directory / "ds.pem").exists():
        if getattr(settings, "PRODUCTION", False):
            raise Conflict(_("Falta la PKI del Document Signer."), fields={"MRTD_PKI_DIR": str(directory)})
        with _file_lock(directory.parent / "pki.lock"):
            if not (directory / "ds.pem").exists():
                init_test_pki(directory)
    return load_pki(directory)


@transaction.atomic
def passport_number_allocate(*, application_id: int) -> Passport:
    """The application's passport row with its number: allocated once, from the locked counter row.

    The counter and the passport row commit together, so a crash loses no number and a re-run
    finds the passport already there instead of taking another number.
    """
    application = application_lock(application_id)
    existing = Passport.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.status == S.ENROLLED:
        application_transition(actor=ACTOR, application_id=application.pk, to=S.PERSONALIZING,
                               reason=note(gettext_noop("Personalización del pasaporte en curso.")))
    counter, _created = PassportNumberCounter.objects.select_for_update().get_or_create(
        name=COUNTER_NAME, defaults={"next_value": FIRST_NUMBER})
    number = f"{counter.next_value:09d}"
    counter.next_value += 1
    counter.save(update_fields=["next_value"])
    issue = timezone.localdate()
    expiry = issue.replace(year=issue.year + VALIDITY_YEARS) if not (issue.month == 2 and issue.day == 29) else (
        issue + dt.timedelta(days=1)).replace(year=issue.year + VALIDITY_YEARS)
    return PASSPORT.create(Passport(application=application, number=number, issue_date=issue, expiry_date=expiry),
                           "issue", actor=ACTOR)


def _mrz_for(application: Application, passport: Passport) -> list[str]:
    person = Person.objects.get(pk=application.person_id)
    return generate_td3(
        issuing_state="PER", primary_identifier=person.surnames, secondary_identifier=person.given_names,
        document_number=passport.number, nationality="PER", birth_date=person.birth_date,
        sex=person.sex if person.sex in ("M", "F") else "<", expiry_date=passport.expiry_date,
        optional_data=application.dni,
    )


def _chip_files(enrollment: BiometricEnrollment, mrz_lines: list[str], pki: TestPKI) -> ChipImage:
    """DG2, DG3 and DG7 from biometria's enrollment (audited reads), signed into the LDS with
    EF.CardAccess (PACE), DG14 (Chip Authentication) and DG15 (Active Authentication)."""
    data = biometrics.chip_biometrics(actor=ACTOR, enrollment=enrollment)
    return personalize_chip(mrz_lines=mrz_lines, face_image=data.portrait_jpeg, finger_images=data.fingers,
                            signature_image=data.signature, pki=pki, access="both")


def chip_image_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def chip_image_write(number: str, image: ChipImage) -> str:
    """Hand the whole image (with the chip's private keys) to the card's personalization: a file only
    the portal's user can read, written whole then renamed; the printer takes it and deletes it."""
    directory = settings.PASAPORTE_CHIP_OUTPUT_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"{number}.zip"
    temporary = directory / f".{number}.zip.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(chip_image_zip(image.entries()))
    os.replace(temporary, target)
    return str(target)


def chip_image_files(blob: bytes) -> dict[str, bytes]:
    """The LDS files of a stored chip image (without its private keys)."""
    return chip_image_load(blob).files


def chip_image_load(blob: bytes) -> ChipImage:
    """The whole stored chip image, private keys included, to serve it as a chip."""
    with zipfile.ZipFile(io.BytesIO(bytes(blob))) as archive:
        return ChipImage.from_entries({name: archive.read(name) for name in archive.namelist()})


def _read_back(chip: VirtualChip, mrz_lines: list[str], pki: TestPKI):
    """Over PC/SC when a vpcd reader is configured (one card at a time), in process otherwise."""
    reader = getattr(settings, "PASAPORTE_QC_PCSC_READER", "")
    if not reader:
        return "in_process", read_chip(mrz_lines=mrz_lines, transport=chip, csca_certs=[pki.csca_cert_der])
    port = int(getattr(settings, "PASAPORTE_QC_VPCD_PORT", 35963))
    with _file_lock(Path(settings.VAR_DIR if hasattr(settings, "VAR_DIR") else "/tmp") / f"vpcd-{port}.lock"):
        thread, stop = start_vpcd_thread(chip, port=port)
        try:
            time.sleep(0.5)  # pcscd polls the reader before it reports the card
            return "pcsc", read_chip(mrz_lines=mrz_lines, reader_name=reader, csca_certs=[pki.csca_cert_der])
        finally:
            stop.set()
            thread.join(3)


def quality_control(*, image: ChipImage, mrz_lines: list[str], enrolled_encoding, pki: TestPKI) -> QualityReport:
    """Serve the chip, read it back (PACE, Chip Authentication, Active Authentication), check passive
    authentication, that the chip proves its keys, and the DG2 face (biometria 1:1)."""
    failures: list[str] = []
    started = time.perf_counter()
    try:
        transport, read = _read_back(image.chip(mrz_lines=mrz_lines), mrz_lines, pki)
    except MRTDError as exc:
        return QualityReport(False, "none", False, False, None, [f"lectura: {exc}"], time.perf_counter() - started)
    pa_valid = bool(read.pa is not None and read.pa.valid)
    if not pa_valid:
        failures.append("autenticación pasiva: " + "; ".join(
            f"{c.name}: {c.detail}" for c in (read.pa.checks if read.pa else []) if c.passed is False))
    mrz_matches = read.chip_mrz == mrz_lines
    if not mrz_matches:
        failures.append("la MRZ del chip no es la impresa")
    aa_verified = bool(read.aa is not None and read.aa.verified)
    ca_verified = bool(read.ca is not None and read.ca.verified)
    if not aa_verified:
        failures.append("autenticación activa: " + ((read.aa.reason or "") if read.aa else "no realizada"))
    if not ca_verified:
        failures.append("autenticación de chip: " + ((read.ca.reason or "") if read.ca else "no realizada"))
    score = None
    try:
        match = biometria_services.face_verify_document(actor=ACTOR, encoding=enrolled_encoding,
                                                        dg2=read.files["DG2"], purpose=biometrics.PURPOSE_QC)
        score = match.score
        if not match.decision:
            failures.append(f"el rostro del chip no coincide con el enrolado (puntaje {score}, "
                            f"umbral {match.threshold})")
    except (KeyError, IndexError, MRTDError, ApplicationError) as exc:
        failures.append(f"DG2: {exc}")
    return QualityReport(not failures, transport, pa_valid, mrz_matches, score, failures,
                         time.perf_counter() - started, aa_verified, ca_verified)


def _enrollment_for_chip(application: Application) -> BiometricEnrollment:
    """The application's biometria enrollment, which must be in force (not awaiting a duplicate decision)."""
    enrollment = application.biometric_enrollment
    if enrollment is None or enrollment.status != BiometricEnrollment.Status.ACTIVE:
        raise Conflict(_("La solicitud no tiene un enrolamiento biométrico vigente."),
                       fields={"biometric_enrollment": enrollment.status if enrollment else "—"})
    return enrollment


def passport_personalize(*, application_id: int) -> Passport:
    """The whole job; running it again after a crash finishes the same passport, never a second one."""
    application = Application.objects.select_related("biometric_enrollment").get(pk=application_id)
    if application.status in FINISHED:
        return application.passport
    if application.status not in (S.ENROLLED, S.PERSONALIZING):
        raise Conflict(_("La solicitud no está lista para personalizar."), fields={"status": application.status})
    enrollment = _enrollment_for_chip(application)
    passport = passport_number_allocate(application_id=application_id)
    application.refresh_from_db()
    pki = pki_load()
    mrz_lines = _mrz_for(application, passport)
    image = _chip_files(enrollment, mrz_lines, pki)
    enrolled = biometria_selectors.enrollment_face_encoding(actor=ACTOR, enrollment=enrollment,
                                                           purpose=biometrics.PURPOSE_QC)
    report = quality_control(image=image, mrz_lines=mrz_lines, enrolled_encoding=enrolled, pki=pki)
    passport = _finish(application_id, passport.pk, mrz_lines, image, report)
    if not report.passed:
        raise PersonalizationFailed(_("El control de calidad del chip no pasó."), fields={"qc": "; ".join(report.failures)})
    return passport


@transaction.atomic
def _finish(application_id: int, passport_id: int, mrz_lines: list[str], image: ChipImage,
            report: QualityReport) -> Passport:
    application = application_lock(application_id)
    passport = Passport.objects.select_for_update().get(pk=passport_id)
    if application.status != S.PERSONALIZING:
        return passport  # another run finished it first
    public = dataclasses.replace(image, aa_key=None, ca_key=None)
    passport.mrz, passport.chip_image, passport.qc = "\n".join(mrz_lines), chip_image_zip(public.entries()), report.as_dict()
    passport.save(update_fields=["mrz", "chip_image", "qc"])
    CheckResult.objects.create(application=application, source=CheckResult.Source.QUALITY,
                               outcome=CheckResult.Outcome.CLEAR if report.passed else CheckResult.Outcome.HIT,
                               detail=report.as_dict())
    if not report.passed:
        failed = note(gettext_noop("Control de calidad fallido; se repetirá la personalización."))
        application.status_reason, application.status_reason_parts = failed[:300], parts_of(failed)
        application.save(update_fields=["status_reason", "status_reason_parts", "updated_at"])
        return passport
    document = rim_services.document_add(
        actor=ACTOR, person=Person.objects.get(pk=application.person_id), kind=IdentityDocument.Kind.PASAPORTE,
        number=passport.number, issuing_state="PER", issue_date=passport.issue_date, expiry_date=passport.expiry_date,
    )
    passport.rim_document_id = document.pk
    passport.save(update_fields=["rim_document_id"])
    # The keys go to the card and nowhere else: written last, for a passport that passed quality control.
    chip_image_write(passport.number, image)
    application.ready_at = timezone.now()
    application.save(update_fields=["ready_at", "updated_at"])
    application_transition(actor=ACTOR, application_id=application.pk, to=S.READY,
                           reason=note(gettext_noop("Pasaporte N.º %(n)s listo para entrega."), n=passport.number))
    return passport
