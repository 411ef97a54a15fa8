#!/usr/bin/env bash
# Starts the simulators of the external systems and the portal; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py simulators >var/simulators.log 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT INT TERM
$PY manage.py demo_banner
exec $PY manage.py runserver 127.0.0.1:8000
