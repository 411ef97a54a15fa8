"""Background work of the TAM after the crossing is committed: its signed PDF, e-mailing it to the traveller."""
from celery import shared_task
from django.db import DatabaseError


@shared_task(acks_late=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def tam_email_send(*, tam_id: int) -> bool:
    from .services import tam_email

    return tam_email(tam_id=tam_id)


@shared_task(acks_late=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def tam_document_issue_task(*, tam_id: int) -> str:
    """Issue the TAM's signed PDF on the documents rail (once: a second run finds it issued)."""
    from .services import tam_document

    return tam_document(tam_id=tam_id, actor="sistema:tam").code
