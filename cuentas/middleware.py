"""Officers and supervisors must pass TOTP before any back-office page or API answers them."""
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

_EXEMPT_PREFIXES = ("/cuentas/", "/static/", "/i18n/", "/healthz", "/favicon")


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
        return self.get_response(request)
