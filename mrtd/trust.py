"""A store of many trust anchors at once: ICAO master lists, loose CSCA certificates and their CRLs.

ICAO's PKD and the states distribute CSCA certificates three ways: CSCA master lists (CMS
SignedData of a CscaMasterList, ICAO 9303 Part 12), loose certificates, and CRLs; the PKD packs
them in LDIF files. A TrustStore takes all of them, checks what can be checked on import (the
master list's own signature, its signer under a CSCA, a CRL's signature under its CSCA) and refuses,
naming why, what does not verify. Each anchor keeps its source, the date it was added and its
expiry (the operator's, or the certificate's notAfter).

Passive authentication asks the store for the issuer of a Document Signer: a dict look-up by the
DS's authority key identifier, then by authority issuer+serial, then by the issuer's name, so a
store of several hundred CSCAs costs no more per document than one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature

from mrtd import keys
from mrtd.errors import PKIError, PKIUnsupported
from mrtd.lds import decode_signer_info
from mrtd.pki import CSCA_MASTER_LIST_OID, CscaMasterList

_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
STORE_FORMAT = 1


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _short_id(kind: str, der: bytes) -> str:
    """A stable id: a kind letter and the first 16 hex digits of the SHA-256 of the DER."""
    return f"{kind}-{hashlib.sha256(der).hexdigest()[:16]}"


def _name_text(name: asn1_x509.Name) -> str:
    try:
        return name.human_friendly
    except _ASN1_ERRORS:
        return "?"


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class TrustAnchor:
    """One CSCA certificate the store trusts, with where it came from and until when."""

    id: str
    der: bytes = field(repr=False)
    asn1: asn1_x509.Certificate = field(repr=False, compare=False)
    subject: str
    country: str | None
    key_identifier: bytes | None
    serial_number: int
    not_after: datetime
    source: str  # what the operator imported, e.g. "master list DE_ML_2026.ml"
    source_ids: tuple[str, ...]  # the import(s) it came with: master list ids or its own id
    added: datetime
    expires: datetime | None = None  # set by the operator (expire); None: the certificate's notAfter

    @property
    def key_id(self) -> str:
        return self.key_identifier.hex() if self.key_identifier else "sin identificador de clave"

    @property
    def expiry(self) -> datetime:
        """When the store stops trusting it: the operator's date or the certificate's notAfter."""
        return min(self.expires, self.not_after) if self.expires else self.not_after

    def withdrawn(self, now: datetime) -> bool:
        """Expired by the operator (the certificate's own dates are passive authentication's check)."""
        return self.expires is not None and self.expires <= now


@dataclass(frozen=True)
class MasterListRecord:
    """A master list that was imported: who signed it and how that was verified."""

    id: str
    source: str
    added: datetime
    signer: str
    signer_verified_by: str
    certificates: int
    sha256: str
    expires: datetime | None = None


@dataclass(frozen=True)
class CRLRecord:
    """A CSCA's CRL, its signature verified on import with the CSCA named."""

    id: str
    der: bytes = field(repr=False)
    issuer: str
    issuer_key: bytes = field(repr=False)  # comparable form of the issuer's name
    number: int | None
    this_update: datetime
    next_update: datetime | None
    revoked: int
    source: str
    added: datetime
    verified_by: str
    expires: datetime | None = None


@dataclass
class ImportReport:
    """What one import added, and what it skipped with the reason for each."""

    source: str
    anchors_added: list[str] = field(default_factory=list)
    anchors_known: list[str] = field(default_factory=list)
    crls_added: list[str] = field(default_factory=list)
    master_lists: list[MasterListRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.anchors_added)} CSCA nuevos", f"{len(self.anchors_known)} ya presentes",
                 f"{len(self.crls_added)} CRL", f"{len(self.master_lists)} listas maestras"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} omitidos")
        return f"{self.source}: " + ", ".join(parts)


# ---------------------------------------------------------------- parsing helpers


