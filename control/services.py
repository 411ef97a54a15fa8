"""Writes of migratory control: the one crossing decision for every channel, its review by an
officer, minors' travel permits and MigraCheck pre-registrations."""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import actor_repr, audit_record
from core.actor import Actor
from core.errors import Conflict, PermissionDenied, ValidationFailed
from mrtd.errors import MRZError
from mrtd.mrz import MRZResult, parse_mrz
from rim import services as rim_services
from rim.models import CrossingPoint, IdentityDocument, Movement, Person
from rim.selectors import person_by_document

from . import alerts, checks, faces
from .audit_actions import AuditAction
from .issuers import issuer_register, issuers  # noqa: F401  (issuer_register re-exported)
from .checks import ChipData
from .models import Check, Crossing, OfficerPost, PreRegistration, TravelPermit
from .outcomes import PASS, CheckOutcome, timed
from .reasons import phrase
from .migracheck import (  # noqa: F401  (MigraCheck's writes re-exported with the other services)
    preregistration_binding, preregistration_confirmation_send, preregistration_create,
    preregistration_email_confirm, preregistration_encode_face,
)
from .selectors import preregistration_encoding
from .workflows import CROSSING_REVIEW

DIRECTIONS = (Movement.Direction.ENTRY, Movement.Direction.EXIT)
CHANNELS = tuple(Movement.Channel.values)
# Review transitions of a crossing (only a referred crossing is reviewed, once): control/workflows.py.
REVIEW_TRANSITIONS = {state: CROSSING_REVIEW.targets_from(state) for state in Crossing.Review.values}

@dataclass(frozen=True)
class Boarding:
    flight: str = ""
    origin: str = ""
    destination: str = ""
    purpose: str = ""
    address_in_peru: str = ""
    residence_country: str = ""
    email: str = ""


@dataclass
class Decision:
    """What the gate, the counter or the tablet is told."""

    crossing_id: int
    transaction_id: str
    decision: str
    reasons: list[str]
    checks: list[CheckOutcome]
    movement_id: int | None
    elapsed_ms: int
    issued: dict[str, str] = field(default_factory=dict)

    @property
    def tam_number(self) -> str | None:
        return self.issued.get("tam_number")

    def as_dict(self) -> dict[str, Any]:
        return {
            "transaction_id": self.transaction_id, "decision": self.decision, "reasons": self.reasons,
            "checks": [c.as_dict() for c in self.checks], "tam_number": self.tam_number,
            "movement_id": self.movement_id, "elapsed_ms": self.elapsed_ms,
        }


@dataclass
class _Context:
    """What the checks found, gathered for writing in one transaction."""

    mrz: MRZResult
    person: Person | None
    rim_document: IdentityDocument | None
    outcomes: list[CheckOutcome]
    days_granted: int | None = None
    overstay_days: int = 0
    fine: Any = 0
    preregistration: PreRegistration | None = None


def _parse(mrz_lines: list[str]) -> MRZResult:
    try:
        return parse_mrz([line.strip().upper() for line in mrz_lines])
    except MRZError as exc:
        raise ValidationFailed(_("La MRZ no se puede leer."), fields={"mrz": str(exc)}) from exc


def _crossing_point(code_or_point: str | CrossingPoint) -> CrossingPoint:
    if isinstance(code_or_point, CrossingPoint):
        return code_or_point
    point = CrossingPoint.objects.filter(code=(code_or_point or "").strip().upper(), active=True).first()
    if point is None:
        raise ValidationFailed(_("Puesto de control desconocido o inactivo."),
                               fields={"crossing_point": _("Puesto desconocido: %(code)s") % {"code": code_or_point}})
    return point


