"""Tasks of tramites (ids only, idempotent): start a filed case, issue its constancia, the beat's deadlines."""
from celery import shared_task
from django.db import transaction

from . import services
from .acts import constancia_issue
from .models import Case


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=5, retry_backoff_max=300, max_retries=8)
def case_start_task(case_id: int) -> str:
    return services.case_start(case_id=case_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=5, retry_backoff_max=300, max_retries=8)
def case_constancia_task(case_id: int) -> str:
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("procedure", "person", "office").get(pk=case_id)
        return constancia_issue(case=case, actor="system:tramites").document.code


@shared_task
def case_checks_resume_task() -> int:
    """Cases still waiting for a source that did not answer: ask again (and decide automatic ones)."""
    resumed = 0
    for case in Case.objects.filter(checks_pending=True, status__in=(
            Case.Status.FILED, Case.Status.IN_EVALUATION, Case.Status.CORRECTED, Case.Status.APPEALED)):
        if case.status == Case.Status.FILED:
            services.case_start(case_id=case.pk)
        else:
            services.case_checks_run(case_id=case.pk)
        resumed += 1
    return resumed


@shared_task
def cases_deadlines_task() -> dict:
    return services.cases_deadlines_apply()
