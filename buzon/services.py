"""Writes of the mailbox: accept and revoke a casilla, deposit a notice, open, deem, acknowledge, alert, cargo.

Services of other apps call `notice_deposit`; whether the person has an active casilla decides how
they are notified (deposit and alert, or e-mail with an acknowledgement link). The e-mail goes out
after commit through the outbox and the beat retries it until the mail server takes it.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditoria.services import audit_record
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from cuentas.mail import language_of, mail_build
from documentos.kinds import mask_name
from documentos.rendering import pdf_render
from documentos.services import document_issue
from outbox.services import enqueue_task

from . import selectors
from .audit_actions import AuditAction
from .models import Casilla, ConsentEvent, Notice
from .workflows import NOTICE

logger = logging.getLogger(__name__)

TERMS_VERSION = "2026-01"
ALERT_TASK = "buzon.tasks.notice_alert_send_task"
PURPOSE = "notificación electrónica"


def _person_id_of(user) -> int | None:
    from rim.selectors import person_for_user

    person = person_for_user(user)
    return person.pk if person is not None else None


# ---- the casilla ----------------------------------------------------------------------------------
@transaction.atomic
def casilla_accept(*, user, email: str, phone: str, accepted_terms: bool, language: str = "es",
                   actor: Actor) -> Casilla:
    """Open (or re-open after a revocation) the user's casilla: it is their digital domicile from now on."""
    if not accepted_terms:
        raise ValidationFailed(_("Debe aceptar los términos de la casilla electrónica."),
                               fields={"accepted_terms": _("Marque la casilla para aceptar los términos.")})
    email, phone = (email or "").strip(), (phone or "").strip()
    errors = {}
    if not email:
        errors["email"] = _("Escriba el correo electrónico donde recibirá los avisos.")
    if not phone:
        errors["phone"] = _("Escriba un teléfono de contacto.")
    if errors:
        raise ValidationFailed(_("Faltan datos de contacto."), fields=errors)
    now = timezone.now()
    casilla = Casilla.objects.select_for_update().filter(user_id=user.pk).first()
    if casilla is not None and casilla.is_active:
        raise Conflict(_("Su casilla electrónica ya está activa."))
    if casilla is None:
        casilla = Casilla(user=user)
    casilla.person_id = casilla.person_id or _person_id_of(user)
    casilla.email, casilla.phone = email, phone
    casilla.language = language if language in ("es", "en") else "es"
    casilla.terms_version, casilla.accepted_at = TERMS_VERSION, now
    casilla.revoked_at, casilla.revoked_reason = None, ""
    casilla.full_clean(exclude=["user"])
    casilla.save()
    ConsentEvent.objects.create(casilla=casilla, kind=ConsentEvent.Kind.ACCEPTED, terms_version=TERMS_VERSION)
    audit_record(actor=actor, action=AuditAction.CASILLA_ACCEPT, obj=casilla, person_id=casilla.person_id,
                 purpose=PURPOSE, details={"terms": TERMS_VERSION})
    return casilla


@transaction.atomic
def casilla_revoke(*, user, reason: str, actor: Actor) -> Casilla:
    """Withdraw consent: no new notice is deposited; those already deposited keep their dates."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Indique el motivo."), fields={"reason": _("Indique el motivo de la revocación.")})
    casilla = Casilla.objects.select_for_update().filter(user_id=user.pk, revoked_at__isnull=True).first()
    if casilla is None:
        raise NotFound(_("No tiene una casilla electrónica activa."))
    casilla.revoked_at, casilla.revoked_reason = timezone.now(), reason[:300]
    casilla.save(update_fields=["revoked_at", "revoked_reason"])
    ConsentEvent.objects.create(casilla=casilla, kind=ConsentEvent.Kind.REVOKED, reason=casilla.revoked_reason)
    audit_record(actor=actor, action=AuditAction.CASILLA_REVOKE, obj=casilla, person_id=casilla.person_id,
                 purpose=PURPOSE)
    return casilla


# ---- notices --------------------------------------------------------------------------------------
@transaction.atomic
def notice_deposit(*, recipient, title: str, body: str, record_kind: str, record_id: int | str,
                   expediente: str = "", title_en: str = "", body_en: str = "", attachment=None,
                   deadline_business_days: int | None = None, person_id: int | None = None,
                   actor: Actor) -> Notice:
    """Notify `recipient` of an act: into their casilla if active, else by e-mail pending acknowledgement."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationFailed("notice: title and body are required",
                               fields={"title" if not title else "body": "required"})
    if deadline_business_days is not None and not 1 <= int(deadline_business_days) <= 365:
        raise ValidationFailed("deadline_business_days: 1 to 365", fields={"deadline_business_days": "invalid"})
    casilla = Casilla.objects.filter(user_id=recipient.pk, revoked_at__isnull=True).first()
    person_id = person_id or (casilla.person_id if casilla else None) or _person_id_of(recipient)
    notice = Notice(
        recipient=recipient, casilla=casilla, person_id=person_id,
        status=Notice.Status.DEPOSITED if casilla else Notice.Status.PENDING_PERSONAL,
        title=title[:200], body=body, title_en=(title_en or "")[:200], body_en=body_en or "",
        record_kind=record_kind[:40], record_id=str(record_id)[:40], expediente=(expediente or "")[:40],
        attachment=attachment, deadline_business_days=deadline_business_days, deposited_at=timezone.now(),
        ack_nonce="" if casilla else secrets.token_hex(16),
    )
    notice.full_clean(exclude=["recipient", "casilla", "attachment", "cargo"])
    notice.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.NOTICE_DEPOSIT if casilla else AuditAction.NOTICE_PENDING_PERSONAL,
                 obj=notice, person_id=person_id, purpose=PURPOSE,
                 details={"record": f"{notice.record_kind}:{notice.record_id}"})
    enqueue_task(ALERT_TASK, kwargs={"notice_id": notice.pk}, queue="notifications")
    return notice


