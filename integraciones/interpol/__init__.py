"""Interpol (SLTD and notices): client, types and simulator."""
from integraciones.interpol.client import InterpolClient, get_client
from integraciones.interpol.types import SLTD_LOST, SLTD_STOLEN, Notice, SltdResult

__all__ = ["SLTD_LOST", "SLTD_STOLEN", "InterpolClient", "Notice", "SltdResult", "get_client"]
