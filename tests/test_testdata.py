"""Where the shared test data is found, for a clone beside ../shared or anywhere else on the machine."""
from core import testdata


def test_the_setting_wins_then_beside_the_clone_then_the_machines_shared_folder(tmp_path, monkeypatch):
    clone, machine = tmp_path / "work" / "clone", tmp_path / "machine" / "testdata"
    beside = tmp_path / "work" / "shared" / "testdata"
    machine.mkdir(parents=True)
    monkeypatch.setattr(testdata, "REPO_DIR", clone)
    monkeypatch.setattr(testdata, "MACHINE_SHARED", machine)
    monkeypatch.delenv("MIGRACIONES_TESTDATA", raising=False)
    assert testdata.testdata_dir() == machine  # a clone made elsewhere (e.g. /tmp/fresh)
    beside.mkdir(parents=True)
    assert testdata.testdata_dir() == beside  # the team's layout
    monkeypatch.setenv("MIGRACIONES_TESTDATA", str(tmp_path / "mine"))
    assert testdata.testdata_dir() == tmp_path / "mine"
