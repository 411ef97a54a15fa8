"""The ladder of imports (DESIGN.md) holds: nothing imports an app above it, mrtd no Django, core nothing of ours."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    # when import-linter checks the contracts of .importlinter over the whole tree
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    # then every contract is kept (the output names each broken import otherwise)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout
