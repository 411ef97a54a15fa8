"""Passive authentication of an eMRTD (ICAO 9303 Part 11): every check, each with its reason."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from mrtd.errors import LDSError, MRTDError, PKIError
from mrtd.lds import LDS_SECURITY_OBJECT_OID, SOD, decode_dg1, decode_sod, hash_bytes
from mrtd.pki import parse_master_list

# Checks without which a document is not authenticated; the others may be "not performed"
# (no CRL given, no printed MRZ) without invalidating it, but never failed.
REQUIRED_CHECKS = ("sod", "ds_certificate", "csca_chain", "validity", "signature", "dg_hashes", "dg_listed")

# ISO 3166 alpha-3 -> alpha-2 (Debian iso-codes), to compare the MRZ's issuing state with the
# certificates' country. ICAO adds D for Germany and the British variants.
_ALPHA3_TABLE = """
ABWAW AFGAF AGOAO AIAAI ALAAX ALBAL ANDAD AREAE ARGAR ARMAM ASMAS ATAAQ ATFTF ATGAG AUSAU AUTAT
AZEAZ BDIBI BELBE BENBJ BESBQ BFABF BGDBD BGRBG BHRBH BHSBS BIHBA BLMBL BLRBY BLZBZ BMUBM BOLBO
BRABR BRBBB BRNBN BTNBT BVTBV BWABW CAFCF CANCA CCKCC CHECH CHLCL CHNCN CIVCI CMRCM CODCD COGCG
COKCK COLCO COMKM CPVCV CRICR CUBCU CUWCW CXRCX CYMKY CYPCY CZECZ DEUDE DJIDJ DMADM DNKDK DOMDO
DZADZ ECUEC EGYEG ERIER ESHEH ESPES ESTEE ETHET FINFI FJIFJ FLKFK FRAFR FROFO FSMFM GABGA GBRGB
GEOGE GGYGG GHAGH GIBGI GINGN GLPGP GMBGM GNBGW GNQGQ GRCGR GRDGD GRLGL GTMGT GUFGF GUMGU GUYGY
HKGHK HMDHM HNDHN HRVHR HTIHT HUNHU IDNID IMNIM INDIN IOTIO IRLIE IRNIR IRQIQ ISLIS ISRIL ITAIT
JAMJM JEYJE JORJO JPNJP KAZKZ KENKE KGZKG KHMKH KIRKI KNAKN KORKR KWTKW LAOLA LBNLB LBRLR LBYLY
LCALC LIELI LKALK LSOLS LTULT LUXLU LVALV MACMO MAFMF MARMA MCOMC MDAMD MDGMG MDVMV MEXMX MHLMH
MKDMK MLIML MLTMT MMRMM MNEME MNGMN MNPMP MOZMZ MRTMR MSRMS MTQMQ MUSMU MWIMW MYSMY MYTYT NAMNA
NCLNC NERNE NFKNF NGANG NICNI NIUNU NLDNL NORNO NPLNP NRUNR NZLNZ OMNOM PAKPK PANPA PCNPN PERPE
PHLPH PLWPW PNGPG POLPL PRIPR PRKKP PRTPT PRYPY PSEPS PYFPF QATQA REURE ROURO RUSRU RWARW SAUSA
SDNSD SENSN SGPSG SGSGS SHNSH SJMSJ SLBSB SLESL SLVSV SMRSM SOMSO SPMPM SRBRS SSDSS STPST SURSR
SVKSK SVNSI SWESE SWZSZ SXMSX SYCSC SYRSY TCATC TCDTD TGOTG THATH TJKTJ TKLTK TKMTM TLSTL TONTO
TTOTT TUNTN TURTR TUVTV TWNTW TZATZ UGAUG UKRUA UMIUM URYUY USAUS UZBUZ VATVA VCTVC VENVE VGBVG
VIRVI VNMVN VUTVU WLFWF WSMWS YEMYE ZAFZA ZMBZM ZWEZW
D<<DE GBDGB GBNGB GBOGB GBPGB GBSGB RKSXK
"""
ALPHA3_TO_ALPHA2 = {item[:3]: item[3:] for item in _ALPHA3_TABLE.split()}


@dataclass(frozen=True)
class PACheck:
    """One passive-authentication check: passed True/False, or None when not performed."""

    name: str
    passed: bool | None
    reason: str


@dataclass
class PAReport:
    """Result of passive authentication; ``valid`` only when every required check passed."""

    checks: list[PACheck]
    hash_algorithm: str | None = None
    ds_subject: str | None = None
    csca_subject: str | None = None
    data_groups: list[int] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        by_name = {check.name: check.passed for check in self.checks}
        no_failure = all(check.passed is not False for check in self.checks)
        return no_failure and all(by_name.get(name) is True for name in REQUIRED_CHECKS)

    def check(self, name: str) -> PACheck:
        """The check called ``name`` (KeyError if the report has none)."""
        for item in self.checks:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "hash_algorithm": self.hash_algorithm,
            "ds_subject": self.ds_subject,
            "csca_subject": self.csca_subject,
            "data_groups": [f"DG{n}" for n in self.data_groups],
            "checks": [{"name": c.name, "passed": c.passed, "reason": c.reason} for c in self.checks],
        }


# ---------------------------------------------------------------- signatures


def _hash(name: str) -> hashes.HashAlgorithm:
    try:
        return {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
                "sha384": hashes.SHA384, "sha512": hashes.SHA512}[name]()
    except KeyError:
        raise PKIError(f"hash algorithm: {name!r} is not supported") from None


def verify_signature(public_key: object, signature: bytes, data: bytes, *, algorithm: str,
                     hash_name: str, pss_params: dict | None = None) -> None:
    """Raise InvalidSignature (bad) or PKIError (unsupported); return when it verifies."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and algorithm == "ecdsa":
        public_key.verify(signature, data, ec.ECDSA(_hash(hash_name)))
    elif isinstance(public_key, rsa.RSAPublicKey) and algorithm == "rsassa_pkcs1v15":
        public_key.verify(signature, data, padding.PKCS1v15(), _hash(hash_name))
    elif isinstance(public_key, rsa.RSAPublicKey) and algorithm == "rsassa_pss":
        params = pss_params or {}
        pss_hash = _hash(params.get("hash_algorithm", {}).get("algorithm", hash_name))
        mgf_hash = _hash(params.get("mask_gen_algorithm", {}).get("parameters", {}).get("algorithm", hash_name))
        salt = params.get("salt_length", 20)
        public_key.verify(signature, data, padding.PSS(padding.MGF1(mgf_hash), salt), pss_hash)
    else:
        raise PKIError(f"signature algorithm: {algorithm} with a {type(public_key).__name__} is not supported")


