"""Read an eMRTD given its MRZ: PACE (when EF.CardAccess offers it) or BAC, EF.COM, DG14 and Chip
Authentication when DG14 offers it, the other data groups EF.COM lists, EF.SOD, Active
Authentication when DG15 is there, then passive authentication."""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from mrtd import aa, ca
from mrtd.apdu import SW_OK, SW_SECURITY_NOT_SATISFIED, SW_TEXT, split_response
from mrtd.bac import BACTerminal, derive_keys_from_info
from mrtd.cardaccess import FID_CARD_ACCESS, SFI_CARD_ACCESS, decode_card_access
from mrtd.errors import (
    AAError, BACError, CAError, CardAccessError, CardError, LDSError, MRTDError, PACEAuthenticationError, PACEError,
    ReaderError, SecurityInfosError, SMError,
)
from mrtd.lds import FID, decode_dg1, decode_ef_com, decode_sod
from mrtd.mrz import bac_key_seed_info, parse_mrz
from mrtd.pace import PASSWORD_MRZ, PACEParams, PACETerminal, choose, mrz_password
from mrtd.sm import SecureMessaging
from mrtd.tlv import tlv_total_length

EMRTD_AID = bytes.fromhex("A0000002471001")
# Short Le keeps every response within 256 bytes after secure messaging adds its objects.
CHUNK = 0xDF
_MAX_B0_OFFSET = 0x7FFF
_HEADER_READ = 8


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...


@dataclass
class ChipRead:
    """What was read: LDS files by name, the passive authentication report and the time taken."""

    files: dict[str, bytes]
    pa: Any | None
    elapsed_s: float
    skipped: dict[str, str] = field(default_factory=dict)  # file -> why it was not read
    chip_mrz: list[str] | None = None
    access: str = "BAC"  # how the chip was opened: "PACE <protocol OID> <parameterId>" or "BAC"
    fallback: str | None = None  # why PACE was not used though EF.CardAccess was there
    aa: aa.AAResult | None = None  # Active Authentication, when DG15 was there
    ca: ca.CAResult | None = None  # Chip Authentication, when DG14 was there
    aa_challenge: bytes | None = None

    @property
    def authenticity(self) -> "ChipAuthenticity":
        return chip_authenticity(self.files, self.aa, self.ca)

    def to_dict(self) -> dict[str, Any]:
        return {
            "access": self.access,
            "fallback": self.fallback,
            "chip_authentic": self.authenticity.to_dict(),
            "active_authentication": self.aa.to_dict() if self.aa is not None else None,
            "chip_authentication": self.ca.to_dict() if self.ca is not None else None,
            "files": {name: len(data) for name, data in self.files.items()},
            "skipped": self.skipped,
            "chip_mrz": self.chip_mrz,
            "passive_authentication": self.pa.to_dict() if self.pa is not None else None,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def _signed_groups(files: dict[str, bytes]) -> set[int]:
    """The data groups EF.SOD hashes (signed, unlike EF.COM's list); those read when EF.SOD is unusable."""
    read = {int(name[2:]) for name in files if name.startswith("DG")}
    if "EF_SOD" not in files:
        return read
    try:
        return set(decode_sod(files["EF_SOD"]).dg_hashes) | read
    except LDSError:
        return read


@dataclass(frozen=True)
class ChipAuthenticity:
    """Is the chip the one its data were written to? `verdict` True when every authentication the
    signed data promise (AA for DG15, CA for a DG14 that offers it) was run and verified, False when
    one failed or is missing, None when the chip offers neither (passive authentication only)."""

    verdict: bool | None
    aa_expected: bool
    ca_expected: bool
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "aa_expected": self.aa_expected, "ca_expected": self.ca_expected,
                "reasons": list(self.reasons)}


