"""Where the shared test data is (faces, fingerprints, real eMRTD chip files): one answer for the
tests, the benchmarks, the RENIEC simulator and `biometria_calibrate`.

In order: MIGRACIONES_TESTDATA if set; `../shared/testdata` beside the clone (the team's layout);
`/work/shared/testdata` (the machine's shared folder, for a clone made elsewhere, e.g. in /tmp).
When none exists, the first candidate is returned and callers skip or fail as they must.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
MACHINE_SHARED = Path("/work/shared/testdata")


def testdata_dir() -> Path:
    configured = os.environ.get("MIGRACIONES_TESTDATA")
    if configured:
        return Path(configured)
    candidates = (REPO_DIR.parent / "shared" / "testdata", MACHINE_SHARED)
    return next((path for path in candidates if path.is_dir()), candidates[0])


TESTDATA = testdata_dir()