# ---------------------------------------------------------------- trust anchors


@dataclass(frozen=True)
class _Anchor:
    der: bytes
    asn1: asn1_x509.Certificate


def _index(ders: Iterable[bytes]) -> dict[bytes, list[_Anchor]]:
    """Trusted CSCAs by the normalised DER of their subject."""
    index: dict[bytes, list[_Anchor]] = {}
    for der in ders:
        try:
            cert = asn1_x509.Certificate.load(der)
            key = cert.subject.hashable.encode("utf-8")
        except (ValueError, TypeError, KeyError):
            continue  # one unreadable certificate in a master list must not hide the others
        index.setdefault(key, []).append(_Anchor(der, cert))
    return index


@lru_cache(maxsize=8)
def _master_list_index(master_list: bytes) -> dict[bytes, list[_Anchor]]:
    # Master lists hold hundreds of certificates; a counter reuses the same list all day.
    return _index(parse_master_list(master_list))


def _candidates(ds: asn1_x509.Certificate, csca_certs: Iterable[bytes], master_list: bytes | None) -> list[_Anchor]:
    key = ds.issuer.hashable.encode("utf-8")
    found = list(_index(csca_certs).get(key, []))
    if master_list is not None:
        found += _master_list_index(bytes(master_list)).get(key, [])
    return found


def _subject_text(cert: asn1_x509.Certificate) -> str:
    try:
        return cert.subject.human_friendly
    except (ValueError, TypeError, KeyError):
        return "?"


def _country(cert: asn1_x509.Certificate) -> str | None:
    try:
        value = cert.subject.native.get("country_name")
    except (ValueError, TypeError, KeyError):
        return None
    return value.upper() if isinstance(value, str) else None


# ---------------------------------------------------------------- the checks


@dataclass
class _State:
    """What earlier checks found, for the later ones."""

    sod: SOD
    now: datetime
    ds_asn1: asn1_x509.Certificate | None = None
    ds_key: object | None = None
    csca: _Anchor | None = None
    csca_crypto: x509.Certificate | None = None


