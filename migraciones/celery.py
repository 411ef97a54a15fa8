"""The Celery application; tasks run eagerly when no broker is configured."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")

app = Celery("migraciones")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_document_engine(**_kwargs) -> None:
    # Acts are issued by tasks (constancias, resolutions, permits, certificates, TAMs): a cold PDF engine
    # and signer cost ~2-3 s on the first one, which would break "within 2 s of payment".
    import logging

    try:
        from documentos.rendering import pdf_engine_warm

        pdf_engine_warm()
    except Exception:  # a worker must start even if the signer is not configured yet
        logging.getLogger(__name__).warning("document engine warm-up failed", exc_info=True)
