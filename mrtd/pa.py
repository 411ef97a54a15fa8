"""Passive authentication of an eMRTD (ICAO 9303 Part 11): every check, each with its reason.

Each reason says what the check was made against: the DS certificate and its key, the CSCA by
subject and key identifier, the CRL by issuer and number. Keys and signatures are read from their
parts (mrtd.keys), so explicit EC parameters and NULL algorithm parameters of real passports work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature

from mrtd import keys
from mrtd.errors import LDSError, MRTDError, PKIError, PKIUnsupported
from mrtd.lds import ECONTENT_TYPES, SOD, decode_dg1, decode_sod, hash_bytes
from mrtd.pki import parse_master_list
from mrtd.trust import TrustStore

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
    csca_subject: str | None = None  # only a CSCA whose key verified the DS certificate
    data_groups: list[int] = field(default_factory=list)
    csca_key_id: str | None = None
    csca_der: bytes | None = field(default=None, repr=False)  # the CSCA that verified the DS

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
            "csca_key_id": self.csca_key_id,
            "data_groups": [f"DG{n}" for n in self.data_groups],
            "checks": [{"name": c.name, "passed": c.passed, "reason": c.reason} for c in self.checks],
        }




# Errors that malformed input can raise from asn1crypto or a check's own arithmetic; a check that
# meets one fails with its reason, so only mrtd.errors ever leave passive_authentication.
_UNEXPECTED = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError,
               UnicodeError)
_BYTES = (bytes, bytearray, memoryview)


# ---------------------------------------------------------------- trust anchors


@dataclass(frozen=True)
class _Anchor:
    der: bytes
    asn1: asn1_x509.Certificate

    @property
    def key_id(self) -> str:
        return _key_id(self.asn1)


def _key_id(cert: asn1_x509.Certificate) -> str:
    try:
        value = cert.key_identifier
    except _UNEXPECTED:
        value = None
    return value.hex() if value else "sin identificador de clave"


@lru_cache(maxsize=8)
def _index(ders: tuple[bytes, ...]) -> dict[bytes, list[_Anchor]]:
    """Trusted CSCAs by the normalised DER of their subject (each certificate once).

    Cached by the tuple of certificates: control passes the same few hundred anchors every time.
    """
    index: dict[bytes, list[_Anchor]] = {}
    seen: set[bytes] = set()
    for der in ders:
        if der in seen:
            continue
        seen.add(der)
        try:
            cert = asn1_x509.Certificate.load(der)
            key = cert.subject.hashable.encode("utf-8")
        except _UNEXPECTED:
            continue  # one unreadable certificate in a master list must not hide the others
        index.setdefault(key, []).append(_Anchor(der, cert))
    return index


@lru_cache(maxsize=8)
def _master_list_index(master_list: bytes) -> dict[bytes, list[_Anchor]]:
    # Master lists hold hundreds of certificates; a counter reuses the same list all day.
    return _index(tuple(parse_master_list(master_list)))


def _candidates(ds: asn1_x509.Certificate, anchors: tuple[bytes, ...], ml_index: dict[bytes, list[_Anchor]],
                store: TrustStore | None = None, now: datetime | None = None) -> list[_Anchor]:
    """CSCAs that may have issued the DS, those whose key identifier is the DS's AKI first: from the
    trust store (dict look-ups by AKI, issuer+serial, issuer name), then the certificates and master
    list given."""
    key = ds.issuer.hashable.encode("utf-8")
    found: list[_Anchor] = []
    seen: set[bytes] = set()
    given = [*_index(anchors).get(key, []), *ml_index.get(key, [])] if anchors or ml_index else []
    aki = ds.authority_key_identifier
    if aki and given:
        given.sort(key=lambda a: a.asn1.key_identifier != aki)
    stored = [_Anchor(a.der, a.asn1) for a in store.issuers_of(ds, now=now)] if store is not None else []
    for anchor in [*stored, *given]:
        if anchor.der not in seen:
            seen.add(anchor.der)
            found.append(anchor)
    return found


def _subject_text(cert: asn1_x509.Certificate) -> str:
    try:
        return cert.subject.human_friendly
    except _UNEXPECTED:
        return "?"


def _name_text(name: asn1_x509.Name) -> str:
    try:
        return name.human_friendly
    except _UNEXPECTED:
        return "?"


def _country(cert: asn1_x509.Certificate) -> str | None:
    try:
        value = cert.subject.native.get("country_name")
    except _UNEXPECTED:
        return None
    return value.upper() if isinstance(value, str) else None


# ---------------------------------------------------------------- the checks


@dataclass
class _State:
    """What earlier checks found, for the later ones."""

    sod: SOD
    now: datetime
    ds_asn1: asn1_x509.Certificate | None = None
    ds_key: keys.PublicKey | None = None
    csca: _Anchor | None = None  # set only when its key verified the DS certificate
    csca_key: keys.PublicKey | None = None


# A country's Document Signer signs thousands of passports, so a control point sees the same DS
# certificate, CSCA and CRL again and again. What depends only on their bytes (parsing, the DS
# signature under the CSCA, the CRL's signature) is kept in these small caches, keyed by the
# bytes themselves; dates (validity, revocation) are still checked on every document.
_CERT_CACHE = 128


def _explicit_curve_note(cert: asn1_x509.Certificate, key: keys.PublicKey) -> str:
    try:
        specified = cert.public_key["algorithm"]["parameters"].name == "specified"
    except _UNEXPECTED:
        specified = False
    return " (parámetros de curva explícitos, iguales a los de la curva con nombre)" if specified else ""


@lru_cache(maxsize=_CERT_CACHE)
def _load_ds(der: bytes) -> tuple[asn1_x509.Certificate | None, keys.PublicKey | None, PACheck]:
    """(parsed DS, its public key, the ds_certificate check) of a DS certificate's DER."""
    try:
        cert = asn1_x509.Certificate.load(der, strict=True)
        cert.native  # noqa: B018 - full parse
    except _UNEXPECTED as exc:
        return None, None, PACheck("ds_certificate", False, f"certificado DS ilegible: {exc}")
    subject = _subject_text(cert)
    try:
        key = keys.load_public_key(cert["tbs_certificate"]["subject_public_key_info"])
    except PKIUnsupported as exc:
        return cert, None, PACheck("ds_certificate", None, f"no soportado: la clave del DS {subject}: {exc}")
    except PKIError as exc:
        return cert, None, PACheck("ds_certificate", False, f"clave del DS {subject} rechazada: {exc}")
    return cert, key, PACheck("ds_certificate", True,
                              f"certificado DS {subject} (serie {cert.serial_number}, identificador de clave "
                              f"{_key_id(cert)}), clave {keys.key_description(key)}{_explicit_curve_note(cert, key)}")


