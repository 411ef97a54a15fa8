"""The audit action names of the admin site (auditoria.admin_mixins): one registry, namespace "admin"."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="admin"):
    # What an admin page showed (AuditedAdminMixin): a changelist, a change view, an object's history.
    LIST = Action("admin.list", _("vio su registro en una lista del sistema de gestión"))
    VIEW = Action("admin.view", _("abrió su registro en el sistema de gestión"))
    HISTORY = Action("admin.history", _("consultó el historial de cambios de su registro"))
    # What the admin changed (AuditedWritesAdminMixin), as Django logs it.
    ADD = "admin.add"
    CHANGE = "admin.change"
    DELETE = "admin.delete"