def _has_explicit_curve(cert: asn1_x509.Certificate) -> bool:
    try:
        params = cert.public_key["algorithm"]["parameters"]
        return cert.public_key.algorithm == "ec" and params.name == "specified"
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


# A country's Document Signer signs thousands of passports, so a control point sees the same DS
# certificate, CSCA and CRL again and again. What depends only on their bytes (parsing, the DS
# signature under the CSCA, the CRL's signature) is kept in these small caches, keyed by the
# bytes themselves; dates (validity, revocation) are still checked on every document.
_CERT_CACHE = 128


@lru_cache(maxsize=_CERT_CACHE)
def _load_ds(der: bytes) -> tuple[asn1_x509.Certificate | None, object | None, PACheck]:
    """(parsed DS, its public key, the ds_certificate check) of a DS certificate's DER."""
    try:
        cert = asn1_x509.Certificate.load(der)
        cert.native  # noqa: B018 - full parse
    except (ValueError, TypeError, KeyError) as exc:
        return None, None, PACheck("ds_certificate", False, f"certificado DS ilegible: {exc}")
    if _has_explicit_curve(cert):
        return cert, None, PACheck("ds_certificate", None,
                                   "no soportado: la clave del DS usa parámetros de curva EC explícitos, "
                                   "que la biblioteca criptográfica no carga")
    try:
        key = x509.load_der_x509_certificate(der).public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        return cert, None, PACheck("ds_certificate", None,
                                   f"no soportado: el certificado DS no se puede cargar ({exc})")
    return cert, key, PACheck("ds_certificate", True, f"certificado DS: {_subject_text(cert)}")


@lru_cache(maxsize=_CERT_CACHE)
def _issued_by(ds_der: bytes, csca_der: bytes) -> x509.Certificate | None:
    """The CSCA (loaded) when its key verifies the DS certificate's signature, else None."""
    try:
        csca = x509.load_der_x509_certificate(csca_der)
        x509.load_der_x509_certificate(ds_der).verify_directly_issued_by(csca)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return None
    return csca


def _check_ds_certificate(state: _State) -> PACheck:
    der = state.sod.ds_certificate_der
    if der is None:
        return PACheck("ds_certificate", False, "el SOD no trae el certificado del firmante (DS)")
    state.ds_asn1, state.ds_key, check = _load_ds(bytes(der))
    return check


def _check_chain(state: _State, csca_certs: Iterable[bytes], master_list: bytes | None) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("csca_chain", None, "no realizado: no hay certificado DS")
    candidates = _candidates(state.ds_asn1, csca_certs, master_list)
    issuer = state.ds_asn1.issuer.human_friendly
    if not candidates:
        return PACheck("csca_chain", False, f"ningún CSCA de confianza tiene el sujeto del emisor del DS ({issuer})")
    if state.ds_key is None:
        state.csca = candidates[0]
        return PACheck("csca_chain", None, "no soportado: el certificado DS no se puede verificar con esta biblioteca")
    ds_der = bytes(state.sod.ds_certificate_der or b"")
    for anchor in candidates:
        csca = _issued_by(ds_der, bytes(anchor.der))
        if csca is None:
            continue
        state.csca, state.csca_crypto = anchor, csca
        return PACheck("csca_chain", True, f"DS emitido por el CSCA de confianza {_subject_text(anchor.asn1)}")
    aki = state.ds_asn1.authority_key_identifier
    key_text = f" (identificador de clave del emisor {aki.hex()})" if aki else ""
    return PACheck("csca_chain", False,
                   f"la firma del DS no verifica con ninguno de los {len(candidates)} CSCA de confianza de "
                   f"{issuer}{key_text}: falta el CSCA que lo emitió")


