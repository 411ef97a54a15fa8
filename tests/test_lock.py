"""The lock files: every requirement is pinned there with hashes, so `make` installs nothing unchecked."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        names.add(re.split(r"[<>=!~\[; ]", line, 1)[0].lower().replace("_", "-"))
    return names


def _locked(lock: Path) -> dict[str, int]:
    """name -> number of hashes, for each `name==version` entry of a pip-compile lock."""
    entries: dict[str, int] = {}
    current = None
    for line in lock.read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9_.\-]+)==\S+", line)
        if pin:
            current = pin.group(1).lower().replace("_", "-")
            entries[current] = 0
        if current and "--hash=sha256:" in line:
            entries[current] += 1
    return entries


def test_every_requirement_is_locked_with_hashes():
    # given the requirement files people edit
    wanted = _names(ROOT / "requirements.txt") | _names(ROOT / "requirements-dev.txt")
    locked = _locked(ROOT / "requirements.lock")
    # then each is in the lock (scripts/lock.sh was run after the edit), and every locked package has a hash
    assert sorted(wanted - set(locked)) == [], "run scripts/lock.sh: these requirements are not locked"
    assert sorted(name for name, hashes in locked.items() if hashes == 0) == []


def test_the_no_deps_requirements_are_locked_with_hashes():
    wanted = _names(ROOT / "requirements-nodeps.txt")
    locked = _locked(ROOT / "requirements-nodeps.lock")
    assert sorted(wanted - set(locked)) == []
    assert all(hashes >= 1 for hashes in locked.values())


def test_make_installs_only_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "$(PIP) install" in line and "-r " in line]
    assert installs and all("--require-hashes" in line and ".lock" in line for line in installs)