@lru_cache(maxsize=_CERT_CACHE)
def _issued_by(ds_der: bytes, csca_der: bytes) -> tuple[keys.PublicKey | None, str]:
    """(the CSCA's key, how it verified) when its key verifies the DS certificate; (None, why not)."""
    try:
        csca_key = keys.certificate_key(csca_der)
        algorithm = keys.verify_certificate(asn1_x509.Certificate.load(ds_der), csca_key)
    except InvalidSignature:
        return None, "la firma no verifica"
    except PKIError as exc:
        return None, str(exc)
    return csca_key, f"{algorithm} con clave {keys.key_description(csca_key)}"


def _check_ds_certificate(state: _State) -> PACheck:
    der = state.sod.ds_certificate_der
    if der is None:
        return PACheck("ds_certificate", False, "el SOD no trae el certificado del firmante (DS)")
    state.ds_asn1, state.ds_key, check = _load_ds(bytes(der))
    return check


def _check_chain(state: _State, anchors: tuple[bytes, ...], ml_index: dict[bytes, list[_Anchor]],
                 store: TrustStore | None = None) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("csca_chain", None, "no realizado: no hay certificado DS")
    issuer = _name_text(state.ds_asn1.issuer)
    aki = state.ds_asn1.authority_key_identifier
    aki_text = f"identificador de clave del emisor {aki.hex()}" if aki else "sin identificador de clave del emisor"
    candidates = _candidates(state.ds_asn1, anchors, ml_index, store, state.now)
    if not candidates:
        return PACheck("csca_chain", False,
                       f"ningún CSCA de confianza tiene el nombre del emisor del DS ({issuer}; {aki_text})")
    ds_der = bytes(state.sod.ds_certificate_der or b"")
    for anchor in candidates:
        csca_key, how = _issued_by(ds_der, anchor.der)
        if csca_key is None:
            continue
        state.csca, state.csca_key = anchor, csca_key
        return PACheck("csca_chain", True,
                       f"DS emitido por el CSCA de confianza {_subject_text(anchor.asn1)} (identificador de clave "
                       f"{anchor.key_id}, serie {anchor.asn1.serial_number}): firma {how}")
    tried = ", ".join(dict.fromkeys(a.key_id for a in candidates))
    return PACheck("csca_chain", False,
                   f"la firma del DS no verifica con ninguno de los {len(candidates)} CSCA de confianza llamados "
                   f"{issuer} (claves {tried}); el DS pide {aki_text}: falta el CSCA que lo emitió")


