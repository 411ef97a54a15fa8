#!/usr/bin/env bash
# Installs dlib built with clang against OpenBLAS into the venv whose pip is given ($1).
#
# Why: the dlib-bin wheel has no BLAS (its face encoding takes about 106 ms here, 18 ms with
# OpenBLAS), and dlib built by pip with this machine's GCC 12 runs HOG face detection about 2x
# slower than clang's build (docs/BENCHMARKS.md, issue 6). The wheel is built once per machine
# (about 10 minutes on 2 cores) and kept in ~/.cache/migraciones/wheels; pip's own cache is not
# used because it would hand back a GCC build of the same version.
set -euo pipefail
PIP=${1:-.venv/bin/pip}
VERSION=20.0.1
DIR="${MIGRACIONES_WHEELS:-$HOME/.cache/migraciones/wheels}/dlib-$VERSION-clang-openblas"
if ! ls "$DIR"/dlib-"$VERSION"-*.whl >/dev/null 2>&1; then
  echo "Compilando dlib $VERSION con clang y OpenBLAS (unos 10 minutos, una sola vez por máquina)..."
  mkdir -p "$DIR.tmp"
  # The source archive is checked against requirements.lock's hash before it is built.
  req="$DIR.tmp/dlib.req"
  awk -v pin="dlib==$VERSION" 'index($0, pin)==1 {p=1} p {print} p && !/\\$/ {exit}' requirements.lock > "$req"
  grep -q -- '--hash=sha256:' "$req" || { echo "requirements.lock has no hash for dlib==$VERSION" >&2; exit 1; }
  CC=clang CXX=clang++ "$PIP" wheel -q --no-cache-dir --no-deps --require-hashes --no-binary dlib -r "$req" -w "$DIR.tmp"
  rm -f "$req"
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
"$PIP" install -q --no-deps --force-reinstall "$DIR"/dlib-"$VERSION"-*.whl
