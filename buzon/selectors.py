"""Reads of the mailbox: a person's casilla and notices, and each notice's legal dates.

The legal date of a notice is computed from its times and the business-day calendar, never stored
alone: read before the reading term ends -> the day it was read; unopened -> the first business day
after BUZON_DEEMED_AFTER_BUSINESS_DAYS business days counted from the day after the deposit; without
a casilla -> the day the person acknowledged it. A deadline (N business days) runs from that date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from auditoria.services import audit_record
from calendario.services import add_business_days, deadline_after_notification
from core.actor import Actor
from core.errors import NotFound

from .audit_actions import AuditAction
from .models import Casilla, Notice

ACK_SALT = "buzon.notice-acknowledge"


def deemed_after_days() -> int:
    return int(getattr(settings, "BUZON_DEEMED_AFTER_BUSINESS_DAYS", 5))


def casilla_active(user) -> Casilla | None:
    """The user's casilla if they accepted it and have not revoked it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Casilla.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def casilla_of(user) -> Casilla | None:
    """The user's casilla, active or revoked."""
    return Casilla.objects.filter(user_id=user.pk).first()


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def deemed_on_for(deposited_on: dt.date) -> dt.date:
    """The day an unopened notice deposited on `deposited_on` counts as notified."""
    return add_business_days(deposited_on, deemed_after_days() + 1)


@dataclass(frozen=True)
class NoticeDates:
    deposited_on: dt.date
    # The day the notice takes legal effect, and how ("read", "deemed", "acknowledged"); None while pending.
    notified_on: dt.date | None
    notified_by: str | None
    # When it will count as notified if still unopened (casilla notices only).
    deemed_on: dt.date | None
    deadline: dt.date | None


def notice_dates(notice: Notice) -> NoticeDates:
    deposited_on = _local_day(notice.deposited_at)
    notified_on = notified_by = deemed_on = None
    if notice.casilla_id is not None:
        deemed_on = notice.deemed_on or deemed_on_for(deposited_on)
        read_on = _local_day(notice.read_at) if notice.read_at else None
        if read_on is not None and read_on <= deemed_on:
            notified_on, notified_by = read_on, "read"
        elif read_on is not None or timezone.localdate() >= deemed_on:
            notified_on, notified_by = deemed_on, "deemed"
    elif notice.acknowledged_at is not None:
        notified_on, notified_by = _local_day(notice.acknowledged_at), "acknowledged"
    deadline = None
    if notified_on is not None and notice.deadline_business_days:
        deadline = deadline_after_notification(notified_on, notice.deadline_business_days)
    return NoticeDates(deposited_on=deposited_on, notified_on=notified_on, notified_by=notified_by,
                       deemed_on=deemed_on, deadline=deadline)


def notices_of(user, *, actor: Actor) -> list[Notice]:
    """The user's notices, unread first, then newest; the read of the list is audited for them."""
    rows: QuerySet[Notice] = (
        Notice.objects.filter(recipient_id=user.pk)
        .annotate(unread_first=Case(When(read_at__isnull=True, acknowledged_at__isnull=True, then=Value(0)),
                                    default=Value(1), output_field=IntegerField()))
        .order_by("unread_first", "-deposited_at", "-id")
        .select_related("attachment")
    )
    notices = list(rows[:200])
    person_id = next((n.person_id for n in notices if n.person_id), None)
    audit_record(actor=actor, action=AuditAction.NOTICES_LIST_READ, kind="read", object_type="buzon.casilla",
                 object_id=user.pk, person_id=person_id, purpose="notificación electrónica",
                 details={"count": len(notices)})
    return notices


def notices_unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True, acknowledged_at__isnull=True).count()


def notice_owned(user, notice_id: int) -> Notice:
    """The user's own notice; another person's is "not found" (its existence is not told)."""
    notice = (Notice.objects.select_related("attachment", "cargo", "casilla")
              .filter(pk=notice_id, recipient_id=getattr(user, "pk", None)).first())
    if notice is None:
        raise NotFound("notice: not found", fields={"id": "not_found"})
    return notice


def notices_for_record(*, record_kind: str, record_id: int | str) -> QuerySet[Notice]:
    return Notice.objects.filter(record_kind=record_kind, record_id=str(record_id))


# ---- the signed, single-use acknowledgement link --------------------------------------------------
def ack_token(notice: Notice) -> str:
    return signing.dumps({"n": notice.pk, "k": notice.ack_nonce}, salt=ACK_SALT, compress=False)


def ack_token_read(token: str) -> tuple[int, str] | None:
    """(notice id, nonce) of a well-signed, unexpired token; None otherwise."""
    max_age = int(getattr(settings, "BUZON_ACK_LINK_MAX_AGE_S", 60 * 86400))
    try:
        data = signing.loads(token, salt=ACK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), int) or not isinstance(data.get("k"), str):
        return None
    return data["n"], data["k"]


def person_records(person_id: int) -> list:
    """The notices of a person (title, status, deposit), for the officers' person page (rim.hooks)."""
    from django.utils.translation import gettext_lazy

    from rim.hooks import PersonRecord

    return [
        PersonRecord(kind=gettext_lazy("Notificación"), reference=f"{n.expediente or f'N-{n.pk}'} · {n.title}",
                     status=n.get_status_display(), when=n.deposited_at)
        for n in Notice.objects.filter(person_id=person_id).order_by("-deposited_at")[:50]
    ]