def _load_certificate(der: bytes, what: str, *, full: bool = True) -> asn1_x509.Certificate:
    """A certificate; ``full`` parses every part now (on import), so a corrupt one fails here, typed."""
    try:
        cert = asn1_x509.Certificate.load(bytes(der), strict=True)
        if full:
            cert.native  # noqa: B018
        return cert
    except _ASN1_ERRORS as exc:
        raise PKIError(f"{what}: certificado ilegible ({exc})") from None


def _is_ca(cert: asn1_x509.Certificate) -> bool:
    try:
        if cert.ca:
            return True
        usage = cert.key_usage_value
        return bool(usage is not None and "key_cert_sign" in usage.native)
    except _ASN1_ERRORS:
        return False


def _verifies(cert: asn1_x509.Certificate, issuer_der: bytes) -> str | None:
    """How ``issuer_der``'s key verified ``cert`` (algorithm text), or None when it does not."""
    try:
        issuer_key = keys.certificate_key(issuer_der)
        algorithm = keys.verify_certificate(cert, issuer_key)
    except (InvalidSignature, PKIError):
        return None
    return f"{algorithm} con clave {keys.key_description(issuer_key)}"


@dataclass(frozen=True)
class _ParsedMasterList:
    certificates: list[bytes]
    signer: asn1_x509.Certificate
    econtent: bytes


def _parse_master_list(data: bytes) -> _ParsedMasterList:
    """The CSCA certificates and the signer of a master list, with its signature verified under the
    signer's key; PKIError naming what is wrong."""
    try:
        content_info = cms.ContentInfo.load(bytes(data), strict=True)
        if content_info["content_type"].native != "signed_data":
            raise PKIError(f"lista maestra: tipo de contenido {content_info['content_type'].native}, "
                           "se esperaba signed_data")
        signed = content_info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != CSCA_MASTER_LIST_OID:
            raise PKIError(f"lista maestra: eContentType {encap['content_type'].dotted}, "
                           f"se esperaba {CSCA_MASTER_LIST_OID} (CscaMasterList)")
        econtent = encap["content"].native
        if not isinstance(econtent, bytes):
            raise PKIError("lista maestra: falta el eContent")
        certs = [c.dump() for c in CscaMasterList.load(econtent, strict=True)["cert_list"]]
        infos = signed["signer_infos"]
        if len(infos) != 1:
            raise PKIError(f"lista maestra: {len(infos)} signerInfos, se esperaba exactamente uno")
        info = decode_signer_info(infos[0])
        embedded = [c.chosen for c in signed["certificates"] if c.name == "certificate"] \
            if signed["certificates"] else []
    except PKIError:
        raise
    except _ASN1_ERRORS as exc:
        raise PKIError(f"lista maestra: CMS mal formado ({exc})") from None
    signer = next((c for c in embedded
                   if (info.subject_key_identifier is not None and c.key_identifier == info.subject_key_identifier)
                   or (info.serial_number is not None and c.serial_number == info.serial_number)), None)
    if signer is None:
        raise PKIError("lista maestra: el firmante nombrado en el signerInfo no viene en la lista")
    _verify_master_list_signature(info, econtent, signer)
    return _ParsedMasterList(certs, signer, econtent)


def _verify_master_list_signature(info, econtent: bytes, signer: asn1_x509.Certificate) -> None:  # noqa: ANN001
    who = _name_text(signer.subject)
    if info.signed_attrs_der is not None:
        if info.content_type != CSCA_MASTER_LIST_OID:
            raise PKIError(f"lista maestra: atributo contentType {info.content_type}, se esperaba "
                           f"{CSCA_MASTER_LIST_OID}")
        try:
            expected = hashlib.new(info.digest_algorithm, econtent).digest()
        except (ValueError, TypeError):
            raise PKIUnsupported(f"lista maestra: resumen {info.digest_algorithm} no soportado") from None
        if info.message_digest != expected:
            raise PKIError("lista maestra: messageDigest no es el hash del contenido (lista alterada)")
    signed_bytes = info.signed_attrs_der if info.signed_attrs_der is not None else econtent
    try:
        signer_key = keys.load_public_key(signer["tbs_certificate"]["subject_public_key_info"])
        algorithm = keys.signature_algorithm(info.asn1["signature_algorithm"], digest_fallback=info.digest_algorithm)
        keys.verify(signer_key, info.signature, signed_bytes, algorithm)
    except InvalidSignature:
        raise PKIError(f"lista maestra: la firma no verifica con la clave del firmante {who}") from None
    except PKIError as exc:
        raise PKIError(f"lista maestra: firma no verificable con el firmante {who}: {exc}") from None


