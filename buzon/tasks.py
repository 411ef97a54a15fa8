"""Tasks of the mailbox: send a notice's alert (after commit), retry unsent alerts, deem unopened notices."""
from celery import shared_task

from . import services


@shared_task(acks_late=True)
def notice_alert_send_task(notice_id: int) -> bool:
    return services.notice_alert_send(notice_id=notice_id)


@shared_task
def notice_alerts_retry_task() -> int:
    return services.notices_alert_pending()


@shared_task
def notices_deem_task() -> int:
    return services.notices_deem_due()
