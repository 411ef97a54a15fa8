"""Reads from the RIM: person search (fuzzy by name, exact by document), audited record reads, alerts."""
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from auditoria.services import audit_record
from migraciones.errors import Conflict, NotFound, ValidationFailed

from .models import Alert, FamilyLink, IdentityDocument, Movement, Person
from .normalize import looks_like_document_number, normalize_document_number, normalize_name

# Below this re-ranked score a candidate is noise, not a match.
MIN_SEARCH_SCORE = 0.6
# An alert by name needs the same birth date and a name at least this close (one typo, a missing surname).
ALERT_NAME_THRESHOLD = 0.8
# PostgreSQL: trigram thresholds tried from strict to loose, stopping once enough candidates are found.
# A strict first pass keeps common names ("JOSE QUISPE") from pulling tens of thousands of rows.
TRIGRAM_THRESHOLDS = (0.6, 0.45, 0.3)
MAX_CANDIDATES = 300


@dataclass(frozen=True)
class DocumentRef:
    kind: str
    number: str
    issuing_state: str
    status: str


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    full_name: str
    birth_date: dt.date
    nationality: str
    documents: tuple[DocumentRef, ...]
    score: float
    matched_by: Literal["document", "name"]


def name_similarity(query: str, candidate: str) -> float:
    """0..1 between two normalized names, blind to word order, tolerant of a typo or a missing name.

    token_sort_ratio rewards the same words in any order; token_set_ratio forgives a name missing on
    one side. Their mean keeps an exact namesake above someone who merely contains the query.
    """
    return (fuzz.token_sort_ratio(query, candidate) + fuzz.token_set_ratio(query, candidate)) / 200.0


def person_search(*, query: str, limit: int = 20, actor: Any = None, purpose: str = "") -> list[PersonMatch]:
    """Find persons by document number (exactly, any kind) or by name (fuzzily), best match first.

    With an `actor`, the search itself is audited (the query and the ids it returned).
    """
    limit = max(1, min(limit, 100))
    if looks_like_document_number(query):
        matches = _search_by_document(normalize_document_number(query), limit)
    else:
        matches = _search_by_name(normalize_name(query), limit)
    if actor is not None:
        audit_record(actor=actor, action="rim.person_search", kind="read", object_type="rim.person", purpose=purpose,
                     details={"query": query[:100], "results": [m.person_id for m in matches]})
    return matches


def _search_by_document(number: str, limit: int) -> list[PersonMatch]:
    documents = (
        IdentityDocument.objects.filter(number=number)
        .select_related("person")
        .order_by(Case(When(status=IdentityDocument.Status.VIGENTE, then=0), default=1), "-id")[:limit]
    )
    persons: dict[int, Person] = {}
    for document in documents:
        persons.setdefault(document.person_id, document.person)
    return _matches(persons.values(), scores={pk: 1.0 for pk in persons}, matched_by="document")


def _search_by_name(name: str, limit: int) -> list[PersonMatch]:
    if len(name.replace(" ", "")) < 2:
        return []
    candidates = _trigram_candidates(name, limit) if connection.vendor == "postgresql" else _prefix_candidates(name)
    scored = sorted(
        ((name_similarity(name, search_name), pk) for pk, search_name in candidates),
        key=lambda item: (-item[0], item[1]),
    )
    best = {pk: round(score, 3) for score, pk in scored if score >= MIN_SEARCH_SCORE}
    top_ids = list(best)[:limit]
    persons = Person.objects.in_bulk(top_ids)
    return _matches([persons[pk] for pk in top_ids], scores=best, matched_by="name")


def _trigram_candidates(name: str, limit: int) -> list[tuple[int, str]]:
    """Candidates by pg_trgm similarity, through the GIN index (the `%` operator uses it)."""
    wanted = max(limit, 20)
    rows: list[tuple[int, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for threshold in TRIGRAM_THRESHOLDS:
            # SET LOCAL lasts until the end of this transaction only.
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)])
            cursor.execute(
                "SELECT id, search_name FROM rim_person WHERE search_name %% %s "
                "ORDER BY similarity(search_name, %s) DESC, id LIMIT %s",
                [name, name, MAX_CANDIDATES],
            )
            rows = cursor.fetchall()
            if len(rows) >= wanted:
                break
    return rows


def _prefix_candidates(name: str) -> list[tuple[int, str]]:
    """SQLite and others: rows sharing a word start with the query, those sharing the most first."""
    prefixes = sorted({token[:3] for token in name.split() if len(token) >= 2})
    if not prefixes:
        return []
    condition = Q()
    for prefix in prefixes:
        condition |= Q(search_name__contains=prefix)
    hits = sum(
        (Case(When(search_name__contains=p, then=Value(1)), default=Value(0), output_field=IntegerField())
         for p in prefixes),
        Value(0),
    )
    return list(
        Person.objects.filter(condition).annotate(hits=hits).order_by("-hits", "id")
        .values_list("id", "search_name")[: MAX_CANDIDATES * 4]
    )