def _unarmor_all(data: bytes) -> list[tuple[str, bytes]]:
    """(PEM type, DER) of every PEM block in ``data``."""
    try:
        return [(kind, der) for kind, _headers, der in pem.unarmor(bytes(data), multiple=True)]
    except _ASN1_ERRORS as exc:
        raise PKIError(f"PEM ilegible ({exc})") from None


def parse_ldif(data: bytes) -> list[tuple[str, bytes]]:
    """Objects of an ICAO PKD LDIF file: ("certificate" | "crl" | "master_list", DER)."""
    attributes = {
        "usercertificate;binary": "certificate", "cacertificate;binary": "certificate",
        "certificaterevocationlist;binary": "crl", "pkdmasterlistcontent": "master_list",
        "cscamasterlistdata": "master_list",
    }
    found: list[tuple[str, bytes]] = []
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise PKIError("LDIF: no es texto UTF-8") from None
    logical: list[str] = []
    for line in text.splitlines():
        if line.startswith(" ") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    for line in logical:
        name, sep, value = line.partition("::")
        kind = attributes.get(name.strip().lower()) if sep else None
        if kind is None:
            continue
        try:
            found.append((kind, base64.b64decode(value.strip(), validate=True)))
        except ValueError:
            raise PKIError(f"LDIF: el atributo {name.strip()} no es base64") from None
    if not found:
        raise PKIError("LDIF: sin certificados, CRL ni listas maestras")
    return found


def classify(data: bytes) -> list[tuple[str, bytes]]:
    """What a file holds, as ("certificate" | "crl" | "master_list", DER) items: a master list
    (.ml), a certificate or CRL in DER or PEM (bundles too), or an ICAO PKD LDIF file."""
    data = bytes(data)
    stripped = data.lstrip()
    if stripped.startswith(b"-----"):
        kinds = {"CERTIFICATE": "certificate", "X509 CRL": "crl", "CMS": "master_list", "PKCS7": "master_list"}
        items = [(kinds[kind], der) for kind, der in _unarmor_all(data) if kind in kinds]
        if not items:
            raise PKIError("PEM: sin certificados ni CRL")
        return items
    if stripped[:4].lower() in (b"dn: ", b"vers") or stripped[:1] == b"#":
        return parse_ldif(data)
    try:
        content_info = cms.ContentInfo.load(data, strict=True)
        if content_info["content_type"].native == "signed_data":
            return [("master_list", data)]
    except _ASN1_ERRORS:
        pass
    try:
        crl = asn1_crl.CertificateList.load(data, strict=True)
        crl["tbs_cert_list"]["issuer"].native  # noqa: B018
        if "this_update" in crl["tbs_cert_list"] and crl["tbs_cert_list"]["this_update"].native:
            return [("crl", data)]
    except _ASN1_ERRORS:
        pass
    try:
        asn1_x509.Certificate.load(data, strict=True).native  # noqa: B018
        return [("certificate", data)]
    except _ASN1_ERRORS:
        pass
    raise PKIError("archivo: no es una lista maestra, un certificado, una CRL ni un LDIF del PKD")


# ---------------------------------------------------------------- the store


