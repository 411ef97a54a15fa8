"""Who may file a procedure: rules over the person's state in the RIM, named in the catalogue.

A rule takes the applicant's context and its parameters from the catalogue and returns None when the
person meets it, or the reason, in words the person understands, why they cannot file. The catalogue
page shows the first failing reason of each procedure; filing and submitting check again.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from control import stay
from rim import selectors as rim_selectors
from rim.models import IdentityDocument, Movement, Person, ResidenceStatus

from .models import Case
from .results import add_months

RuleFn = Callable[..., "str | None"]
RULES: dict[str, RuleFn] = {}
# States in which a case is still open (a person has one open case per procedure at most).
OPEN_STATES = (Case.Status.FILED, Case.Status.IN_EVALUATION, Case.Status.OBSERVED, Case.Status.CORRECTED,
               Case.Status.RESOLVED, Case.Status.NOTIFIED, Case.Status.APPEALED)


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[name] = fn
        return fn
    return register


@dataclass
class Context:
    person: Person | None
    procedure_code: str
    today: dt.date
    exclude_case_id: int | None = None

    @cached_property
    def status(self) -> ResidenceStatus | None:
        if self.person is None:
            return None
        return rim_selectors.residence_status_current(person_id=self.person.pk, on=self.today)

    @cached_property
    def last_movement(self) -> Movement | None:
        if self.person is None:
            return None
        return Movement.objects.filter(person=self.person).order_by("-occurred_at", "-id").first()


@rule("any")
def _any(ctx: Context) -> str | None:
    return None if ctx.person is not None else _("Su cuenta aún no está vinculada a su registro migratorio.")


@rule("foreigner")
def _foreigner(ctx: Context) -> str | None:
    if ctx.person is None:
        return _("Su cuenta aún no está vinculada a su registro migratorio.")
    if ctx.person.nationality == "PER":
        return _("Este trámite es solo para extranjeros.")
    return None


@rule("nationality_in")
def _nationality_in(ctx: Context, *, codes: list[str]) -> str | None:
    if ctx.person is None or ctx.person.nationality not in codes:
        return _("Este trámite es solo para nacionales de la Comunidad Andina (Bolivia, Colombia, Ecuador).")
    return None


@rule("resident_calidad")
def _resident_calidad(ctx: Context, *, include: list[str] | None = None, exclude: list[str] | None = None) -> str | None:
    status = ctx.status
    if status is None:
        return _("No tiene una calidad migratoria de residente vigente en el registro.")
    if include and status.calidad not in include:
        return _("Este trámite es para titulares de PTP o CPP; su calidad es %(calidad)s.") % {
            "calidad": status.get_calidad_display()}
    if exclude and status.calidad in exclude:
        return _("Su calidad migratoria (%(calidad)s) no admite este trámite.") % {
            "calidad": status.get_calidad_display()}
    return None


@rule("not_calidad")
def _not_calidad(ctx: Context, *, calidades: list[str]) -> str | None:
    status = ctx.status
    if status is not None and status.calidad in calidades:
        return _("Ya tiene la calidad migratoria %(calidad)s.") % {"calidad": status.get_calidad_display()}
    return None


@rule("not_resident")
def _not_resident(ctx: Context) -> str | None:
    if ctx.status is not None:
        return _("Usted es residente (%(calidad)s): este trámite es para quienes están en el Perú como turistas.") % {
            "calidad": ctx.status.get_calidad_display()}
    return None


@rule("residence_valid")
def _residence_valid(ctx: Context) -> str | None:
    status = ctx.status
    if status is None:
        return _("Su residencia no está vigente: preséntese en una sede para regularizar su situación.")
    return None


@rule("residence_ends_within")
def _residence_ends_within(ctx: Context, *, days: int) -> str | None:
    status = ctx.status
    if status is None or status.valid_until is None:
        return _("Su residencia no tiene fecha de vencimiento que prorrogar.")
    if status.valid_until > ctx.today + dt.timedelta(days=days):
        return _("Podrá pedir la prórroga desde el %(date)s (%(days)s días antes de que venza su residencia).") % {
            "date": f"{status.valid_until - dt.timedelta(days=days):%d/%m/%Y}", "days": days}
    return None


@rule("held_months")
def _held_months(ctx: Context, *, months: int) -> str | None:
    status = ctx.status
    if status is None:
        return _("No tiene un permiso vigente en el registro.")
    since = add_months(ctx.today, -months)
    if status.valid_from > since:
        return _("Debe tener su permiso al menos %(months)s meses: podrá pedirlo desde el %(date)s.") % {
            "months": months, "date": f"{add_months(status.valid_from, months):%d/%m/%Y}"}
    return None


@rule("in_country")
def _in_country(ctx: Context) -> str | None:
    last = ctx.last_movement
    if last is None or last.direction != Movement.Direction.ENTRY:
        return _("El registro no muestra que usted esté en el Perú (su último movimiento no es una entrada).")
    return None


@rule("stay_days_left")
def _stay_days_left(ctx: Context, *, max_days: int) -> str | None:
    if ctx.person is None:
        return _("Su cuenta aún no está vinculada a su registro migratorio.")
    now = timezone.now()
    used = stay.days_in_country(ctx.person, since=now - dt.timedelta(days=365), until=now)
    if used >= max_days:
        return _("Ya estuvo %(used)s días en el Perú en los últimos 12 meses: el máximo es %(max)s.") % {
            "used": used, "max": max_days}
    return None


def stay_days_left(person: Person, *, max_days: int) -> int:
    now = timezone.now()
    return max(0, max_days - stay.days_in_country(person, since=now - dt.timedelta(days=365), until=now))


@rule("travel_days_left")
def _travel_days_left(ctx: Context, *, total_days: int) -> str | None:
    status = ctx.status
    if ctx.person is None or status is None:
        return _("No tiene un permiso vigente en el registro.")
    used = rim_selectors.travel_permit_days_used(person_id=ctx.person.pk, since=status.valid_from)
    if used >= total_days:
        return _("Ya usó los %(total)s días de viaje que permite su permiso.") % {"total": total_days}
    return None


@rule("no_permit_in_force")
def _no_permit_in_force(ctx: Context, *, kind: str) -> str | None:
    if ctx.person is None:
        return _("Su cuenta aún no está vinculada a su registro migratorio.")
    permit = rim_selectors.permits_in_force(person_id=ctx.person.pk, kind=kind, on=ctx.today).first()
    if permit is not None:
        return _("Ya tiene un permiso vigente hasta el %(date)s.") % {"date": f"{permit.valid_until:%d/%m/%Y}"}
    return None


@rule("has_document")
def _has_document(ctx: Context, *, kind: str) -> str | None:
    if ctx.person is None or not ctx.person.documents.filter(kind=kind).exists():
        label = IdentityDocument.Kind(kind).label if kind in IdentityDocument.Kind.values else kind
        return _("El registro no muestra un %(document)s a su nombre.") % {"document": label}
    return None


@rule("no_open_case")
def _no_open_case(ctx: Context) -> str | None:
    if ctx.person is None:
        return None
    open_case = (Case.objects.filter(person=ctx.person, procedure__code=ctx.procedure_code, status__in=OPEN_STATES)
                 .exclude(pk=ctx.exclude_case_id).first())
    if open_case is not None:
        return _("Ya tiene este trámite en curso (expediente %(number)s).") % {"number": open_case.number}
    return None


def reasons_against(spec, *, person: Person | None, today: dt.date | None = None,
                    exclude_case_id: int | None = None) -> str | None:
    """The first reason this person may not file `spec` (None: they may)."""
    ctx = Context(person=person, procedure_code=spec.code, today=today or timezone.localdate(),
                  exclude_case_id=exclude_case_id)
    for r in spec.eligibility:
        reason = RULES[r.name](ctx, **r.params)
        if reason:
            return reason
    return None
