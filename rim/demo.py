"""Deterministic demo registry: crossing points and up to millions of persons, loaded in bulk.

Demo persons created once through the services (link demo accounts to them by these numbers):

- JORGE ANTHONY CARDENAS, Peruvian, DNI 70275722 (the demo citizen's account).
- ROSA ELENA QUISPE MAMANI, Peruvian, DNI 45678912.
- MARTÍN ALEJANDRO FERNÁNDEZ SOSA, Argentine resident worker: passport ARG AAA501234, carné de
  extranjería 901234567 (9 digits); calidad TRABAJADOR_RESIDENTE in force until about 60 days from
  the day the demo is loaded (due for a prórroga de residencia); entered the country years ago.
- ANA MARÍA RODRÍGUEZ PÉREZ, Venezuelan CPP holder: passport VEN VE1234567 (the number of the demo
  foreigner's account, ana.rodriguez@example.com, so `selectors.person_for_user` finds her),
  CPP document (kind PTP) CPP90123456; calidad CPP valid until about a year from the load; entered
  about 7 months before it (past the 6 months a cambio de calidad to Especial Residente asks).
  She has no permiso especial de viaje: control refers her exit until she gets one.
- CAMILA ANDREA RESTREPO GÓMEZ, Colombian tourist (Comunidad Andina): passport COL AO9012345,
  entered through the counter at Jorge Chávez 60 days before the load with 90 days granted (the
  control crossing carrying those 90 days is made by `control.demo.demo_entry_crossings`, which
  `seed_demo` calls: rim sits below control).

Generated foreigners with a carné de extranjería get a resident calidad (by their index) and those
with a PTP the calidad PTP, with the dates of that document.
"""
import csv
import datetime as dt
import io
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from stdnum.pe import ruc as pe_ruc

from auditoria.services import audit_record

from . import services
from .audit_actions import AuditAction
from .models import (
    Alert,
    CrossingPoint,
    FamilyLink,
    IdentityDocument,
    Movement,
    Person,
    ResidenceStatus,
    Study,
    Workplace,
)
from .normalize import normalize_name

SEED_ACTOR = "sistema:seed_demo"
# After loading this many persons, rebuild the trigram index: rows appended in bulk leave it about a
# third larger and slower than a fresh build (REINDEX of 1M names takes about 6 s).
REBUILD_INDEX_AFTER = 50_000

# The two persons every demo relies on (sign-in, passport flow): created once, through the services.
DEMO_PERSONS: tuple[dict[str, Any], ...] = (
    dict(
        dni="70275722", given_names="JORGE ANTHONY", first_surname="CARDENAS", second_surname="",
        birth_date=dt.date(1989, 6, 12), sex="M", height_cm=174, eye_color="marrón", hair_color="negro",
    ),
    dict(
        dni="45678912", given_names="ROSA ELENA", first_surname="QUISPE", second_surname="MAMANI",
        birth_date=dt.date(1978, 3, 21), sex="F", height_cm=152, eye_color="marrón", hair_color="negro",
    ),
)
RESERVED_DNIS = frozenset(p["dni"] for p in DEMO_PERSONS)

