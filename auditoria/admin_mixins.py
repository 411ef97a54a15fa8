"""Admin building blocks: every person an admin page shows is audited, and registry data is read-only.

`AuditedAdminMixin` writes, with purpose "admin", one READ entry per RIM person shown: on a change
view (the object's persons), on its history, and on a changelist (each distinct person of the page
shown, with the search query and filters), plus one entry without a person for the rows that name
none (or for a search that found nothing). Saves and deletions made in the admin become WRITE
entries in the same transaction (`AuditedWritesAdminMixin` alone does only that, for admins of
reference data such as fees or crossing points). `ReadOnlyAdminMixin` leaves only viewing:
registry data is written by the services, which validate and audit it.
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.admin.views.main import IGNORED_PARAMS
from django.db import models

from .audit_actions import AuditAction
from .models import AuditEntry
from .services import audit_record, audit_record_many

ADMIN_PURPOSE = "admin"
_MAX_TEXT = 100


class ReadOnlyAdminMixin:
    """No add, change or delete: for ModelAdmins and inlines (whose checks also take `obj`)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _PersonPaths:
    """Where the model names RIM persons (see AuditedAdminMixin's `audit_person_paths`)."""

    audit_person_paths: Sequence[str] = ("person_id",)
    audit_detail_person_paths: Sequence[str] = ()

    def _persons_of(self, pks: Iterable[Any], paths: Sequence[str]) -> dict[Any, list[int]]:
        """The RIM person ids each object shows, by object pk (one query for the whole page)."""
        pks = list(pks)
        if not pks or not paths:
            return {}
        found: dict[Any, set[int]] = defaultdict(set)
        for pk, *person_ids in self.model._default_manager.filter(pk__in=pks).values_list("pk", *paths):
            found[pk].update(int(p) for p in person_ids if p is not None)
        return {pk: sorted(ids) for pk, ids in found.items()}


class AuditedWritesAdminMixin(_PersonPaths):
    """Each save and deletion made in the admin becomes a WRITE entry, in the change's transaction."""

    audit_person_paths: Sequence[str] = ()

    def log_addition(self, request, obj, message):
        self._audit_write(request, obj, AuditAction.ADD, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit_write(request, obj, AuditAction.CHANGE, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit_write(request, obj, AuditAction.DELETE, "")
        return super().log_deletions(request, queryset)

    def _audit_write(self, request, obj, action: str, message) -> None:
        # The change message names the fields changed (their labels), never their values.
        persons = self._persons_of([obj.pk], self.audit_person_paths).get(obj.pk) or [None]
        for person_id in persons:
            audit_record(actor=request.user, action=action, kind=AuditEntry.Kind.WRITE, obj=obj,
                         person_id=person_id, purpose=ADMIN_PURPOSE, details={"change": message or []})


class AuditedAdminMixin(AuditedWritesAdminMixin):
    """Audit what an admin shows and what it changes, by RIM person.

    `audit_person_paths`: ORM paths from the model to the id of a RIM person it shows ("person_id",
    "crossing__person_id", "id" for rim.Person itself); empty when it names no person in the RIM
    (the rows are then audited without one). `audit_detail_person_paths`: further persons shown only
    on the change view (a person's relatives in its inlines).
    """

    audit_person_paths: Sequence[str] = ("person_id",)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:  # a redirect (bad filter, an action done) shows nobody
            rows = list(changelist.result_list)  # evaluates the page once; the template reuses it
            filters = {k: str(v)[:_MAX_TEXT] for k, v in changelist.params.items() if k not in IGNORED_PARAMS}
            self._audit_reads(request, rows, action=AuditAction.LIST, details={
                "query": (changelist.query or "")[:_MAX_TEXT], "filters": filters, "page": changelist.page_num,
            }, paths=self.audit_person_paths)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self._audit_reads(request, [obj], action=AuditAction.VIEW, details={},
                              paths=(*self.audit_person_paths, *self.audit_detail_person_paths))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if obj is not None:
            self._audit_reads(request, [obj], action=AuditAction.HISTORY, details={}, paths=self.audit_person_paths)
        return response

    def _audit_reads(self, request, rows: list[models.Model], *, action: str, details: dict,
                     paths: Sequence[str]) -> None:
        persons = self._persons_of([row.pk for row in rows], paths)
        shown: dict[int, list[str]] = defaultdict(list)
        without_person: list[str] = []
        for row in rows:
            for person_id in persons.get(row.pk, ()):
                shown[person_id].append(str(row.pk))
            if not persons.get(row.pk):
                without_person.append(str(row.pk))
        base = {"kind": AuditEntry.Kind.READ, "action": action, "object_type": self.model._meta.label_lower,
                "purpose": ADMIN_PURPOSE}
        entries = [
            {**base, "person_id": person_id, "object_id": _single(ids), "details": {**details, "objects": ids}}
            for person_id, ids in sorted(shown.items())
        ]
        if without_person or not rows:
            entries.append({**base, "person_id": None, "object_id": _single(without_person),
                            "details": {**details, "objects": without_person}})
        audit_record_many(actor=request.user, entries=entries)


def _single(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else ""
