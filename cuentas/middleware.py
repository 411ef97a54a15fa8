"""Officers and supervisors must pass TOTP (and replace a password someone else chose) before any
back-office page or API answers them; their sessions end after 8 hours, or 30 minutes idle."""
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_EXEMPT_PREFIXES = ("/cuentas/", "/static/", "/i18n/", "/healthz", "/favicon")
SESSION_STARTED = "staff_session_started"
SESSION_SEEN = "staff_session_seen"


class OfficerOTPRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_staff_role", False)
            and not user.is_verified()
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": "otp_required", "message": "Se requiere el segundo factor (TOTP)."}, status=403
                )
            return redirect(f"{reverse('cuentas:otp')}?next={request.get_full_path()}")
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "password_change_required", False)
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "password_change_required",
                                     "message": _("Debe cambiar su contraseña antes de continuar.")}, status=403)
            return redirect(f"{reverse('cuentas:password_change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class StaffSessionMiddleware:
    """A staff session lasts STAFF_SESSION_MAX_AGE_S from sign-in and STAFF_SESSION_IDLE_S between
    requests; citizens and foreigners keep Django's session age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_staff_role", False):
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            if now - started > settings.STAFF_SESSION_MAX_AGE_S or now - seen > settings.STAFF_SESSION_IDLE_S:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"error": "session_expired",
                                         "message": _("Su sesión venció. Ingrese de nuevo.")}, status=401)
                messages.info(request, _("Su sesión venció. Ingrese de nuevo."))
                return redirect(f"{reverse('cuentas:login')}?{urlencode({'next': request.get_full_path()})}")
            session[SESSION_SEEN] = now
            # The cookie itself ends with the idle limit, so a closed browser's session is not left open.
            session.set_expiry(settings.STAFF_SESSION_IDLE_S)
        return self.get_response(request)
