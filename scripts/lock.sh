#!/usr/bin/env bash
# Regenerates the lock files with hashes (requirements.lock, requirements-nodeps.lock) from the
# requirements*.txt files, pinned to the versions installed in .venv (what the tests ran with).
# Run it after changing a requirements file; `make` and CI install from the locks only.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${PIPTOOLS_VENV:-var/piptools}
test -x "$TOOLS/bin/pip-compile" || { python3 -m venv "$TOOLS"; "$TOOLS/bin/pip" install -q pip-tools; }
.venv/bin/pip freeze --exclude-editable | grep -v ' @ ' | grep -iv '^face-recognition' > var/installed.txt
"$TOOLS/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
  --no-emit-find-links -c var/installed.txt -o requirements.lock requirements-dev.txt
# face-recognition is installed without its dependencies (STACK.md): hash each file by hand.
tmp=$(mktemp -d)
{
  echo "# Installed with --no-deps --require-hashes (see requirements-nodeps.txt). Made by scripts/lock.sh."
  grep -v '^\s*#' requirements-nodeps.txt | sed '/^\s*$/d' | while read -r line; do
    name=${line%%[=<> ]*}
    pin=$(grep -i "^${name//-/[-_]}==" <(.venv/bin/pip freeze) | head -1)
    rm -f "$tmp"/*
    "$TOOLS/bin/pip" download -q --no-deps -d "$tmp" "$pin" >/dev/null
    printf '%s' "$pin"
    for f in "$tmp"/*; do printf ' \\\n    %s' "$("$TOOLS/bin/pip" hash "$f" | tail -1)"; done
    printf '\n'
  done
} > requirements-nodeps.lock
rm -rf "$tmp"
echo "requirements.lock and requirements-nodeps.lock written"
