"""Page helpers shared by every app: role checks and showing domain errors on forms."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

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


def show_error(request: HttpRequest, exc: ApplicationError, form=None) -> None:
    """A domain error on the form's fields when they exist, as a message otherwise."""
    messages.error(request, exc.message)
    if form is not None:
        for name, text in exc.fields.items():
            form.add_error(name if name in form.fields else None, str(text))
