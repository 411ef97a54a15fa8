"""The ladder of imports (DESIGN.md) holds: nothing imports an app above it, mrtd no Django, core nothing of ours."""
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(tree / ".importlinter")], cwd=tree,
                          capture_output=True, text=True, timeout=300)


def _packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config["importlinter"]["root_packages"].split()


def test_the_import_contracts_are_kept():
    # when import-linter checks the contracts of .importlinter over the whole tree
    result = _lint(ROOT)
    # then every contract is kept (the output names each broken import otherwise)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.fixture
def tree_copy(tmp_path):
    """The project's packages copied aside, so a bad import can be added without touching the tree."""
    for package in _packages():
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "locale", "data"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


@pytest.mark.parametrize("rail, service", [("pagos", "pasaporte"), ("documentos", "tam"), ("citas", "control"),
                                           ("buzon", "tramites"), ("calendario", "carne")])
def test_a_rail_that_imports_a_service_app_breaks_the_build(tree_copy, rail, service):
    # given: a rail module that imports a service app above it
    (tree_copy / rail / "ladder_probe.py").write_text(f"import {service}.apps  # an upward import\n")
    # when: the contracts are checked
    result = _lint(tree_copy)
    # then: the ladder is broken, naming the import
    assert result.returncode != 0
    assert "1 broken" in result.stdout and f"{rail}.ladder_probe -> {service}.apps" in result.stdout


def test_a_rail_may_use_the_registry_and_another_rail(tree_copy):
    (tree_copy / "buzon" / "ladder_probe.py").write_text("import calendario.apps\nimport rim.apps\n")
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout[-3000:]