def _validate_input(channel: str, direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValidationFailed(_("Sentido inválido."), fields={"direction": _("Debe ser ENTRY o EXIT.")})
    if channel not in CHANNELS:
        raise ValidationFailed(_("Canal inválido."), fields={"channel": ", ".join(CHANNELS)})


def document_kind(mrz: MRZResult) -> str:
    code, state, nationality = mrz.fields.document_code[:1], mrz.fields.issuing_state, mrz.fields.nationality
    if code == "P":
        return IdentityDocument.Kind.PASAPORTE if state == "PER" else IdentityDocument.Kind.PASAPORTE_EXTRANJERO
    if state == "PER":
        return IdentityDocument.Kind.DNI if nationality == "PER" else IdentityDocument.Kind.CARNE_EXTRANJERIA
    return IdentityDocument.Kind.OTHER


def _find_document(mrz: MRZResult) -> IdentityDocument | None:
    return (IdentityDocument.objects.select_related("person")
            .filter(number=mrz.fields.document_number, issuing_state=mrz.fields.issuing_state,
                    kind=document_kind(mrz)).first())


def _find_person(mrz: MRZResult, document: IdentityDocument | None) -> Person | None:
    if document is not None:
        return document.person
    try:
        return person_by_document(number=mrz.fields.document_number, kind=document_kind(mrz),
                                  issuing_state=mrz.fields.issuing_state)
    except Conflict:
        return None


def _dni_of(mrz: MRZResult, person: Person | None) -> str | None:
    """The DNI of a Peruvian, for the PNP: the document itself, the RIM, or the passport's personal number."""
    if mrz.fields.nationality != "PER":
        return None
    if document_kind(mrz) == IdentityDocument.Kind.DNI and len(mrz.fields.document_number) == 8:
        return mrz.fields.document_number
    if person is not None:
        dni = person.documents.filter(kind=IdentityDocument.Kind.DNI).values_list("number", flat=True).first()
        if dni:
            return dni
    optional = mrz.fields.optional_data.replace("<", "")
    return optional[:8] if len(optional) >= 8 and optional[:8].isdigit() else None


def _subject(mrz: MRZResult, person: Person | None, direction: str) -> alerts.Subject:
    name = f"{mrz.fields.secondary_identifier} {mrz.fields.primary_identifier}".strip()
    return alerts.Subject(document_number=mrz.fields.document_number, issuing_state=mrz.fields.issuing_state,
                          full_name=name, birth_date=mrz.fields.birth_date, dni=_dni_of(mrz, person),
                          direction=direction)


def _reference_face(chip: ChipData | None, person: Person | None, prereg: PreRegistration | None,
                    actor: Actor) -> tuple[np.ndarray | None, str, dict | None]:
    """(encoding, what it is, problem) of the face the live capture is compared with (checks.SOURCE_ codes,
    and the problem as a phrase of control/reasons.py)."""
    if chip is not None and chip.dg2:
        digest = faces.dg2_digest(chip.dg2)
        ready = (preregistration_encoding(prereg, digest, actor=actor, person_id=person.pk if person else None,
                                          purpose="control migratorio 1:1") if prereg else None)
        if ready is not None:
            return ready, checks.SOURCE_MIGRACHECK, None
        try:
            return faces.chip_encoding(chip.dg2), checks.SOURCE_CHIP, None
        except (faces.ChipPhotoUnusable, ValidationFailed) as exc:
            return None, checks.SOURCE_CHIP, phrase("face_chip_photo_unusable",
                                                    detail=str(getattr(exc, "message", exc)))
    if person is not None:
        return _enrolled_face(person, actor)
    return None, "", None


def _enrolled_face(person: Person, actor: Actor) -> tuple[np.ndarray | None, str, dict | None]:
    from biometria.selectors import enrollment_active, enrollment_face_encoding

    enrollment = enrollment_active(person_id=person.pk)
    if enrollment is None:
        return None, "", None
    encoding = enrollment_face_encoding(actor=actor, enrollment=enrollment, purpose="control migratorio 1:1")
    return encoding, checks.SOURCE_ENROLLED, None


def _run_checks(*, channel: str, direction: str, mrz: MRZResult, chip: ChipData | None, live_face: bytes | None,
                purpose: str, prereg: PreRegistration | None, actor: Actor, now: dt.datetime) -> _Context:
    gate = channel == Movement.Channel.EGATE
    rim_document = _find_document(mrz)
    person = _find_person(mrz, rim_document)
    subject = _subject(mrz, person, direction)
    pending = alerts.start(subject)  # external look-ups run while the local checks are made
    # Then the faces, in the face processes: they are the slowest check and overlap the others.
    live = faces.start_encoding(live_face, field="live_face") if live_face is not None else None
    if live is not None and chip is not None and chip.dg2 and prereg is None:
        faces.prefetch_chip(chip.dg2)
    today = timezone.localdate(now)
    outcomes = [timed(lambda: checks.document_validity(mrz, rim_document, today=today))]
    pa_outcome = timed(lambda: checks.passive_auth(chip, mrz.lines, required=gate)[0])
    outcomes.append(pa_outcome)
    outcomes.append(timed(lambda: checks.chip_mrz_matches(chip, mrz.lines, required=gate)))
    # Devices run Active Authentication with the portal's challenge; the counter's uploaded chip files
    # carry no answer, so there the result is shown to the officer but does not refer by itself.
    outcomes.append(timed(lambda: checks.chip_authentic(chip, required=gate)))
    outcomes.append(timed(lambda: _face_outcome(chip, live, person, prereg, actor, required=gate)))
    outcomes.append(timed(lambda: alerts.rim_alerts(subject)))
    stay_result: dict[str, Any] = {}

    def stay_check() -> CheckOutcome:
        outcome, stay_result["days"], stay_result["exit"] = checks.permitted_stay(
            mrz, person, direction=direction, purpose=purpose, now=now)
        return outcome

    outcomes.append(timed(stay_check))
    outcomes.append(timed(lambda: checks.minor_permit(mrz, direction=direction, today=today)))
    outcomes.append(timed(lambda: checks.special_travel_permit(person, direction=direction, today=today)))
    outcomes.append(timed(lambda: checks.direction_sequence(person, direction=direction)))
    if channel == Movement.Channel.MOBILE:
        outcomes.append(checks.identity_evidence(chip, live))
    outcomes.extend(pending.collect())
    on_exit = stay_result.get("exit")
    return _Context(mrz=mrz, person=person, rim_document=rim_document, outcomes=outcomes,
                    days_granted=stay_result.get("days"), overstay_days=on_exit.overstay_days if on_exit else 0,
                    fine=on_exit.fine if on_exit else 0, preregistration=prereg)


def _face_outcome(chip: ChipData | None, live_face: faces.PendingEncoding | None, person: Person | None,
                  prereg: PreRegistration | None, actor: Actor, *, required: bool) -> CheckOutcome:
    live, problem = checks.live_encoding(live_face)
    if problem:
        return checks.face_match(None, None, reference_source="", required=required, problem=problem)
    if live is None and not required:
        return checks.face_match(None, None, reference_source="", required=False)
    reference, source, problem = _reference_face(chip, person, prereg, actor)
    return checks.face_match(live, reference, reference_source=source, required=required or live is not None,
                             problem=problem)


def crossing_decide(
    *,
    channel: str,
    direction: str,
    crossing_point: str | CrossingPoint,
    mrz_lines: list[str],
    chip: ChipData | None = None,
    live_face: bytes | None = None,
    boarding: Boarding | None = None,
    actor: Actor,
    device_key: str = "",
    on_record: Callable[[Decision], None] | None = None,
) -> Decision:
    """Run every check of a crossing and record the decision: PASS records the movement in the RIM
    and issues the TAM; REFER sends the traveller to the officers' queue with the reasons.

    Bad input (unreadable MRZ, unknown crossing point, not an image) raises a typed error and
    writes nothing; a bad or suspicious document is a REFER, never an error. `on_record` runs inside
    the transaction that records the decision (the e-gate API stores its idempotent answer there,
    so a committed decision is never decided again). Side effects (the TAM's e-mail) go through the
    outbox: a broker outage after the commit neither fails the request nor loses them.
    """
    started = time.perf_counter()
    _validate_input(channel, direction)
    if channel == Movement.Channel.MOBILE and not _is_officer(actor):
        raise PermissionDenied(_("El control móvil se hace en nombre de un oficial con sesión iniciada."),
                               fields={"X-Officer-Session": _("Inicie sesión como oficial en la tableta.")})
    point = _crossing_point(crossing_point)
    mrz = _parse(mrz_lines)
    now = timezone.now()
    prereg = preregistration_binding(
        number=mrz.fields.document_number, issuing_state=mrz.fields.issuing_state,
        nationality=mrz.fields.nationality, birth_date=mrz.fields.birth_date, expiry_date=mrz.fields.expiry_date,
        direction=direction, chip=chip, now=now)
    boarding = _complete_boarding(boarding or Boarding(), prereg)
    context = _run_checks(channel=channel, direction=direction, mrz=mrz, chip=chip, live_face=live_face,
                          purpose=boarding.purpose, prereg=prereg, actor=actor, now=now)
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    decision = _record(channel=channel, direction=direction, point=point, boarding=boarding, chip=chip,
                       context=context, actor=actor, device_key=device_key, elapsed_ms=elapsed_ms,
                       on_record=on_record)
    decision.elapsed_ms = round((time.perf_counter() - started) * 1000)
    return decision


def _is_officer(actor: Actor) -> bool:
    from cuentas import roles

    return bool(getattr(actor, "role_names", frozenset()) & {roles.OFFICER, roles.SUPERVISOR})


def _complete_boarding(boarding: Boarding, prereg: PreRegistration | None) -> Boarding:
    """MigraCheck: what the traveller declared in advance fills what the gate did not send, except
    what would change the stay or where the TAM goes without the traveller confirming it: the
    purpose only from a signed-in holder, the e-mail only once its confirmation link was followed."""
    if prereg is None:
        return boarding
    return Boarding(
        flight=boarding.flight or prereg.flight, origin=boarding.origin or prereg.origin,
        destination=boarding.destination or prereg.destination,
        purpose=boarding.purpose or (prereg.purpose if prereg.purpose_confirmed else ""),
        address_in_peru=boarding.address_in_peru or prereg.address_in_peru,
        residence_country=boarding.residence_country or prereg.residence_country,
        email=boarding.email or (prereg.email if prereg.email_confirmed_at else ""),
    )


@transaction.atomic
def _record(*, channel: str, direction: str, point: CrossingPoint, boarding: Boarding, chip: ChipData | None,
            context: _Context, actor: Actor, device_key: str, elapsed_ms: int,
            on_record: Callable[[Decision], None] | None = None) -> Decision:
    if not any(o.blocks for o in context.outcomes):
        _recheck_sequence_locked(context, direction)
    blocking = [o for o in context.outcomes if o.blocks]
    verdict = Crossing.Decision.REFER if blocking else Crossing.Decision.PASS
    reasons = [f"{o.name}: {o.reason}" for o in blocking]  # Spanish, for the record and the audit log
    reason_items = [{"check": o.name, "code": o.code, "params": _jsonable(o.params)} if o.code
                    else {"check": o.name, "text": o.reason} for o in blocking]
    fields = context.mrz.fields
    crossing = Crossing(
        channel=channel, direction=direction, crossing_point=point, decision=verdict, reasons=reasons,
        reason_items=reason_items, review=Crossing.Review.PENDING if blocking else Crossing.Review.NONE,
        document_code=fields.document_code[:2], document_number=fields.document_number[:20],
        issuing_state=fields.issuing_state[:3], nationality=fields.nationality[:3],
        surnames=fields.primary_identifier[:100], given_names=fields.secondary_identifier[:100],
        birth_date=fields.birth_date, sex=fields.sex.replace("<", "X"), expiry_date=fields.expiry_date,
        chip_read=chip is not None, flight=boarding.flight.strip().upper()[:20], origin=boarding.origin[:60],
        destination=boarding.destination[:60], purpose=boarding.purpose[:40], days_granted=context.days_granted,
        overstay_days=context.overstay_days, fine_amount=context.fine or 0, person=context.person,
        actor_repr=actor_repr(actor), device_key=device_key, elapsed_ms=elapsed_ms,
    )
    crossing.full_clean(exclude=["person", "movement", "crossing_point"])
    crossing.save()
    Check.objects.bulk_create([
        Check(crossing=crossing, position=i, name=o.name, result=o.result, required=o.required,
              reason=o.reason[:500], reason_code=o.code, reason_params=_jsonable(o.params), ms=o.ms,
              details=_jsonable(o.details))
        for i, o in enumerate(context.outcomes)
    ])
    crossing._boarding = boarding  # read by issuers (address in Peru, residence, e-mail)
    issued: dict[str, str] = {}
    if verdict == Crossing.Decision.PASS:
        issued = _admit(crossing, context.rim_document, actor)
        if context.preregistration is not None:
            PreRegistration.objects.filter(pk=context.preregistration.pk).update(status=PreRegistration.Status.USED)
    audit_record(actor=actor, action=AuditAction.CROSSING_DECIDE, obj=crossing,
                 person_id=crossing.person_id, purpose="control migratorio",
                 details={"decision": verdict, "channel": channel, "direction": direction,
                          "crossing_point": point.code, "reasons": reasons, "device": device_key})
    decision = Decision(crossing_id=crossing.pk, transaction_id=str(crossing.transaction_id), decision=verdict,
                        reasons=reasons, checks=context.outcomes, movement_id=crossing.movement_id,
                        elapsed_ms=elapsed_ms, issued=issued)
    if on_record is not None:
        on_record(decision)
    return decision


# pg_advisory_xact_lock(classid, objid): this class id keeps control's locks apart from others'.
_SEQUENCE_LOCK_CLASS = 0x434F4E54  # "CONT"


def _recheck_sequence_locked(context: _Context, direction: str) -> None:
    """Serialise admissions of one document and look at its last movement again under the lock:
    the same passport at two crossing points a second apart admits the first and refers the second.
    """
    fields = context.mrz.fields
    if connection.vendor == "postgresql":
        key = hashlib.sha256(f"{fields.issuing_state}:{fields.document_number}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [_SEQUENCE_LOCK_CLASS, int.from_bytes(key[:4], "big", signed=True)])
    # (SQLite runs one writing transaction at a time.)
    document = _find_document(context.mrz)
    if document is not None:
        context.rim_document, context.person = document, document.person
    again = checks.direction_sequence(context.person, direction=direction)
    context.outcomes = [again if o.name == again.name else o for o in context.outcomes]


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(details, default=str))


def _admit(crossing: Crossing, rim_document: IdentityDocument | None, actor: Actor) -> dict[str, str]:
    """Record the movement in the RIM (registering the traveller if new) and issue the TAM."""
    person, document = _ensure_person(crossing, rim_document, actor)
    movement = rim_services.movement_record(
        actor=actor, person=person, direction=crossing.direction, crossing_point=crossing.crossing_point,
        channel=crossing.channel, document=document, flight=crossing.flight, origin=crossing.origin,
        destination=crossing.destination,
    )
    crossing.person, crossing.movement = person, movement
    crossing.save(update_fields=["person", "movement"])
    issued: dict[str, str] = {}
    for issuer in issuers():
        issued.update(issuer(crossing, actor))
    return issued


def _ensure_person(crossing: Crossing, document: IdentityDocument | None,
                   actor: Actor) -> tuple[Person, IdentityDocument]:
    if document is not None:
        return document.person, document
    person = crossing.person
    if person is None:
        if crossing.birth_date is None:
            raise ValidationFailed(_("Falta la fecha de nacimiento del viajero."),
                                   fields={"birth_date": _("Ilegible en la MRZ.")})
        person = rim_services.person_create(
            actor=actor, given_names=crossing.given_names or crossing.surnames, first_surname=crossing.surnames,
            birth_date=crossing.birth_date, sex=crossing.sex or "X", nationality=crossing.nationality,
        )
    document = rim_services.document_add(
        actor=actor, person=person, kind=_kind_for(crossing), number=crossing.document_number,
        issuing_state=crossing.issuing_state, expiry_date=crossing.expiry_date,
    )
    return person, document


def _kind_for(crossing: Crossing) -> str:
    code, state = crossing.document_code[:1], crossing.issuing_state
    if code == "P":
        return IdentityDocument.Kind.PASAPORTE if state == "PER" else IdentityDocument.Kind.PASAPORTE_EXTRANJERO
    if state == "PER":
        return IdentityDocument.Kind.DNI if crossing.nationality == "PER" else IdentityDocument.Kind.CARNE_EXTRANJERIA
    return IdentityDocument.Kind.OTHER


# The referral queue refreshes every few seconds: each officer's look at a listed traveller is
# recorded once in this period, not at every refresh.
QUEUE_READ_AUDIT_PERIOD_S = 8 * 3600


def crossing_reads_record(*, actor: Actor, crossings: list[Crossing], purpose: str, action: str,
                          once_per_s: int | None = None) -> int:
    """Audit READ entries, one per crossing shown (each with its person, who then sees who looked).

    With `once_per_s`, a crossing already recorded for this actor in that period is not recorded again
    (kept in the cache; without the cache every look is recorded). Returns the entries written.
    """
    from django.core.cache import cache

    from auditoria.models import AuditEntry

    written = 0
    for crossing in crossings:
        if once_per_s:
            key = f"control:read:{action}:{getattr(actor, 'pk', actor)}:{crossing.pk}"
            try:
                if not cache.add(key, 1, timeout=once_per_s):
                    continue
            except Exception:  # noqa: BLE001 - no cache: record the look rather than lose it
                pass
        audit_record(actor=actor, action=action, kind=AuditEntry.Kind.READ, obj=crossing,
                     person_id=crossing.person_id, purpose=purpose,
                     details={"crossing_point": crossing.crossing_point_id})
        written += 1
    return written


@transaction.atomic
def officer_post_assign(*, actor: Actor, user: Any, crossing_point: str | CrossingPoint) -> OfficerPost:
    """Post an officer or supervisor at a crossing point (their control pages act on it alone)."""
    point = _crossing_point(crossing_point)
    post, _created = OfficerPost.objects.update_or_create(
        user=user, defaults={"crossing_point": point, "assigned_by": actor_repr(actor)[:200]})
    audit_record(actor=actor, action=AuditAction.OFFICER_POST_ASSIGN, obj=post,
                 details={"user": user.pk, "crossing_point": point.code})
    return post


@transaction.atomic
def crossing_review(*, actor: Actor, crossing_id: int, admit: bool, reason: str,
                    crossing_point: CrossingPoint) -> Crossing:
    """An officer rules on a referred traveller: admitted (movement and TAM recorded) or not admitted.

    `crossing_point` is the officer's post: a crossing of another point is not found.
    """
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo de la decisión."), fields={"reason": _("Este campo es obligatorio.")})
    crossing = CROSSING_REVIEW.lock(crossing_id, queryset=Crossing.objects.select_related("crossing_point")
                                    .filter(crossing_point=crossing_point), not_found=_("No existe ese control."))

    def record_admission(crossing: Crossing) -> None:
        document = (IdentityDocument.objects.select_related("person")
                    .filter(number=crossing.document_number, issuing_state=crossing.issuing_state,
                            kind=_kind_for(crossing)).first())
        crossing._boarding = Boarding(flight=crossing.flight, origin=crossing.origin,
                                      destination=crossing.destination, purpose=crossing.purpose)
        _admit(crossing, document, actor)

    target = Crossing.Review.ADMITTED if admit else Crossing.Review.DENIED
    reason = reason.strip()[:300]
    CROSSING_REVIEW.apply(crossing, "admit" if admit else "deny", actor=actor, reason=reason,
                          changes={"review_reason": reason, "reviewed_by": actor_repr(actor),
                                   "reviewed_at": timezone.now()},
                          details={"review": target}, work=record_admission if admit else None)
    return crossing


@transaction.atomic
def travel_permit_create(*, actor: Actor, minor_document_number: str, minor_issuing_state: str,
                         minor_birth_date: dt.date, minor_name: str, granted_by: str, reference: str,
                         valid_from: dt.date, valid_until: dt.date, companion: str = "",
                         destination: str = "") -> TravelPermit:
    """Register a minor's notarial or judicial travel permit, checked at exit."""
    if valid_until < valid_from:
        raise ValidationFailed(_("Vigencia inconsistente."), fields={"valid_until": _("Debe ser posterior al inicio.")})
    if checks.age_on(minor_birth_date, valid_from) >= checks.ADULT_AGE:
        raise ValidationFailed(_("El permiso es solo para menores de edad."),
                               fields={"minor_birth_date": _("Es mayor de edad.")})
    permit = TravelPermit(
        minor_document_number=minor_document_number.strip().upper(), minor_issuing_state=minor_issuing_state.upper(),
        minor_birth_date=minor_birth_date, minor_name=minor_name.strip(), granted_by=granted_by.strip(),
        reference=reference.strip(), valid_from=valid_from, valid_until=valid_until, companion=companion.strip(),
        destination=destination.strip(),
    )
    permit.full_clean()
    permit.save()
    audit_record(actor=actor, action=AuditAction.TRAVEL_PERMIT_CREATE, obj=permit,
                 details={"reference": permit.reference, "valid_until": valid_until})
    return permit
