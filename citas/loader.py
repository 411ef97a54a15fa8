"""The sedes' counters, services, regions and hours from a JSON data file (citas/data/sedes_demo.json)."""
from __future__ import annotations

import json
from pathlib import Path

from core.actor import Actor
from cuentas.models import Office

from .services import sede_services_load

DEMO_FILE = Path(__file__).resolve().parent / "data" / "sedes_demo.json"


def sedes_load(*, actor: Actor, path: Path = DEMO_FILE) -> list[str]:
    """Apply the file to the sedes it names that exist; returns their codes."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["sedes"]
    loaded = []
    for code, spec in data.items():
        office = Office.objects.filter(code=code).first()
        if office is None:
            continue
        hours = spec.get("hours")
        sede_services_load(actor=actor, office=office, counters=spec["counters"], region=spec.get("region", ""),
                           hours=None if hours is None else {int(k): tuple(v) if v else None
                                                             for k, v in hours.items()})
        loaded.append(code)
    return loaded