# Demo foreigners in three typical states (see the module docstring): created once, through the
# services, with dates relative to the day the demo is loaded. Numbers are outside the generated ranges.
DEMO_RESIDENT_WORKER_CARNE = "901234567"
DEMO_CPP_PASSPORT = "VE1234567"
DEMO_TOURIST_PASSPORT = "AO9012345"
DEMO_TOURIST_DAYS_GRANTED = 90
DEMO_FOREIGNERS: tuple[dict[str, Any], ...] = (
    dict(
        key="resident_worker", given_names="MARTÍN ALEJANDRO", first_surname="FERNÁNDEZ", second_surname="SOSA",
        birth_date=dt.date(1984, 9, 30), sex="M", nationality="ARG",
        passport=("ARG", "AAA501234"), permit_document=(IdentityDocument.Kind.CARNE_EXTRANJERIA,
                                                        DEMO_RESIDENT_WORKER_CARNE),
        calidad=ResidenceStatus.Calidad.TRABAJADOR_RESIDENTE, valid_from_days=-365 * 3 - 300, valid_until_days=60,
        reference="LM-2023-0048211", entered_days=-365 * 4, flight="AR1300", origin="Buenos Aires",
    ),
    dict(
        key="cpp_holder", given_names="ANA MARÍA", first_surname="RODRÍGUEZ", second_surname="PÉREZ",
        birth_date=dt.date(1992, 11, 8), sex="F", nationality="VEN",
        passport=("VEN", DEMO_CPP_PASSPORT), permit_document=(IdentityDocument.Kind.PTP, "CPP90123456"),
        calidad=ResidenceStatus.Calidad.CPP, valid_from_days=-150, valid_until_days=365,
        reference="CPP-2026-0931127", entered_days=-215, flight="", origin="Caracas",
    ),
    dict(
        key="tourist", given_names="CAMILA ANDREA", first_surname="RESTREPO", second_surname="GÓMEZ",
        birth_date=dt.date(1996, 2, 14), sex="F", nationality="COL",
        passport=("COL", DEMO_TOURIST_PASSPORT), permit_document=None, calidad=None,
        entered_days=-60, flight="AV8481", origin="Bogotá",
    ),
)
# Generated holders of a carné de extranjería get one of these calidades (by their index).
_CARNE_CALIDADES = (
    ResidenceStatus.Calidad.TRABAJADOR_RESIDENTE, ResidenceStatus.Calidad.FAMILIAR_RESIDENTE,
    ResidenceStatus.Calidad.TRABAJADOR_RESIDENTE, ResidenceStatus.Calidad.ESPECIAL_RESIDENTE,
    ResidenceStatus.Calidad.ESTUDIANTE, ResidenceStatus.Calidad.RESIDENTE_PERMANENTE,
)

# code, name, kind, ubigeo (demo values: the real list is maintained by MIGRACIONES).
CROSSING_POINTS: tuple[tuple[str, str, str, str], ...] = (
    ("AIJCH", "Aeropuerto Internacional Jorge Chávez", "AIRPORT", "070101"),
    ("AAVA", "Aeropuerto Internacional Alejandro Velasco Astete (Cusco)", "AIRPORT", "080101"),
    ("ARB", "Aeropuerto Internacional Alfredo Rodríguez Ballón (Arequipa)", "AIRPORT", "040101"),
    ("CFSR", "Complejo Fronterizo Santa Rosa (Tacna)", "LAND", "230101"),
    ("CEBAF", "CEBAF Perú-Ecuador (Tumbes)", "LAND", "240301"),
    ("DESAG", "Puesto de Control Desaguadero (Puno)", "LAND", "210701"),
    ("KASANI", "Puesto de Control Kasani (Puno)", "LAND", "211101"),
    ("INAPARI", "Puesto de Control Iñapari (Madre de Dios)", "LAND", "170301"),
    ("CALLAO", "Terminal Portuario del Callao", "SEA", "070101"),
    ("IQUITOS", "Puerto Fluvial de Iquitos", "RIVER", "160101"),
)

