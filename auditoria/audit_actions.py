"""The audit action names of the admin site (auditoria.admin_mixins): one registry, namespace "admin"."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="admin"):
    # What an admin page showed (AuditedAdminMixin): a changelist, a change view, an object's history.
    LIST = "admin.list"
    VIEW = "admin.view"
    HISTORY = "admin.history"
    # What the admin changed (AuditedWritesAdminMixin), as Django logs it.
    ADD = "admin.add"
    CHANGE = "admin.change"
    DELETE = "admin.delete"
