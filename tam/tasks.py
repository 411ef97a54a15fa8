"""Background work of the TAM: e-mailing it to the traveller after the crossing is committed."""
from celery import shared_task
from django.db import DatabaseError


@shared_task(acks_late=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def tam_email_send(*, tam_id: int) -> bool:
    from .services import tam_email

    return tam_email(tam_id=tam_id)