# Spanish-speaking names (Peru and the region), with accents and compound forms kept as written.
_MALE = (
    "José", "Luis", "Juan", "Carlos", "Jorge", "Miguel", "Víctor", "César", "Raúl", "Jesús", "Martín",
    "Andrés", "Julio", "Óscar", "Héctor", "Ángel", "Rubén", "Iván", "Hernán", "Joaquín", "Sebastián",
    "Matías", "Nicolás", "Adrián", "Tomás", "Ramón", "Germán", "Efraín", "Wilfredo", "Percy", "Edwin",
    "Anthony", "Kevin", "Bryan", "Jhon", "Fernando", "Alberto", "Ricardo", "Eduardo", "Manuel", "Pedro",
    "Pablo", "Diego", "Alonso", "Gonzalo", "Renzo", "Rodrigo", "Franco", "Piero", "Walter", "Félix",
    "Teodoro", "Abel", "Eleazar", "Yorman", "Jhonder", "Eliézer", "Santiago", "Emilio", "Ítalo",
)
_FEMALE = (
    "María", "Rosa", "Ana", "Carmen", "Luz", "Julia", "Elena", "Sofía", "Lucía", "Valeria", "Camila",
    "Milagros", "Rocío", "Inés", "Beatriz", "Mónica", "Verónica", "Patricia", "Gabriela", "Flor", "Jimena",
    "Ximena", "Nathaly", "Yessenia", "Maricielo", "Fiorella", "Karina", "Liliana", "Raquel", "Consuelo",
    "Gladys", "Angélica", "Belén", "Ruth", "Noemí", "Yolanda", "Marisol", "Pilar", "Zoila", "Dayana",
    "Yusneidy", "Luisana", "Oriana", "Génesis", "Isabel", "Natalia", "Andrea", "Paola", "Susana", "Delia",
)
_MALE_COMPOUND = ("José María", "Juan de Dios", "José Luis", "Juan Carlos", "Luis Alberto", "Miguel Ángel")
_FEMALE_COMPOUND = (
    "María del Carmen", "María de los Ángeles", "Rosa María", "Luz María", "Ana Lucía", "María del Pilar",
    "María Fernanda", "María José",
)
_SURNAMES = (
    "Quispe", "Mamani", "Flores", "Huamán", "Rodríguez", "Sánchez", "García", "Rojas", "Chávez", "Díaz",
    "Vásquez", "Ramírez", "Torres", "Mendoza", "Gutiérrez", "Castillo", "Pérez", "Espinoza", "Ramos",
    "López", "Gonzales", "Cruz", "Vargas", "Ccori", "Condori", "Huanca", "Apaza", "Ticona", "Choque",
    "Cárdenas", "Núñez", "Ñañez", "Ávila", "Córdova", "Chuquimango", "Yupanqui", "Huamaní", "Zúñiga",
    "Ortiz", "Peña", "Muñoz", "Salazar", "Paredes", "Aguilar", "Cabrera", "Valdivia", "Alarcón",
    "Benítez", "Villanueva", "Romero", "Herrera", "Medina", "Aquino", "Tello", "Palomino", "Poma",
    "Ccama", "Inga", "Hernández", "González", "Blanco", "Briceño", "Guevara", "Marcano", "Rondón",
    "Cáceres", "Sotomayor", "Ochoa", "Zegarra", "Calderón", "Bustamante", "Ñique", "Carhuamaca",
)
_COMPOUND_SURNAMES = ("De la Cruz", "Del Castillo", "De la Torre", "De los Ríos", "Del Águila", "De la Puente")
_ENGLISH_GIVEN = {"M": ("John", "Michael", "David", "James", "Robert"), "F": ("Mary", "Jennifer", "Linda", "Emily")}
_ENGLISH_SURNAMES = ("Smith", "Johnson", "Williams", "Brown", "O'Connor", "Miller", "Davis")
_CHINESE_GIVEN = {"M": ("Wei", "Jun", "Hao", "Xiaoming"), "F": ("Fang", "Li Na", "Mei", "Xiu Ying")}
_CHINESE_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang")
_GERMAN_GIVEN = {"M": ("Jürgen", "Günther", "Lukas", "Jörg"), "F": ("Anna", "Jürgen", "Käthe", "Sophie")}
_GERMAN_SURNAMES = ("Müller", "Schmidt", "Schröder", "Groß", "Weiß", "Köhler")

