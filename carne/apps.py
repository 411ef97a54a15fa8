from django.apps import AppConfig


class CarneConfig(AppConfig):
    name = "carne"
    verbose_name = "Carné de extranjería"
    default_auto_field = "django.db.models.BigAutoField"
