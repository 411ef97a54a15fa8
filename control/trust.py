"""The portal's eMRTD trust anchors: the CSCA certificates passive authentication and seals rely on."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings

from mrtd.errors import PKIError
from mrtd.pki import TestPKI, certificates_from_file, init_test_pki, load_pki, parse_master_list

logger = logging.getLogger(__name__)
# Extra trust anchors dropped beside the portal's PKI: ICAO master lists (*.ml) and CSCA certificates.
MASTER_LIST_GLOB = "masterlists/*.ml"
EXTRA_CSCA_GLOB = "masterlists/*.pem"


@functools.lru_cache(maxsize=4)
def _pki_for(directory: str) -> TestPKI:
    path = Path(directory)
    if not (path / "csca.pem").exists():
        if settings.PRODUCTION:
            raise PKIError(f"MRTD_PKI_DIR: no CSCA in {path}; production never creates one")
        # Development and tests: the portal's own test CSCA and Document Signer, made once.
        logger.warning("creating a test PKI in %s", path)
        return init_test_pki(path)
    return load_pki(path)


def portal_pki() -> TestPKI:
    """The Peruvian CSCA and the Document Signer that signs passports and seals (TAM)."""
    return _pki_for(str(settings.MRTD_PKI_DIR))


@functools.lru_cache(maxsize=4)
def _anchors_for(directory: str) -> tuple[bytes, ...]:
    anchors = [_pki_for(directory).csca_cert_der]
    root = Path(directory)
    for ml in sorted(root.glob(MASTER_LIST_GLOB)):
        anchors.extend(parse_master_list(ml.read_bytes()))
    for pem in sorted(root.glob(EXTRA_CSCA_GLOB)):
        anchors.extend(certificates_from_file(pem.read_bytes(), what=pem.name))
    return tuple(anchors)


def csca_certificates() -> list[bytes]:
    """Every trusted CSCA (DER): the portal's own and those of the master lists beside it."""
    return list(_anchors_for(str(settings.MRTD_PKI_DIR)))


def reset_cache() -> None:
    """Forget loaded anchors (tests switch MRTD_PKI_DIR; operators add a master list)."""
    _pki_for.cache_clear()
    _anchors_for.cache_clear()
