from django.urls import path

from . import apis

app_name = "documentos_api"
urlpatterns = [
    path("verificar/<str:code>", apis.DocumentVerifyApi.as_view(), name="verify"),
]
