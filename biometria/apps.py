from django.apps import AppConfig


class BiometriaConfig(AppConfig):
    name = "biometria"
    verbose_name = "Biometría"
    default_auto_field = "django.db.models.BigAutoField"
