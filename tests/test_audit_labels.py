"""Every audit action a person can find in "¿Quién consultó mis datos?" (every read) has a label in words,
declared beside its name in its app's registry: an AST walk finds each read the code records and
resolves its action to the registry constant it passes."""
import ast
import importlib
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from auditoria.actions import audit_action_label

from test_audit_names import _called, _project_modules

ROOT = Path(settings.BASE_DIR)
# Wrappers that always record reads, with the name in their `action` argument.
READ_WRAPPERS = {"page_read_record", "crossing_reads_record"}
ELSEWHERE: set[str] = set()


def _is_read(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == "read"
    return isinstance(node, ast.Attribute) and node.attr == "READ"


def _registries(tree: ast.Module, module: str) -> dict[str, object]:
    """Local name -> registry class, from `from <app>.audit_actions import AuditAction [as X]`."""
    found = {}
    package = module.rsplit(".", 1)[0] if "." in module else module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("audit_actions"):
            source = node.module if node.level == 0 else f"{package.rsplit('.', node.level - 1)[0]}.{node.module}"
            for alias in node.names:
                found[alias.asname or alias.name] = getattr(importlib.import_module(source), alias.name)
    return found


def _names(expression: ast.AST, registries: dict[str, object]) -> list[str]:
    """The names an `AuditAction.X` or `AuditAction.X[key]` expression may hold."""
    subscripted = isinstance(expression, ast.Subscript)
    target = expression.value if subscripted else expression
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
            and target.value.id in registries):
        return []
    value = getattr(registries[target.value.id], target.attr)
    return list(value.values()) if isinstance(value, Mapping) else [value]


def read_action_names() -> set[str]:
    names: set[str] = set()
    for path in _project_modules():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text(), str(path))
        registries = _registries(tree, module)
        if not registries:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                keywords = {k.arg: k.value for k in node.keywords}
                if (_called(node) in READ_WRAPPERS or _is_read(keywords.get("kind"))) and "action" in keywords:
                    names.update(_names(keywords["action"], registries))
            elif isinstance(node, ast.Dict):
                entry = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
                if _is_read(entry.get("kind")) and "action" in entry:
                    names.update(_names(entry["action"], registries))
    # The admin site's reads pass their names through a variable: its registry lists them.
    from auditoria.audit_actions import AuditAction as AdminAction
    names.update({AdminAction.LIST, AdminAction.VIEW, AdminAction.HISTORY})
    return {str(name) for name in names}


def test_the_walk_finds_the_reads_of_every_kind_of_call():
    names = read_action_names()
    # audit_record(kind="read"), a mapping by page, a wrapper, an audit_record_many entry, an import alias
    assert {"rim.person_get", "pasaporte.page.office_today", "biometria.page.case", "control.crossing_view",
            "rim.person_search", "rim.person_view_own", "documentos.verify"} <= names


def test_every_read_action_has_a_label_in_spanish_and_english():
    missing = sorted(n for n in read_action_names() if n.split(".")[0] not in ELSEWHERE and audit_action_label(n) is None)
    assert missing == [], "declare a label beside these names in their audit_actions.py:\n" + "\n".join(missing)
    for name in read_action_names():
        label = audit_action_label(name)
        if label is None:
            continue
        with translation.override("es"):
            spanish = str(label)
        with translation.override("en"):
            english = str(label)
        assert "." not in spanish and "_" not in spanish, name   # words, not a code
        assert english != spanish or name.startswith("admin."), f"{name}: no English for {spanish!r}"


def test_the_buzon_reads_have_labels():
    assert all(audit_action_label(n) for n in read_action_names() if n.startswith("buzon."))


# Calls that take the purpose of an audited read (the log, its wrappers, the selectors that audit).
PURPOSE_CALLS = {"audit_record", "page_read_record", "crossing_reads_record", "staff_page_read", "document_pdf",
                 "enrollment_face_encoding", "person_get", "person_movements", "person_search", "Machine"}


def _module_texts(tree: ast.Module) -> dict[str, list[str]]:
    """Top-level NAME = "text" and NAME = {key: "text", ...} of a module."""
    texts: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                texts[node.targets[0].id] = [value.value]
            elif isinstance(value, ast.Dict):
                texts[node.targets[0].id] = [v.value for v in value.values
                                             if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return texts


def written_purposes() -> set[tuple[str, str]]:
    found = set()
    for path in _project_modules():
        tree = ast.parse(path.read_text(), str(path))
        texts = _module_texts(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) in PURPOSE_CALLS):
                continue
            for keyword in node.keywords:
                if keyword.arg not in {"purpose", "audit_purpose"}:
                    continue
                value = keyword.value.value if isinstance(keyword.value, ast.Subscript) else keyword.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                    found.add((str(path.relative_to(ROOT)), value.value))
                elif isinstance(value, ast.Name):
                    found.update((str(path.relative_to(ROOT)), text) for text in texts.get(value.id, []))
    return found


def test_every_purpose_written_in_the_code_reads_in_both_languages():
    from auditoria.purposes import PURPOSE_LABELS
    from rim.purposes import LOOKUP_PURPOSES

    purposes = written_purposes()
    # the walk sees literals, module constants and mappings of them
    assert {text for _, text in purposes} >= {"el titular consulta sus propios datos", "atención de citas de la sede",
                                              "verificación pública del documento", "control migratorio"}
    unknown = sorted(f"{path}: {text!r}" for path, text in purposes
                     if text not in PURPOSE_LABELS and text not in LOOKUP_PURPOSES.values())
    assert unknown == [], "add these purposes to auditoria/purposes.py:\n" + "\n".join(unknown)
