"""Reads from the RIM: person search (fuzzy by name, exact by document), audited record reads, alerts."""
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from auditoria.services import audit_record, audit_record_many
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed

from .audit_actions import AuditAction
from .models import Alert, FamilyLink, IdentityDocument, Movement, Permit, Person, ResidenceStatus, StayExtension
from .normalize import looks_like_document_number, normalize_document_number, normalize_name

# Below this re-ranked score a candidate is noise, not a match.
MIN_SEARCH_SCORE = 0.6
# An alert by name needs the same birth date and a name at least this close (one typo, a missing surname).
ALERT_NAME_THRESHOLD = 0.8
# Short words that join surnames ("DE LA CRUZ"): too common to narrow a search.
NAME_PARTICLES = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "Y", "VON", "VAN", "DA", "DOS"})
MAX_QUERY_WORDS = 6
# Step 1 of the search stops when it finds this many names holding every word of the query.
ENOUGH_CANDIDATES = 3
# Last resort on PostgreSQL: pg_trgm similarity above this. 0.6 keeps p95 under 100 ms at 1M
# persons (docs/BENCHMARKS.md); 0.5 found no more of the benchmark's people and doubled the worst case.
TRIGRAM_THRESHOLD = 0.6
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
    one side; together they keep an exact namesake above someone who merely contains the query.
    A small share of the plain ratio breaks ties in favour of the words in the order typed.
    """
    return (
        0.45 * fuzz.token_sort_ratio(query, candidate)
        + 0.45 * fuzz.token_set_ratio(query, candidate)
        + 0.10 * fuzz.ratio(query, candidate)
    ) / 100.0


def person_search(*, query: str, limit: int = 20, actor: Actor = None, purpose: str = "") -> list[PersonMatch]:
    """Find persons by document number (exactly, any kind) or by name (fuzzily), best match first.

    With an `actor`, the search is audited: one read per person returned (so each one finds it in
    "¿quién consultó mis datos?"), or one entry with no person when nothing matched.
    """
    limit = max(1, min(limit, 100))
    if looks_like_document_number(query):
        matches = _search_by_document(normalize_document_number(query), limit)
    else:
        matches = _search_by_name(normalize_name(query), limit)
    if actor is not None:
        details = {"query": query[:100], "results": [m.person_id for m in matches]}
        audit_record_many(actor=actor, entries=[
            {"action": AuditAction.PERSON_SEARCH, "kind": "read", "object_type": "rim.person",
             "object_id": person_id or "", "person_id": person_id, "purpose": purpose, "details": details}
            for person_id in ([m.person_id for m in matches] or [None])
        ])
    return matches


# Plain SQL (both backends): building the equivalent ORM query cost more than running it.
_DOCUMENT_SEARCH_SQL = """
SELECT p.id, p.given_names, p.first_surname, p.second_surname, p.birth_date, p.nationality,
       d.kind, d.number, d.issuing_state, d.status
