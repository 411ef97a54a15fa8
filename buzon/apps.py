from django.apps import AppConfig


class BuzonConfig(AppConfig):
    name = "buzon"
    verbose_name = "Buzón electrónico"
    default_auto_field = "django.db.models.BigAutoField"
