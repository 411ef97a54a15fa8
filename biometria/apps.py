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

        # The officers' person page (rim) lists the person's enrollments and cases.
        from django.utils.translation import gettext_lazy as _

        from rim.hooks import person_records_register

        from .selectors import person_records

        person_records_register("biometria", label=_("Biometría"), provider=person_records)
