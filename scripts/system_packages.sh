#!/usr/bin/env bash
# The Debian packages the portal needs besides Python's: pcscd and the vpcd driver (chip reading),
# libpcsclite-dev and swig (to build pyscard), tesseract (MRZ from a photo), chromium (browser
# tests), and OpenBLAS, cmake and clang (scripts/dlib_wheel.sh builds dlib against OpenBLAS:
# its face encodings run about 5x faster than the BLAS-less dlib-bin wheel's; docs/BENCHMARKS.md).
# Installs what is missing when it can (root with apt-get); otherwise says what to install.
set -euo pipefail
PKGS="pcscd libpcsclite-dev vsmartcard-vpcd tesseract-ocr chromium swig libopenblas-dev cmake g++ clang pkg-config"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Instalando paquetes del sistema:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
else
  echo "Faltan paquetes del sistema:$missing" >&2
  echo "Instálelos con: sudo apt-get install$missing" >&2
  exit 1
fi
