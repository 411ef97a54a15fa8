from django.apps import AppConfig


class CalendarioConfig(AppConfig):
    name = "calendario"
    verbose_name = "Calendario de días hábiles"
    default_auto_field = "django.db.models.BigAutoField"
