"""Pages for signing in and up, the officers' second factor (and its activation codes), password
changes and resets, and e-mail verification."""
from urllib.parse import urlencode, urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash, views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from auditoria.services import audit_record
from core.errors import ApplicationError, ExternalServiceUnavailable

from . import roles, selectors, services
from .hooks import work_page_for
from .audit_actions import AuditAction
from .forms import ActivationCodeForm, ActivationIssueForm, CitizenSignupForm, ForeignerSignupForm, LoginForm, OTPForm
from .throttling import Throttled, ThrottleUnavailable, request_throttle
from .web import application_error_page, role_required, show_error


class LoginView(auth_views.LoginView):
    template_name = "cuentas/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """A failed sign-in says how many attempts are left once the lockout is near."""
        username = (form.data.get("username") or "").strip()
        if username:
            failures = AxesProxyHandler.get_failures(self.request, credentials={"username": username})
            left = settings.AXES_FAILURE_LIMIT - failures
            if 0 < left <= settings.LOGIN_ATTEMPTS_WARNING_AT:
                minutes = round(settings.AXES_COOLOFF_TIME * 60)
                warning = (_("Le queda 1 intento. Si falla, el ingreso se bloqueará %(minutes)d minutos.") if left == 1
                           else _("Le quedan %(left)d intentos. Si fallan, el ingreso se bloqueará %(minutes)d minutos."))
                form.add_error(None, warning % {"left": left, "minutes": minutes})
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), action=AuditAction.LOGIN, kind="auth")
        if form.get_user().is_staff_role:
            return redirect(f"{reverse_lazy('cuentas:otp')}?next={self.get_success_url()}")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled per client address and per account; the link is built from SITE_URL, not the Host."""

    template_name = "cuentas/password_reset.html"
    email_template_name = "cuentas/password_reset_email.txt"
    html_email_template_name = "cuentas/password_reset_email.html"
    subject_template_name = "cuentas/password_reset_subject.txt"
    success_url = reverse_lazy("cuentas:password_reset_done")

    def form_valid(self, form):
        try:
            request_throttle(self.request, address_scope="password_reset_ip",
                             keyed={"password_reset_account": form.cleaned_data["email"].strip().lower()})
        except (Throttled, ThrottleUnavailable) as exc:
            return application_error_page(self.request, exc, back_url=self.request.path)
        site = urlsplit(settings.SITE_URL)
        self.extra_email_context = {"domain": site.netloc + site.path.rstrip("/"), "protocol": site.scheme}
        return super().form_valid(form)


def _apply_errors(form, exc: ApplicationError) -> None:
    placed = False
    for field, message in exc.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@require_http_methods(["GET", "POST"])
def signup(request):
    return render(request, "cuentas/signup.html")


