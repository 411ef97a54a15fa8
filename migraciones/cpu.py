"""Which OpenBLAS kernels to use, set before any BLAS library is loaded.

dlib computes its face encodings with OpenBLAS. Debian's OpenBLAS (0.3.21) does not recognise
recent Xeons (this machine's reports AVX-512 FP16) and falls back to its "Prescott" kernels, SSE3
only: the dlib encoding then takes about 55 ms instead of about 27 ms with the AVX-512 kernels
(docs/BENCHMARKS.md, issue 6). OpenBLAS reads OPENBLAS_CORETYPE when it loads, so this runs
first, from the project package's __init__, and only names a kernel family whose instructions
the CPU reports. A value set by the operator is left alone.
"""
from __future__ import annotations

import os
from pathlib import Path

# OpenBLAS kernel families and the CPU flags (from /proc/cpuinfo) each needs.
KERNELS = (
    ("SkylakeX", {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}),
    ("Haswell", {"avx2", "fma"}),
)


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def openblas_coretype(flags: set[str]) -> str | None:
    for name, needed in KERNELS:
        if needed <= flags:
            return name
    return None


def configure_blas() -> str | None:
    """Set OPENBLAS_CORETYPE from the CPU's flags unless already set; the value in effect."""
    if "OPENBLAS_CORETYPE" not in os.environ:
        coretype = openblas_coretype(cpu_flags())
        if coretype:
            os.environ["OPENBLAS_CORETYPE"] = coretype
    return os.environ.get("OPENBLAS_CORETYPE")
