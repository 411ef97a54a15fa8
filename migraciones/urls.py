"""Root URLs: pages of every app, the API with its schema, health, admin, and the error handlers."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cuentas import views as cuentas_views

from . import errors, views

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("", views.home, name="home"),
    path("ayuda/", views.help_contact, name="help"),
    path("datos-personales/", views.personal_data_notice, name="personal_data"),
    path("healthz", views.healthz, name="healthz"),
    path("mi-cuenta/", views.my_summary, name="my_summary"),
    path("mis-datos/", views.my_data, name="my_data"),
    path("mis-datos/quien-consulto/", views.my_data_access_log, name="my_data_access_log"),
    path("i18n/setlang/", cuentas_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuentas/", include("cuentas.urls")),
    path("rim/", include("rim.urls")),
    path("biometria/", include("biometria.urls")),
    path("api/v1/biometria/", include("biometria.api_urls")),
    path("pasaporte/", include("pasaporte.urls")),
    path("api/v1/pasaporte/", include("pasaporte.api_urls")),
    path("control/", include("control.urls")),
    path("api/v1/control/", include("control.api_urls")),
    path("egates/", include("egates.urls")),
    path("api/v1/egates/", include("egates.api_urls")),
    path("tam/", include("tam.urls")),
    path("api/v1/tam/", include("tam.api_urls")),
    path("api/v1/documentos/", include("documentos.api_urls")),
    path("pagos/", include("pagos.urls")),
    path("api/v1/pagos/", include("pagos.api_urls")),
    path("citas/", include("citas.urls")),
    path("buzon/", include("buzon.urls")),
    path("tramites/", include("tramites.urls")),
    path("api/v1/buzon/", include("buzon.api_urls")),
    path("api/v1/tramites/", include("tramites.api_urls")),
    path("", include("documentos.urls")),  # /verificar/
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, which the CSP allows ('self').
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

admin.site.site_header = "MIGRACIONES · Back office"
admin.site.site_title = "MIGRACIONES"