FROM rim_identitydocument d JOIN rim_person p ON p.id = d.person_id
WHERE d.person_id IN (SELECT h.person_id FROM rim_identitydocument h WHERE h.number = %s LIMIT %s)
ORDER BY p.id, d.kind, d.id
"""


def _search_by_document(number: str, limit: int) -> list[PersonMatch]:
    """Holders of that number, with all their documents, in one query (this path must stay ~1 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(_DOCUMENT_SEARCH_SQL, [number, limit])
        rows = cursor.fetchall()
    persons: dict[int, Person] = {}
    refs: dict[int, list[DocumentRef]] = {}
    holds_valid: set[int] = set()
    for pk, given, first, second, birth, nationality, kind, doc_number, state, status in rows:
        if pk not in persons:
            persons[pk] = Person(pk=pk, given_names=given, first_surname=first, second_surname=second,
                                 birth_date=Person._meta.get_field("birth_date").to_python(birth),
                                 nationality=nationality)
        refs.setdefault(pk, []).append(DocumentRef(kind, doc_number, state, status))
        if doc_number == number and status == IdentityDocument.Status.VIGENTE:
            holds_valid.add(pk)
    # The holder of a valid document with that number comes before holders of old ones.
    ordered = sorted(persons.values(), key=lambda p: (p.pk not in holds_valid, -p.pk))
    return [_match(p, refs[p.pk], 1.0, "document") for p in ordered]


def _search_by_name(name: str, limit: int) -> list[PersonMatch]:
    if len(name.replace(" ", "")) < 2:
        return []
    candidates = _name_candidates(name, limit)
    scored = sorted(
        ((name_similarity(name, search_name), pk) for pk, search_name in candidates),
        key=lambda item: (-item[0], item[1]),
    )
    best = {pk: round(score, 3) for score, pk in scored if score >= MIN_SEARCH_SCORE}
    top_ids = list(best)[:limit]
    persons = Person.objects.in_bulk(top_ids)
    return _matches([persons[pk] for pk in top_ids], scores=best, matched_by="name")


def _name_candidates(name: str, limit: int) -> list[tuple[int, str]]:
    """Candidates in up to three widening steps.

    1. names containing every word of the query (any order; a missing surname is fine);
    2. when step 1 finds fewer than ENOUGH_CANDIDATES: names containing all words but one
       (one word may hold a typo);
    3. when nothing was found: trigram similarity (PostgreSQL) or shared word starts (SQLite).
    Steps 1 and 2 are conjunctions, which the trigram index answers from its rarest trigrams,
    so common names ("MARIA QUISPE") do not make the search scan half the registry.
    """
    words = sorted({w for w in name.split() if len(w) >= 3 and w not in NAME_PARTICLES}, key=len, reverse=True)
    words = words[:MAX_QUERY_WORDS]
    found: dict[int, str] = {}
    if words:
        found.update(_containing_all(name, [words]))
    if len(found) < min(limit, ENOUGH_CANDIDATES) and len(words) >= 3:
        found.update(_containing_all(name, [words[:i] + words[i + 1:] for i in range(len(words))]))
    if not found:
        fallback = _trigram_candidates(name) if connection.vendor == "postgresql" else _prefix_candidates(name)
        found.update(fallback)
    return list(found.items())


def _containing_all(name: str, word_sets: list[list[str]]) -> list[tuple[int, str]]:
    condition = Q()
    for word_set in word_sets:
        branch = Q()
        for word in word_set:
            branch &= Q(search_name__contains=word)
        condition |= branch
    persons = Person.objects.filter(condition)
    if connection.vendor == "postgresql":
        # Closest first, so the cap keeps the best; the index already cut the rows to few.
        persons = persons.annotate(closeness=TrigramSimilarity("search_name", name)).order_by("-closeness", "id")
    return list(persons.values_list("id", "search_name")[:MAX_CANDIDATES])


def _trigram_candidates(name: str) -> list[tuple[int, str]]:
    """Candidates by pg_trgm similarity, through the GIN index (the `%` operator uses it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Local to this transaction: other queries keep the server's threshold.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        cursor.execute(
            "SELECT id, search_name FROM rim_person WHERE search_name %% %s "
            "ORDER BY similarity(search_name, %s) DESC, id LIMIT %s",
            [name, name, MAX_CANDIDATES],
        )
        return cursor.fetchall()


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


def _matches(persons: list[Person], *, scores: dict[int, float], matched_by: str) -> list[PersonMatch]:
    documents: dict[int, list[DocumentRef]] = {}
    for person_id, kind, number, state, status in (
        IdentityDocument.objects.filter(person_id__in=[p.pk for p in persons])
        .order_by("person_id", "kind", "id")
        .values_list("person_id", "kind", "number", "issuing_state", "status")
    ):
        documents.setdefault(person_id, []).append(DocumentRef(kind, number, state, status))
    return [_match(p, documents.get(p.pk, []), scores[p.pk], matched_by) for p in persons]


def _match(person: Person, documents: list[DocumentRef], score: float, matched_by: str) -> PersonMatch:
    return PersonMatch(
        person_id=person.pk, full_name=person.full_name, birth_date=person.birth_date,
        nationality=person.nationality, documents=tuple(documents), score=score, matched_by=matched_by,
    )


def _require_purpose(purpose: str) -> str:
    if not purpose.strip():
        raise ValidationFailed(_("Indique la finalidad de la consulta."), fields={"purpose": _("Este campo es obligatorio.")})
    return purpose.strip()


def person_get(*, person_id: int, actor: Actor, purpose: str) -> Person:
    """A person's whole record, with documents, family, studies, work, calidad migratoria, permisos
    especiales and prórrogas de permanencia; the read is audited."""
    purpose = _require_purpose(purpose)
    person = (
        Person.objects.filter(pk=person_id)
        .prefetch_related(
            "documents", "studies", "workplaces", "residence_statuses", "permits",
            Prefetch("family_links", queryset=FamilyLink.objects.select_related("relative")),
            Prefetch("stay_extensions", queryset=StayExtension.objects.select_related("entry__crossing_point")),
        )
        .first()
    )
    if person is None:
        raise NotFound(_("No existe esa persona en el RIM."), fields={"person_id": _("No encontrado.")})
    audit_record(actor=actor, action=AuditAction.PERSON_GET, kind="read", obj=person, person_id=person.pk, purpose=purpose)
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
    actor: Actor,
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
    audit_record(actor=actor, action=AuditAction.PERSON_MOVEMENTS, kind="read", object_type="rim.movement",
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
    linked = Person.objects.filter(user_id=user.pk).first()
    if linked is not None:
        return linked
    # Accounts made at sign-up are not linked yet: find the person by the verified document.
    if getattr(user, "dni", None):
        return (Person.objects.filter(documents__kind=IdentityDocument.Kind.DNI, documents__number=user.dni)
                .distinct().first())
    if getattr(user, "document_number", "") and getattr(user, "email_verified", False):
        return (Person.objects.filter(documents__number=user.document_number.upper(),
                                      documents__issuing_state=user.nationality)
                .exclude(documents__kind=IdentityDocument.Kind.DNI).distinct().first())
    return None


# ---- Calidad migratoria, permisos especiales, prórrogas (plain reads: the callers audit what they decide) ----

def residence_status_current(*, person_id: int, on: dt.date | None = None) -> ResidenceStatus | None:
    """The person's calidad migratoria in force on `on` (today by default): VIGENTE and within its dates."""
    on = on or timezone.localdate()
    return (ResidenceStatus.objects.filter(person_id=person_id, status=ResidenceStatus.Status.VIGENTE,
                                           valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).first())


def permits_in_force(*, person_id: int, kind: str, on: dt.date | None = None) -> QuerySet[Permit]:
    """The person's permisos especiales of `kind` not revoked and valid on `on` (today by default), latest end first."""
    on = on or timezone.localdate()
    return (Permit.objects.filter(person_id=person_id, kind=kind, revoked=False, valid_from__lte=on,
                                  valid_until__gte=on).order_by("-valid_until", "-id"))


def travel_permit_days_used(*, person_id: int, since: dt.date) -> int:
    """Days covered by the person's travel permits (not revoked) from `since` on, each day counted once.

    A CPP holder may travel at most 30 days per exit and 90 in all: the caller compares with those.
    """
    days: set[dt.date] = set()
    for start, end in (Permit.objects.filter(person_id=person_id, kind=Permit.Kind.VIAJE, revoked=False,
                                             valid_until__gte=since).values_list("valid_from", "valid_until")):
        first = max(start, since)
        days.update(first + dt.timedelta(days=n) for n in range((end - first).days + 1))
    return len(days)


def stay_extension_days(*, entry_id: int) -> int:
    """Days added by prórrogas de permanencia to the stay granted at that entry."""
    return StayExtension.objects.filter(entry_id=entry_id).aggregate(total=Sum("extra_days"))["total"] or 0
