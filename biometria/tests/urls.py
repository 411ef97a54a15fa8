"""URLs for biometria's tests, mounted where the project will mount them."""
from django.urls import include, path

urlpatterns = [
    path("biometria/", include("biometria.urls")),
    path("api/v1/biometria/", include("biometria.api_urls")),
    path("cuentas/", include("cuentas.urls")),
    path("", include("migraciones.urls")),
]
