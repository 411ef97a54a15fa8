"""Background work of control: encoding a MigraCheck traveller's chip photo ahead of the flight."""
from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30)
def preregistration_encode(self, preregistration_id: int, dg2_hex: str) -> str:
    from .services import preregistration_encode_face

    prereg = preregistration_encode_face(preregistration_id=preregistration_id, dg2=bytes.fromhex(dg2_hex))
    return prereg.status
