"""Test PKI for passports (a Peruvian CSCA, a Document Signer, a CRL) and CSCA master lists."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from mrtd.errors import PKIError

CSCA_MASTER_LIST_OID = "2.23.136.1.1.2"
ORGANIZATION = "Superintendencia Nacional de Migraciones"
_FILES = {
    "csca": "csca.pem", "csca_key": "csca.key.pem", "ds": "ds.pem", "ds_key": "ds.key.pem", "crl": "crl.pem",
}
# Lifetimes follow ICAO 9303 Part 12's guidance: a CSCA outlives every passport signed under it;
# a DS certificate covers its signing period plus the passports' 10-year validity.
CSCA_LIFETIME = timedelta(days=15 * 365)
DS_LIFETIME = timedelta(days=11 * 365)
CRL_LIFETIME = timedelta(days=90)

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class TestPKI:
    """A CSCA and one Document Signer with their keys and the CSCA's CRL."""

    __test__ = False  # not a pytest test class, despite its name

    csca_cert_der: bytes
    csca_private_key: PrivateKey | None
    ds_cert_der: bytes
    ds_private_key: PrivateKey
    crl_der: bytes
    directory: Path | None = None


def _new_key(algorithm: str) -> PrivateKey:
    if algorithm == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise PKIError(f"algorithm: {algorithm!r} is not 'ec' or 'rsa'")


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )


def make_csca(*, country: str = "PE", algorithm: str = "ec", now: datetime | None = None) -> tuple[bytes, PrivateKey]:
    """Self-signed CSCA certificate (DER) and its key."""
    now = now or datetime.now(timezone.utc)
    key = _new_key(algorithm)
    name = _name(country, f"CSCA {country} TEST")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + CSCA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER), key


def issue_ds(
    *,
    csca_cert_der: bytes,
    csca_key: PrivateKey,
    algorithm: str = "ec",
    serial: int | None = None,
    now: datetime | None = None,
    lifetime: timedelta = DS_LIFETIME,
) -> tuple[bytes, PrivateKey]:
    """Document Signer certificate (DER) issued by the CSCA, and its key."""
    return _issue_signer("Document Signer", csca_cert_der=csca_cert_der, csca_key=csca_key, algorithm=algorithm,
                         serial=serial, now=now, lifetime=lifetime)


