# The portal image: web (gunicorn), worker, beat and simulators all run from it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        build-essential cmake libopenblas-dev libpcsclite-dev pcscd swig tesseract-ocr \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Every package from the lock files, each file checked against its hash (scripts/lock.sh); dlib is
# built here from its hash-checked source archive against OpenBLAS.
COPY requirements.lock requirements-nodeps.lock ./
RUN pip install --require-hashes -r requirements.lock \
    && pip install --no-deps --require-hashes -r requirements-nodeps.lock
COPY . .
RUN useradd --create-home --uid 1000 migraciones && mkdir -p /app/var && chown -R migraciones /app/var
USER migraciones
EXPOSE 8000
CMD ["gunicorn", "migraciones.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60"]
