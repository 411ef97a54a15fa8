"""Project-level pages: home, health, help and contact, the personal-data notice, and the person's own
data with its access log."""
import hmac
import secrets
import time

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from auditoria.selectors import person_access_lines
from auditoria.services import audit_record
from cuentas import roles
from cuentas.selectors import offices_open_to_the_public
from integraciones.health import check_all as simulators_health
from rim.audit_actions import AuditAction as RimAuditAction
from rim.selectors import person_for_user

from .tasks import heartbeat_age_s

# (url name or None when not built yet, name, description, English name, roles that may use it or None for
# anyone); the English name helps a visitor who reads no Spanish find the English switch, so the page
# shows it only while the page is in Spanish.
SERVICES = [
    ("pasaporte:home", _("Pasaporte electrónico"), _("Pague, reserve su cita y siga su trámite."), "Electronic passport",
     {roles.CITIZEN}),
    ("tam:download", _("TAM virtual"), _("Descargue y verifique su Tarjeta Andina de Migración."), "Virtual TAM", None),
    ("tramites:catalogue", _("Trámites para extranjeros"),
     _("Prórroga, cambio de calidad migratoria, permisos, duplicado de carné, actualización de datos."),
     "Procedures for foreigners", None),
    (None, _("Carné de extranjería"), _("Carné electrónico verificable."), "Foreigner ID card", None),
    ("control:migracheck", _("Control migratorio"), _("Puertas electrónicas y control en ventanilla."), "Border control",
     None),
    ("tramites:catalogue", _("Certificado de movimiento migratorio"),
     _("Sus entradas y salidas del país, en un PDF firmado, en minutos."), "Travel history certificate", None),
    ("buzon:home", _("Casilla electrónica"), _("Reciba y descargue las notificaciones de sus trámites."),
     "Electronic mailbox", {roles.CITIZEN, roles.FOREIGNER}),
]

# Why a signed-in person cannot use a service, and what to do instead, by the service's url name.
NOT_FOR_FOREIGNERS = {
    "pasaporte:home": _("El pasaporte peruano se tramita solo con DNI. Si es extranjero, su pasaporte lo emite su "
                        "país: consulte a su consulado. Aquí puede descargar su TAM y recibir sus notificaciones."),
}
NOT_FOR_STAFF = _("Su cuenta es de servidor de MIGRACIONES. Para un trámite propio, ingrese con su cuenta personal.")
NOT_FOR_ROLE = _("Su cuenta no puede usar este servicio. Ingrese con su cuenta de ciudadano o de extranjero.")


@dataclass(frozen=True)
class ServiceCard:
    url: str  # where the name links; "" when the service is not built or not for this person
    name: str
    text: str
    english: str
    state: str  # "open", "sign_in", "not_for_you", "soon"
    why: str = ""


def service_cards(user) -> list[ServiceCard]:
    """The home page's cards for this visitor: a service they cannot use says why and what to do instead
    (sign in first, or another service), so the home page never leads to a bare 403."""
    cards = []
    for url_name, name, text, english, allowed in SERVICES:
        if url_name is None:
            cards.append(ServiceCard("", name, text, english, "soon"))
            continue
        url = reverse(url_name)
        if allowed is None or (user.is_authenticated and user.role_names & allowed):
            cards.append(ServiceCard(url, name, text, english, "open"))
        elif not user.is_authenticated:
            login = f"{reverse('cuentas:login')}?{urlencode({'next': url})}"
            why = (_("Ingrese con su DNI para usar este servicio.") if allowed == {roles.CITIZEN}
                   else _("Ingrese con su cuenta para usar este servicio."))
            cards.append(ServiceCard(login, name, text, english, "sign_in", why))
        elif user.role_names & {roles.FOREIGNER} and url_name in NOT_FOR_FOREIGNERS:
            cards.append(ServiceCard("", name, text, english, "not_for_you", NOT_FOR_FOREIGNERS[url_name]))
        elif user.is_staff_role:
            cards.append(ServiceCard("", name, text, english, "not_for_you", NOT_FOR_STAFF))
        else:
            cards.append(ServiceCard("", name, text, english, "not_for_you", NOT_FOR_ROLE))
    return cards


