"""What of a person's procedures needs their attention, for "Mi cuenta" (migraciones.views.my_summary)."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .catalogue import spec_of
from .models import Case
from .services.applicant import observation_deadline

S = Case.Status


@dataclass(frozen=True)
class Attention:
    title: str
    text: str
    url: str


def cases_attention(user) -> tuple[list[Attention], int]:
    """(the cases that wait for the person, how many cases they have in all)."""
    cases = list(Case.objects.filter(applicant_id=user.pk).select_related("procedure")
                 .order_by("-created_at")[:50])
    items = []
    for case in cases:
        name = spec_of(case.procedure).name
        url = reverse("tramites:case", args=[case.pk])
        if case.status == S.OBSERVED:
            observation = case.observations.filter(answered_at__isnull=True).first()
            deadline = observation_deadline(observation) if observation else None
            text = (_("Tiene una observación por responder hasta el %(date)s.") % {"date": f"{deadline:%d/%m/%Y}"}
                    if deadline else _("Tiene una observación por responder."))
            items.append(Attention(f"{name} · {case.number}", text, url))
        elif case.status == S.DRAFT:
            items.append(Attention(name, _("Borrador sin presentar: complételo y preséntelo."), url))
    return items, len(cases)