def _own(user):
    return Notice.objects.filter(recipient_id=getattr(user, "pk", None))


def _mark_read(notice: Notice, *, actor: Actor) -> Notice:
    """Record the first reading (or, without a casilla, the acknowledgement) of a notice already locked."""
    now = timezone.now()
    if notice.status == Notice.Status.DEPOSITED:
        return NOTICE.apply(notice, "open", actor=actor, changes={"read_at": now})
    if notice.status == Notice.Status.PENDING_PERSONAL:
        return NOTICE.apply(notice, "acknowledge", actor=actor, changes={"read_at": now, "acknowledged_at": now,
                                                                        "ack_nonce": ""})
    if notice.read_at is None:  # deemed notified, opened later: the legal date does not move
        notice.read_at = now
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notice_open(*, user, notice_id: int, actor: Actor) -> Notice:
    """The recipient opens their notice: the first time records the read time; every read is audited."""
    # Only the recipient's own notice is locked; another person's is "not found" (its existence is not told).
    notice = NOTICE.lock(notice_id, queryset=_own(user))
    notice = _mark_read(notice, actor=actor)
    audit_record(actor=actor, action=AuditAction.NOTICE_READ, kind="read", obj=notice, person_id=notice.person_id,
                 purpose=PURPOSE)
    return notice


@transaction.atomic
def notice_acknowledge(*, token: str, actor: Actor) -> Notice:
    """The person confirms, through the e-mailed link, that they received a notice (single use)."""
    read = selectors.ack_token_read(token)
    if read is None:
        raise ValidationFailed(_("El enlace no es válido o venció. Ingrese al portal para ver la notificación."),
                               fields={"token": "invalid"})
    notice_id, nonce = read
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None or not notice.ack_nonce or not secrets.compare_digest(notice.ack_nonce, nonce):
        raise Conflict(_("Este enlace ya fue usado. Ingrese al portal para ver la notificación."))
    return _mark_read(notice, actor=actor)


def deem_cutoff(today) -> "dt.date":
    """The last deposit day whose unopened notices count as notified by `today` (deemed_on_for is
    monotonic in the deposit day, so every notice deposited on or before it is due)."""
    day = today
    while selectors.deemed_on_for(day) > today:
        day -= dt.timedelta(days=1)
    return day


def notices_deem_due(*, today=None, actor: Actor = "system:buzon") -> int:
    """Mark DEPOSITED notices whose reading term ended as notified by lapse (the beat runs it hourly).

    The legal date does not depend on this run (selectors.notice_dates computes it); the status
    makes the list and the officers' pages say it. Only the due rows are read (by the cutoff day),
    each moved in its own transaction with its audit entry."""
    today = today or timezone.localdate()
    cutoff = deem_cutoff(today)
    until = timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))
    due = (Notice.objects.filter(status=Notice.Status.DEPOSITED, deposited_at__lt=until)
           .order_by("deposited_at").values_list("pk", "deposited_at"))
    count = 0
    for pk, deposited_at in due.iterator():
        deemed_on = selectors.deemed_on_for(timezone.localtime(deposited_at).date())
        with transaction.atomic():
            notice = Notice.objects.select_for_update().filter(pk=pk, status=Notice.Status.DEPOSITED).first()
            if notice is None:
                continue
            NOTICE.apply(notice, "deem", actor=actor, changes={"deemed_on": deemed_on})
            count += 1
    return count