def _issue_signer(
    role: str, *, csca_cert_der: bytes, csca_key: PrivateKey, algorithm: str, serial: int | None,
    now: datetime | None, lifetime: timedelta,
) -> tuple[bytes, PrivateKey]:
    """A signing certificate (DER) under the CSCA, for ``role`` ("Document Signer", ...), and its key."""
    now = now or datetime.now(timezone.utc)
    csca = load_certificate(csca_cert_der)
    country = csca.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    key = _new_key(algorithm)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(str(country), f"{role} {country} TEST"))
        .issuer_name(csca.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + lifetime)
        .add_extension(_key_usage(sign=True, ca=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(csca.public_key()), critical=False)  # type: ignore[arg-type]
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(csca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER), key


def issue_crl(
    *, csca_cert_der: bytes, csca_key: PrivateKey, revoked_serials: list[int] = (), now: datetime | None = None,  # type: ignore[assignment]
) -> bytes:
    """CRL (DER) of the CSCA listing ``revoked_serials``."""
    now = now or datetime.now(timezone.utc)
    csca = load_certificate(csca_cert_der)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(csca.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + CRL_LIFETIME)
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
        )
    return builder.sign(csca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _pem_key(key: PrivateKey) -> bytes:
    # A test PKI only: keys are stored unencrypted, readable by the owner alone.
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    if secret:
        os.chmod(partial, 0o600)
    partial.replace(path)


def init_test_pki(
    directory: str | os.PathLike[str], *, country: str = "PE", csca_algorithm: str = "ec", ds_algorithm: str = "ec",
) -> TestPKI:
    """Create a CSCA, a DS and an empty CRL in ``directory`` (PEM files) and return them."""
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise PKIError(f"country: {country!r} is not an ISO 3166 alpha-2 code")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    csca_der, csca_key = make_csca(country=country, algorithm=csca_algorithm)
    ds_der, ds_key = issue_ds(csca_cert_der=csca_der, csca_key=csca_key, algorithm=ds_algorithm)
    crl_der = issue_crl(csca_cert_der=csca_der, csca_key=csca_key)
    _write(target / _FILES["csca"], load_certificate(csca_der).public_bytes(serialization.Encoding.PEM))
    _write(target / _FILES["csca_key"], _pem_key(csca_key), secret=True)
    _write(target / _FILES["ds"], load_certificate(ds_der).public_bytes(serialization.Encoding.PEM))
    _write(target / _FILES["ds_key"], _pem_key(ds_key), secret=True)
    crl = x509.load_der_x509_crl(crl_der)
    _write(target / _FILES["crl"], crl.public_bytes(serialization.Encoding.PEM))
    return TestPKI(csca_der, csca_key, ds_der, ds_key, crl_der, target)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PKIError(f"{what}: cannot read {path} ({exc.strerror})") from exc


def load_private_key(data: bytes, *, what: str = "key") -> PrivateKey:
    """An unencrypted EC or RSA private key from PEM or DER."""
    try:
        if data.lstrip().startswith(b"-----"):
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise PKIError(f"{what}: not an unencrypted private key ({exc})") from exc
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise PKIError(f"{what}: {type(key).__name__} is not an EC or RSA key")
    return key


def load_pki(directory: str | os.PathLike[str]) -> TestPKI:
    """Load a PKI written by init_test_pki; the CSCA key is optional (a DS-only copy works)."""
    source = Path(directory)
    csca_key_path = source / _FILES["csca_key"]
    crl_path = source / _FILES["crl"]
    crl_der = b""
    if crl_path.exists():
        try:
            crl_der = x509.load_pem_x509_crl(_read(crl_path, "crl")).public_bytes(serialization.Encoding.DER)
        except ValueError as exc:
            raise PKIError(f"crl: {crl_path} is not a PEM CRL") from exc
    return TestPKI(
        csca_cert_der=certificate_der(_read(source / _FILES["csca"], "csca"), what="csca"),
        csca_private_key=(
            load_private_key(_read(csca_key_path, "csca_key"), what="csca_key") if csca_key_path.exists() else None
        ),
        ds_cert_der=certificate_der(_read(source / _FILES["ds"], "ds"), what="ds"),
        ds_private_key=load_private_key(_read(source / _FILES["ds_key"], "ds_key"), what="ds_key"),
        crl_der=crl_der,
        directory=source,
    )


def load_certificate(der: bytes, *, what: str = "certificate") -> x509.Certificate:
    """cryptography certificate from DER; PKIError (naming ``what``) if it cannot be loaded."""
    try:
        return x509.load_der_x509_certificate(der)
    except (ValueError, TypeError) as exc:
        raise PKIError(f"{what}: cannot be loaded ({exc})") from exc


def certificate_der(data: bytes, *, what: str = "certificate") -> bytes:
    """DER of a certificate given as PEM or DER (the first one of a PEM bundle)."""
    ders = certificates_from_file(data, what=what)
    return ders[0]


def certificates_from_file(data: bytes, *, what: str = "certificate") -> list[bytes]:
    """Every certificate (DER) in a PEM bundle, or the one DER certificate."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return [c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(data)]
        asn1_x509.Certificate.load(data, strict=True).native  # noqa: B018 - full parse
    except (ValueError, TypeError, KeyError) as exc:
        raise PKIError(f"{what}: not a PEM or DER certificate ({exc})") from exc
    return [bytes(data)]


class CscaMasterList(core.Sequence):
    """ICAO 9303 Part 12 CscaMasterList ::= SEQUENCE { version, certList SET OF Certificate }."""

    _fields = [("version", core.Integer), ("cert_list", core.SetOf, {"spec": asn1_x509.Certificate})]


def parse_master_list(data: bytes) -> list[bytes]:
    """CSCA certificates (DER) of a CSCA master list (CMS SignedData); the list's own
    signature is not checked here: trust comes from where the list was obtained."""
    try:
        content_info = cms.ContentInfo.load(bytes(data), strict=True)
        if content_info["content_type"].native != "signed_data":
            raise PKIError(f"master_list content type: {content_info['content_type'].native}, expected signed_data")
        encap = content_info["content"]["encap_content_info"]
        if encap["content_type"].dotted != CSCA_MASTER_LIST_OID:
            raise PKIError(f"master_list eContentType: {encap['content_type'].dotted}, expected {CSCA_MASTER_LIST_OID}")
        content = encap["content"].native
        if not isinstance(content, bytes):
            raise PKIError("master_list eContent: missing")
        certs = CscaMasterList.load(content, strict=True)["cert_list"]
        return [cert.dump() for cert in certs]
    except PKIError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise PKIError(f"master_list: malformed ({exc})") from exc


def issue_master_list_signer(
    *, csca_cert_der: bytes, csca_key: PrivateKey, now: datetime | None = None, lifetime: timedelta = DS_LIFETIME,
) -> tuple[bytes, PrivateKey]:
    """A Master List Signer certificate (DER) issued by the CSCA, and its EC key (ICAO 9303 Part 12)."""
    return _issue_signer("Master List Signer", csca_cert_der=csca_cert_der, csca_key=csca_key, algorithm="ec",
                         serial=None, now=now, lifetime=lifetime)


def make_master_list(
    csca_certs: list[bytes], *, signer_cert_der: bytes, signer_key: PrivateKey, extra_certs: list[bytes] = (),  # type: ignore[assignment]
    signing_time: datetime | None = None,
) -> bytes:
    """A CSCA master list (CMS SignedData of a CscaMasterList) signed by the Master List Signer;
    the signer's certificate (and ``extra_certs``, such as its CSCA) travel in the SignedData."""
    import hashlib

    if not isinstance(signer_key, ec.EllipticCurvePrivateKey):
        raise PKIError("signer_key: an EC key is expected")
    certs = [asn1_x509.Certificate.load(bytes(der)) for der in csca_certs]
    econtent = CscaMasterList({"version": 0, "cert_list": certs}).dump()
    signer = asn1_x509.Certificate.load(bytes(signer_cert_der))
    moment = (signing_time or datetime.now(timezone.utc)).replace(microsecond=0)
    signed_attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [CSCA_MASTER_LIST_OID]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": moment})]},
        {"type": "message_digest", "values": [hashlib.sha256(econtent).digest()]},
    ])
    signature = signer_key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer_info = cms.SignerInfo({
        "version": "v3",
        "sid": cms.SignerIdentifier({"subject_key_identifier": signer.key_identifier}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": CSCA_MASTER_LIST_OID, "content": core.ParsableOctetString(econtent)},
        "certificates": [signer, *(asn1_x509.Certificate.load(bytes(der)) for der in extra_certs)],
        "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