# Nationality (ICAO) and its share of the registry; Peruvians are about 80 %.
_NATIONALITIES: tuple[tuple[str, float], ...] = (
    ("PER", 0.80), ("VEN", 0.08), ("COL", 0.03), ("ECU", 0.02), ("CHL", 0.015), ("BOL", 0.015),
    ("ARG", 0.01), ("USA", 0.01), ("ESP", 0.008), ("CHN", 0.007), ("D", 0.005),
)
_PASSPORT_PREFIX = {
    "VEN": "V", "COL": "AO", "ECU": "A", "CHL": "F", "BOL": "BO", "ARG": "AAA", "USA": "5", "ESP": "PAA",
    "CHN": "E", "D": "C",
}
_EYES = ("marrón", "marrón oscuro", "negro", "verde", "azul", "pardo")
_HAIR = ("negro", "castaño", "castaño oscuro", "rubio", "canoso", "pelirrojo")
_MARKS = ("cicatriz en la ceja izquierda", "tatuaje en el antebrazo derecho", "lunar en la mejilla", "usa lentes")
_SCHOOLS = (
    ("Universidad Nacional Mayor de San Marcos", "UNIVERSITARIA"), ("Pontificia Universidad Católica del Perú", "UNIVERSITARIA"),
    ("Universidad Nacional de Ingeniería", "UNIVERSITARIA"), ("Universidad Nacional de San Agustín", "UNIVERSITARIA"),
    ("Universidad Nacional San Antonio Abad del Cusco", "UNIVERSITARIA"), ("SENATI", "TECNICA"),
    ("Instituto TECSUP", "TECNICA"), ("I.E. Emblemática Guadalupe", "SECUNDARIA"), ("Colegio Nacional Mercedes Cabello", "SECUNDARIA"),
    ("Universidad del Pacífico", "POSGRADO"), ("Universidad Central de Venezuela", "UNIVERSITARIA"),
)
_FIELDS = ("Derecho", "Ingeniería Civil", "Medicina", "Contabilidad", "Administración", "Enfermería", "Educación", "Mecánica automotriz", "")
_EMPLOYERS = (
    "Minera Andina S.A.C.", "Transportes Cruz del Sur S.A.C.", "Agroexportadora Ica S.A.", "Inversiones Lima Norte S.A.C.",
    "Constructora Los Andes S.A.", "Restaurante El Señorío de Sulco S.A.C.", "Textil San Cristóbal S.A.",
    "Clínica San Borja S.A.C.", "Pesquera Chimbote S.A.", "Comercial Gamarra E.I.R.L.",
)
_POSITIONS = ("Operario", "Asistente administrativo", "Ingeniero", "Vendedor", "Conductor", "Cocinero", "Enfermera", "Analista")
_CITIES = ("Lima", "Santiago", "Bogotá", "Quito", "La Paz", "Buenos Aires", "Caracas", "Miami", "Madrid", "Panamá", "Tacna", "Arica")


@dataclass
class _Batch:
    """Rows of one batch, already in column order, ready for COPY or bulk_create."""

    persons: list[tuple] = field(default_factory=list)
    documents: list[tuple] = field(default_factory=list)
    family: list[tuple] = field(default_factory=list)
    studies: list[tuple] = field(default_factory=list)
    workplaces: list[tuple] = field(default_factory=list)
    movements: list[tuple] = field(default_factory=list)
    alerts: list[tuple] = field(default_factory=list)
    residence_statuses: list[tuple] = field(default_factory=list)


_PERSON_COLS = (
    "id", "given_names", "first_surname", "second_surname", "search_name", "birth_date", "sex", "nationality",
    "height_cm", "eye_color", "hair_color", "distinguishing_marks", "user_id", "created_at", "updated_at",
)
_DOCUMENT_COLS = (
    "id", "person_id", "kind", "number", "issuing_state", "issue_date", "expiry_date", "status", "created_at",
)
_FAMILY_COLS = ("person_id", "relative_id", "relation", "created_at")
_STUDY_COLS = ("person_id", "institution", "level", "field", "year")
_WORK_COLS = ("person_id", "employer", "ruc", "position", "since", "until")
_MOVEMENT_COLS = (
    "person_id", "direction", "crossing_point_id", "occurred_at", "document_id", "channel", "flight", "origin",
    "destination", "recorded_by", "created_at",
)
_RESIDENCE_COLS = (
    "person_id", "calidad", "valid_from", "valid_until", "status", "reference", "recorded_by", "created_at",
)
_ALERT_COLS = (
    "source", "kind", "document_number", "issuing_state", "search_name", "birth_date", "person_id", "active_from",
    "active_until", "reason", "reference", "created_at",
)


def seed_crossing_points() -> dict[str, CrossingPoint]:
    """Create or refresh the demo crossing points; returns them by code."""
    points = {}
    for code, name, kind, ubigeo in CROSSING_POINTS:
        points[code], _ = CrossingPoint.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "ubigeo": ubigeo, "active": True}
        )
    return points


