"""The portal's admin site: Django's, refusing a NUL character in any parameter with a 400.

PostgreSQL cannot store or compare a NUL in text, so a search or filter carrying one failed
with a 500 deep inside a query. Installed in place of "django.contrib.admin" (settings).
"""
from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseBadRequest
from django.utils.html import escape
from django.utils.translation import gettext as _


def _carries_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or any("\x00" in value for value in values)
               for query in (request.GET, request.POST) for key, values in query.lists())


class PortalAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refusing_nul(request, *args, **kwargs):
            if _carries_nul(request):
                return HttpResponseBadRequest(escape(_("La consulta contiene un carácter nulo (NUL), que no se admite.")))
            return inner(request, *args, **kwargs)

        return refusing_nul


class PortalAdminConfig(AdminConfig):
    default_site = "auditoria.admin_site.PortalAdminSite"