def chip_authenticity(files: dict[str, bytes], aa_result: aa.AAResult | None,
                      ca_result: ca.CAResult | None) -> ChipAuthenticity:
    """Judge AA and CA against what EF.SOD signs: a DG15 or DG14 hashed in the SOD but not read
    (a clone that hides them from EF.COM or drops them) counts as a missing authentication."""
    signed = _signed_groups(files)
    reasons: list[str] = []
    aa_expected = 15 in signed
    ca_expected = False
    if 14 in signed:
        if "DG14" not in files:
            ca_expected = True
            reasons.append("DG14 firmado en el SOD pero no leído / DG14 signed in the SOD but not read")
        else:
            try:
                ca_expected = ca.choose(ca.decode_dg14(files["DG14"])) is not None
            except MRTDError as exc:
                ca_expected = True
                reasons.append(f"DG14: {exc}")
    if aa_expected:
        if aa_result is None:
            reasons.append("autenticación activa no realizada / Active Authentication not run")
        elif not aa_result.verified:
            reasons.append(f"autenticación activa fallida / Active Authentication failed: {aa_result.reason}")
    if ca_expected and "DG14" in files:
        if ca_result is None or not ca_result.performed:
            reasons.append("autenticación de chip no realizada / Chip Authentication not run"
                           + (f": {ca_result.reason}" if ca_result and ca_result.reason else ""))
        elif not ca_result.verified:
            reasons.append(f"autenticación de chip fallida / Chip Authentication failed: {ca_result.reason}")
    if not (aa_expected or ca_expected):
        return ChipAuthenticity(None, False, False, ())
    return ChipAuthenticity(not reasons, aa_expected, ca_expected, tuple(reasons))


class PcscTransport:
    """A card in a PC/SC reader, through pyscard; a silent card times out with ReaderError."""

    def __init__(self, reader_name: str | None = None, *, timeout_s: float = 5.0):
        self.timeout_s = timeout_s
        self.reader_name = reader_name
        self._connection = self._connect(reader_name)
        # pyscard cannot cancel a transmit; a daemon worker lets a silent card time out without
        # keeping the process alive at exit (a ThreadPoolExecutor would be joined at exit).
        self._requests: queue.Queue[bytes | None] = queue.Queue()
        self._replies: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue()
        self._stuck = False
        threading.Thread(target=self._work, name="pcsc-transmit", daemon=True).start()

    @staticmethod
    def _connect(reader_name: str | None) -> Any:
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers
        try:
            available = readers()
        except Exception as exc:  # pyscard raises its own family when pcscd is absent
            raise ReaderError(f"PC/SC no disponible (¿pcscd?) / PC/SC unavailable (pcscd?): {exc}") from exc
        names = [str(r) for r in available]
        if not available:
            raise ReaderError("no hay lectores PC/SC / no PC/SC readers")
        chosen = available[0] if reader_name is None else next((r for r in available if str(r) == reader_name), None)
        if chosen is None:
            raise ReaderError(f"lector no encontrado / reader not found: {reader_name!r}; disponibles: {names}")
        connection = chosen.createConnection()
        try:
            connection.connect()
        except (NoCardException, CardConnectionException) as exc:
            raise ReaderError(f"no hay tarjeta en {chosen} / no card in {chosen}: {exc}") from exc
        return connection

    def _work(self) -> None:
        while (apdu := self._requests.get()) is not None:
            try:
                self._replies.put((self._connection.transmit(list(apdu)), None))
            except BaseException as exc:  # handed to the caller's thread, which types it
                self._replies.put((None, exc))

    def transmit(self, apdu: bytes) -> bytes:
        from smartcard.Exceptions import CardConnectionException
        if self._stuck:
            raise ReaderError("la tarjeta no respondió antes / card went silent earlier")
        self._requests.put(apdu)
        try:
            reply, error = self._replies.get(timeout=self.timeout_s)
        except queue.Empty as exc:
            self._stuck = True
            raise ReaderError(f"la tarjeta no responde en {self.timeout_s} s / card silent") from exc
        if isinstance(error, CardConnectionException):
            raise ReaderError(f"tarjeta retirada o sin respuesta / card removed or mute: {error}") from error
        if error is not None:
            raise ReaderError(f"fallo de PC/SC / PC/SC failure: {error}") from error
        data, sw1, sw2 = reply
        return bytes(data) + bytes((sw1, sw2))

    def close(self) -> None:
        self._requests.put(None)
        if self._stuck:
            # Disconnecting while the worker is still inside SCardTransmit crashes pcsclite;
            # the daemon worker ends when the card or pcscd gives up, or with the process.
            return
        try:
            self._connection.disconnect()
        except Exception:  # closing a connection to a removed card may fail; nothing to keep
            pass


