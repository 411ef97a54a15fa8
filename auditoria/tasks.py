"""The beat task that signs a checkpoint of the audit chain every AUDIT_CHECKPOINT_INTERVAL_S."""
import logging

from celery import shared_task

from .services import ChainDiscontinuity, audit_checkpoint_create

logger = logging.getLogger(__name__)


@shared_task
def audit_checkpoint_task() -> int:
    """Idempotent: a run with no new entries writes one more checkpoint of the same head."""
    try:
        return audit_checkpoint_create(actor="beat:audit_checkpoint").count
    except ChainDiscontinuity as exc:
        # Evidence of tampering: never sign over it; operators run audit_verify.
        logger.error("audit chain does not extend the latest checkpoint: %s", exc)
        raise
