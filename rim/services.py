"""Writes to the RIM: each one validated, atomic, and recorded in the audit log with its actor."""
import datetime as dt
import functools
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.pe import ruc as pe_ruc

from auditoria.services import actor_repr, audit_record
from core.actor import Actor
from core.errors import Conflict, ValidationFailed

from .audit_actions import AuditAction
from .models import (
    Alert,
    CrossingPoint,
    DocumentStatusEvent,
    FamilyLink,
    IdentityDocument,
    Movement,
    Permit,
    Person,
    ResidenceStatus,
    StayExtension,
    Study,
    Workplace,
)
from .normalize import normalize_document_number, normalize_name
from .workflows import RESIDENCE_STATUS

# Fields of a person that person_update may change; search_name follows the names.
PERSON_UPDATABLE_FIELDS = frozenset({
    "given_names", "first_surname", "second_surname", "birth_date", "sex", "nationality", "height_cm",
    "eye_color", "hair_color", "distinguishing_marks", "user",
})

# Allowed document status changes: a cancelled, stolen or expired document never becomes valid again.
DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IdentityDocument.Status.VIGENTE: frozenset({
        IdentityDocument.Status.CANCELADO, IdentityDocument.Status.PERDIDO,
        IdentityDocument.Status.ROBADO, IdentityDocument.Status.VENCIDO,
    }),
    IdentityDocument.Status.PERDIDO: frozenset({IdentityDocument.Status.ROBADO, IdentityDocument.Status.CANCELADO}),
    IdentityDocument.Status.ROBADO: frozenset({IdentityDocument.Status.CANCELADO}),
    IdentityDocument.Status.VENCIDO: frozenset({IdentityDocument.Status.CANCELADO}),
    IdentityDocument.Status.CANCELADO: frozenset(),
}


