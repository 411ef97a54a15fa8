# The two commands: `make run` (portal on its embedded default) and `make test`.
PY := .venv/bin/python
PIP := .venv/bin/pip
PYTHON3 ?= python3

.PHONY: run test venv migrate seed simulators worker bench clean

venv: .venv/.installed

.venv/.installed: requirements.lock requirements-nodeps.lock scripts/system_packages.sh scripts/dlib_wheel.sh
	bash scripts/system_packages.sh
	test -x $(PY) || $(PYTHON3) -m venv .venv
	$(PIP) install -q --upgrade pip wheel
	bash scripts/dlib_wheel.sh $(PIP)
	# Every package from the lock files, each file checked against its hash (scripts/lock.sh makes them).
	$(PIP) install -q --require-hashes -r requirements.lock
	$(PIP) install -q --no-deps --require-hashes -r requirements-nodeps.lock
	touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Portal on http://127.0.0.1:8000 with SQLite in var/, eager tasks, simulators and demo data.
run: seed
	@bash scripts/run.sh

test: venv
	$(PY) -m pytest -q $(PYTEST_ARGS)

simulators: venv
	$(PY) manage.py simulators

worker: venv
	.venv/bin/celery -A migraciones worker -l info -Q default,validation,personalization,biometrics,notifications

bench: venv
	@echo "See docs/BENCHMARKS.md for each benchmark's command."

clean:
	rm -rf var/db.sqlite3 var/media var/mail