class _Session:
    """APDU exchange with a chip, plain before BAC and under secure messaging after."""

    def __init__(self, transport: Transport):
        self.transport = transport
        self.sm: SecureMessaging | None = None

    def _exchange(self, apdu: bytes) -> bytes:
        try:
            resp = self.transport.transmit(apdu)
        except MRTDError:
            raise
        except Exception as exc:  # a transport's own failures become one typed error
            raise ReaderError(f"fallo de transmisión / transmit failed: {exc}") from exc
        if len(resp) < 2:
            raise ReaderError("la tarjeta no respondió / card gave no answer")
        return resp

    def command(self, apdu: bytes) -> tuple[bytes, int]:
        if self.sm is None:
            return split_response(self._exchange(apdu))
        resp = self._exchange(self.sm.wrap_command(apdu))
        if len(resp) == 2 and resp in (b"\x69\x87", b"\x69\x88"):
            # A chip that no longer knows our session was reset: pulled out and back, or swapped.
            raise ReaderError(
                f"sesión segura perdida (¿tarjeta retirada?) / secure session lost (card removed?): {resp.hex().upper()}"
            )
        return split_response(self.sm.unwrap_response(resp))

    def check(self, apdu: bytes, what: str) -> bytes:
        data, sw = self.command(apdu)
        if sw != SW_OK:
            raise CardError(f"{what}: {sw:04X} {SW_TEXT.get(sw, '')}".strip(), sw)
        return data

    def bac(self, mrz_info: str) -> None:
        self.check(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID, "SELECT eMRTD")
        rnd_ic = self.check(b"\x00\x84\x00\x00\x08", "GET CHALLENGE")
        terminal = BACTerminal(derive_keys_from_info(mrz_info))
        data = terminal.external_authenticate_data(rnd_ic)
        resp, sw = self.command(b"\x00\x82\x00\x00\x28" + data + b"\x28")
        if sw == SW_SECURITY_NOT_SATISFIED:
            raise BACError("BAC rechazado (6982): el chip solo admite PACE / BAC refused: the chip is PACE-only")
        if sw != SW_OK:
            raise BACError(f"BAC rechazado ({sw:04X}): la MRZ no corresponde al chip / BAC refused: wrong MRZ")
        keys = terminal.complete(resp)
        self.sm = SecureMessaging(keys.ks_enc, keys.ks_mac, keys.ssc)

    def read_card_access(self) -> bytes | None:
        """EF.CardAccess from the master file, read in the clear; None when the chip has none.

        First by its short file identifier 1C (one APDU, what most readers do), then by SELECT 011C
        for chips that only know the long form.
        """
        data, sw = self.command(b"\x00\xB0" + bytes((0x80 | SFI_CARD_ACCESS, 0x00, CHUNK)))
        if sw not in (SW_OK, 0x6282) or not data:
            _, sw = self.command(b"\x00\xA4\x02\x0C\x02" + FID_CARD_ACCESS.to_bytes(2, "big"))
            if sw != SW_OK:
                return None
            data, sw = self.command(b"\x00\xB0\x00\x00" + bytes((CHUNK,)))
            if sw not in (SW_OK, 0x6282) or not data:
                return None
        try:
            total = tlv_total_length(data[:_HEADER_READ])
        except MRTDError:
            return data  # not even a TLV: decode_card_access will say what is wrong
        buf = bytearray(data[:total])
        while len(buf) < total:
            chunk = self.read(len(buf), min(CHUNK, total - len(buf)))
            if not chunk:
                break
            buf += chunk
        return bytes(buf)

    def pace(self, params: PACEParams, password: bytes, *, password_ref: int = PASSWORD_MRZ,
             rng: Callable[[int], bytes] | None = None) -> None:
        """PACE with the chip (MSE:Set AT, GENERAL AUTHENTICATE x4), then SELECT eMRTD under SM.

        PACEAuthenticationError when the chip refuses our token (6300: a wrong MRZ) or its token
        does not verify; PACEError for any other refusal or malformed answer.
        """
        terminal = PACETerminal(params, password, password_ref=password_ref, **({"rng": rng} if rng else {}))
        _, sw = self.command(_apdu(0x00, 0x22, 0xC1, 0xA4, terminal.mse_set_at()))
        if sw != SW_OK:
            raise PACEError(f"MSE:Set AT rechazado / refused: {sw:04X}", sw)
        data = self._ga(0x10, terminal.step1(), "1")
        data = self._ga(0x10, terminal.step2(data), "2")
        data = self._ga(0x10, terminal.step3(data), "3")
        data = self._ga(0x00, terminal.step4(data), "4")
        result = terminal.complete(data)
        self.sm = result.secure_messaging()
        self.check(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID, "SELECT eMRTD")

    def _ga(self, cla: int, data: bytes, step: str) -> bytes:
        resp, sw = self.command(_apdu(cla, 0x86, 0x00, 0x00, data, 256))
        if sw == 0x6300 and step == "4":
            raise PACEAuthenticationError(
                "PACE rechazado (6300): la MRZ (o el CAN) no corresponde al chip / PACE refused: wrong MRZ or CAN", sw)
        if sw != SW_OK:
            raise PACEError(f"PACE GENERAL AUTHENTICATE {step} rechazado / refused: {sw:04X}", sw)
        return resp

    def active_authenticate(self, challenge: bytes, dg15: bytes, dg14: bytes | None = None) -> aa.AAResult:
        """INTERNAL AUTHENTICATE with `challenge`, verified with the DG15 key (and DG14's signature
        algorithm). A refusal, a malformed answer or a key we cannot use is a failed AAResult
        (with the chip's answer in `signature`, for the issuer of the challenge to check)."""
        signature_algorithm = None
        if dg14 is not None:
            try:
                info = ca.decode_dg14(dg14).aa_info
            except SecurityInfosError as exc:
                return aa.AAResult.failed(exc)
            signature_algorithm = info.signature_algorithm if info else None
        try:
            extended = aa.needs_extended_length(aa.dg15_public_key(dg15))
            data, sw = self.command(aa.internal_authenticate_apdu(challenge, extended=extended))
        except AAError as exc:
            return aa.AAResult.failed(exc)
        if sw != SW_OK:
            return aa.AAResult.failed(AAError(
                f"INTERNAL AUTHENTICATE rechazado / refused: {sw:04X} {SW_TEXT.get(sw, '')}".strip(), sw))
        return aa.check(dg15=dg15, challenge=challenge, signature=data, signature_algorithm=signature_algorithm)

    def chip_authenticate(self, dg14: bytes) -> ca.CAResult | None:
        """Chip Authentication when DG14 offers it (None when it does not), then the new SM session.

        A failure leaves the session unusable: the caller opens the chip again to read on.
        """
        try:
            choice = ca.choose(ca.decode_dg14(dg14))
        except (SecurityInfosError, CAError) as exc:
            return ca.CAResult(False, False, None, str(exc))
        if choice is None:
            return None
        terminal = ca.CATerminal(choice)
        for apdu in terminal.commands():
            _, sw = self.command(apdu)
            if sw != SW_OK:
                return ca.CAResult(True, False, choice.protocol,
                                   f"el chip rechazó la autenticación de chip / chip refused CA: {sw:04X}", sw)
        self.sm = terminal.secure_messaging()
        try:
            # The first answer under the new keys proves the chip derived them from its private key.
            self.check(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID, "SELECT eMRTD")
        except (SMError, ReaderError, CardError) as exc:
            self.sm = None
            return ca.CAResult(True, False, choice.protocol,
                               f"el chip no conoce la clave privada de DG14 / chip lacks DG14's private key: {exc}")
        return ca.CAResult(True, True, choice.protocol)

    def select(self, fid: int) -> int:
        _, sw = self.command(b"\x00\xA4\x02\x0C\x02" + fid.to_bytes(2, "big"))
        return sw

    def read(self, offset: int, length: int) -> bytes:
        if offset <= _MAX_B0_OFFSET:
            apdu = b"\x00\xB0" + offset.to_bytes(2, "big") + bytes((length % 256,))
            return self.check(apdu, f"READ BINARY @{offset}")
        # Beyond 32767 the offset travels in a DO54 with the odd instruction B1.
        off = offset.to_bytes(3, "big")
        apdu = b"\x00\xB1\x00\x00" + bytes((2 + len(off), 0x54, len(off))) + off + bytes(((length + 4) % 256,))
        raw = self.check(apdu, f"READ BINARY B1 @{offset}")
        return _strip_do53(raw)


