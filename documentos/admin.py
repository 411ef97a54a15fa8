"""Back office of the documents rail: look-up (each read audited) and revocation with a reason."""
from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from auditoria.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from core.errors import ApplicationError

from .models import Document
from .services import REVOKE_PERMISSION, document_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Motivo de la revocación"), max_length=300)


@admin.register(Document)
class DocumentAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "issued_at", "revoked_at", "record_kind", "record_id")
    list_filter = ("kind",)
    search_fields = ("code", "record_id")
    audit_person_paths = ("person_id",)
    actions = ["revoke"]

    @admin.action(description=_("Revocar los documentos seleccionados"), permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return render(request, "documentos/admin_revoke.html",
                          {**self.admin_site.each_context(request), "form": form, "documents": queryset,
                           "action": "revoke", "opts": self.model._meta})
        for document in queryset:
            try:
                document_revoke(document=document, reason=form.cleaned_data["reason"], actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{document}: {exc.message}", messages.ERROR)
        return None

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm(REVOKE_PERMISSION)
