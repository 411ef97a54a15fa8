"""RENIEC, the national identity registry: client, types and simulator."""
from integraciones.reniec.client import ReniecClient, get_client
from integraciones.reniec.digits import matches_verification, verification_digit
from integraciones.reniec.types import Citizen, DniCheck

__all__ = ["Citizen", "DniCheck", "ReniecClient", "get_client", "matches_verification", "verification_digit"]
