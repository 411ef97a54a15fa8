"""Project-level pages: home, health, and the person's own data with its access log."""
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from auditoria.selectors import person_access_log
from auditoria.services import audit_record
from integraciones.health import check_all as simulators_health
from rim.selectors import person_for_user

# (slug, name, description, English hint); the hint helps a visitor who reads no Spanish find the
# English switch, so the page shows it only while the page is in Spanish.
# (url name or None when not built yet, name, description, English name)
SERVICES = [
    ("pasaporte:home", _("Pasaporte electrónico"), _("Pague, reserve su cita y siga su trámite."), "Electronic passport"),
    ("tam:download", _("TAM virtual"), _("Descargue y verifique su Tarjeta Andina de Migración."), "Virtual TAM"),
    (None, _("Trámites para extranjeros"), _("Prórroga, cambio de calidad migratoria, permisos, PTP, CME."),
     "Procedures for foreigners"),
    (None, _("Carné de extranjería"), _("Carné electrónico verificable."), "Foreigner ID card"),
    ("control:migracheck", _("Control migratorio"), _("Puertas electrónicas y control en ventanilla."), "Border control"),
    (None, _("Certificado de movimiento migratorio"), _("Sus entradas y salidas del país."), "Travel history certificate"),
]


def home(request):
    return render(request, "home.html", {"services": SERVICES})


def _timed(fn):
    start = time.perf_counter()
    try:
        fn()
        return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}
    except Exception as exc:  # health must report, never raise
        return {"ok": False, "error": type(exc).__name__, "detail": str(exc)[:200]}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker():
    if not settings.CELERY_BROKER_URL:
        return
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).ping()


@never_cache
def healthz(request):
    database = _timed(_database)
    broker = {"ok": True, "mode": "eager"} if not settings.CELERY_BROKER_URL else {**_timed(_broker), "mode": "redis"}
    simulators = simulators_health(timeout=1.0)
    ok = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if ok and all(s.get("ok") for s in simulators.values()) else ("degraded" if ok else "down"),
        "database": {**database, "vendor": connection.vendor},
        "broker": broker,
        "simulators": simulators,
    }
    return JsonResponse(body, status=200 if ok else 503)


@login_required
def my_data(request):
    person = person_for_user(request.user)
    if person is not None:
        audit_record(actor=request.user, action="rim.person_view_own", kind="read", obj=person,
                     person_id=person.pk, purpose="el titular consulta sus propios datos")
    return render(request, "mis_datos.html", {"person": person})


@login_required
def my_data_access_log(request):
    person = person_for_user(request.user)
    entries = person_access_log(person_id=person.pk)[:500] if person else []
    return render(request, "mis_datos_accesos.html", {"person": person, "entries": entries})