def seed_registry(
    *, persons: int, seed: int = 7, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Fill the registry up to about `persons` persons, deterministically for a given seed.

    Safe to call again: the demo persons are created only once, and when the registry already
    holds `persons` or more nothing else is added. Rows are written in bulk (COPY on PostgreSQL),
    with one audit entry for the whole load rather than one per row.
    """
    started = time.monotonic()
    points = seed_crossing_points()
    demo_created = _seed_demo_persons() + _seed_demo_foreigners(points)
    existing = Person.objects.count()
    counts = {"persons": 0, "documents": 0, "family_links": 0, "studies": 0, "workplaces": 0, "movements": 0,
              "alerts": 0, "residence_statuses": 0}
    if existing >= persons:
        return {**counts, "demo_persons": demo_created, "skipped": True, "total_persons": existing, "seconds": 0.0}

    point_ids = [points[code].pk for code, *_ in CROSSING_POINTS]
    employers = _employers_with_ruc()
    next_person_id = (Person.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_document_id = (IdentityDocument.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    # Generated persons are numbered from the current count, so a second call continues, not repeats.
    index = existing
    while index < persons:
        size = min(batch_size, persons - index)
        rng = random.Random(seed * 1_000_003 + index)
        batch = _generate_batch(rng, first_index=index, size=size, first_person_id=next_person_id,
                                first_document_id=next_document_id, point_ids=point_ids, employers=employers)
        _drop_taken_documents(batch)
        with transaction.atomic():
            _write_batch(batch)
        for key, rows in (("persons", batch.persons), ("documents", batch.documents), ("family_links", batch.family),
                          ("studies", batch.studies), ("workplaces", batch.workplaces),
                          ("movements", batch.movements), ("alerts", batch.alerts),
                          ("residence_statuses", batch.residence_statuses)):
            counts[key] += len(rows)
        next_person_id += size
        next_document_id += 2 * size
        index += size
        if progress:
            progress(index)
    _reset_sequences()
    if counts["persons"] >= REBUILD_INDEX_AFTER:
        _compact_search_index()
    audit_record(actor=SEED_ACTOR, action=AuditAction.SEED_REGISTRY, object_type="rim.person", details=counts)
    return {**counts, "demo_persons": demo_created, "skipped": False, "total_persons": Person.objects.count(),
            "seconds": round(time.monotonic() - started, 1)}


def _seed_demo_persons() -> int:
    created = 0
    for spec in DEMO_PERSONS:
        if IdentityDocument.objects.filter(kind=IdentityDocument.Kind.DNI, issuing_state="PER", number=spec["dni"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k != "dni"}
        person = services.person_create(actor=SEED_ACTOR, nationality="PER", **fields)
        services.document_add(
            actor=SEED_ACTOR, person=person, kind=IdentityDocument.Kind.DNI, number=spec["dni"], issuing_state="PER",
            issue_date=dt.date(2019, 4, 2), expiry_date=dt.date(2027, 4, 2),
        )
        created += 1
    return created


def _seed_demo_foreigners(points: dict[str, CrossingPoint]) -> int:
    """The three demo foreigners (module docstring), each made once, with dates relative to today."""
    from django.utils import timezone

    today, now = timezone.localdate(), timezone.now()
    created = 0
    for spec in DEMO_FOREIGNERS:
        state, number = spec["passport"]
        if IdentityDocument.objects.filter(kind=IdentityDocument.Kind.PASAPORTE_EXTRANJERO, issuing_state=state,
                                           number=number).exists():
            continue
        with transaction.atomic():
            person = services.person_create(
                actor=SEED_ACTOR, given_names=spec["given_names"], first_surname=spec["first_surname"],
                second_surname=spec["second_surname"], birth_date=spec["birth_date"], sex=spec["sex"],
                nationality=spec["nationality"])
            passport = services.document_add(
                actor=SEED_ACTOR, person=person, kind=IdentityDocument.Kind.PASAPORTE_EXTRANJERO, number=number,
                issuing_state=state, issue_date=today - dt.timedelta(days=900),
                expiry_date=today + dt.timedelta(days=365 * 4))
            if spec["calidad"]:
                valid_from = today + dt.timedelta(days=spec["valid_from_days"])
                valid_until = today + dt.timedelta(days=spec["valid_until_days"])
                kind, permit_number = spec["permit_document"]
                services.document_add(actor=SEED_ACTOR, person=person, kind=kind, number=permit_number,
                                      issuing_state="PER", issue_date=valid_from, expiry_date=valid_until)
                services.residence_status_set(actor=SEED_ACTOR, person=person, calidad=spec["calidad"],
                                              valid_from=valid_from, valid_until=valid_until,
                                              reference=spec["reference"])
            services.movement_record(
                actor=SEED_ACTOR, person=person, direction=Movement.Direction.ENTRY, crossing_point=points["AIJCH"],
                channel=Movement.Channel.COUNTER, occurred_at=now + dt.timedelta(days=spec["entered_days"]),
                document=passport, flight=spec["flight"], origin=spec["origin"], destination="Lima")
        created += 1
    return created


def _employers_with_ruc() -> list[tuple[str, str]]:
    """Each demo employer with a RUC whose check digit is valid (companies start with 20)."""
    result = []
    for n, name in enumerate(_EMPLOYERS):
        body = f"20{100000 + n * 7331:08d}"
        result.append((name, body + pe_ruc.calc_check_digit(body)))
    return result


def _pick_nationality(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for code, share in _NATIONALITIES:
        acc += share
        if roll < acc:
            return code
    return "PER"


def _names_for(rng: random.Random, nationality: str, sex: str) -> tuple[str, str, str]:
    """Given names, first surname, second surname as they are written in that country."""
    key = "F" if sex == "F" else "M"
    if nationality == "USA":
        return rng.choice(_ENGLISH_GIVEN[key]), rng.choice(_ENGLISH_SURNAMES), ""
    if nationality == "CHN":
        return rng.choice(_CHINESE_GIVEN[key]), rng.choice(_CHINESE_SURNAMES), ""
    if nationality == "D":
        return rng.choice(_GERMAN_GIVEN[key]), rng.choice(_GERMAN_SURNAMES), ""
    simple, compound = (_FEMALE, _FEMALE_COMPOUND) if key == "F" else (_MALE, _MALE_COMPOUND)
    roll = rng.random()
    if roll < 0.10:
        given = rng.choice(compound)
    elif roll < 0.65:
        given = f"{rng.choice(simple)} {rng.choice(simple)}"
    else:
        given = rng.choice(simple)
    first = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(_SURNAMES)
    second = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(_SURNAMES)
    return given, first, second


def _dni_for(index: int) -> str:
    # 104729 is prime and coprime with 50,000,000: distinct indexes give distinct DNIs.
    return f"{40_000_000 + (index * 104_729) % 50_000_000:08d}"


def _generate_batch(
    rng: random.Random, *, first_index: int, size: int, first_person_id: int, first_document_id: int,
    point_ids: Sequence[int], employers: Sequence[tuple[str, str]],
) -> _Batch:
    batch = _Batch()
    now = dt.datetime.now(dt.UTC)
    for offset in range(size):
        index, person_id = first_index + offset, first_person_id + offset
        nationality = _pick_nationality(rng)
        sex = "X" if nationality != "PER" and rng.random() < 0.002 else rng.choice("MF")
        given, first, second = _names_for(rng, nationality, sex)
        sibling = offset > 0 and nationality == "PER" and rng.random() < 0.06 and batch.persons[-1][7] == "PER"
        if sibling:
            # Siblings share both surnames; the link is recorded from each side.
            first, second = batch.persons[-1][2], batch.persons[-1][3]
            batch.family.append((person_id, person_id - 1, FamilyLink.Relation.HERMANO, now))
            batch.family.append((person_id - 1, person_id, FamilyLink.Relation.HERMANO, now))
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 82))
        batch.persons.append((
            person_id, given, first, second, normalize_name(f"{given} {first} {second}"), birth, sex, nationality,
            rng.randint(140, 195) if rng.random() < 0.7 else None, rng.choice(_EYES), rng.choice(_HAIR),
            rng.choice(_MARKS) if rng.random() < 0.05 else "", None, now, now,
        ))
        doc_id = first_document_id + 2 * offset
        main_doc = _main_document(rng, index=index, person_id=person_id, doc_id=doc_id, nationality=nationality, now=now)
        if main_doc is None:
            continue
        batch.documents.append(main_doc)
        second_doc = _second_document(rng, index=index, person_id=person_id, doc_id=doc_id + 1, nationality=nationality, now=now)
        if second_doc:
            batch.documents.append(second_doc)
            _add_residence_status(batch, index=index, document=second_doc, now=now)
        travel_doc = second_doc if nationality == "PER" and second_doc else main_doc
        _add_life_details(rng, batch, person_id=person_id, birth=birth, employers=employers)
        _add_movements(rng, batch, person_id=person_id, nationality=nationality, travel_doc=travel_doc, point_ids=point_ids, now=now)
        _maybe_add_alert(rng, batch, person=batch.persons[-1], document=travel_doc, now=now)
    return batch


def _main_document(rng, *, index, person_id, doc_id, nationality, now) -> tuple | None:
    issue = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 8))
    if nationality == "PER":
        dni = _dni_for(index)
        if dni in RESERVED_DNIS:
            return None
        return (doc_id, person_id, IdentityDocument.Kind.DNI, dni, "PER", issue, issue + dt.timedelta(days=365 * 8),
                IdentityDocument.Status.VIGENTE, now)
    number = f"{_PASSPORT_PREFIX[nationality]}{index:08d}"
    status = IdentityDocument.Status.VENCIDO if issue.year < 2018 else IdentityDocument.Status.VIGENTE
    return (doc_id, person_id, IdentityDocument.Kind.PASAPORTE_EXTRANJERO, number, nationality, issue,
            issue + dt.timedelta(days=365 * 6), status, now)


def _second_document(rng, *, index, person_id, doc_id, nationality, now) -> tuple | None:
    issue = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 6))
    roll = rng.random()
    if nationality == "PER":
        if roll >= 0.3:
            return None
        return (doc_id, person_id, IdentityDocument.Kind.PASAPORTE, f"{120_000_000 + index:09d}", "PER", issue,
                issue + dt.timedelta(days=365 * 10), IdentityDocument.Status.VIGENTE, now)
    if roll < 0.4:
        return (doc_id, person_id, IdentityDocument.Kind.CARNE_EXTRANJERIA, f"{index:09d}", "PER", issue,
                issue + dt.timedelta(days=365 * 4), IdentityDocument.Status.VIGENTE, now)
    if roll < 0.6 and nationality == "VEN":
        return (doc_id, person_id, IdentityDocument.Kind.PTP, f"PTP{index:08d}", "PER", issue,
                issue + dt.timedelta(days=365 * 2), IdentityDocument.Status.VIGENTE, now)
    return None


def _add_residence_status(batch: _Batch, *, index: int, document: tuple, now) -> None:
    """A carné's or PTP's holder has the calidad it proves, with its dates (none for a Peruvian passport)."""
    kind, issue, expiry = document[2], document[5], document[6]
    if kind == IdentityDocument.Kind.CARNE_EXTRANJERIA:
        calidad = _CARNE_CALIDADES[index % len(_CARNE_CALIDADES)]
    elif kind == IdentityDocument.Kind.PTP:
        calidad = ResidenceStatus.Calidad.PTP
    else:
        return
    batch.residence_statuses.append((document[1], calidad, issue, expiry, ResidenceStatus.Status.VIGENTE, "",
                                     SEED_ACTOR, now))


def _add_life_details(rng, batch: _Batch, *, person_id: int, birth: dt.date, employers) -> None:
    adult_year = birth.year + 18
    if rng.random() < 0.35 and adult_year < 2025:
        school, level = rng.choice(_SCHOOLS)
        batch.studies.append((person_id, school, level, rng.choice(_FIELDS), min(adult_year + rng.randint(0, 8), 2025)))
    if rng.random() < 0.30 and adult_year < 2024:
        employer, ruc = rng.choice(employers)
        since = dt.date(max(adult_year, 1990), 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 3))
        until = since + dt.timedelta(days=rng.randrange(200, 3000)) if rng.random() < 0.4 else None
        batch.workplaces.append((person_id, employer, ruc, rng.choice(_POSITIONS), since, until))


def _add_movements(rng, batch: _Batch, *, person_id, nationality, travel_doc, point_ids, now) -> None:
    if rng.random() >= 0.4:
        return
    # Peruvians leave and come back; foreigners come in and leave.
    directions = ("EXIT", "ENTRY") if nationality == "PER" else ("ENTRY", "EXIT")
    when = dt.datetime(2023, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 900))
    point = point_ids[0] if rng.random() < 0.6 else rng.choice(point_ids)
    channel = rng.choice(("COUNTER", "COUNTER", "EGATE", "MOBILE"))
    for n in range(rng.randint(1, 2)):
        flight = f"LA{rng.randint(2000, 2999)}" if point == point_ids[0] else ""
        city = rng.choice(_CITIES)
        origin, destination = ("Lima", city) if directions[n] == "EXIT" else (city, "Lima")
        batch.movements.append((person_id, directions[n], point, when, travel_doc[0], channel, flight, origin,
                                destination, "sistema:seed_demo", now))
        when += dt.timedelta(days=rng.randint(3, 60), minutes=rng.randrange(0, 600))


def _maybe_add_alert(rng, batch: _Batch, *, person: tuple, document: tuple, now) -> None:
    roll = rng.random()
    if roll >= 0.002:
        return
    since = now - dt.timedelta(days=rng.randint(1, 2000))
    reference = f"DEMO-{person[0]:08d}"
    if roll < 0.0007:
        # A PNP requisitoria names a person, not a document: matched by name and birth date.
        batch.alerts.append(("PNP", "REQUISITORIA", "", "", person[4], person[5], person[0], since, None,
                             "Requisitoria vigente (dato de demostración)", reference, now))
    elif roll < 0.0012:
        batch.alerts.append(("JUDICIAL", "IMPEDIMENTO_SALIDA", document[3], document[4], person[4], person[5],
                             person[0], since, None, "Impedimento de salida por proceso de alimentos (demostración)",
                             reference, now))
    elif roll < 0.0017:
        batch.alerts.append(("INTERPOL", "SLTD", document[3], document[4], "", None, None, since, None,
                             "Documento reportado como robado (demostración)", reference, now))
    else:
        batch.alerts.append(("ALIANZA_PACIFICO", "NOTICE", document[3], document[4], person[4], person[5], person[0],
                             since, None, "Aviso de la Alianza del Pacífico (demostración)", reference, now))


def _drop_taken_documents(batch: _Batch) -> None:
    """Skip generated persons whose document number already exists (e.g. created by hand)."""
    taken = set(
        IdentityDocument.objects.filter(number__in=[row[3] for row in batch.documents])
        .values_list("kind", "issuing_state", "number")
    )
    if not taken:
        return
    clash = {row[1] for row in batch.documents if (row[2], row[4], row[3]) in taken}
    batch.persons = [row for row in batch.persons if row[0] not in clash]
    batch.documents = [row for row in batch.documents if row[1] not in clash]
    batch.family = [row for row in batch.family if row[0] not in clash and row[1] not in clash]
    batch.studies = [row for row in batch.studies if row[0] not in clash]
    batch.workplaces = [row for row in batch.workplaces if row[0] not in clash]
    batch.movements = [row for row in batch.movements if row[0] not in clash]
    batch.alerts = [row for row in batch.alerts if row[6] not in clash]
    batch.residence_statuses = [row for row in batch.residence_statuses if row[0] not in clash]


def _write_batch(batch: _Batch) -> None:
    for model, columns, rows in (
        (Person, _PERSON_COLS, batch.persons),
        (IdentityDocument, _DOCUMENT_COLS, batch.documents),
        (FamilyLink, _FAMILY_COLS, batch.family),
        (Study, _STUDY_COLS, batch.studies),
        (Workplace, _WORK_COLS, batch.workplaces),
        (Movement, _MOVEMENT_COLS, batch.movements),
        (Alert, _ALERT_COLS, batch.alerts),
        (ResidenceStatus, _RESIDENCE_COLS, batch.residence_statuses),
    ):
        if rows:
            _insert(model, columns, rows)


def _insert(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        # COPY is about ten times faster than INSERT for a million rows.
        buffer = io.StringIO()
        # In COPY's CSV format an unquoted empty field is NULL; FORCE_NOT_NULL makes it "" for text columns.
        csv.writer(buffer).writerows(rows)
        buffer.seek(0)
        text_columns = [c for c in columns if _is_text(model, c)]
        force = f", FORCE_NOT_NULL ({', '.join(text_columns)})" if text_columns else ""
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})", buffer
            )
        return
    model.objects.bulk_create([model(**dict(zip(columns, row))) for row in rows], batch_size=500)


def _is_text(model: type[models.Model], column: str) -> bool:
    field = model._meta.get_field(column.removesuffix("_id")) if column.endswith("_id") else model._meta.get_field(column)
    return isinstance(field, (models.CharField, models.TextField)) and not field.null


def _compact_search_index() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("REINDEX INDEX rim_person_search_trgm")
        cursor.execute("ANALYZE rim_person, rim_identitydocument, rim_alert")


def _reset_sequences() -> None:
    """After explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), [Person, IdentityDocument])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
