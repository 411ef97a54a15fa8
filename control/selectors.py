"""Reads of migratory control: the officers' queue, crossings with their checks, MigraCheck look-ups."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import QuerySet

from rim.models import CrossingPoint
from core.actor import Actor

from .audit_actions import AuditAction
from .models import Crossing, OfficerPost, PreRegistration

QUEUE_LIMIT = 200


def officer_crossing_point(*, user: Any) -> CrossingPoint | None:
    """The active crossing point an officer or supervisor is posted at (None: they may do nothing here)."""
    if user is None or not getattr(user, "pk", None):
        return None
    post = (OfficerPost.objects.select_related("crossing_point")
            .filter(user_id=user.pk, crossing_point__active=True).first())
    return post.crossing_point if post is not None else None


def referral_queue(*, crossing_point: CrossingPoint) -> QuerySet[Crossing]:
    """Referred travellers of one crossing point waiting for an officer, oldest first (they have waited longest)."""
    return (Crossing.objects.filter(review=Crossing.Review.PENDING, crossing_point=crossing_point)
            .select_related("crossing_point").prefetch_related("checks").order_by("created_at")[:QUEUE_LIMIT])


def crossing_get(*, crossing_id: int, crossing_point: CrossingPoint) -> Crossing | None:
    """A crossing of this crossing point (another point's crossing is not found, as if it did not exist)."""
    return (Crossing.objects.select_related("crossing_point", "movement")
            .prefetch_related("checks").filter(pk=crossing_id, crossing_point=crossing_point).first())


def crossing_by_transaction(*, transaction_id: str) -> Crossing | None:
    return Crossing.objects.filter(transaction_id=transaction_id).first()


def crossings_recent(*, device_key: str | None = None, limit: int = 20) -> QuerySet[Crossing]:
    crossings = Crossing.objects.select_related("crossing_point")
    if device_key is not None:
        crossings = crossings.filter(device_key=device_key)
    return crossings.order_by("-created_at", "-id")[:limit]


def preregistration_candidates(*, number: str, issuing_state: str, nationality: str, birth_date: dt.date,
                               expiry_date: dt.date, direction: str, now: dt.datetime) -> list[PreRegistration]:
    """MigraCheck registrations of this very document (number, state, nationality, birth date, expiry)
    for a flight within 48 h of now (or 12 h past, for delays); the caller decides which one counts."""
    return list(PreRegistration.objects.filter(
        document_number=number, issuing_state=issuing_state, nationality=nationality, birth_date=birth_date,
        expiry_date=expiry_date, direction=direction,
        status__in=(PreRegistration.Status.PENDING, PreRegistration.Status.READY),
        flight_at__gte=now - dt.timedelta(hours=12), flight_at__lte=now + dt.timedelta(hours=48),
    ).order_by("flight_at", "id")[:20])


def preregistration_encoding(prereg: PreRegistration, dg2_sha256: str, *, actor: Actor, person_id: int | None,
                             purpose: str) -> np.ndarray | None:
    """The encoding made in advance, only for the very chip photo now presented; its decryption is audited."""
    from auditoria.models import AuditEntry
    from auditoria.services import audit_record
    from biometria.crypto import BlobUnreadable, Sealed, unseal

    if prereg.status != PreRegistration.Status.READY or prereg.dg2_sha256 != dg2_sha256 or not prereg.encoding_sealed:
        return None
    aad = f"control.preregistration:{prereg.reference}:{prereg.dg2_sha256}".encode()
    try:
        raw = unseal(Sealed(prereg.encoding_key_id, bytes(prereg.encoding_sealed)), aad=aad)
    except BlobUnreadable:
        return None
    audit_record(actor=actor, action=AuditAction.PREREGISTRATION_ENCODING_READ, kind=AuditEntry.Kind.READ,
                 obj=prereg, person_id=person_id, purpose=purpose)
    return np.frombuffer(raw, dtype=np.float64).copy()


def person_records(person_id: int) -> list:
    """The person's controls (passed, referred, reviewed), for the officers' person page (rim.hooks)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from rim.hooks import PersonRecord

    records = []
    for crossing in (Crossing.objects.filter(person_id=person_id).select_related("crossing_point")
                     .order_by("-created_at")[:50]):
        status = crossing.get_decision_display()
        if crossing.review != Crossing.Review.NONE:
            status = f"{status} · {crossing.get_review_display()}"
        records.append(PersonRecord(
            kind=gettext_lazy("Control migratorio"),
            reference=f"{direction_label(crossing.direction)} · {crossing.crossing_point.name}",
            status=status, when=crossing.created_at, url=reverse("control:crossing", args=[crossing.pk])))
    return records


def direction_label(direction: str):
    from rim.models import Movement

    try:
        return Movement.Direction(direction).label
    except ValueError:
        return direction


def work_page(user: Any) -> str | None:
    """An officer posted at a crossing point works from its counter (cuentas.hooks, after TOTP)."""
    from django.urls import reverse

    return reverse("control:counter") if officer_crossing_point(user=user) is not None else None