def _apdu(cla: int, ins: int, p1: int, p2: int, data: bytes, le: int | None = None) -> bytes:
    out = bytes((cla, ins, p1, p2, len(data))) + data
    return out + (bytes((le % 256,)) if le is not None else b"")


def open_chip(session: _Session, mrz_info: str, *, prefer_pace: bool = True) -> tuple[str, str | None]:
    """PACE when EF.CardAccess offers a configuration we support, else BAC: (access, fallback reason).

    A wrong MRZ under PACE is an error at once (BAC would fail the same way); any other PACE
    failure falls back to BAC, which a PACE-only chip refuses with a clear BACError.
    """
    fallback = None
    raw = session.read_card_access() if prefer_pace else None
    if raw is not None:
        try:
            params = choose(decode_card_access(raw).pace)
        except CardAccessError as exc:
            params, fallback = None, f"EF.CardAccess: {exc}"
        if params is None and fallback is None:
            fallback = "EF.CardAccess: ninguna configuración PACE soportada / no supported PACE configuration"
        if params is not None:
            try:
                session.pace(params, mrz_password(mrz_info))
                return f"PACE {params.protocol} {params.parameter_id}", None
            except PACEAuthenticationError:
                raise
            except PACEError as exc:
                session.sm = None
                fallback = f"PACE: {exc}"
    try:
        session.bac(mrz_info)
    except BACError as exc:
        if fallback is None:
            raise
        raise BACError(f"{exc} (antes / before: {fallback})") from exc
    return "BAC", fallback


