from django.urls import path

from . import views

app_name = "tam"
urlpatterns = [
    path("", views.download, name="download"),
    path("documento/<str:token>/pdf", views.pdf, name="pdf"),
    path("documento/<str:token>/", views.document, name="document"),
    path("verificar/", views.verify, name="verify"),
    path("clave-publica.pem", views.public_key, name="public_key"),
]
