"""The MIGRACIONES portal project: settings, URLs, the Celery app."""
from .cpu import configure_blas

configure_blas()  # before anything loads OpenBLAS (dlib, numpy): see cpu.py

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
