"""Bulk data for bench_tramites.py: a dedicated database with 1,000,000 cases spread as a sede's year
looks (sedes, procedures, statuses, due dates), their observations, notices and resolution acts, loaded by
COPY. Django is set up by the caller; nothing here runs the services (that is what is measured)."""
from __future__ import annotations

import datetime as dt
import io
import random
import time

# Sedes and their share of the cases (Lima's two offices take most, as at MIGRACIONES).
SEDES = [("LIMA", 30), ("BRENA", 14), ("CALLAO", 6), ("AREQUIPA", 5), ("CUSCO", 5), ("TRUJILLO", 5),
         ("PIURA", 4), ("CHICLAYO", 4), ("TACNA", 4), ("TUMBES", 3), ("PUNO", 3), ("IQUITOS", 3),
         ("HUANCAYO", 2), ("ICA", 2), ("CAJAMARCA", 2), ("AYACUCHO", 1), ("PUCALLPA", 1), ("HUARAZ", 1),
         ("MOQUEGUA", 1), ("CHIMBOTE", 1), ("TARAPOTO", 1), ("PTO_MALDONADO", 1)]
# Procedure codes and their share; the two automatic ones are decided at once (closed, no legal term).
PROCEDURES = [("PRORROGA_RESIDENCIA", 24), ("CAMBIO_CALIDAD_ESPECIAL_RESIDENTE", 20), ("PRORROGA_PERMANENCIA", 14),
              ("CAMBIO_CALIDAD_TRABAJADOR_RESIDENTE", 8), ("PERMISO_ESPECIAL_VIAJE", 7), ("DUPLICADO_CARNE", 6),
              ("ACTUALIZACION_DATOS", 6), ("CAMBIO_CALIDAD_FAMILIAR_RESIDENTE", 5), ("PERMISO_FIRMAR_CONTRATOS", 5),
              ("CERTIFICADO_MOVIMIENTO_MIGRATORIO", 5)]
AUTOMATIC = {"PERMISO_FIRMAR_CONTRATOS", "CERTIFICADO_MOVIMIENTO_MIGRATORIO"}
# Statuses of the cases under prior evaluation (open ones first; 4 % already closed).
STATUSES = [("FILED", 24), ("IN_EVALUATION", 36), ("CORRECTED", 7), ("APPEALED", 2), ("OBSERVED", 14),
            ("RESOLVED", 4), ("NOTIFIED", 9), ("FINAL", 1), ("EFFECTS_APPLIED", 2), ("NOT_FILED", 0.5),
            ("WITHDRAWN", 0.5)]
UNDECIDED = ("FILED", "IN_EVALUATION", "CORRECTED", "APPEALED")
OFFICERS_PER_SEDE = 10
NULL = "\\N"


