"""Account pages: sign-in and out, sign-up, e-mail check, the officers' second factor, password reset."""
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "cuentas"

urlpatterns = [
    path("ingresar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("registro/", views.signup, name="signup"),
    path("registro/ciudadano/", views.signup_citizen, name="signup_citizen"),
    path("registro/extranjero/", views.signup_foreigner, name="signup_foreigner"),
    path("verificar-correo/<str:token>/", views.verify_email, name="verify_email"),
    path("otp/", views.otp_verify, name="otp"),
    path("otp/configurar/", views.otp_setup, name="otp_setup"),
    path("otp/activaciones/", views.otp_activations, name="otp_activations"),
    path("clave/cambiar/", views.password_change, name="password_change"),
    path("clave/olvide/", views.PasswordResetView.as_view(), name="password_reset"),
    path("clave/enviado/", auth_views.PasswordResetDoneView.as_view(
        template_name="cuentas/message.html",
        extra_context={"title": _("Revise su correo"),
                       "text": _("Si la cuenta existe, le enviamos un enlace para elegir una nueva contraseña.")}),
        name="password_reset_done"),
    path("clave/nueva/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="cuentas/password_reset_confirm.html",
        success_url=reverse_lazy("cuentas:password_reset_complete")), name="password_reset_confirm"),
    path("clave/lista/", auth_views.PasswordResetCompleteView.as_view(
        template_name="cuentas/message.html",
        extra_context={"title": _("Contraseña cambiada"), "text": _("Ya puede ingresar con su nueva contraseña.")}),
        name="password_reset_complete"),
]