def _strip_do53(raw: bytes) -> bytes:
    if len(raw) < 2 or raw[0] != 0x53:
        raise CardError("respuesta B1 sin DO53 / B1 answer without DO53")
    first = raw[1]
    start = 2 if first < 0x80 else 2 + (first - 0x80)
    return raw[start:]


@dataclass
class _PendingFile:
    name: str
    head: bytes
    total: int


def _read_head(session: _Session, name: str) -> _PendingFile | str:
    """First bytes of a file and its whole length, or why it cannot be read."""
    sw = session.select(FID[name])
    if sw != SW_OK:
        return f"{sw:04X} {SW_TEXT.get(sw, '')}".strip()
    data, sw = session.command(b"\x00\xB0\x00\x00" + bytes((CHUNK,)))
    if sw == SW_SECURITY_NOT_SATISFIED:
        return "6982 requiere EAC / needs EAC"
    if sw not in (SW_OK, 0x6282) or not data:
        return f"{sw:04X} {SW_TEXT.get(sw, '')}".strip()
    total = tlv_total_length(data[:_HEADER_READ])
    return _PendingFile(name, data[:total], total)


def _read_rest(session: _Session, pending: _PendingFile, on_bytes: Callable[[int], None]) -> bytes:
    if session.select(FID[pending.name]) != SW_OK:
        raise CardError(f"{pending.name}: no se pudo volver a seleccionar / reselect failed")
    buf = bytearray(pending.head)
    while len(buf) < pending.total:
        chunk = session.read(len(buf), min(CHUNK, pending.total - len(buf)))
        if not chunk:
            raise CardError(f"{pending.name}: lectura vacía en {len(buf)} / empty read")
        buf += chunk
        on_bytes(len(chunk))
    return bytes(buf[:pending.total])


def _dg_names(ef_com: bytes) -> list[str]:
    names = [n if n.startswith("DG") else f"DG{n}" for n in decode_ef_com(ef_com).dg_names]
    return [n for n in names if n in FID]


