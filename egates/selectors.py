"""Reads for e-gates: every device with its last heartbeat and its last decisions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from control.models import Crossing
from control.selectors import crossings_recent
from cuentas.models import DeviceCredential

from .models import GateStatus

# Gates beat every 30 s; two missed beats and a bit mean the gate is not heard from.
SILENT_AFTER = dt.timedelta(seconds=90)
DEVICE_KINDS = ("EGATE", "MOBILE")


@dataclass(frozen=True)
class GateView:
    device: DeviceCredential
    status: GateStatus | None
    silent: bool
    last_decisions: list[Crossing]


def gates_overview(*, crossing_point: str, decisions: int = 5) -> list[GateView]:
    """The devices of one crossing point (the supervisor's) with their state and last decisions."""
    now = timezone.now()
    devices = (DeviceCredential.objects.filter(kind__in=DEVICE_KINDS, crossing_point=crossing_point)
               .order_by("crossing_point", "key_id"))
    statuses = {s.device_id: s for s in GateStatus.objects.filter(device__in=devices)}
    views = []
    for device in devices:
        status = statuses.get(device.pk)
        silent = status is None or now - status.reported_at > SILENT_AFTER
        views.append(GateView(device, status, silent, list(crossings_recent(device_key=device.key_id, limit=decisions))))
    return views
