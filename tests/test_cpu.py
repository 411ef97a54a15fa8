"""The OpenBLAS kernel choice made before dlib loads (migraciones/cpu.py)."""
import os
import subprocess
import sys

from migraciones.cpu import cpu_flags, openblas_coretype

AVX512 = "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl avx512_fp16\n"


def test_kernel_family_follows_the_cpu_flags():
    assert openblas_coretype(cpu_flags(AVX512)) == "SkylakeX"
    assert openblas_coretype(cpu_flags("flags : sse2 avx avx2 fma\n")) == "Haswell"
    assert openblas_coretype(cpu_flags("flags : sse2 sse3\n")) is None  # OpenBLAS decides alone
    assert cpu_flags("processor : 0\n") == set()


def test_operator_setting_is_kept_and_dlib_loads_with_it():
    env = dict(os.environ, OPENBLAS_CORETYPE="Haswell", OPENBLAS_VERBOSE="2")
    out = subprocess.run([sys.executable, "-c", "import migraciones, os, dlib; print(os.environ['OPENBLAS_CORETYPE'])"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Haswell"
    assert "Core: Haswell" in out.stdout + out.stderr  # OpenBLAS (dlib's) loaded with the kernels asked for


def test_dlib_uses_blas():
    import dlib

    assert dlib.DLIB_USE_BLAS, "dlib was built without BLAS: face encodings are 3x slower (docs/BENCHMARKS.md)"
