"""Celery tasks of the appointments rail (thin, idempotent)."""
from celery import shared_task

from . import services


@shared_task(name="citas.tasks.no_show_release_task")
def no_show_release_task() -> int:
    """Hourly (beat): release the places of citas whose turn passed the grace period unattended."""
    return services.appointment_no_show_release()