def _within(cert: asn1_x509.Certificate, now: datetime) -> tuple[bool, str]:
    validity = cert["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    return start <= now <= end, f"{start.date()} a {end.date()}"


def _check_validity(state: _State) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("validity", None, "no realizado: no hay certificado DS")
    problems, ok_parts = [], []
    for label, cert in (("DS", state.ds_asn1), ("CSCA", state.csca.asn1 if state.csca else None)):
        if cert is None:
            continue
        ok, span = _within(cert, state.now)
        (ok_parts if ok else problems).append(f"{label} válido de {span}")
    if problems:
        return PACheck("validity", False, f"certificado fuera de vigencia el {state.now.date()}: " + "; ".join(problems))
    return PACheck("validity", True, "; ".join(ok_parts))


@lru_cache(maxsize=_CERT_CACHE)
def _load_crl(der: bytes) -> tuple[x509.CertificateRevocationList, object]:
    """A CRL and its issuer's comparable name; CRLs come as DER from a PKD, as PEM from `mrtd pki init`."""
    crl = x509.load_pem_x509_crl(der) if der.lstrip().startswith(b"-----") else x509.load_der_x509_crl(der)
    return crl, asn1_x509.Name.load(crl.issuer.public_bytes()).hashable


@lru_cache(maxsize=_CERT_CACHE)
def _crl_signed_by(der: bytes, csca: x509.Certificate) -> bool:
    return _load_crl(der)[0].is_signature_valid(csca.public_key())  # type: ignore[arg-type]


def _check_revocation(state: _State, crls: Iterable[bytes]) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("revocation", None, "no realizado: no hay certificado DS")
    serial = state.ds_asn1.serial_number
    issuer = state.ds_asn1.issuer.hashable
    applicable = 0
    for der in crls:
        try:
            crl, crl_issuer = _load_crl(bytes(der))
        except (ValueError, TypeError) as exc:
            return PACheck("revocation", False, f"CRL ilegible: {exc}")
        if crl_issuer != issuer:
            continue
        applicable += 1
        if state.csca_crypto is not None and not _crl_signed_by(bytes(der), state.csca_crypto):
            return PACheck("revocation", False, "la firma de la CRL no verifica con el CSCA")
        if crl.get_revoked_certificate_by_serial_number(serial) is not None:
            return PACheck("revocation", False, f"el certificado DS (serie {serial}) está revocado")
    if not applicable:
        return PACheck("revocation", None, "no realizado: no se dio una CRL del emisor del DS")
    return PACheck("revocation", True, f"el DS no figura en {applicable} CRL del emisor")


def _check_signature(state: _State) -> PACheck:
    info = state.sod.signer_info
    if info.signed_attrs_der is not None:
        if info.content_type != LDS_SECURITY_OBJECT_OID:
            return PACheck("signature", False, f"atributo contentType {info.content_type} no es el LDSSecurityObject")
        expected = hashlib.new(info.digest_algorithm, state.sod.econtent).digest() \
            if info.digest_algorithm in hashlib.algorithms_available else None
        if info.message_digest != expected:
            return PACheck("signature", False, "messageDigest no es el hash del LDSSecurityObject")
    if state.ds_key is None:
        return PACheck("signature", None, "no soportado: sin clave pública del DS utilizable")
    signed = info.signed_attrs_der if info.signed_attrs_der is not None else state.sod.econtent
    params = info.asn1["signature_algorithm"]["parameters"].native if info.signature_algorithm == "rsassa_pss" else None
    try:
        verify_signature(state.ds_key, info.signature, signed, algorithm=info.signature_algorithm,
                         hash_name=info.digest_algorithm, pss_params=params)
    except InvalidSignature:
        return PACheck("signature", False, "la firma del SOD no verifica con la clave del DS")
    except PKIError as exc:
        return PACheck("signature", None, f"no soportado: {exc}")
    return PACheck("signature", True, f"firma {info.signature_algorithm} con {info.digest_algorithm} verificada")


def _check_hashes(sod: SOD, data_groups: dict[int, bytes]) -> tuple[PACheck, PACheck]:
    listed = sorted(n for n in data_groups if n in sod.dg_hashes)
    unlisted = sorted(n for n in data_groups if n not in sod.dg_hashes)
    if not data_groups:
        none = "no realizado: no se dieron grupos de datos"
        return PACheck("dg_hashes", None, none), PACheck("dg_listed", None, none)
    changed = [n for n in listed if hash_bytes(sod.hash_algorithm, data_groups[n]) != sod.dg_hashes[n]]
    if changed:
        names = ", ".join(f"DG{n}" for n in changed)
        hashes_check = PACheck("dg_hashes", False, f"{names}: el hash no coincide con el del SOD (dato alterado)")
    elif listed:
        names = ", ".join(f"DG{n}" for n in listed)
        hashes_check = PACheck("dg_hashes", True, f"{names}: hash {sod.hash_algorithm} igual al del SOD")
    else:
        hashes_check = PACheck("dg_hashes", False, "ningún grupo de datos dado figura en el SOD")
    if unlisted:
        names = ", ".join(f"DG{n}" for n in unlisted)
        listed_check = PACheck("dg_listed", False, f"{names}: no figura en el SOD y se rechaza")
    else:
        listed_check = PACheck("dg_listed", True, "todos los grupos de datos figuran en el SOD")
    return hashes_check, listed_check


def _chip_mrz(data_groups: dict[int, bytes]) -> list[str] | None:
    try:
        return decode_dg1(data_groups[1]) if 1 in data_groups else None
    except LDSError:
        return None


def _check_mrz(chip_mrz: list[str] | None, printed_mrz: list[str] | None) -> PACheck:
    if printed_mrz is None:
        return PACheck("mrz", None, "no realizado: no se dio la MRZ impresa")
    if chip_mrz is None:
        return PACheck("mrz", None, "no realizado: no hay DG1 legible")
    printed = [line.strip().upper() for line in printed_mrz]
    if printed != chip_mrz:
        return PACheck("mrz", False, "la MRZ del chip (DG1) no es igual a la MRZ impresa")
    return PACheck("mrz", True, "la MRZ del chip (DG1) es igual a la MRZ impresa")


def _check_country(state: _State, chip_mrz: list[str] | None) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("country", None, "no realizado: no hay certificado DS")
    ds_country = _country(state.ds_asn1)
    facts = []
    if state.csca is not None:
        csca_country = _country(state.csca.asn1)
        if csca_country != ds_country:
            return PACheck("country", False, f"país del DS ({ds_country}) distinto del país del CSCA ({csca_country})")
        facts.append(f"DS y CSCA de {ds_country}")
    if chip_mrz is not None:
        state_code = chip_mrz[0][2:5]
        mapped = ALPHA3_TO_ALPHA2.get(state_code)
        if mapped != ds_country:
            return PACheck("country", False, f"Estado emisor {state_code.strip('<')} no es el país del DS ({ds_country})")
        facts.append(f"Estado emisor {state_code.strip('<')} = {ds_country}")
    if not facts:
        return PACheck("country", None, "no realizado: sin CSCA ni DG1 con que comparar el país del DS")
    return PACheck("country", True, "; ".join(facts))


def _not_performed(names: Iterable[str], reason: str) -> list[PACheck]:
    return [PACheck(name, None, reason) for name in names]


def passive_authentication(
    *,
    sod: bytes,
    data_groups: dict[int, bytes],
    csca_certs: Iterable[bytes] = (),
    master_list: bytes | None = None,
    crls: Iterable[bytes] = (),
    printed_mrz: list[str] | None = None,
    now: datetime | None = None,
) -> PAReport:
    """Run every passive-authentication check of ICAO 9303 and report each one.

    ``data_groups`` maps DG numbers to whole files (tag, length, value) as read from the chip.
    Never raises for a bad document: problems become failed checks. A master list that cannot
    be parsed raises PKIError, as it is the caller's configuration that is wrong.
    """
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    try:
        decoded = decode_sod(sod)
    except MRTDError as exc:
        later = ("ds_certificate", "csca_chain", "validity", "revocation", "signature", "dg_hashes",
                 "dg_listed", "mrz", "country")
        return PAReport([PACheck("sod", False, f"el SOD no se puede leer: {exc}"),
                         *_not_performed(later, "no realizado: el SOD no se pudo leer")])
    state = _State(sod=decoded, now=now)
    checks = [PACheck("sod", True, f"SOD con hashes {decoded.hash_algorithm} de "
                      + ", ".join(f"DG{n}" for n in sorted(decoded.dg_hashes)))]
    checks.append(_check_ds_certificate(state))
    checks.append(_check_chain(state, list(csca_certs), master_list))
    checks.append(_check_validity(state))
    checks.append(_check_revocation(state, crls))
    checks.append(_check_signature(state))
    checks.extend(_check_hashes(decoded, data_groups))
    chip_mrz = _chip_mrz(data_groups)
    checks.append(_check_mrz(chip_mrz, printed_mrz))
    checks.append(_check_country(state, chip_mrz))
    return PAReport(
        checks=checks,
        hash_algorithm=decoded.hash_algorithm,
        ds_subject=_subject_text(state.ds_asn1) if state.ds_asn1 is not None else None,
        csca_subject=_subject_text(state.csca.asn1) if state.csca is not None else None,
        data_groups=sorted(data_groups),
    )
