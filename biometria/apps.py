from django.apps import AppConfig


class BiometriaConfig(AppConfig):
    name = "biometria"
    verbose_name = "Biometría"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # face_recognition (and weasyprint) switch Pillow's LOAD_TRUNCATED_IMAGES on at import, and half a
        # JPEG then decodes as a face: off once every app is loaded; decode_image checks it again each time.
        from .engine.images import refuse_truncated_images

        refuse_truncated_images(warn=False)
