"""PAdES signing and checking of the portal's PDFs (pyHanko), with the document-signing certificate.

The signer lives in DOCUMENTOS_SIGNER_DIR (default: `documentos/` inside MRTD_PKI_DIR): `signer.pem`
(its certificate, then any intermediate), `signer.key.pem` (its key, 0600) and `roots.pem` (the trust
anchors a verifier uses). Outside production, a missing signer is issued once by the portal's test
CSCA, like the Document Signer of the TAM's seal; production never creates one and fails loudly.
"""
from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mrtd.pki import ORGANIZATION, certificates_from_file, init_test_pki, load_certificate, load_pki, load_private_key

logger = logging.getLogger(__name__)

SIGNER_LIFETIME = timedelta(days=5 * 365)
SIGNATURE_FIELD = "FirmaMigraciones"
# id-kp-documentSigning (RFC 9336): the certificate says what it is for.
DOCUMENT_SIGNING_EKU = "1.3.6.1.5.5.7.3.36"
_FILES = {"cert": "signer.pem", "key": "signer.key.pem", "roots": "roots.pem"}


@dataclass(frozen=True)
class DocumentSigner:
    chain_der: tuple[bytes, ...]  # the signer's certificate first
    key_der: bytes  # PKCS#8
    roots_der: tuple[bytes, ...]


def signer_directory() -> Path:
    configured = getattr(settings, "DOCUMENTOS_SIGNER_DIR", "")
    return Path(configured) if configured else Path(settings.MRTD_PKI_DIR) / "documentos"


def _pem(der: bytes) -> bytes:
    return load_certificate(der).public_bytes(serialization.Encoding.PEM)


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    if secret:
        partial.chmod(0o600)
    partial.replace(path)


def _issue_test_signer(directory: Path) -> None:
    """A document-signing certificate under the portal's test CSCA (development and tests only)."""
    pki_dir = Path(settings.MRTD_PKI_DIR)
    pki = load_pki(pki_dir) if (pki_dir / "csca.pem").exists() else init_test_pki(pki_dir)
    if pki.csca_private_key is None:
        raise ImproperlyConfigured(f"{pki_dir} has no CSCA key to issue a test document signer")
    csca = load_certificate(pki.csca_cert_der)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, "Firma de documentos MIGRACIONES TEST"),
        ]))
        .issuer_name(csca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + SIGNER_LIFETIME)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(DOCUMENT_SIGNING_EKU)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(csca.public_key()), critical=False)  # type: ignore[arg-type]
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(pki.csca_private_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / _FILES["key"], key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), secret=True)
    _write(directory / _FILES["roots"], _pem(pki.csca_cert_der))
    _write(directory / _FILES["cert"], cert.public_bytes(serialization.Encoding.PEM))


@functools.lru_cache(maxsize=4)
def _signer_for(directory: str) -> DocumentSigner:
    path = Path(directory)
    if not (path / _FILES["cert"]).exists():
        if settings.PRODUCTION:
            raise ImproperlyConfigured(f"DOCUMENTOS_SIGNER_DIR: no {_FILES['cert']} in {path}")
        logger.warning("creating a test document signer in %s", path)
        _issue_test_signer(path)
    chain = tuple(certificates_from_file((path / _FILES["cert"]).read_bytes(), what="signer"))
    key = load_private_key((path / _FILES["key"]).read_bytes(), what="signer key")
    roots = tuple(certificates_from_file((path / _FILES["roots"]).read_bytes(), what="roots"))
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return DocumentSigner(chain, key_der, roots)


def document_signer() -> DocumentSigner:
    return _signer_for(str(signer_directory()))


def trust_roots() -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(der) for der in document_signer().roots_der]


def reset_cache() -> None:
    _signer_for.cache_clear()
    _pyhanko_signer.cache_clear()


def _asn1_names_refresh() -> None:
    """Make asn1crypto know the names pyHanko (and asn1crypto.tsp) add to its OID maps on import.

    asn1crypto builds each OID map's reverse (name -> OID) once, on first use: when the passport
    code used CMS attributes before pyHanko was imported, names such as signing_certificate_v2 are
    missing from it and pyHanko cannot build its signed attributes. Rebuild the stale ones."""
    from asn1crypto import core

    pending = list(core.ObjectIdentifier.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        reverse = cls.__dict__.get("_reverse_map")
        if reverse is not None and cls._map is not None and len(reverse) != len(cls._map):
            cls._reverse_map = None
            cls()._setup()


@functools.lru_cache(maxsize=4)
def _pyhanko_signer(directory: str):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = _signer_for(directory)
    certs = [asn1_x509.Certificate.load(der) for der in signer.chain_der]
    return signers.SimpleSigner(
        signing_cert=certs[0], signing_key=asn1_keys.PrivateKeyInfo.load(signer.key_der),
        cert_registry=SimpleCertificateStore.from_certs(certs[1:] + trust_roots()),
    )


@dataclass(frozen=True)
class Stamp:
    """What to draw on the first page before signing: the QR's text and the code under it."""

    qr_text: str
    caption: str
    x: int = 36
    y: int = 28
    size: int = 150  # points: about 53 mm, readable from a phone at arm's length


def pdf_sign(pdf: bytes, *, stamp: Stamp | None = None, reason: str = "") -> bytes:
    """PAdES B-B signature (ETSI.CAdES.detached) over the whole PDF, after drawing the stamp if any."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import QRStamp, QRStampStyle

    _asn1_names_refresh()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if stamp is not None:
        style = QRStampStyle(stamp_text="%(caption)s", border_width=0, background=None)
        QRStamp(writer, url=stamp.qr_text, style=style, text_params={"caption": stamp.caption}).apply(
            0, stamp.x, stamp.y)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason or None, location="Lima, PE", name="MIGRACIONES",
    )
    return signers.PdfSigner(meta, signer=_pyhanko_signer(str(signer_directory()))).sign_pdf(writer).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    reason: str  # a short English token for logs and tests; pages show their own text


def pdf_signature_check(pdf: bytes) -> SignatureCheck:
    """pyHanko's own validator with the portal's roots as trust anchors: intact, trusted, whole file."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _asn1_names_refresh()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        return SignatureCheck(False, f"unreadable: {type(exc).__name__}")
    if len(signatures) != 1:
        return SignatureCheck(False, f"signatures: {len(signatures)}")
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[0], context)
    except Exception as exc:  # noqa: BLE001 - any failure of a forged or broken file is "not valid"
        return SignatureCheck(False, f"validation: {type(exc).__name__}")
    if not status.intact or not status.valid:
        return SignatureCheck(False, "altered")
    if not status.trusted:
        return SignatureCheck(False, "untrusted")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, "changed after signing")
    return SignatureCheck(True, "valid")