class TrustStore:
    """CSCA trust anchors and CRLs from many sources, indexed for passive authentication."""

    def __init__(self) -> None:
        self.anchors: dict[str, TrustAnchor] = {}
        self.master_lists: dict[str, MasterListRecord] = {}
        self.crls: dict[str, CRLRecord] = {}
        self._by_ski: dict[bytes, list[str]] = {}
        self._by_issuer_serial: dict[bytes, list[str]] = {}
        self._by_subject: dict[bytes, list[str]] = {}
        self._crls_by_issuer: dict[bytes, list[str]] = {}

    def __len__(self) -> int:
        return len(self.anchors)

    # ------------------------------------------------ adding

    def _index(self, anchor: TrustAnchor) -> None:
        cert = anchor.asn1
        if anchor.key_identifier:
            self._by_ski.setdefault(anchor.key_identifier, []).append(anchor.id)
        self._by_issuer_serial.setdefault(cert.issuer_serial, []).append(anchor.id)
        self._by_subject.setdefault(cert.subject.hashable.encode("utf-8"), []).append(anchor.id)

    def _put(self, der: bytes, cert: asn1_x509.Certificate, *, source: str, source_id: str,
             added: datetime, expires: datetime | None = None, report: ImportReport | None = None) -> TrustAnchor:
        anchor_id = _short_id("csca", der)
        known = self.anchors.get(anchor_id)
        if known is not None:
            if source_id not in known.source_ids:
                self.anchors[anchor_id] = replace(known, source_ids=(*known.source_ids, source_id))
            if report is not None:
                report.anchors_known.append(anchor_id)
            return self.anchors[anchor_id]
        try:
            country = cert.subject.native.get("country_name")
            key_identifier = cert.key_identifier
            not_after = cert["tbs_certificate"]["validity"]["not_after"].native
        except _ASN1_ERRORS as exc:
            raise PKIError(f"certificado CSCA: ilegible ({exc})") from None
        anchor = TrustAnchor(
            id=anchor_id, der=bytes(der), asn1=cert, subject=_name_text(cert.subject),
            country=country.upper() if isinstance(country, str) else None, key_identifier=key_identifier,
            serial_number=cert.serial_number, not_after=not_after, source=source, source_ids=(source_id,),
            added=added, expires=expires,
        )
        self.anchors[anchor_id] = anchor
        self._index(anchor)
        if report is not None:
            report.anchors_added.append(anchor_id)
        return anchor

    def add_csca(self, data: bytes, *, source: str, now: datetime | None = None,
                 report: ImportReport | None = None) -> TrustAnchor:
        """A loose CSCA certificate (DER). PKIError when it is not a CA certificate."""
        now = _utc(now)
        cert = _load_certificate(data, f"CSCA de {source}")
        if not _is_ca(cert):
            raise PKIError(f"certificado {_name_text(cert.subject)}: no es de una autoridad (CA); "
                           "un certificado DS no es un ancla de confianza")
        return self._put(bytes(data), cert, source=source, source_id=_short_id("csca", bytes(data)), added=now,
                         report=report)

    def add_master_list(self, data: bytes, *, source: str, now: datetime | None = None,
                        report: ImportReport | None = None) -> MasterListRecord:
        """A CSCA master list: its signature, its signer's validity and its signer's issuer (a CSCA of
        the list or of the store) are checked; PKIError naming the failure, and nothing is added."""
        now = _utc(now)
        parsed = _parse_master_list(data)
        signer = parsed.signer
        who = _name_text(signer.subject)
        validity = signer["tbs_certificate"]["validity"]
        start, end = validity["not_before"].native, validity["not_after"].native
        if not start <= now <= end:
            raise PKIError(f"lista maestra: el certificado del firmante {who} no está vigente el {now.date()} "
                           f"(válido de {start.date()} a {end.date()})")
        verified_by = self._verify_signer(signer, parsed.certificates)
        if verified_by is None:
            raise PKIError(f"lista maestra: el firmante {who} no está emitido por ningún CSCA de la lista ni del "
                           f"almacén (emisor {_name_text(signer.issuer)})")
        record = MasterListRecord(
            id=_short_id("ml", bytes(data)), source=source, added=now, signer=who, signer_verified_by=verified_by,
            certificates=len(parsed.certificates), sha256=hashlib.sha256(bytes(data)).hexdigest(),
        )
        if record.id in self.master_lists:
            record = self.master_lists[record.id]
        self.master_lists[record.id] = record
        for der in parsed.certificates:
            try:
                self._put(der, _load_certificate(der, "CSCA de la lista"), source=f"lista maestra {source}",
                          source_id=record.id, added=now, report=report)
            except PKIError as exc:
                if report is not None:
                    report.skipped.append(str(exc))
        if report is not None:
            report.master_lists.append(record)
        return record

    def _verify_signer(self, signer: asn1_x509.Certificate, listed: list[bytes]) -> str | None:
        issuer_key = signer.issuer.hashable.encode("utf-8")
        aki = signer.authority_key_identifier
        candidates: list[tuple[str, bytes]] = []
        for der in listed:
            try:
                cert = asn1_x509.Certificate.load(der)
                if (aki and cert.key_identifier == aki) or cert.subject.hashable.encode("utf-8") == issuer_key:
                    candidates.append(("de la lista", der))
            except _ASN1_ERRORS:
                continue
        candidates.extend(("del almacén", anchor.der) for anchor in self._lookup(signer))
        for where, der in candidates:
            how = _verifies(signer, der)
            if how is not None:
                csca = asn1_x509.Certificate.load(der)
                return f"CSCA {where} {_name_text(csca.subject)} ({(csca.key_identifier or b'').hex()}): {how}"
        return None

    def add_crl(self, data: bytes, *, source: str, now: datetime | None = None,
                report: ImportReport | None = None) -> CRLRecord:
        """A CSCA's CRL; refused unless a CSCA of the store verifies its signature."""
        now = _utc(now)
        try:
            crl = asn1_crl.CertificateList.load(bytes(data), strict=True)
            tbs = crl["tbs_cert_list"]
            issuer = tbs["issuer"]
            revoked = len(tbs["revoked_certificates"])
            number = crl.crl_number_value.native if crl.crl_number_value is not None else None
            this_update, next_update = tbs["this_update"].native, tbs["next_update"].native
            aki = crl.authority_key_identifier
        except _ASN1_ERRORS as exc:
            raise PKIError(f"CRL de {source}: ilegible ({exc})") from None
        issuer_text = _name_text(issuer)
        ids = [*(self._by_ski.get(aki, []) if aki else []), *self._by_subject.get(issuer.hashable.encode("utf-8"), [])]
        verified_by = None
        for anchor_id in dict.fromkeys(ids):
            anchor = self.anchors[anchor_id]
            try:
                keys.verify_crl(crl, keys.certificate_key(anchor.der))
            except (InvalidSignature, PKIError):
                continue
            verified_by = f"CSCA {anchor.subject} ({anchor.key_id})"
            break
        if verified_by is None:
            raise PKIError(f"CRL de {issuer_text} n.º {number}: ningún CSCA del almacén verifica su firma "
                           "(importe antes el CSCA)")
        record = CRLRecord(
            id=_short_id("crl", bytes(data)), der=bytes(data), issuer=issuer_text,
            issuer_key=issuer.hashable.encode("utf-8"), number=number, this_update=this_update,
            next_update=next_update, revoked=revoked, source=source, added=now, verified_by=verified_by,
        )
        if record.id not in self.crls:
            self.crls[record.id] = record
            self._crls_by_issuer.setdefault(record.issuer_key, []).append(record.id)
            if report is not None:
                report.crls_added.append(record.id)
        return self.crls[record.id]

    def import_file(self, data: bytes, *, source: str, now: datetime | None = None) -> ImportReport:
        """Everything in one file (see classify): master lists and CSCAs first, then the CRLs. A master
        list whose signature fails refuses the whole file (PKIError); a DS certificate in an LDIF is
        skipped with its reason."""
        now = _utc(now)
        items = classify(data)
        saved = self._snapshot()
        try:
            return self._import_items(items, source=source, now=now)
        except BaseException:
            self._restore(saved)  # a refused file leaves the store as it was
            raise

    def _snapshot(self) -> tuple:
        indices = (self._by_ski, self._by_issuer_serial, self._by_subject, self._crls_by_issuer)
        return (dict(self.anchors), dict(self.master_lists), dict(self.crls),
                tuple({key: list(ids) for key, ids in index.items()} for index in indices))

    def _restore(self, saved: tuple) -> None:
        self.anchors, self.master_lists, self.crls, indices = saved
        self._by_ski, self._by_issuer_serial, self._by_subject, self._crls_by_issuer = indices

    def _import_items(self, items: list[tuple[str, bytes]], *, source: str, now: datetime) -> ImportReport:
        report = ImportReport(source=source)
        order = {"master_list": 0, "certificate": 1, "crl": 2}
        for kind, der in sorted(items, key=lambda item: order[item[0]]):
            if kind == "master_list":
                self.add_master_list(der, source=source, now=now, report=report)
            elif kind == "certificate":
                try:
                    self.add_csca(der, source=source, now=now, report=report)
                except PKIError as exc:
                    if len(items) == 1:
                        raise
                    report.skipped.append(str(exc))
            else:
                try:
                    self.add_crl(der, source=source, now=now, report=report)
                except PKIError as exc:
                    if len(items) == 1:
                        raise
                    report.skipped.append(str(exc))
        return report

    # ------------------------------------------------ expiring

    def expire(self, entry_id: str, *, now: datetime | None = None) -> list[str]:
        """Stop trusting an anchor, a master list (each of its anchors that no other live source
        carries) or a CRL, from ``now``. Returns the ids expired; PKIError for an unknown id."""
        now = _utc(now)
        if entry_id in self.anchors:
            self.anchors[entry_id] = replace(self.anchors[entry_id], expires=now)
            return [entry_id]
        if entry_id in self.crls:
            self.crls[entry_id] = replace(self.crls[entry_id], expires=now)
            return [entry_id]
        if entry_id in self.master_lists:
            self.master_lists[entry_id] = replace(self.master_lists[entry_id], expires=now)
            done = [entry_id]
            for anchor in list(self.anchors.values()):
                if entry_id in anchor.source_ids and anchor.expires is None and not self._live_sources(anchor, now):
                    self.anchors[anchor.id] = replace(anchor, expires=now)
                    done.append(anchor.id)
            return done
        raise PKIError(f"{entry_id}: no hay un ancla, lista maestra ni CRL con ese identificador")

    def _live_sources(self, anchor: TrustAnchor, now: datetime) -> list[str]:
        live = []
        for source_id in anchor.source_ids:
            record = self.master_lists.get(source_id)
            if record is None or record.expires is None or record.expires > now:
                live.append(source_id)
        return live

    # ------------------------------------------------ look-ups

    def _lookup(self, cert: asn1_x509.Certificate) -> list[TrustAnchor]:
        ids: list[str] = []
        try:
            aki = cert.authority_key_identifier
            authority_serial = cert.authority_issuer_serial
            issuer = cert.issuer.hashable.encode("utf-8")
        except _ASN1_ERRORS:
            return []
        if aki:
            ids.extend(self._by_ski.get(aki, ()))
        if authority_serial:
            ids.extend(self._by_issuer_serial.get(authority_serial, ()))
        ids.extend(self._by_subject.get(issuer, ()))
        return [self.anchors[i] for i in dict.fromkeys(ids)]

    def issuers_of(self, cert: asn1_x509.Certificate, *, now: datetime | None = None) -> list[TrustAnchor]:
        """Anchors that may have issued ``cert``: those whose key identifier is its AKI first, then its
        AKI's issuer+serial, then those named as its issuer. Withdrawn anchors are left out."""
        now = _utc(now)
        return [a for a in self._lookup(cert) if not a.withdrawn(now)]

    def crls_for(self, issuer: asn1_x509.Name, *, now: datetime | None = None) -> list[bytes]:
        """DER of the live CRLs issued under ``issuer``."""
        now = _utc(now)
        try:
            key = issuer.hashable.encode("utf-8")
        except _ASN1_ERRORS:
            return []
        return [self.crls[i].der for i in self._crls_by_issuer.get(key, ())
                if self.crls[i].expires is None or self.crls[i].expires > now]

    def active(self, *, now: datetime | None = None) -> list[TrustAnchor]:
        now = _utc(now)
        return [a for a in self.anchors.values() if not a.withdrawn(now)]

    # ------------------------------------------------ persistence

    def to_json(self) -> dict[str, object]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "format": STORE_FORMAT,
            "anchors": [{"id": a.id, "der": base64.b64encode(a.der).decode("ascii"), "source": a.source,
                         "source_ids": list(a.source_ids), "added": when(a.added), "expires": when(a.expires)}
                        for a in self.anchors.values()],
            "master_lists": [{"id": m.id, "source": m.source, "added": when(m.added), "signer": m.signer,
                              "signer_verified_by": m.signer_verified_by, "certificates": m.certificates,
                              "sha256": m.sha256, "expires": when(m.expires)} for m in self.master_lists.values()],
            "crls": [{"id": c.id, "der": base64.b64encode(c.der).decode("ascii"), "source": c.source,
                      "added": when(c.added), "verified_by": c.verified_by, "expires": when(c.expires)}
                     for c in self.crls.values()],
        }

    @classmethod
    def from_json(cls, data: object) -> TrustStore:
        """A store saved by to_json; what was verified on import is not verified again."""
        def when(text: object) -> datetime | None:
            return datetime.fromisoformat(text) if isinstance(text, str) else None

        store = cls()
        try:
            if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
                raise PKIError("almacén de confianza: formato desconocido")
            for m in data["master_lists"]:
                store.master_lists[m["id"]] = MasterListRecord(
                    id=m["id"], source=m["source"], added=when(m["added"]), signer=m["signer"],  # type: ignore[arg-type]
                    signer_verified_by=m["signer_verified_by"], certificates=m["certificates"], sha256=m["sha256"],
                    expires=when(m["expires"]))
            for a in data["anchors"]:
                der = base64.b64decode(a["der"])
                # Parsed in full when it was imported; the parts the index needs are read now.
                anchor = store._put(der, _load_certificate(der, a["id"], full=False), source=a["source"],
                                    source_id=a["source_ids"][0], added=when(a["added"]),  # type: ignore[arg-type]
                                    expires=when(a["expires"]))
                store.anchors[anchor.id] = replace(anchor, source_ids=tuple(a["source_ids"]))
            for c in data["crls"]:
                der = base64.b64decode(c["der"])
                crl = asn1_crl.CertificateList.load(der, strict=True)
                tbs = crl["tbs_cert_list"]
                record = CRLRecord(
                    id=c["id"], der=der, issuer=_name_text(tbs["issuer"]),
                    issuer_key=tbs["issuer"].hashable.encode("utf-8"),
                    number=crl.crl_number_value.native if crl.crl_number_value is not None else None,
                    this_update=tbs["this_update"].native, next_update=tbs["next_update"].native,
                    revoked=len(tbs["revoked_certificates"]), source=c["source"], added=when(c["added"]),  # type: ignore[arg-type]
                    verified_by=c["verified_by"], expires=when(c["expires"]))
                store.crls[record.id] = record
                store._crls_by_issuer.setdefault(record.issuer_key, []).append(record.id)
        except PKIError:
            raise
        except (*_ASN1_ERRORS, base64.binascii.Error) as exc:  # type: ignore[attr-defined]
            raise PKIError(f"almacén de confianza: ilegible ({exc.__class__.__name__}: {exc})") from None
        return store

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the store as JSON, whole then renamed (never half-written)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")
        partial.replace(target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrustStore:
        """The store saved at ``path``; an empty store when there is no file yet."""
        target = Path(path)
        if not target.exists():
            return cls()
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PKIError(f"almacén de confianza {target}: ilegible ({exc})") from None
        return cls.from_json(data)


__all__ = ["CRLRecord", "ImportReport", "MasterListRecord", "TrustAnchor", "TrustStore", "classify", "parse_ldif"]
