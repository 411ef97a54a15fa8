"""workflow: declared states and transitions of long-lived records (workflow/machine.py)."""
from django.apps import AppConfig
from django.core import checks


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Flujos de estados"

    def ready(self) -> None:
        # Each app declares its machines in `<app>/workflows.py`; importing them here checks every
        # table against its status choices at start-up, and lets the system check see them all.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("workflows")
        checks.register(check_machines)


def check_machines(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """workflow.E001: a table that misses a status, names a non-choice or an undeclared audit action."""
    from .machine import machines

    return [checks.Error(problem, obj=f"{m.model._meta.label}.{m.field}", id="workflow.E001")
            for m in machines() for problem in m.table_problems() + m.action_problems()]
