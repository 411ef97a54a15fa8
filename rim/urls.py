"""Officer pages of the RIM; the project includes them under /rim/."""
from django.urls import path

from . import views

app_name = "rim"
urlpatterns = [
    path("personas/", views.person_find, name="person_find"),
    path("personas/<int:person_id>/", views.person_detail, name="person_detail"),
]
