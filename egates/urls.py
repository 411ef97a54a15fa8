from django.urls import path

from . import views

app_name = "egates"
urlpatterns = [
    path("", views.gates, name="gates"),
]