# ---- the e-mail -----------------------------------------------------------------------------------
def _alert_message(notice: Notice):
    """The alert (casilla) or the personal notification (no casilla), in the person's language, text and HTML."""
    casilla = notice.casilla
    language = casilla.language if casilla else language_of(notice.recipient)
    english = language == "en"
    site = getattr(settings, "SITE_URL", "")
    context = {
        "notice": notice, "name": notice.recipient.get_full_name(),
        "title": notice.title_en if english and notice.title_en else notice.title,
        "body": notice.body_en if english and notice.body_en else notice.body,
        "open_url": site + reverse("buzon:notice", args=[notice.pk]),
        "ack_url": site + reverse("buzon:acknowledge", args=[selectors.ack_token(notice)]) if not casilla else "",
        "deemed_on": selectors.notice_dates(notice).deemed_on,
        "days": selectors.deemed_after_days(),
    }
    subject = (gettext_lazy("MIGRACIONES · Nueva notificación en su casilla electrónica") if casilla
               else gettext_lazy("MIGRACIONES · Notificación: confirme la recepción"))
    return mail_build(to=[casilla.email if casilla else notice.recipient.email], language=language,
                      subject=subject, template="buzon/email_alert", context=context)


def notice_alert_send(*, notice_id: int, actor: Actor = "system:buzon") -> bool:
    """Send the notice's alert e-mail once; False if already sent, nobody to tell, or the mail server failed.

    A failure is counted and logged without the address; the beat (notice_alerts_retry) tries again.
    """
    with transaction.atomic():
        notice = (Notice.objects.select_for_update(of=("self",)).select_related("casilla", "recipient")
                  .filter(pk=notice_id).first())
        if notice is None or notice.alert_sent_at is not None:
            return False
        address = notice.casilla.email if notice.casilla else notice.recipient.email
        if not address:
            return False
        try:
            _alert_message(notice).send()
        except Exception as exc:  # noqa: BLE001 - any mail server failure: counted, retried by the beat
            failed = True
            error = type(exc).__name__
        else:
            failed, error = False, ""
        notice.alert_attempts += 1
        if not failed:
            notice.alert_sent_at = timezone.now()
        notice.save(update_fields=["alert_attempts", "alert_sent_at"])
        audit_record(actor=actor, action=AuditAction.NOTICE_ALERT_FAILED if failed else AuditAction.NOTICE_ALERT_SENT,
                     obj=notice, person_id=notice.person_id, purpose=PURPOSE,
                     details={"attempt": notice.alert_attempts, **({"error": error} if failed else {})})
    if failed:
        logger.warning("buzon: alert for notice %s failed (%s), attempt %s", notice_id, error, notice.alert_attempts)
    return not failed


def notices_alert_pending(*, older_than_s: float = 60.0, max_attempts: int = 20) -> int:
    """The beat's retry: alerts not yet taken by the mail server, older than `older_than_s`."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_s)
    ids = list(Notice.objects.filter(alert_sent_at__isnull=True, deposited_at__lt=cutoff,
                                     alert_attempts__lt=max_attempts).values_list("pk", flat=True)[:500])
    return sum(notice_alert_send(notice_id=pk) for pk in ids)


# ---- the cargo de notificación --------------------------------------------------------------------
@transaction.atomic
def notice_cargo(*, user, notice_id: int, actor: Actor):
    """The signed cargo de notificación of the notice as it stands (deposit, read, deemed or acknowledged).

    One cargo per state: asked again in the same state, the same document is returned."""
    notice = (_own(user).select_for_update(of=("self",)).select_related("recipient", "cargo")
              .filter(pk=notice_id).first())
    if notice is None:
        raise NotFound("notice: not found", fields={"id": "not_found"})
    dates = selectors.notice_dates(notice)
    state = f"{notice.status}:{dates.notified_on or ''}"
    if notice.cargo is not None and notice.cargo_status == state:
        return notice.cargo
    pdf = pdf_render("buzon/cargo.html", {"notice": notice, "dates": dates, "now": timezone.localtime(),
                                          "holder": notice.recipient.get_full_name()})
    facts = {"holder": mask_name(notice.recipient.get_full_name() or notice.recipient.get_username()),
             "number": notice.expediente or f"N-{notice.pk}",
             "deposited_on": dates.deposited_on.isoformat(),
             "notified_on": dates.notified_on.isoformat() if dates.notified_on else ""}
    document = document_issue(kind="CARGO_NOTIFICACION", pdf=pdf, facts=facts, record_kind="buzon.notice",
                              record_id=notice.pk, person=notice.person_id, actor=actor)
    notice.cargo, notice.cargo_status = document, state
    notice.save(update_fields=["cargo", "cargo_status"])
    audit_record(actor=actor, action=AuditAction.CARGO_ISSUE, obj=notice, person_id=notice.person_id,
                 purpose=PURPOSE, details={"status": notice.status})
    return document
