"""Helpers of the data migrations that moved fees, payments and the UIT into pagos (pasaporte 0005/0006,
control 0004): explicit ids are kept, so PostgreSQL's sequences must be moved past them afterwards."""
from django.core.management.color import no_style


def sequences_reset(schema_editor, *models) -> None:
    """Set each model's id sequence after its largest id (PostgreSQL; SQLite follows explicit ids itself)."""
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
        schema_editor.execute(sql)


class CreatedAtKept:
    """Within the block, a historical model's auto_now_add field keeps the value copied into it."""

    def __init__(self, model, name: str = "created_at"):
        self.field = model._meta.get_field(name)

    def __enter__(self):
        self.field.auto_now_add = False
        return self

    def __exit__(self, *exc):
        self.field.auto_now_add = True
        return False
