"""Figures for docs/SECURITY.md: gate verifications through a broker outage and a killed worker, then recovery.

Every traveller's verification is sent twice with the same Idempotency-Key (a gate retrying a slow
answer) and asks for its TAM by e-mail. Run on PostgreSQL, Redis and the real worker (CI):
  pytest egates/tests/test_outage_figures.py -s   (prints the figures)
"""
import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from .test_outage_and_tablets import GATE, _post, _traveller

TRAVELLERS_PER_PHASE = 8


def _pool_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def _send_phase(faces, foreign_pki, prefix: str, statuses: Counter, keys: list[str]) -> None:
    for i in range(TRAVELLERS_PER_PHASE):
        body = json.dumps(_traveller(faces, foreign_pki, f"{prefix}{i:06d}", email=f"v{prefix}{i}@example.com")).encode()
        key = {"Idempotency-Key": f"{prefix}-{i}"}
        for _attempt in range(2):
            statuses[_post(GATE, body, extra=key).status_code] += 1
        keys.append(key["Idempotency-Key"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_gate_figures_through_a_broker_outage_and_a_killed_worker(celery_worker_process, gate, external_systems,
                                                                  faces, foreign_pki, broker_outage):
    from django.core.management import call_command

    from control.models import Crossing
    from outbox.models import OutboxMessage
    from rim.models import Movement
    from tam.models import Tam

    statuses: Counter = Counter()
    keys: list[str] = []
    started = time.monotonic()
    # phase 1: the web side cannot reach the broker
    _send_phase(faces, foreign_pki, "PG", statuses, keys)
    pending_during_outage = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    broker_outage.restore()
    # phase 2: the broker is back, and the worker's pool processes are killed while the e-mails run
    _send_phase(faces, foreign_pki, "PH", statuses, keys)
    killed = 0
    for child in _pool_children(celery_worker_process.pid):
        os.kill(child, signal.SIGKILL)
        killed += 1
    # recovery: the sweep republishes what the outage left; the worker redelivers what it lost
    call_command("outbox_sweep", "--older-than", "0")
    expected = Tam.objects.exclude(email="").count()
    deadline = time.monotonic() + 180
    while Tam.objects.filter(email_sent_at__isnull=False).count() < expected and time.monotonic() < deadline:
        time.sleep(1)
        call_command("outbox_sweep", "--older-than", "0")
    recovered_s = round(time.monotonic() - started)
    crossings = Crossing.objects.count()
    per_document = Counter(Crossing.objects.values_list("document_number", flat=True))
    figures = {
        "travellers": 2 * TRAVELLERS_PER_PHASE, "requests": sum(statuses.values()), "statuses": dict(statuses),
        "crossings": crossings, "duplicate_crossings": sum(n - 1 for n in per_document.values()),
        "movements": Movement.objects.count(), "tams": Tam.objects.count(),
        "emails_pending_during_outage": pending_during_outage, "worker_processes_killed": killed,
        "tam_emails_sent": Tam.objects.filter(email_sent_at__isnull=False).count(),
        "tam_emails_lost": Tam.objects.filter(email_sent_at__isnull=True).exclude(email="").count(),
        "outbox_pending_after_recovery": OutboxMessage.objects.filter(sent_at__isnull=True).count(),
        "seconds_to_recover_everything": recovered_s,
    }
    print("\nOUTAGE FIGURES", json.dumps(figures))
    assert set(statuses) == {200}
    assert crossings == figures["movements"] == figures["tams"] == 2 * TRAVELLERS_PER_PHASE
    assert figures["duplicate_crossings"] == 0
    assert figures["tam_emails_lost"] == 0 and figures["outbox_pending_after_recovery"] == 0