def _pick(rng: random.Random, weighted: list[tuple[str, float]]):
    names, weights = zip(*weighted)
    return lambda: rng.choices(names, weights)[0]


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of text already escaped, NULL as \\N) into table, 50,000 at a time."""
    from django.db import connection

    count, buf = 0, io.StringIO()

    def flush():
        buf.seek(0)
        with connection.cursor() as cur:
            cur.cursor.copy_from(buf, table, columns=columns, null=NULL)
        buf.seek(0)
        buf.truncate()

    for row in rows:
        buf.write("\t".join(row) + "\n")
        count += 1
        if count % 50_000 == 0:
            flush()
    flush()
    return count


def _ts(moment: dt.datetime) -> str:
    return moment.isoformat()


def seed(*, cases: int, applicants: int, seed_value: int = 13) -> dict:
    """Offices, officers, applicants (users + RIM persons, most with a casilla) and `cases` cases."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from calendario.services import add_business_days
    from cuentas.models import Office
    from tramites.catalogue import spec_of
    from tramites.models import Case, ProcedureType

    if Case.objects.exists():
        raise SystemExit("the database already has cases: use a fresh bench database (mig_hbench_*)")
    rng = random.Random(seed_value)
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    offices = {code: Office.objects.get_or_create(code=code, defaults={
        "name": f"Sede {code.title()}", "address": "Av. Principal 100", "city": code.title()})[0].pk
        for code, _w in SEDES}
    User = get_user_model()
    officer_group = Group.objects.get_or_create(name="officer")[0]
    unusable = make_password(None)
    officers: dict[int, list[int]] = {}
    for code, office_id in offices.items():
        staff = User.objects.bulk_create([User(username=f"oficial.{code.lower()}.{n}", password=unusable,
                                               office_id=office_id) for n in range(OFFICERS_PER_SEDE)])
        officer_group.user_set.add(*staff)
        officers[office_id] = [u.pk for u in staff]
    foreigner = Group.objects.get_or_create(name="foreigner")[0]
    # Applicants: users and their RIM persons, by COPY.
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM cuentas_user")
        first_user = cur.fetchone()[0] + 1
        cur.execute("SELECT coalesce(max(id), 0) FROM rim_person")
        first_person = cur.fetchone()[0] + 1
    stamp = _ts(now)
    _copy("cuentas_user", ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                           "is_staff", "is_active", "date_joined", "document_type", "document_number", "nationality",
                           "phone", "email_verified", "password_change_required", "language"],
          ((str(first_user + i), unusable, "f", f"bench{i}@example.pe", "", "", f"bench{i}@example.pe", "f", "t",
            stamp, "", "", "VEN", "", "t", "f", "es") for i in range(applicants)))
    _copy("cuentas_user_groups", ["user_id", "group_id"],
          ((str(first_user + i), str(foreigner.pk)) for i in range(applicants)))
    _copy("rim_person", ["id", "given_names", "first_surname", "second_surname", "search_name", "birth_date", "sex",
                         "nationality", "eye_color", "hair_color", "distinguishing_marks", "created_at", "updated_at",
                         "user_id"],
          ((str(first_person + i), "PERSONA", f"BENCH{i}", "", f"persona bench{i}", "1990-01-01", "F", "VEN", "", "",
            "", stamp, stamp, str(first_user + i)) for i in range(applicants)))
    # Seven in ten accepted the casilla; the others are notified personally (they acknowledge).
    with_casilla = {i for i in range(applicants) if rng.random() < 0.7}
    _copy("buzon_casilla", ["id", "person_id", "email", "phone", "language", "terms_version", "accepted_at",
                            "revoked_reason", "user_id"],
          ((str(first_user + i), str(first_person + i), f"bench{i}@example.pe", "", "es", "2026-1", stamp, "",
            str(first_user + i)) for i in sorted(with_casilla)))
    with connection.cursor() as cur:
        for table in ("cuentas_user", "rim_person", "buzon_casilla"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    procedures = {p.code: p for p in ProcedureType.objects.filter(active=True)}
    positive = {code for code, p in procedures.items() if spec_of(p).silence == "POSITIVE"}
    pick_sede, pick_procedure, pick_status = _pick(rng, SEDES), _pick(rng, PROCEDURES), _pick(rng, STATUSES)
    # A legal term is 30 business days (about 42 calendar days): a day's filings share their due date.
    due_of = {}
    for back in range(0, 120):
        filed_day = today - dt.timedelta(days=back)
        due_of[back] = add_business_days(filed_day, 30)
    counts: dict[str, int] = {}
    observations, notices, acts = [], [], []
    notice_id = [0]

    def notice(case_id: int, user_index: int, number: str, deposited: dt.datetime, *, read: bool, term: int | None,
               kind: str) -> int:
        notice_id[0] += 1
        casilla = user_index in with_casilla
        if casilla:
            status = "READ" if read else "DEPOSITED"
            read_at = _ts(min(now, deposited + dt.timedelta(hours=rng.randint(2, 60)))) if read else NULL
            ack = NULL
        else:
            status = "ACKNOWLEDGED" if read else "PENDING_PERSONAL"
            read_at = NULL
            ack = _ts(min(now, deposited + dt.timedelta(hours=rng.randint(2, 60)))) if read else NULL
        notices.append((str(notice_id[0]), str(first_person + user_index), status, kind, "(bench)", "", "",
                        "tramites.expediente", str(case_id), number, str(term) if term else NULL, _ts(deposited),
                        read_at, NULL, ack, _ts(deposited), "1", "", "", NULL, NULL,
                        str(first_user + user_index) if casilla else NULL, str(first_user + user_index)))
        return notice_id[0]

    def case_rows():
        for n in range(cases):
            case_id = n + 1
            user_index = rng.randrange(applicants)
            code = pick_procedure()
            office_id = offices[pick_sede()]
            number = f"EXP-2026-{case_id:07d}"
            status = "EFFECTS_APPLIED" if code in AUTOMATIC else pick_status()
            back = min(int(rng.expovariate(1 / 25)), 119)  # filed this many days ago (most are recent)
            filed_at = now - dt.timedelta(days=back, minutes=rng.randint(0, 600))
            due_on = None if code in AUTOMATIC else due_of[back]
            checks, pending = "{}", "f"
            if status in UNDECIDED and due_on is not None and due_on < today and code in positive:
                # The beat approved these by silence on the day after their term (no positive-silence
                # procedure has checks that could hold one back).
                status = "EFFECTS_APPLIED"
            elif status in UNDECIDED and rng.random() < 0.01:
                pending = "t"
            assigned = (str(rng.choice(officers[office_id])) if status in ("IN_EVALUATION", "OBSERVED", "CORRECTED",
                                                                           "RESOLVED", "APPEALED") else NULL)
            notified_on = final_on = resolved_at = NULL
            outcome = ""
            if status in ("RESOLVED", "NOTIFIED", "FINAL", "EFFECTS_APPLIED"):
                resolved = filed_at + dt.timedelta(days=rng.randint(1, 40))
                if status == "RESOLVED":  # adverse, waiting for its notification: deposited in the last week
                    resolved = now - dt.timedelta(days=rng.uniform(0, 7))
                resolved = min(resolved, now)
                resolved_at = _ts(resolved)
                outcome = "DENIED" if status in ("RESOLVED", "NOTIFIED", "FINAL") else "APPROVED"
                if status == "EFFECTS_APPLIED" and due_on is not None and due_on < today and code in positive:
                    outcome = "APPROVED_BY_SILENCE"
                if status == "RESOLVED":
                    # A few in a hundred were read or acknowledged since the last run: those are due.
                    nid = notice(case_id, user_index, number, resolved, read=rng.random() < 0.03, term=15,
                                 kind="resolución")
                    acts.append((str(len(acts) + 1), "RESOLUCION", _ts(resolved), str(case_id), NULL, str(nid)))
                if status == "NOTIFIED":
                    # Notified within the appeal term (15 business days, about 3 weeks); 1 in 500 just past it.
                    days_ago = rng.randint(0, 20) if rng.random() > 0.002 else rng.randint(23, 30)
                    notified_on = (today - dt.timedelta(days=days_ago)).isoformat()
                if status == "FINAL":
                    final_on = today.isoformat()
            if status == "OBSERVED":
                term = rng.choice((2, 5, 10))
                # Deposited within the term (not answered yet: answered ones are CORRECTED); 1 in 500 left
                # past its deadline.
                days_ago = rng.uniform(0, term) if rng.random() > 0.002 else rng.uniform(25, 40)
                deposited = now - dt.timedelta(days=days_ago)
                nid = notice(case_id, user_index, number, deposited, read=rng.random() < 0.6, term=term,
                             kind="observación")
                kind = "FORMAL" if rng.random() < 0.8 else "REQUIREMENT"
                observations.append((str(len(observations) + 1), kind, "(bench)", "[]", str(term), "0", NULL, "",
                                     NULL, "bench", _ts(deposited), str(case_id), str(nid)))
            counts[status] = counts.get(status, 0) + 1
            yield (str(case_id), status, number, "{}", NULL, _ts(filed_at), due_on.isoformat() if due_on else NULL,
                   checks, pending, outcome, "", resolved_at, "", notified_on, final_on, NULL, _ts(filed_at), "",
                   _ts(filed_at), _ts(now), str(first_user + user_index), NULL, assigned, str(office_id),
                   str(first_person + user_index), NULL, str(procedures[code].pk))

    loaded = _copy("tramites_case", ["id", "status", "number", "form_data", "submit_key", "filed_at", "due_on",
                                     "checks", "checks_pending", "outcome", "resolution_text", "resolved_at",
                                     "draft_outcome", "notified_on", "final_on", "effects_applied_at",
                                     "applicant_active_at", "closed_reason", "created_at", "updated_at",
                                     "applicant_id", "approved_by_id", "assigned_to_id", "office_id", "person_id",
                                     "resolved_by_id", "procedure_id"], case_rows())
    _copy("buzon_notice", ["id", "person_id", "status", "title", "body", "title_en", "body_en", "record_kind",
                           "record_id", "expediente", "deadline_business_days", "deposited_at", "read_at",
                           "deemed_on", "acknowledged_at", "alert_sent_at", "alert_attempts", "ack_nonce",
                           "cargo_status", "attachment_id", "cargo_id", "casilla_id", "recipient_id"], notices)
    _copy("tramites_observation", ["id", "kind", "text", "documents", "term_business_days", "extension_days",
                                   "extension_requested_at", "answer", "answered_at", "created_by", "created_at",
                                   "case_id", "notice_id"], observations)
    _copy("tramites_caseact", ["id", "kind", "created_at", "case_id", "document_id", "notice_id"], acts)
    with connection.cursor() as cur:
        for table in ("tramites_case", "buzon_notice", "tramites_observation", "tramites_caseact"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))")
        cur.execute("ANALYZE")
    return {"cases": loaded, "statuses": counts, "observations": len(observations), "notices": len(notices),
            "acts": len(acts), "applicants": applicants, "sedes": len(offices),
            "seconds": round(time.perf_counter() - started, 1)}
