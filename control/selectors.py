"""Reads of migratory control: the officers' queue, crossings with their checks, MigraCheck look-ups."""
from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import QuerySet

from .models import Crossing, PreRegistration

QUEUE_LIMIT = 200


def referral_queue() -> QuerySet[Crossing]:
    """Referred travellers waiting for an officer, oldest first (they have waited longest)."""
    return (Crossing.objects.filter(review=Crossing.Review.PENDING)
            .select_related("crossing_point").prefetch_related("checks").order_by("created_at")[:QUEUE_LIMIT])


def crossing_get(*, crossing_id: int) -> Crossing | None:
    return (Crossing.objects.select_related("crossing_point", "movement")
            .prefetch_related("checks").filter(pk=crossing_id).first())


def crossing_by_transaction(*, transaction_id: str) -> Crossing | None:
    return Crossing.objects.filter(transaction_id=transaction_id).first()


def crossings_recent(*, device_key: str | None = None, limit: int = 20) -> QuerySet[Crossing]:
    crossings = Crossing.objects.select_related("crossing_point")
    if device_key is not None:
        crossings = crossings.filter(device_key=device_key)
    return crossings.order_by("-created_at", "-id")[:limit]


def preregistration_for(*, number: str, issuing_state: str, direction: str, now: dt.datetime) -> PreRegistration | None:
    """The traveller's MigraCheck registration for a flight within 48 h of now (or 12 h past, for delays)."""
    return (PreRegistration.objects.filter(
        document_number=number, issuing_state=issuing_state, direction=direction,
        status__in=(PreRegistration.Status.PENDING, PreRegistration.Status.READY),
        flight_at__gte=now - dt.timedelta(hours=12), flight_at__lte=now + dt.timedelta(hours=48),
    ).order_by("flight_at").first())


def preregistration_encoding(prereg: PreRegistration, dg2_sha256: str) -> np.ndarray | None:
    """The encoding made in advance, only for the very chip photo now presented."""
    from biometria.crypto import BlobUnreadable, Sealed, unseal

    if prereg.status != PreRegistration.Status.READY or prereg.dg2_sha256 != dg2_sha256 or not prereg.encoding_sealed:
        return None
    aad = f"control.preregistration:{prereg.reference}:{prereg.dg2_sha256}".encode()
    try:
        raw = unseal(Sealed(prereg.encoding_key_id, bytes(prereg.encoding_sealed)), aad=aad)
    except BlobUnreadable:
        return None
    return np.frombuffer(raw, dtype=np.float64).copy()