def _matches(persons, *, scores: dict[int, float], matched_by: str) -> list[PersonMatch]:
    persons = list(persons)
    documents: dict[int, list[DocumentRef]] = {}
    for person_id, kind, number, state, status in (
        IdentityDocument.objects.filter(person_id__in=[p.pk for p in persons])
        .order_by("person_id", "kind", "id")
        .values_list("person_id", "kind", "number", "issuing_state", "status")
    ):
        documents.setdefault(person_id, []).append(DocumentRef(kind, number, state, status))
    return [
        PersonMatch(
            person_id=p.pk, full_name=p.full_name, birth_date=p.birth_date, nationality=p.nationality,
            documents=tuple(documents.get(p.pk, ())), score=scores[p.pk], matched_by=matched_by,
        )
        for p in persons
    ]


def _require_purpose(purpose: str) -> str:
    if not purpose.strip():
        raise ValidationFailed(_("Indique la finalidad de la consulta."), fields={"purpose": _("Este campo es obligatorio.")})
    return purpose.strip()


def person_get(*, person_id: int, actor: Any, purpose: str) -> Person:
    """A person's whole record, with documents, family, studies and work; the read is audited."""
    purpose = _require_purpose(purpose)
    person = (
        Person.objects.filter(pk=person_id)
        .prefetch_related(
            "documents", "studies", "workplaces",
            Prefetch("family_links", queryset=FamilyLink.objects.select_related("relative")),
        )
        .first()
    )
    if person is None:
        raise NotFound(_("No existe esa persona en el RIM."), fields={"person_id": _("No encontrado.")})
    audit_record(actor=actor, action="rim.person_get", kind="read", obj=person, person_id=person.pk, purpose=purpose)
    return person


def person_by_document(
    *, number: str, kind: str | None = None, issuing_state: str | None = None
) -> Person | None:
    """The holder of a document; by number alone only if a single person holds that number.

    Not audited here: callers (control, institutions) audit the decision they take with it.
    """
    documents = IdentityDocument.objects.filter(number=normalize_document_number(number))
    if kind:
        documents = documents.filter(kind=kind)
    if issuing_state:
        documents = documents.filter(issuing_state=issuing_state.strip().upper())
    holder_ids = set(documents.values_list("person_id", flat=True)[:10])
    if len(holder_ids) > 1:
        raise Conflict(
            _("Varias personas tienen documentos con ese número: indique el tipo y el Estado emisor."),
            fields={"kind": _("Indique el tipo de documento.")},
        )
    return Person.objects.filter(pk__in=holder_ids).first() if holder_ids else None


def person_movements(
    *,
    person_id: int,
    actor: Any,
    purpose: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[Movement]:
    """A person's entries and exits, newest first; the read is audited."""
    purpose = _require_purpose(purpose)
    movements = Movement.objects.filter(person_id=person_id).select_related("crossing_point", "document")
    if since:
        movements = movements.filter(occurred_at__gte=since)
    if until:
        movements = movements.filter(occurred_at__lt=until)
    result = list(movements.order_by("-occurred_at", "-id"))
    audit_record(actor=actor, action="rim.person_movements", kind="read", object_type="rim.movement",
                 person_id=person_id, purpose=purpose, details={"count": len(result)})
    return result


def alerts_in_force(*, on: dt.datetime | None = None) -> QuerySet[Alert]:
    on = on or timezone.now()
    return Alert.objects.filter(active_from__lte=on).filter(Q(active_until__isnull=True) | Q(active_until__gt=on))


def active_alerts_for(
    *,
    document_number: str | None = None,
    issuing_state: str | None = None,
    search_name: str | None = None,
    birth_date: dt.date | None = None,
    on: dt.datetime | None = None,
) -> list[Alert]:
    """Alerts in force on a document (exact number, and state when both sides give one) or on a
    person (same birth date, name close enough despite accents, order, a typo or a missing surname)."""
    in_force = alerts_in_force(on=on)
    found: dict[int, Alert] = {}
    number = normalize_document_number(document_number or "")
    if number:
        by_document = in_force.filter(document_number=number)
        if issuing_state:
            by_document = by_document.filter(Q(issuing_state="") | Q(issuing_state=issuing_state.strip().upper()))
        found.update((alert.pk, alert) for alert in by_document)
    name = normalize_name(search_name or "")
    if name and birth_date:
        for alert in in_force.filter(birth_date=birth_date).exclude(search_name=""):
            if name_similarity(name, alert.search_name) >= ALERT_NAME_THRESHOLD:
                found.setdefault(alert.pk, alert)
    return sorted(found.values(), key=lambda alert: (alert.active_from, alert.pk))


def person_for_user(user: Any) -> Person | None:
    """The RIM person linked to a signed-in user, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user_id=user.pk).first()
