"""Audit action names come only from the apps' registries (`<app>/audit_actions.py`), never from a
literal or a name built at run time: an AST walk over every module of the project outside tests."""
import ast
from pathlib import Path

import pytest
from django.conf import settings

from auditoria.actions import UnknownAuditAction, _NAMES, _NAMESPACES
from auditoria.services import audit_record

ROOT = Path(settings.BASE_DIR)
SKIP_PARTS = {".venv", "tests", "migrations", "node_modules", "var", "locale", "static"}
# Functions that take an audit action name: the log itself and the wrappers that pass one on.
AUDIT_CALLS = {"audit_record", "audit_record_many", "page_read_record", "crossing_reads_record", "_audit_reads",
               "_audit_write", "staff_page_read"}


def _project_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not SKIP_PARTS & set(p.relative_to(ROOT).parts) and p.name != "conftest.py")


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_text(node: ast.AST) -> bool:
    """A literal, an f-string, or text built from them (concatenation, %, .format, join)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join", "replace", "lower", "upper"} or _is_text(node.func.value)
    return False


def _looks_like_action(node: ast.AST) -> bool:
    # "<namespace>.<name>" of a namespace some registry declares (not "store_true", not a URL).
    text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        head = node.values[0] if node.values else None
        text = head.value if isinstance(head, ast.Constant) else None
    return bool(text) and text.split(".", 1)[0] in _NAMESPACES and "." in text


def literal_action_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, code) of every audit action name written as text in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called(node)
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                if (name in AUDIT_CALLS and _is_text(keyword.value)) or _looks_like_action(keyword.value):
                    found.append((node.lineno, ast.unparse(node)[:120]))
            if name in AUDIT_CALLS:
                found += [(node.lineno, ast.unparse(arg)[:120]) for arg in node.args
                          if _is_text(arg) and _looks_like_action(arg)]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "action" and _looks_like_action(value):
                    found.append((node.lineno, ast.unparse(node)[:120]))
    return found


def test_no_audit_action_is_written_as_text_outside_the_registries():
    # Given every module of the project but the registries and the tests
    offences = []
    for path in _project_modules():
        if path.name == "audit_actions.py":
            continue
        for line, code in literal_action_names(ast.parse(path.read_text(), str(path))):
            offences.append(f"{path.relative_to(ROOT)}:{line}: {code}")
    # Then none names an audit action with a literal or an f-string: each takes a registry constant
    assert offences == [], "audit action names must come from <app>/audit_actions.py:\n" + "\n".join(offences)


@pytest.mark.parametrize("source", [
    'audit_record(actor=a, action="rim.person_get")',
    'audit_record(actor=a, action=f"admin.{view}")',
    'audit_record(actor=a, action="pasaporte." + step)',
    'audit_record_many(actor=a, entries=[{"action": "admin.list"}])',
    'self._audit_write(request, obj, "admin.add", message)',
    'selectors.page_read_record(actor=a, action="biometria.page.case")',
])
def test_the_walk_catches_each_way_of_writing_a_name(source):
    # Given a call that spells its action name out, in each way the code base once did
    # Then the walk reports it (so the test above would fail on it)
    assert literal_action_names(ast.parse(source))


def test_registry_constants_pass_the_walk():
    source = ("audit_record(actor=a, action=AuditAction.PERSON_GET)\n"
              "audit_record(actor=a, action=AuditAction.PAGE_READ[page])\n"
              "parser.add_argument('--all', action='store_true')\n")
    assert literal_action_names(ast.parse(source)) == []


def test_every_app_that_audits_has_its_registry():
    # Given the namespaces of the names the code records (each app records under its own label)
    expected = {"admin", "biometria", "calendario", "citas", "control", "cuentas", "documentos", "egates", "pagos",
                "pasaporte", "rim", "tam"}
    # Then each one is declared, and its names all start with it
    assert expected <= _NAMESPACES
    assert all(name.startswith(f"{namespace}.") for name, namespace in _NAMES.items())


@pytest.mark.django_db
def test_a_name_its_registry_does_not_declare_is_refused():
    # When code records a name of a declared namespace that the registry lacks (a typo, a built name)
    # Then nothing is written and the programmer is told where to declare it
    from auditoria.models import AuditEntry

    with pytest.raises(UnknownAuditAction, match="cuentas/audit_actions.py"):
        audit_record(actor="test", action="cuentas.login_typo")
    assert not AuditEntry.objects.filter(action="cuentas.login_typo").exists()
