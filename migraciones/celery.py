"""The Celery application; tasks run eagerly when no broker is configured."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")

app = Celery("migraciones")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
