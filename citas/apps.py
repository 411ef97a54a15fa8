from django.apps import AppConfig


class CitasConfig(AppConfig):
    name = "citas"
    verbose_name = "Citas: sedes, servicios, turnos"
    default_auto_field = "django.db.models.BigAutoField"
