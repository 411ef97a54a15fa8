"""Page helpers shared by every app: role checks, domain errors on forms, the designed error pages."""
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy

from core.errors import ApplicationError


def role_required(*roles: str):
    """Signed in (officers with TOTP, by middleware) and holding one of the roles; others get 403."""
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.role_names & set(roles):
                raise DjangoPermissionDenied(_("Su rol no permite esta página."))
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def decision_field(*, label, choices, required_message, coerce=None) -> forms.ChoiceField:
    """A decision among radio buttons with none chosen in advance: `templates/includes_form.html` puts
    them in a <fieldset> whose <legend> is `label`, with a missing choice said on the fieldset."""
    kwargs = {"label": label, "choices": choices, "widget": forms.RadioSelect, "initial": None,
              "error_messages": {"required": required_message, "invalid_choice": required_message}}
    return forms.TypedChoiceField(coerce=coerce, **kwargs) if coerce else forms.ChoiceField(**kwargs)


def show_error(request: HttpRequest, exc: ApplicationError, form=None) -> None:
    """A domain error said once: on the form (its fields, or at the top of the form when it names
    none of them), or as a message when the page has no form. The error summary lists it."""
    if form is None:
        messages.error(request, exc.message)
        return
    said = False
    for name, text in exc.fields.items():
        text = str(text)
        # A field given a code (e.g. "invalid") instead of words gets the error's own message, once.
        if " " not in text.strip():
            if said:
                continue
            text, said = exc.message, True
        # Named fields the form does not have (e.g. what the bank compared) go at the top of the form.
        form.add_error(name if name in form.fields else None, text)
    # The error's own message heads the form unless a field already says it (each message once).
    shown = {str(text) for text in exc.fields.values()}
    if not said and exc.message not in shown:
        form.add_error(None, exc.message)


# The designed error pages (issue 12, item 4): what happened and what to do, in the portal's layout.
# Shared here, low on the ladder, so every app's page can answer with them (the root URLs' handlers
# and migraciones' middleware use them too).
ERROR_PAGES = {
    400: (gettext_lazy("La solicitud no es válida"),
          gettext_lazy("No pudimos leer los datos que envió. Vuelva a la página anterior, revise los datos e inténtelo de nuevo.")),
    403: (gettext_lazy("No puede ver esta página"),
          gettext_lazy("Su cuenta no tiene permiso para esta página. Si cree que debería tenerlo, ingrese con la cuenta "
            "correcta o escríbanos desde la página de ayuda.")),
    404: (gettext_lazy("No encontramos esta página"),
          gettext_lazy("La dirección puede estar mal escrita, o la página ya no existe. Revise el enlace o vuelva al inicio.")),
    413: (gettext_lazy("El archivo es demasiado grande"),
          gettext_lazy("Lo que envió supera el tamaño permitido. Use un archivo más pequeño e inténtelo de nuevo.")),
    429: (gettext_lazy("Demasiados intentos"),
          gettext_lazy("Por su seguridad limitamos los intentos seguidos. Espere unos minutos e inténtelo de nuevo.")),
    500: (gettext_lazy("Hubo un problema en el portal"),
          gettext_lazy("Algo falló de nuestro lado y no se completó la operación. Inténtelo de nuevo en unos minutos.")),
    503: (gettext_lazy("El servicio no está disponible en este momento"),
          gettext_lazy("Un servicio que necesitamos no responde. No se guardó nada a medias. Inténtelo de nuevo en unos minutos.")),
}


def error_context(*, status: int, message: str = "", retry_after: int | None = None,
                  back_url: str = "") -> dict:
    """What the error page shows: its title and text, the domain's own message, when to retry."""
    title, text = ERROR_PAGES.get(status, ERROR_PAGES[400])
    minutes = max(1, -(-int(retry_after) // 60)) if retry_after else None
    return {"status": status, "error_title": title, "error_text": text, "error_message": message,
            "retry_minutes": minutes, "back_url": back_url}


def _safe_back(request: HttpRequest, back_url: str | None) -> str:
    """Where "go back" leads: the given page, else the same-site page the visitor came from, else nowhere."""
    if back_url:
        return back_url
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return ""


def error_page(request: HttpRequest, *, status: int, message: str = "", retry_after: int | None = None,
               back_url: str | None = None) -> HttpResponse:
    """The designed page for `status` (400, 403, 404, 413, 429, 500, 503), with a way back."""
    context = error_context(status=status, message=str(message or ""), retry_after=retry_after,
                            back_url=_safe_back(request, back_url))
    response = render(request, "errors/page.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


def application_error_page(request: HttpRequest, exc: ApplicationError, *, back_url: str | None = None) -> HttpResponse:
    """A domain error that ends the page (throttled, too large, an outage) as its designed page."""
    return error_page(request, status=exc.status, message=exc.message, retry_after=exc.extra.get("retry_after"),
                      back_url=back_url)
