"""Pages for signing in and up, the officers' second factor and e-mail verification."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from auditoria.services import audit_record
from migraciones.errors import ApplicationError, ExternalServiceUnavailable

from . import services
from .forms import CitizenSignupForm, ForeignerSignupForm, LoginForm, OTPForm


class LoginView(auth_views.LoginView):
    template_name = "cuentas/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), action="cuentas.login", kind="auth")
        if form.get_user().is_staff_role:
            return redirect(f"{reverse_lazy('cuentas:otp')}?next={self.get_success_url()}")
        return response


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
                                        issue_date=d["issue_date"], email=d["email"], password=d["password"])
            except ExternalServiceUnavailable as exc:
                form.add_error(None, exc.message)
                status = 503
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
                    verify_url_base=request.build_absolute_uri("/"),
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
    """Second factor for officers and supervisors; a first visit sets up the TOTP device."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse_lazy('cuentas:otp_setup')}?next={_safe_next(request)}")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                audit_record(actor=request.user, action="cuentas.otp_verified", kind="auth")
                return redirect(_safe_next(request))
        form.add_error("token", _("Código incorrecto o vencido"))
        audit_record(actor=request.user, action="cuentas.otp_failed", kind="auth")
    return render(request, "cuentas/otp.html", {"form": form, "next": _safe_next(request)},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    if list(devices_for_user(request.user, confirmed=True)):
        return redirect("cuentas:otp")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="cuentas.otp_enrolled", kind="auth")
            return redirect(_safe_next(request))
        form.add_error("token", _("Código incorrecto"))
    import segno

    qr_svg = segno.make(device.config_url).svg_inline(scale=4)
    return render(request, "cuentas/otp_setup.html",
                  {"form": form, "qr_svg": qr_svg, "secret": device.bin_key.hex(), "next": _safe_next(request)})

