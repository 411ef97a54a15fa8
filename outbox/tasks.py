"""Beat: republish outbox rows left pending by a broker outage or a process that died after commit."""
from celery import shared_task

from . import services


@shared_task
def outbox_sweep_task() -> dict:
    result = services.outbox_publish_pending()
    result["pruned"] = services.outbox_prune()
    return result