def _within(cert: asn1_x509.Certificate, now: datetime) -> tuple[bool, str]:
    validity = cert["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    return start <= now <= end, f"{start.date()} a {end.date()}"


def _check_validity(state: _State) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("validity", None, "no realizado: no hay certificado DS")
    ds_ok, ds_span = _within(state.ds_asn1, state.now)
    if state.csca is None:
        # Never the dates of a namesake CSCA that did not verify the DS.
        if not ds_ok:
            return PACheck("validity", False, f"certificado fuera de vigencia el {state.now.date()}: DS válido de {ds_span}")
        return PACheck("validity", None,
                       f"DS válido de {ds_span}; CSCA no evaluado: ningún CSCA de confianza verificó el DS")
    csca_ok, csca_span = _within(state.csca.asn1, state.now)
    parts = [(ds_ok, f"DS válido de {ds_span}"), (csca_ok, f"CSCA {state.csca.key_id} válido de {csca_span}")]
    problems = [text for ok, text in parts if not ok]
    if problems:
        return PACheck("validity", False, f"certificado fuera de vigencia el {state.now.date()}: " + "; ".join(problems))
    return PACheck("validity", True, "; ".join(text for _, text in parts))


@dataclass(frozen=True)
class _CRL:
    der: bytes
    asn1: asn1_crl.CertificateList
    issuer: object  # comparable form of the issuer's name
    revoked: frozenset[int]
    label: str


@lru_cache(maxsize=_CERT_CACHE)
def _load_crl(data: bytes) -> _CRL:
    """A CRL given as DER (from a PKD) or PEM (from `mrtd pki init`); PKIError when unreadable."""
    try:
        der = pem.unarmor(data)[2] if data.lstrip().startswith(b"-----") else data
        crl = asn1_crl.CertificateList.load(der, strict=True)
        tbs = crl["tbs_cert_list"]
        revoked = frozenset(item["user_certificate"].native for item in tbs["revoked_certificates"])
        number = crl.crl_number_value.native if crl.crl_number_value is not None else "?"
        issued = tbs["this_update"].native
        label = f"de {_name_text(tbs['issuer'])} n.º {number} del {issued.date()}"
        return _CRL(bytes(der), crl, tbs["issuer"].hashable, revoked, label)
    except _UNEXPECTED as exc:
        raise PKIError(f"CRL: malformed ({exc})") from None


@lru_cache(maxsize=_CERT_CACHE)
def _crl_signed_by(crl_der: bytes, csca_der: bytes) -> bool:
    try:
        keys.verify_crl(_load_crl(crl_der).asn1, keys.certificate_key(csca_der))
    except (InvalidSignature, PKIError):
        return False
    return True


def _check_revocation(state: _State, crls: list[object]) -> PACheck:
    if state.ds_asn1 is None:
        return PACheck("revocation", None, "no realizado: no hay certificado DS")
    serial = state.ds_asn1.serial_number
    issuer = state.ds_asn1.issuer.hashable
    applicable: list[_CRL] = []
    for der in crls:
        try:
            if not isinstance(der, _BYTES):
                raise PKIError(f"CRL: {type(der).__name__} is not bytes")
            crl = _load_crl(bytes(der))
        except PKIError as exc:
            return PACheck("revocation", False, f"CRL ilegible: {exc}")
        if crl.issuer == issuer:
            applicable.append(crl)
    if not applicable:
        return PACheck("revocation", None,
                       f"no realizado: no se dio una CRL del emisor del DS ({_name_text(state.ds_asn1.issuer)})")
    if state.csca is None:
        return PACheck("revocation", None,
                       f"no realizado: sin un CSCA que verifique el DS no se puede comprobar la firma de la CRL "
                       f"{applicable[0].label}")
    for crl in applicable:
        if not _crl_signed_by(crl.der, state.csca.der):
            return PACheck("revocation", False,
                           f"la firma de la CRL {crl.label} no verifica con el CSCA {state.csca.key_id}")
        if serial in crl.revoked:
            return PACheck("revocation", False, f"el certificado DS (serie {serial}) está revocado en la CRL {crl.label}")
    labels = "; ".join(crl.label for crl in applicable)
    return PACheck("revocation", True,
                   f"el DS (serie {serial}) no figura en la CRL {labels}, firmada por el CSCA {state.csca.key_id}")


def _check_signature(state: _State) -> PACheck:
    info = state.sod.signer_info
    econtent_type = state.sod.econtent_type
    if info.signed_attrs_der is not None:
        if info.content_type != econtent_type:
            return PACheck("signature", False,
                           f"atributo contentType {info.content_type} distinto del eContentType {econtent_type}")
        expected = hashlib.new(info.digest_algorithm, state.sod.econtent).digest() \
            if info.digest_algorithm in hashlib.algorithms_available else None
        if info.message_digest != expected:
            return PACheck("signature", False, "messageDigest no es el hash del LDSSecurityObject")
    if state.ds_key is None:
        return PACheck("signature", None, "no realizado: sin clave pública del DS utilizable")
    signed = info.signed_attrs_der if info.signed_attrs_der is not None else state.sod.econtent
    ds_text = f"{_subject_text(state.ds_asn1)} ({_key_id(state.ds_asn1)})" if state.ds_asn1 is not None else "DS"
    try:
        algorithm = keys.signature_algorithm(info.asn1["signature_algorithm"], digest_fallback=info.digest_algorithm)
        keys.verify(state.ds_key, info.signature, signed, algorithm)
    except InvalidSignature:
        return PACheck("signature", False, f"la firma del SOD no verifica con la clave del DS {ds_text}")
    except PKIUnsupported as exc:
        return PACheck("signature", None, f"no soportado: {exc}")
    except PKIError as exc:
        return PACheck("signature", False, f"firma del SOD no verificable: {exc}")
    return PACheck("signature", True,
                   f"firma {algorithm} ({info.digest_algorithm}) de un {ECONTENT_TYPES[econtent_type]} verificada "
                   f"con la clave del DS {ds_text}")


def _check_hashes(sod: SOD, data_groups: dict[int, bytes]) -> tuple[PACheck, PACheck]:
    listed = sorted(n for n in data_groups if n in sod.dg_hashes)
    unlisted = sorted(n for n in data_groups if n not in sod.dg_hashes)
    if not data_groups:
        none = "no realizado: no se dieron grupos de datos"
        return PACheck("dg_hashes", None, none), PACheck("dg_listed", None, none)
    changed = [n for n in listed if hash_bytes(sod.hash_algorithm, bytes(data_groups[n])) != sod.dg_hashes[n]]
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
        return decode_dg1(bytes(data_groups[1])) if 1 in data_groups else None
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
        facts.append(f"DS y CSCA {state.csca.key_id} de {ds_country}")
    if chip_mrz is not None:
        state_code = chip_mrz[0][2:5]
        mapped = ALPHA3_TO_ALPHA2.get(state_code)
        if mapped != ds_country:
            return PACheck("country", False, f"Estado emisor {state_code.strip('<')} no es el país del DS ({ds_country})")
        facts.append(f"Estado emisor {state_code.strip('<')} = {ds_country}")
    if not facts:
        return PACheck("country", None, "no realizado: sin CSCA verificado ni DG1 con que comparar el país del DS")
    return PACheck("country", True, "; ".join(facts))


def _not_performed(names: Iterable[str], reason: str) -> list[PACheck]:
    return [PACheck(name, None, reason) for name in names]


def _guarded(name: str, check, *args) -> PACheck:  # noqa: ANN001 - a check function and its arguments
    """Run one check; a malformed input it meets fails that check instead of escaping."""
    try:
        return check(*args)
    except MRTDError as exc:
        return PACheck(name, False, f"no se pudo comprobar: {exc}")
    except _UNEXPECTED as exc:
        return PACheck(name, False, f"no se pudo comprobar ({exc.__class__.__name__}): {exc}")


def _arguments(sod: object, data_groups: object, csca_certs: object, master_list: object, crls: object,
               printed_mrz: object, now: object) -> tuple[tuple[bytes, ...], dict[bytes, list[_Anchor]], list[object]]:
    """Refuse wrong argument types with typed errors; (anchors, master-list index, CRLs)."""
    if not isinstance(sod, _BYTES):
        raise LDSError(f"sod: bytes expected, not {type(sod).__name__}")
    if not isinstance(data_groups, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and isinstance(v, _BYTES) for n, v in data_groups.items()):
        raise LDSError("data_groups: a dict of data group number to bytes expected")
    if printed_mrz is not None and (not isinstance(printed_mrz, list | tuple)
                                    or not all(isinstance(line, str) for line in printed_mrz)):
        raise LDSError("printed_mrz: a list of MRZ lines expected")
    if now is not None and not isinstance(now, datetime):
        raise PKIError(f"now: a datetime expected, not {type(now).__name__}")
    try:
        anchors = tuple(bytes(c) for c in csca_certs if isinstance(c, _BYTES))  # type: ignore[union-attr]
        crl_list = list(crls)  # type: ignore[call-overload]
    except TypeError:
        raise PKIError("csca_certs and crls: iterables of certificates and CRLs expected") from None
    if master_list is None:
        return anchors, {}, crl_list
    if not isinstance(master_list, _BYTES):
        raise PKIError(f"master_list: bytes expected, not {type(master_list).__name__}")
    return anchors, _master_list_index(bytes(master_list)), crl_list


def passive_authentication(
    *,
    sod: bytes,
    data_groups: dict[int, bytes],
    csca_certs: Iterable[bytes] = (),
    master_list: bytes | None = None,
    crls: Iterable[bytes] = (),
    printed_mrz: list[str] | None = None,
    now: datetime | None = None,
    trust_store: TrustStore | None = None,
) -> PAReport:
    """Run every passive-authentication check of ICAO 9303 and report each one.

    ``data_groups`` maps DG numbers to whole files (tag, length, value) as read from the chip.
    Never raises for a bad document: problems become failed checks. Arguments of the wrong type
    and a master list that cannot be parsed raise an MRTDError (LDSError, PKIError), as it is the
    caller that is wrong; nothing else escapes. ``trust_store`` (mrtd.trust.TrustStore) adds its
    anchors, found by the DS's key identifier, and its CRLs of the DS's issuer.
    """
    anchors, ml_index, crl_list = _arguments(sod, data_groups, csca_certs, master_list, crls, printed_mrz, now)
    if trust_store is not None and not isinstance(trust_store, TrustStore):
        raise PKIError(f"trust_store: a TrustStore expected, not {type(trust_store).__name__}")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    try:
        decoded = decode_sod(bytes(sod))
    except MRTDError as exc:
        later = ("ds_certificate", "csca_chain", "validity", "revocation", "signature", "dg_hashes",
                 "dg_listed", "mrz", "country")
        return PAReport([PACheck("sod", False, f"el SOD no se puede leer: {exc}"),
                         *_not_performed(later, "no realizado: el SOD no se pudo leer")])
    state = _State(sod=decoded, now=now)
    checks = [PACheck("sod", True, f"SOD ({ECONTENT_TYPES[decoded.econtent_type]}) con hashes {decoded.hash_algorithm} de "
                      + ", ".join(f"DG{n}" for n in sorted(decoded.dg_hashes)))]
    checks.append(_guarded("ds_certificate", _check_ds_certificate, state))
    checks.append(_guarded("csca_chain", _check_chain, state, anchors, ml_index, trust_store))
    if trust_store is not None and state.ds_asn1 is not None:
        crl_list = [*crl_list, *trust_store.crls_for(state.ds_asn1.issuer, now=now)]
    checks.append(_guarded("validity", _check_validity, state))
    checks.append(_guarded("revocation", _check_revocation, state, crl_list))
    checks.append(_guarded("signature", _check_signature, state))
    try:
        checks.extend(_check_hashes(decoded, data_groups))  # type: ignore[arg-type]
    except (MRTDError, *_UNEXPECTED) as exc:
        checks.extend(PACheck(name, False, f"no se pudo comprobar: {exc}") for name in ("dg_hashes", "dg_listed"))
    chip_mrz = _chip_mrz(data_groups)  # type: ignore[arg-type]
    checks.append(_guarded("mrz", _check_mrz, chip_mrz, printed_mrz))
    checks.append(_guarded("country", _check_country, state, chip_mrz))
    return PAReport(
        checks=checks,
        hash_algorithm=decoded.hash_algorithm,
        ds_subject=_subject_text(state.ds_asn1) if state.ds_asn1 is not None else None,
        csca_subject=_subject_text(state.csca.asn1) if state.csca is not None else None,
        data_groups=sorted(data_groups),  # type: ignore[arg-type]
        csca_key_id=state.csca.key_id if state.csca is not None else None,
        csca_der=state.csca.der if state.csca is not None else None,
    )
