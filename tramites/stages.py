"""The case's stage tracker: the steps a person recognises, which are done, which is now, and what comes."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .catalogue import spec_of
from .models import Case

S = Case.Status


@dataclass(frozen=True)
class Stage:
    label: object
    state: str  # "done", "current" or "todo"


def stages_of(case: Case) -> list[Stage]:
    spec = spec_of(case.procedure)
    names = [_("Presentado"), _("En evaluación"), _("Resuelto"), _("Notificado"), _("Concluido")]
    if spec.automatic:
        names = [_("Presentado"), _("Resuelto"), _("Concluido")]
    position = {
        S.DRAFT: -1, S.FILED: 0, S.IN_EVALUATION: 1, S.OBSERVED: 1, S.CORRECTED: 1, S.APPEALED: 1,
        S.RESOLVED: 2, S.NOTIFIED: 3, S.FINAL: 4, S.EFFECTS_APPLIED: 4,
        S.NOT_FILED: 4, S.WITHDRAWN: 4, S.ABANDONED: 4,
    }[case.status]
    if spec.automatic:
        position = {-1: -1, 0: 0, 1: 0, 2: 1, 3: 1, 4: 2}[position]
    last = len(names) - 1
    finished = case.status in (S.EFFECTS_APPLIED, S.FINAL, S.NOT_FILED, S.WITHDRAWN, S.ABANDONED)
    return [Stage(name, "done" if i < position or (finished and i == last) else "current" if i == position else "todo")
            for i, name in enumerate(names)]