def read_files(
    session: _Session, progress: Callable[[int, int], None] | None,
    after_dg14: Callable[[bytes], None] | None = None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """EF.COM, the data groups it lists and EF.SOD, reporting bytes read of the total.

    DG14 is read right after EF.COM and handed to `after_dg14` (Chip Authentication) before the rest.
    """
    files: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    com = _read_head(session, "EF_COM")
    if isinstance(com, str):
        raise CardError(f"EF.COM ilegible / unreadable: {com}")
    # EF.COM is small: read it whole before sizing the rest.
    files["EF_COM"] = _read_rest(session, com, lambda n: None)
    names = _dg_names(files["EF_COM"])
    if "DG14" in names:
        names.remove("DG14")
        head = _read_head(session, "DG14")
        if isinstance(head, str):
            skipped["DG14"] = head
        else:
            files["DG14"] = _read_rest(session, head, lambda n: None)
            if after_dg14 is not None:
                after_dg14(files["DG14"])
    pending: list[_PendingFile] = []
    for name in names + ["EF_SOD"]:
        head = _read_head(session, name)
        if isinstance(head, str):
            skipped[name] = head
        else:
            pending.append(head)
    first = sum(len(data) for data in files.values())
    total = first + sum(p.total for p in pending)
    done = [first + sum(len(p.head) for p in pending)]

    def on_bytes(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    on_bytes(0)
    for p in pending:
        files[p.name] = _read_rest(session, p, on_bytes)
    return files, skipped


def _passive_authentication(files: dict[str, bytes], mrz_lines: list[str], csca_certs: Iterable[bytes],
                            master_list: bytes | None) -> Any | None:
    if "EF_SOD" not in files:
        return None
    from mrtd.pa import passive_authentication  # M2's module; imported late to keep reading usable alone
    groups = {int(name[2:]): data for name, data in files.items() if name.startswith("DG")}
    return passive_authentication(sod=files["EF_SOD"], data_groups=groups, csca_certs=list(csca_certs),
                                  master_list=master_list, printed_mrz=mrz_lines)


def read_chip(
    *,
    mrz_lines: list[str],
    reader_name: str | None = None,
    transport: Transport | None = None,
    progress: Callable[[int, int], None] | None = None,
    csca_certs: Iterable[bytes] = (),
    master_list: bytes | None = None,
    run_pa: bool = True,
    prefer_pace: bool = True,
    chip_authentication: bool = True,
    active_authentication: bool = True,
    aa_challenge: bytes | None = None,
) -> ChipRead:
    """Read a chip given the printed MRZ, over `transport` or the PC/SC reader `reader_name`.

    PACE first when the chip has EF.CardAccess (unless `prefer_pace` is false), BAC otherwise.
    Chip Authentication when DG14 offers it, Active Authentication with `aa_challenge` (8 bytes,
    the gate's one-time challenge; random when not given) when DG15 is there: their results are
    in ChipRead.ca and ChipRead.aa, a failure there (a clone) is a result, not an exception.
    Raises BACError or PACEAuthenticationError for a wrong MRZ, ReaderError for no reader, no
    card, a removed or silent card.
    """
    started = time.perf_counter()
    mrz_info = bac_key_seed_info(parse_mrz(mrz_lines))
    owned = transport is None
    transport = transport or PcscTransport(reader_name)
    try:
        session = _Session(transport)
        ca_result: list[ca.CAResult] = []

        def after_dg14(dg14: bytes) -> None:
            result = session.chip_authenticate(dg14)
            if result is None:
                return
            ca_result.append(result)
            if result.performed and not result.verified and session.sm is None:
                # Read on under a fresh session, from the master file where EF.CardAccess is.
                session.command(b"\x00\xA4\x00\x0C\x02\x3F\x00")
                open_chip(session, mrz_info, prefer_pace=prefer_pace)

        aa_result = None
        challenge = None
        try:
            access, fallback = open_chip(session, mrz_info, prefer_pace=prefer_pace)
            files, skipped = read_files(session, progress, after_dg14 if chip_authentication else None)
            # EF.COM is not signed: DG14 and DG15 that EF.SOD hashes are read even when EF.COM hides them.
            for name in ("DG14", "DG15"):
                if name not in files and name not in skipped and int(name[2:]) in _signed_groups(files):
                    head = _read_head(session, name)
                    if isinstance(head, str):
                        skipped[name] = head
                        continue
                    files[name] = _read_rest(session, head, lambda n: None)
                    if name == "DG14" and chip_authentication:
                        after_dg14(files[name])
            if active_authentication and "DG15" in files:
                challenge = aa_challenge if aa_challenge is not None else os.urandom(aa.CHALLENGE_LENGTH)
                aa_result = session.active_authenticate(challenge, files["DG15"], files.get("DG14"))
        except SMError as exc:
            raise ReaderError(f"sesión segura perdida (¿tarjeta retirada?) / secure session lost: {exc}") from exc
    finally:
        if owned:
            transport.close()  # type: ignore[union-attr]
    chip_mrz = decode_dg1(files["DG1"]) if "DG1" in files else None
    pa = _passive_authentication(files, mrz_lines, csca_certs, master_list) if run_pa else None
    return ChipRead(files, pa, time.perf_counter() - started, skipped, chip_mrz, access, fallback,
                    aa_result, ca_result[0] if ca_result else None, challenge)