def home(request):
    return render(request, "home.html", {"services": service_cards(request.user)})


def help_contact(request):
    """/ayuda/: the public channels (phone, e-mail, sedes, the Libro de Reclamaciones)."""
    phone = settings.CONTACT_PHONE
    return render(request, "ayuda.html", {
        "phone": phone, "phone_tel": "+51" + "".join(c for c in phone if c.isdigit()).lstrip("0"),
        "email": settings.CONTACT_EMAIL, "hours": settings.CONTACT_HOURS, "sedes_url": settings.SEDES_URL,
        "offices": offices_open_to_the_public(),
    })


def personal_data_notice(request):
    """/datos-personales/: the notice of Ley 29733 that sign-up asks the person to accept."""
    return render(request, "datos_personales.html", {"contact_email": settings.CONTACT_EMAIL})


def _timed(fn) -> dict:
    """{"ok": True, "ms": ...} or {"ok": False, "error": class name}: never the exception's text."""
    start = time.perf_counter()
    try:
        extra = fn() or {}
        return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1), **extra}
    except Exception as exc:  # health must report, never raise
        return {"ok": False, "error": type(exc).__name__}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _cache():
    token = secrets.token_hex(8)
    cache.set("migraciones:healthz", token, timeout=30)
    if cache.get("migraciones:healthz") != token:
        raise RuntimeError("cache did not keep a value")


def _broker():
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    return {"mode": "redis"}


class _NoHeartbeat(Exception):
    pass


def _worker():
    age = heartbeat_age_s()
    if age is None or age > settings.WORKER_HEARTBEAT_MAX_AGE_S:
        raise _NoHeartbeat()
    return {"heartbeat_age_s": round(age, 1)}


def _may_see_details(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff_role", False)
                and user.is_verified())


@never_cache
def healthz(request):
    """200 {"status": "ok"} when the database, cache, broker and a worker answer; 503 {"status": "fail"}
    otherwise. Each part with its timing only for monitoring (HEALTHZ_TOKEN) or signed-in staff."""
    parts = {"database": _timed(_database), "cache": _timed(_cache)}
    if settings.CELERY_BROKER_URL:
        parts["broker"] = _timed(_broker)
        parts["worker"] = _timed(_worker)
    else:
        parts["broker"] = parts["worker"] = {"ok": True, "mode": "eager"}
    ok = all(part["ok"] for part in parts.values())
    body: dict = {"status": "ok" if ok else "fail"}
    if _may_see_details(request):
        # The external systems are reported, but a national service degrades without them: they
        # do not fail the portal's own health.
        body.update(parts, simulators=simulators_health(timeout=1.0))
    return JsonResponse(body, status=200 if ok else 503)


@login_required
def my_data(request):
    person = person_for_user(request.user)
    if person is not None:
        audit_record(actor=request.user, action=RimAuditAction.PERSON_VIEW_OWN, kind="read", obj=person,
                     person_id=person.pk, purpose="el titular consulta sus propios datos")
    return render(request, "mis_datos.html", {"person": person})


@login_required
def my_summary(request):
    """Where a person lands after signing in: their services, and what needs their attention."""
    from django.shortcuts import redirect

    from buzon.selectors import casilla_active, notices_unread_count
    from cuentas import roles
    from pasaporte.summary import passport_next_step

    user = request.user
    if user.is_staff_role:
        return redirect("home")
    passport = passport_next_step(user) if user.has_role(roles.CITIZEN) else None
    from tramites.summary import cases_attention

    cases, case_count = cases_attention(user)
    return render(request, "mi_cuenta.html", {
        "passport": passport, "foreigner": user.has_role(roles.FOREIGNER),
        "unread": notices_unread_count(user), "casilla": casilla_active(user),
        "cases": cases, "case_count": case_count,
    })


@login_required
def my_data_access_log(request):
    person = person_for_user(request.user)
    lines = person_access_lines(person_id=person.pk, viewer=request.user) if person else []
    return render(request, "mis_datos_accesos.html", {"person": person, "lines": lines})