@functools.cache
def _constrained_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields a uniqueness check or a model constraint reads: full_clean's `exclude` would skip
    those checks, so such a field is never left out."""
    names = {f.name for f in model._meta.concrete_fields if f.unique}
    for group in model._meta.unique_together:
        names.update(group)
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
        condition = getattr(constraint, "condition", None)
        if condition is not None:
            names.update(condition.referenced_base_fields)
    return frozenset(names)


def _saved_relations(instance: models.Model) -> list[str]:
    """Foreign keys set from an object already in the database: full_clean would query each one
    again only to find that it exists (one SELECT per key, on every crossing's movement). Keys
    that a uniqueness check or a constraint reads are kept, so no such check is skipped."""
    names = []
    for f in instance._meta.concrete_fields:
        if f.many_to_one and f.name not in _constrained_fields(type(instance)):
            related = f.get_cached_value(instance, default=None)
            if related is not None and related.pk is not None and not related._state.adding:
                names.append(f.name)
    return names


def _validate(instance: models.Model, *, constraints: bool = True, unique: bool = True) -> None:
    """full_clean, with Django's errors turned into the project's typed error naming each field."""
    try:
        instance.full_clean(exclude=_saved_relations(instance), validate_unique=unique,
                            validate_constraints=constraints)
    except DjangoValidationError as exc:
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        raise ValidationFailed(_("Datos inválidos en el registro migratorio."), fields=fields) from exc


def _save_new(instance: models.Model, *, conflict_message: str, conflict_field: str) -> None:
    """Validate and insert; a duplicate (checked by the database's unique constraint) is a Conflict.

    The services check their CheckConstraints themselves first, with messages that name the field;
    uniqueness is left to the database (one query fewer per unique field, and no race).
    """
    _validate(instance, constraints=False, unique=False)
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(conflict_message, fields={conflict_field: conflict_message}) from exc


def _set_search_name(person: Person) -> None:
    person.search_name = normalize_name(f"{person.given_names} {person.first_surname} {person.second_surname}")


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    given_names: str,
    first_surname: str,
    second_surname: str = "",
    birth_date: dt.date,
    sex: str,
    nationality: str,
    height_cm: int | None = None,
    eye_color: str = "",
    hair_color: str = "",
    distinguishing_marks: str = "",
    user: Any = None,
) -> Person:
    """Register a person with their names exactly as written (accents, compound names kept)."""
    person = Person(
        given_names=given_names.strip(), first_surname=first_surname.strip(), second_surname=second_surname.strip(),
        birth_date=birth_date, sex=sex, nationality=nationality.strip().upper(), height_cm=height_cm,
        eye_color=eye_color, hair_color=hair_color, distinguishing_marks=distinguishing_marks, user=user,
    )
    _set_search_name(person)
    _save_new(person, conflict_message=_("Ese usuario ya está vinculado a otra persona."), conflict_field="user")
    audit_record(actor=actor, action=AuditAction.PERSON_CREATE, obj=person, person_id=person.pk)
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, data: dict[str, Any]) -> Person:
    """Change some of a person's fields; the audit entry lists which ones changed."""
    unknown = set(data) - PERSON_UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Campos que no se pueden modificar."), fields={name: _("No se puede modificar.") for name in sorted(unknown)}
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = sorted(name for name, value in data.items() if getattr(person, name) != value)
    for name in changed:
        setattr(person, name, data[name])
    if not changed:
        return person
    _set_search_name(person)
    _validate(person)
    person.save()
    audit_record(actor=actor, action=AuditAction.PERSON_UPDATE, obj=person, person_id=person.pk, details={"fields": changed})
    return person


@transaction.atomic
def document_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    number: str,
    issuing_state: str,
    issue_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> IdentityDocument:
    """Record a document; its number is stored without spaces or dashes, in capitals."""
    document = IdentityDocument(
        person=person, kind=kind, number=normalize_document_number(number), issuing_state=issuing_state.strip().upper(),
        issue_date=issue_date, expiry_date=expiry_date,
    )
    if document.expiry_date and document.issue_date and document.expiry_date < document.issue_date:
        raise ValidationFailed(
            _("La fecha de caducidad es anterior a la de emisión."),
            fields={"expiry_date": _("Debe ser posterior a la fecha de emisión.")},
        )
    duplicate = _("Ya existe un documento con ese tipo, Estado emisor y número.")
    if IdentityDocument.objects.filter(kind=document.kind, issuing_state=document.issuing_state,
                                       number=document.number).exists():
        raise Conflict(duplicate, fields={"number": duplicate})
    _save_new(document, conflict_message=duplicate, conflict_field="number")
    audit_record(actor=actor, action=AuditAction.DOCUMENT_ADD, obj=document, person_id=person.pk,
                 details={"kind": document.kind, "issuing_state": document.issuing_state})
    return document


@transaction.atomic
def document_set_status(*, actor: Actor, document: IdentityDocument, status: str, reason: str) -> IdentityDocument:
    """Move a document to a new status (e.g. cancel a passport), if the transition is allowed."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo del cambio."), fields={"reason": _("Este campo es obligatorio.")})
    if status not in IdentityDocument.Status.values:
        raise ValidationFailed(_("Estado de documento desconocido."), fields={"status": _("Valor no válido.")})
    document = IdentityDocument.objects.select_for_update().get(pk=document.pk)
    previous = document.status
    if status not in DOCUMENT_TRANSITIONS[previous]:
        raise Conflict(
            _("Un documento %(from)s no puede pasar a %(to)s.") % {"from": previous, "to": status},
            fields={"status": _("Transición no permitida.")},
        )
    document.status = status
    document.save(update_fields=["status"])
    DocumentStatusEvent.objects.create(
        document=document, from_status=previous, to_status=status, reason=reason.strip()[:300],
        actor_repr=actor_repr(actor),
    )
    audit_record(actor=actor, action=AuditAction.DOCUMENT_SET_STATUS, obj=document, person_id=document.person_id,
                 details={"from": previous, "to": status, "reason": reason.strip()})
    return document


@transaction.atomic
def family_link_add(*, actor: Actor, person: Person, relative: Person, relation: str) -> FamilyLink:
    """Record that `relative` is the `relation` of `person` (e.g. relative is her MADRE)."""
    if person.pk == relative.pk:
        raise ValidationFailed(_("Una persona no puede ser su propio familiar."),
                               fields={"relative": _("Elija otra persona.")})
    link = FamilyLink(person=person, relative=relative, relation=relation)
    _save_new(link, conflict_message=_("Ese vínculo ya está registrado."), conflict_field="relative")
    audit_record(actor=actor, action=AuditAction.FAMILY_LINK_ADD, obj=link, person_id=person.pk,
                 details={"relative_id": relative.pk, "relation": relation})
    return link


@transaction.atomic
def study_add(
    *, actor: Actor, person: Person, institution: str, level: str, field: str = "", year: int | None = None
) -> Study:
    study = Study(person=person, institution=institution.strip(), level=level, field=field.strip(), year=year)
    _validate(study)
    study.save()
    audit_record(actor=actor, action=AuditAction.STUDY_ADD, obj=study, person_id=person.pk)
    return study


@transaction.atomic
def workplace_add(
    *,
    actor: Actor,
    person: Person,
    employer: str,
    ruc: str = "",
    position: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Workplace:
    """Record a workplace; a RUC, when given, must carry a valid check digit."""
    ruc = ruc.strip()
    if ruc and not pe_ruc.is_valid(ruc):
        raise ValidationFailed(_("RUC inválido."), fields={"ruc": _("El RUC no es válido (11 dígitos y dígito verificador).")})
    if since and until and until < since:
        raise ValidationFailed(_("Fechas de trabajo inconsistentes."), fields={"until": _("Debe ser posterior a «desde».")})
    workplace = Workplace(person=person, employer=employer.strip(), ruc=ruc, position=position.strip(), since=since, until=until)
    _validate(workplace)
    workplace.save()
    audit_record(actor=actor, action=AuditAction.WORKPLACE_ADD, obj=workplace, person_id=person.pk)
    return workplace


@transaction.atomic
def movement_record(
    *,
    actor: Actor,
    person: Person,
    direction: str,
    crossing_point: CrossingPoint,
    channel: str,
    occurred_at: dt.datetime | None = None,
    document: IdentityDocument | None = None,
    flight: str = "",
    origin: str = "",
    destination: str = "",
) -> Movement:
    """Record an entry or exit; the document, when given, must be the person's own."""
    if document is not None and document.person_id != person.pk:
        raise ValidationFailed(_("El documento no pertenece a la persona."),
                               fields={"document": _("Documento de otra persona.")})
    if not crossing_point.active:
        raise ValidationFailed(_("El puesto de control no está activo."),
                               fields={"crossing_point": _("Puesto inactivo.")})
    movement = Movement(
        person=person, direction=direction, crossing_point=crossing_point, occurred_at=occurred_at or timezone.now(),
        document=document, channel=channel, flight=flight.strip().upper(), origin=origin.strip(),
        destination=destination.strip(), recorded_by=actor_repr(actor),
    )
    _validate(movement)
    movement.save()
    audit_record(actor=actor, action=AuditAction.MOVEMENT_RECORD, obj=movement, person_id=person.pk,
                 details={"direction": direction, "crossing_point": crossing_point.code, "channel": channel})
    return movement


@transaction.atomic
def alert_create(
    *,
    actor: Actor,
    source: str,
    kind: str,
    reason: str,
    document_number: str = "",
    issuing_state: str = "",
    full_name: str = "",
    birth_date: dt.date | None = None,
    person: Person | None = None,
    active_from: dt.datetime | None = None,
    active_until: dt.datetime | None = None,
    reference: str = "",
) -> Alert:
    """Register an alert on a document (number and state) or on a person (name and birth date)."""
    number = normalize_document_number(document_number)
    search_name = normalize_name(full_name)
    if not number and not (search_name and birth_date):
        raise ValidationFailed(
            _("La alerta debe indicar un documento, o un nombre con su fecha de nacimiento."),
            fields={"document_number": _("Indique el documento o el nombre y la fecha de nacimiento.")},
        )
    active_from = active_from or timezone.now()
    if active_until and active_until <= active_from:
        raise ValidationFailed(_("Vigencia inconsistente."), fields={"active_until": _("Debe ser posterior al inicio.")})
    alert = Alert(
        source=source, kind=kind, reason=reason.strip(), document_number=number,
        issuing_state=issuing_state.strip().upper(), search_name=search_name, birth_date=birth_date, person=person,
        active_from=active_from, active_until=active_until, reference=reference.strip(),
    )
    _validate(alert)
    alert.save()
    audit_record(actor=actor, action=AuditAction.ALERT_CREATE, obj=alert, person_id=person.pk if person else None,
                 details={"source": source, "kind": kind, "reference": alert.reference})
    return alert


@transaction.atomic
def alert_deactivate(*, actor: Actor, alert: Alert, reason: str, at: dt.datetime | None = None) -> Alert:
    """End an alert's validity now (or at `at`); an alert already ended stays as it is."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo."), fields={"reason": _("Este campo es obligatorio.")})
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    at = at or timezone.now()
    if alert.active_until is not None and alert.active_until <= at:
        raise Conflict(_("La alerta ya no está vigente."), fields={"alert": _("Alerta ya desactivada.")})
    alert.active_until = max(at, alert.active_from)
    alert.save(update_fields=["active_until"])
    audit_record(actor=actor, action=AuditAction.ALERT_DEACTIVATE, obj=alert, person_id=alert.person_id,
                 details={"reason": reason.strip()})
    return alert


# ---- Calidad migratoria, permisos especiales, prórrogas de permanencia ---------------------------------
# The effects of procedures (tramites) land here; control reads them at the border (control/stay.py, checks.py).

def _residence_dates_check(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(_("Vigencia inconsistente."),
                               fields={"valid_until": _("Debe ser igual o posterior a «vigente desde».")})


def _lock_person(person: Person) -> Person:
    """The person's row, locked: two changes of one person's calidad or stay are made one after the other."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _supersede_current(actor: Actor, person: Person, *, reason: str) -> ResidenceStatus | None:
    """The calidad in force (VIGENTE, whatever its dates) becomes REEMPLAZADA; returns it, or None."""
    current = (ResidenceStatus.objects.select_for_update()
               .filter(person_id=person.pk, status=ResidenceStatus.Status.VIGENTE).first())
    if current is None:
        return None
    return RESIDENCE_STATUS.apply(current, "supersede", actor=actor, reason=reason)


def _residence_create(actor: Actor, person: Person, *, calidad: str, valid_from: dt.date, valid_until: dt.date | None,
                      reference: str, replaced: ResidenceStatus | None) -> ResidenceStatus:
    status = ResidenceStatus(person=person, calidad=calidad, valid_from=valid_from, valid_until=valid_until,
                             reference=reference.strip(), recorded_by=actor_repr(actor))
    # The one-VIGENTE index is the database's (the previous one was replaced under the lock above).
    _validate(status, constraints=False, unique=False)
    details = {"calidad": calidad, "valid_from": valid_from.isoformat(),
               "valid_until": valid_until.isoformat() if valid_until else None, "reference": status.reference,
               "replaces": replaced.pk if replaced else None}
    return RESIDENCE_STATUS.create(status, "set", actor=actor, details=details)


@transaction.atomic
def residence_status_set(*, actor: Actor, person: Person, calidad: str, valid_from: dt.date,
                         valid_until: dt.date | None, reference: str = "") -> ResidenceStatus:
    """Record the person's calidad migratoria (a change of calidad, or the first one); the one in force
    until now becomes REEMPLAZADA in the same transaction. `valid_until` None is indefinite."""
    if calidad not in ResidenceStatus.Calidad.values:
        raise ValidationFailed(_("Calidad migratoria desconocida."), fields={"calidad": _("Valor no válido.")})
    _residence_dates_check(valid_from, valid_until)
    person = _lock_person(person)
    replaced = _supersede_current(actor, person, reason=_("cambio de calidad migratoria"))
    return _residence_create(actor, person, calidad=calidad, valid_from=valid_from, valid_until=valid_until,
                             reference=reference, replaced=replaced)


@transaction.atomic
def residence_status_extend(*, actor: Actor, person: Person, valid_until: dt.date,
                            reference: str = "") -> ResidenceStatus:
    """A prórroga de residencia: the same calidad with a later end; the previous record becomes REEMPLAZADA.

    Refused when no calidad is in force today, when the one in force has no end, or when the new end
    is not later than the current one.
    """
    from .selectors import residence_status_current

    person = _lock_person(person)
    current = residence_status_current(person_id=person.pk)
    if current is None:
        raise Conflict(_("La persona no tiene una calidad migratoria vigente que prorrogar."),
                       fields={"person": _("Sin calidad migratoria vigente.")})
    if current.valid_until is None:
        raise Conflict(_("La calidad migratoria vigente no tiene fecha de término: no se prorroga."),
                       fields={"valid_until": _("Calidad de vigencia indefinida.")})
    if valid_until <= current.valid_until:
        message = _("La nueva fecha debe ser posterior al %(date)s, fin de la vigencia actual.") % {
            "date": f"{current.valid_until:%d/%m/%Y}"}
        raise ValidationFailed(message, fields={"valid_until": message})
    replaced = _supersede_current(actor, person, reason=_("prórroga de residencia"))
    return _residence_create(actor, person, calidad=current.calidad, valid_from=current.valid_from,
                             valid_until=valid_until, reference=reference, replaced=replaced)


@transaction.atomic
def permit_grant(*, actor: Actor, person: Person, kind: str, valid_from: dt.date, valid_until: dt.date,
                 reference: str = "") -> Permit:
    """Record a permiso especial (to travel, or to sign contracts) valid from one day to another, both included.

    How many days a travel permit may cover (30 per exit, 90 in all for a CPP holder) is the
    procedure's rule (tramites' data), checked there with selectors.travel_permit_days_used."""
    if kind not in Permit.Kind.values:
        raise ValidationFailed(_("Tipo de permiso desconocido."), fields={"kind": _("Valor no válido.")})
    _residence_dates_check(valid_from, valid_until)
    permit = Permit(person=person, kind=kind, valid_from=valid_from, valid_until=valid_until,
                    reference=reference.strip(), recorded_by=actor_repr(actor))
    _validate(permit, constraints=False)
    permit.save()
    audit_record(actor=actor, action=AuditAction.PERMIT_GRANT, obj=permit, person_id=person.pk,
                 details={"kind": kind, "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(),
                          "reference": permit.reference})
    return permit


@transaction.atomic
def permit_revoke(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    """Revoke a permiso especial with the reason; control stops honouring it at once."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo."), fields={"reason": _("Este campo es obligatorio.")})
    permit = Permit.objects.select_for_update().get(pk=permit.pk)
    if permit.revoked:
        raise Conflict(_("El permiso ya fue revocado."), fields={"permit": _("Permiso ya revocado.")})
    permit.revoked, permit.revoked_reason = True, reason.strip()[:300]
    permit.save(update_fields=["revoked", "revoked_reason"])
    audit_record(actor=actor, action=AuditAction.PERMIT_REVOKE, obj=permit, person_id=permit.person_id,
                 details={"kind": permit.kind, "reason": permit.revoked_reason})
    return permit


@transaction.atomic
def stay_extend(*, actor: Actor, person: Person, extra_days: int, reference: str = "") -> StayExtension:
    """A prórroga de permanencia: `extra_days` more on the stay granted at the person's last entry.

    Refused when the person is not in the country (their last movement is not an entry).
    """
    if not isinstance(extra_days, int) or extra_days < 1:
        raise ValidationFailed(_("Indique los días de la prórroga."),
                               fields={"extra_days": _("Debe ser un número entero positivo.")})
    person = _lock_person(person)
    last = Movement.objects.filter(person_id=person.pk).order_by("-occurred_at", "-id").first()
    if last is None or last.direction != Movement.Direction.ENTRY:
        raise Conflict(_("La persona no se encuentra en el país: no tiene un ingreso sin salida posterior."),
                       fields={"person": _("Sin ingreso vigente.")})
    extension = StayExtension(person=person, entry=last, extra_days=extra_days, reference=reference.strip(),
                              recorded_by=actor_repr(actor))
    _validate(extension)
    extension.save()
    audit_record(actor=actor, action=AuditAction.STAY_EXTEND, obj=extension, person_id=person.pk,
                 details={"entry_id": last.pk, "extra_days": extra_days, "reference": extension.reference})
    return extension
