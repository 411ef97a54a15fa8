"""PNP (Policía Nacional del Perú): client, types and simulator."""
from integraciones.pnp.client import PnpClient, get_client
from integraciones.pnp.types import Impedimento, PnpResult, Requisitoria

__all__ = ["Impedimento", "PnpClient", "PnpResult", "Requisitoria", "get_client"]