@require_http_methods(["GET", "POST"])
def signup_citizen(request):
    form = CitizenSignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.citizen_signup(dni=d["dni"], verification_digit=d["verification_digit"],
                                        issue_date=d["issue_date"], email=d["email"], password=d["password"],
                                        personal_data_consent=d["personal_data_consent"],
                                        language=get_language() or "es")
            except ExternalServiceUnavailable as exc:
                # RENIEC did not answer: nothing was created; the outage page says so and leads back.
                return application_error_page(request, exc, back_url=request.path)
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Cuenta creada. Ya puede ingresar con su DNI."))
                return redirect("cuentas:login")
        else:
            status = 400
    return render(request, "cuentas/signup_citizen.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def signup_foreigner(request):
    form = ForeignerSignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.foreigner_signup(
                    document_type=d["document_type"], document_number=d["document_number"],
                    nationality=d["nationality"], birth_date=d["birth_date"], given_names=d["given_names"],
                    surnames=d["surnames"], email=d["email"], password=d["password"],
                    verify_url_base=settings.SITE_URL, personal_data_consent=d["personal_data_consent"],
                    language=get_language() or "es",
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                return render(request, "cuentas/signup_sent.html", {"email": d["email"]})
        else:
            status = 400
    return render(request, "cuentas/signup_foreigner.html", {"form": form}, status=status)


def verify_email(request, token: str):
    try:
        services.foreigner_email_verify(token=token)
    except ApplicationError as exc:
        return render(request, "cuentas/message.html", {"title": _("Enlace no válido"), "text": exc.message}, status=400)
    messages.success(request, _("Correo verificado. Ya puede ingresar."))
    return redirect("cuentas:login")


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second factor for officers and supervisors; without a device, the enrollment (activation code first)."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse_lazy('cuentas:otp_setup')}?next={_safe_next(request)}")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        try:
            request_throttle(request, address_scope="otp_verify_ip", keyed={"otp_verify_user": str(request.user.pk)})
        except (Throttled, ThrottleUnavailable) as exc:
            return application_error_page(request, exc, back_url=request.get_full_path())
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                audit_record(actor=request.user, action=AuditAction.OTP_VERIFIED, kind="auth")
                return redirect(_after_second_factor(request))
        form.add_error("token", _("Código incorrecto o vencido"))
        audit_record(actor=request.user, action=AuditAction.OTP_FAILED, kind="auth")
    return render(request, "cuentas/otp.html", {"form": form, "next": _safe_next(request)},
                  status=400 if request.method == "POST" else 200)


_SETUP_DEVICE_KEY = "cuentas_otp_setup_device"


def _second_factor_missing(request) -> bool:
    # /cuentas/ pages are outside OfficerOTPRequiredMiddleware (they are where TOTP happens), so the
    # ones that change an account check it themselves.
    return request.user.is_staff_role and not request.user.is_verified()


def _after_second_factor(request) -> str:
    target = _safe_next(request)
    if target in ("", "/", resolve_url(settings.LOGIN_REDIRECT_URL)):
        # Nobody asked for a page: an officer starts at their work page, not at the citizens' home.
        target = work_page_for(request.user) or target
    if request.user.password_change_required:
        return f"{reverse_lazy('cuentas:password_change')}?{urlencode({'next': target})}"
    return target


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enroll an authenticator: first the one-time activation code from a supervisor, then the app.

    The secret is shown only after the code is spent, so a stolen password alone never reaches it.
    """
    if list(devices_for_user(request.user, confirmed=True)):
        return redirect("cuentas:otp")
    device = TOTPDevice.objects.filter(pk=request.session.get(_SETUP_DEVICE_KEY), user=request.user,
                                       confirmed=False).first()
    if device is None:
        form = ActivationCodeForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    request_throttle(request, address_scope="otp_activation_ip",
                                     keyed={"otp_activation_user": str(request.user.pk)})
                except (Throttled, ThrottleUnavailable) as exc:
                    return application_error_page(request, exc, back_url=request.get_full_path())
                try:
                    device = services.otp_activation_redeem(user=request.user,
                                                            code=form.cleaned_data["activation_code"])
                except ApplicationError as exc:
                    _apply_errors(form, exc)
                    status = exc.status
                else:
                    request.session[_SETUP_DEVICE_KEY] = device.pk
                    return redirect(f"{reverse_lazy('cuentas:otp_setup')}?{urlencode({'next': _safe_next(request)})}")
        return render(request, "cuentas/otp_activate.html", {"form": form, "next": _safe_next(request)},
                      status=status)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"].strip()):
            request.session.pop(_SETUP_DEVICE_KEY, None)
            otp_login(request, device)
            return redirect(_after_second_factor(request))
        form.add_error("token", _("Código incorrecto"))
    import segno

    qr_svg = segno.make(device.config_url).svg_inline(scale=4)
    return render(request, "cuentas/otp_setup.html",
                  {"form": form, "qr_svg": qr_svg, "secret": device.bin_key.hex(), "next": _safe_next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """The change a staff member's first sign-in requires (and anyone may make)."""
    if _second_factor_missing(request):
        return redirect(f"{reverse_lazy('cuentas:otp')}?{urlencode({'next': request.get_full_path()})}")
    form = PasswordChangeForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.user_password_change(user=request.user, password=form.cleaned_data["new_password1"],
                                              actor=request.user)
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Contraseña cambiada."))
                return redirect(_safe_next(request))
    return render(request, "cuentas/password_change.html", {"form": form, "next": _safe_next(request)},
                  status=status)


@role_required(roles.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def otp_activations(request):
    """A supervisor issues activation codes to the staff of their own sede; each code is shown once."""
    if _second_factor_missing(request):
        return redirect(f"{reverse_lazy('cuentas:otp')}?{urlencode({'next': request.get_full_path()})}")
    issued = None
    if request.method == "POST":
        form = ActivationIssueForm(request.POST)
        target = None
        if form.is_valid():
            target = selectors.staff_member_of_office(office=request.user.office,
                                                      user_id=form.cleaned_data["user_id"])
        if target is None:
            messages.error(request, _("Esa persona no es personal de su sede."))
        else:
            try:
                issued = (target, services.otp_activation_issue(user=target, actor=request.user))
            except ApplicationError as exc:
                show_error(request, exc)
    staff = selectors.staff_of_office(office=request.user.office, exclude=request.user)
    response = render(request, "cuentas/otp_activations.html", {"staff": staff, "issued": issued})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def language_set(request):
    """The layout's language switch: Django's set_language, and the choice kept on the account, so that the
    person's e-mails come in the language they read the portal in."""
    from django.views.i18n import set_language

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in ("es", "en") and request.user.language != language:
        from .models import User

        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
