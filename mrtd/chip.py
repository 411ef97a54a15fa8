"""Virtual eMRTD chip: an ISO 7816-4 file system with BAC and/or PACE and secure messaging, in process or behind pcscd's vpcd socket."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mrtd import aa
from mrtd.apdu import (
    INS_EXTERNAL_AUTHENTICATE, INS_GET_CHALLENGE, INS_READ_BINARY, INS_READ_BINARY_ODD, INS_SELECT,
    SW_AUTH_FAILED, SW_CLA_NOT_SUPPORTED, SW_CONDITIONS_NOT_SATISFIED, SW_FILE_NOT_FOUND,
    SW_INS_NOT_SUPPORTED, SW_OK, SW_SECURITY_NOT_SATISFIED, SW_SM_DATA_INCORRECT, SW_WRONG_LENGTH,
    SW_WRONG_OFFSET, SW_WRONG_PARAMS, CommandAPDU, sw_bytes,
)
from mrtd.bac import BACChip, derive_keys_from_info
from mrtd.ca import CAChip, decode_dg14
from mrtd.cardaccess import (
    FID_CARD_ACCESS, PACE_ECDH_GM_AES_128, SFI_CARD_ACCESS, PACEInfo, decode_card_access, encode_card_access,
)
from mrtd.errors import AAError, BACError, CAError, CardError, LDSError, MRTDError, PACEError, ReaderError, SMError
from mrtd.lds import FID, decode_dg1, read_lds_dir
from mrtd.mrz import bac_key_seed_info, parse_mrz
from mrtd.pace import INS_GENERAL_AUTHENTICATE, INS_MSE, PASSWORD_CAN, PASSWORD_MRZ, PACEChip, can_password, mrz_password
from mrtd.sm import SecureMessaging

log = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
VPCD_PORT = 35963
_SW_UNKNOWN = 0x6F00
_SW_REFERENCED_DATA_NOT_FOUND = 0x6A88
_MF = 0x3F00
ACCESS_MODES = ("bac", "pace", "both")
# What most PACE passports offer: ECDH Generic Mapping, AES-128, brainpoolP256r1.
DEFAULT_PACE_INFOS = (PACEInfo(PACE_ECDH_GM_AES_128, 2, 13),)


def build_atr(historical: bytes = b"MRTD-PE") -> bytes:
    """A contactless-style ATR (T=0 then T=1) with the given historical bytes and its TCK."""
    body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3B" + body + bytes((tck,))


class VirtualChip:
    """An eMRTD application holding LDS files, with BAC and/or PACE keys from the MRZ.

    `access` is "bac" (no EF.CardAccess, BAC only), "pace" (EF.CardAccess with `pace_infos`,
    BAC refused with 6982) or "both". `can` adds the card access number as a PACE password.
    `transmit` takes a command APDU and returns the response APDU; it never raises.
    `rng` (n -> n random bytes) is injectable so tests can replay ICAO's worked examples.
    `aa_key` (RSA or EC) answers INTERNAL AUTHENTICATE and `ca_key` (EC) Chip Authentication: they
    live in the chip only. A chip built from the same files without them (a clone) refuses both;
    one given other keys answers with signatures and session keys that do not verify.
    """

    def __init__(
        self,
        files: dict[str, bytes],
        *,
        mrz_lines: list[str] | None = None,
        mrz_info: str | None = None,
        rng: Callable[[int], bytes] = os.urandom,
        atr: bytes | None = None,
        access: str = "bac",
        pace_infos: tuple[PACEInfo, ...] | list[PACEInfo] = DEFAULT_PACE_INFOS,
        can: str | None = None,
        aa_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
        ca_key: ec.EllipticCurvePrivateKey | None = None,
    ):
        if access not in ACCESS_MODES:
            raise PACEError(f"access: one of {ACCESS_MODES}, not {access!r}")
        if mrz_info is None:
            if mrz_lines is None:
                if "DG1" not in files:
                    raise BACError("sin MRZ ni DG1 no hay claves BAC / no MRZ and no DG1: no BAC keys")
                mrz_lines = decode_dg1(files["DG1"])
            mrz_info = bac_key_seed_info(parse_mrz(mrz_lines))
        unknown = set(files) - set(FID)
        if unknown:
            raise LDSError(f"files: archivos LDS desconocidos / unknown LDS files: {sorted(unknown)}")
        self.files_by_fid: dict[int, bytes] = {FID[name]: data for name, data in files.items()}
        self.keys = derive_keys_from_info(mrz_info)
        self.access = access
        self.card_access: bytes | None = None
        self._pace: PACEChip | None = None
        self._rng = rng
        if access != "bac":
            self.card_access = encode_card_access(list(pace_infos))
            passwords = {PASSWORD_MRZ: mrz_password(mrz_info)}
            if can is not None:
                passwords[PASSWORD_CAN] = can_password(can)
            self._pace = PACEChip(pace_infos, passwords, rng=rng)
        self.aa_key = aa_key
        dg14 = decode_dg14(files["DG14"]) if "DG14" in files else None
        aa_algorithm = dg14.aa_info.signature_algorithm if dg14 and dg14.aa_info else None
        self._aa_hash = aa.AA_SIGNATURE_HASHES.get(aa_algorithm or "")
        self._ca = CAChip(ca_key, dg14)
        self._next_sm: SecureMessaging | None = None
        self.atr = atr or build_atr()
        self.apdu_count = 0
        self.reset()

    @classmethod
    def from_lds_dir(cls, path: str | os.PathLike[str], **kwargs: Any) -> "VirtualChip":
        """A chip loaded from an LDS image directory; BAC keys come from its DG1 MRZ."""
        return cls(read_lds_dir(Path(path)), **kwargs)

    def reset(self) -> None:
        """Power cycle: forget the selected application, file and any BAC session."""
        self._app_selected = False
        self._current: int | None = None
        self._bac = BACChip(self.keys)
        self._sm: SecureMessaging | None = None
        self._next_sm = None
        self._ca.reset()
        if self._pace is not None:
            self._pace.reset()

    @property
    def authenticated(self) -> bool:
        return self._sm is not None

    # --- APDU processing -------------------------------------------------------------------

    def transmit(self, apdu: bytes) -> bytes:
        """Process one command APDU; errors become status words, never exceptions."""
        self.apdu_count += 1
        try:
            return self._transmit(bytes(apdu))
        except CardError as exc:
            return sw_bytes(exc.sw or _SW_UNKNOWN)
        except Exception:  # a card must answer something; log the bug, answer 6F00
            log.exception("virtual chip: unexpected error")
            return sw_bytes(_SW_UNKNOWN)

    def _transmit(self, apdu: bytes) -> bytes:
        if len(apdu) >= 1 and apdu[0] & 0x0C == 0x0C:
            return self._transmit_protected(apdu)
        # A plain command ends any secure messaging session (Part 11, 9.8.6.1).
        self._sm = None
        return self._dispatch(CommandAPDU.from_bytes(apdu))

    def _transmit_protected(self, apdu: bytes) -> bytes:
        if self._sm is None:
            return sw_bytes(SW_SM_DATA_INCORRECT)
        try:
            plain = self._sm.unwrap_command(apdu)
        except SMError:
            self._sm = None  # a broken SM session is closed; the terminal must redo BAC
            return sw_bytes(SW_SM_DATA_INCORRECT)
        try:
            response = self._dispatch(CommandAPDU.from_bytes(plain))
        except CardError as exc:
            response = sw_bytes(exc.sw or _SW_UNKNOWN)
        wrapped = self._sm.wrap_response(response)
        if self._next_sm is not None:
            # Chip Authentication: the answer went under the old keys, what follows under the new.
            self._sm, self._next_sm = self._next_sm, None
        return wrapped

    def _dispatch(self, cmd: CommandAPDU) -> bytes:
        cla = cmd.cla & ~0x10 if cmd.ins == INS_GENERAL_AUTHENTICATE else cmd.cla  # steps 1-3 are chained
        if cla & 0xF3 != 0x00:
            return sw_bytes(SW_CLA_NOT_SUPPORTED)
        handler = {
            INS_SELECT: self._select,
            INS_READ_BINARY: self._read_binary,
            INS_READ_BINARY_ODD: self._read_binary_odd,
            INS_GET_CHALLENGE: self._get_challenge,
            INS_EXTERNAL_AUTHENTICATE: self._external_authenticate,
            INS_MSE: self._mse,
            INS_GENERAL_AUTHENTICATE: self._general_authenticate,
            aa.INS_INTERNAL_AUTHENTICATE: self._internal_authenticate,
        }.get(cmd.ins)
        if handler is None:
            return sw_bytes(SW_INS_NOT_SUPPORTED)
        return handler(cmd)

    def _select(self, cmd: CommandAPDU) -> bytes:
        if cmd.p1 == 0x04:
            if cmd.data != EMRTD_AID:
                return sw_bytes(SW_FILE_NOT_FOUND)
            self._app_selected, self._current = True, None
            return sw_bytes(SW_OK)
        if cmd.p1 == 0x00 and cmd.data in (b"", _MF.to_bytes(2, "big")):
            self._app_selected, self._current = False, None  # back to the master file
            return sw_bytes(SW_OK)
        if cmd.p1 in (0x00, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            if fid == FID_CARD_ACCESS and not self._app_selected and self.card_access is not None:
                self._current = fid  # EF.CardAccess lives in the master file
                return sw_bytes(SW_OK)
            if not self._app_selected or fid not in self.files_by_fid:
                return sw_bytes(SW_FILE_NOT_FOUND)
            self._current = fid
            return sw_bytes(SW_OK)
        return sw_bytes(SW_WRONG_PARAMS)

    def _file_for_read(self, short_fid: int | None) -> bytes:
        """The file to read; raises CardError with the status word the chip answers."""
        if short_fid == SFI_CARD_ACCESS and not self._app_selected and self.card_access is not None:
            self._current = FID_CARD_ACCESS
        elif short_fid is not None:
            fid = 0x0100 | short_fid
            if not self._app_selected or fid not in self.files_by_fid:
                raise CardError("archivo no encontrado", SW_FILE_NOT_FOUND)
            self._current = fid
        if self._current is None:
            raise CardError("ningún archivo seleccionado", SW_CONDITIONS_NOT_SATISFIED)
        if self._current == FID_CARD_ACCESS and not self._app_selected and self.card_access is not None:
            return self.card_access  # readable by anyone: it says how to open the chip
        if self._sm is None:
            raise CardError("falta BAC", SW_SECURITY_NOT_SATISFIED)
        return self.files_by_fid[self._current]

    @staticmethod
    def _slice(data: bytes, offset: int, le: int | None) -> bytes:
        if offset >= len(data):
            raise CardError("desplazamiento fuera del archivo", SW_WRONG_OFFSET)
        return data[offset:offset + (le or 256)]

    def _read_binary(self, cmd: CommandAPDU) -> bytes:
        if cmd.p1 & 0x80:  # short EF identifier in P1, offset in P2
            data = self._file_for_read(cmd.p1 & 0x1F)
            offset = cmd.p2
        else:
            data = self._file_for_read(None)
            offset = ((cmd.p1 & 0x7F) << 8) | cmd.p2
        return self._slice(data, offset, cmd.le) + sw_bytes(SW_OK)

    def _read_binary_odd(self, cmd: CommandAPDU) -> bytes:
        """READ BINARY B1: the offset is a DO54 in the data, so files beyond 32 KiB can be read."""
        data = self._file_for_read(None)
        if len(cmd.data) < 3 or cmd.data[0] != 0x54 or cmd.data[1] != len(cmd.data) - 2:
            raise CardError("DO54 de desplazamiento mal formado", SW_WRONG_PARAMS)
        offset = int.from_bytes(cmd.data[2:], "big")
        chunk = self._slice(data, offset, cmd.le)
        # The DO53 header uses some of Le; keep the whole answer within what was asked.
        limit = (cmd.le or 256) - 4
        chunk = chunk[:max(limit, 1)]
        return _do53(chunk) + sw_bytes(SW_OK)

    def _get_challenge(self, cmd: CommandAPDU) -> bytes:
        if cmd.le != 8:
            return sw_bytes(SW_WRONG_LENGTH)
        return self._bac.get_challenge(self._rng(8)) + sw_bytes(SW_OK)

    def _external_authenticate(self, cmd: CommandAPDU) -> bytes:
        if self.access == "pace":
            return sw_bytes(SW_SECURITY_NOT_SATISFIED)  # a PACE-only chip refuses BAC
        try:
            response, session = self._bac.external_authenticate(cmd.data, k_ic=self._rng(16))
        except BACError:
            return sw_bytes(SW_AUTH_FAILED)
        self._sm = SecureMessaging(session.ks_enc, session.ks_mac, session.ssc)
        return response + sw_bytes(SW_OK)

    def _internal_authenticate(self, cmd: CommandAPDU) -> bytes:
        """Active Authentication: sign the terminal's challenge with the chip's own key."""
        if self._sm is None:
            return sw_bytes(SW_SECURITY_NOT_SATISFIED)
        if (cmd.p1, cmd.p2) != (0x00, 0x00):
            return sw_bytes(SW_WRONG_PARAMS)
        if len(cmd.data) != aa.CHALLENGE_LENGTH:
            return sw_bytes(SW_WRONG_LENGTH)
        if self.aa_key is None:
            return sw_bytes(_SW_REFERENCED_DATA_NOT_FOUND)
        try:
            return aa.sign(self.aa_key, cmd.data, hash_name=self._aa_hash, rng=self._rng) + sw_bytes(SW_OK)
        except AAError as exc:
            return sw_bytes(exc.sw or _SW_UNKNOWN)

    def _chip_authentication(self, cmd: CommandAPDU) -> bytes:
        """MSE:Set KAT (41 A6) or MSE:Set AT (41 A4) of Chip Authentication, inside secure messaging."""
        if self._sm is None:
            return sw_bytes(SW_SECURITY_NOT_SATISFIED)
        try:
            self._next_sm = self._ca.mse(cmd.p1, cmd.p2, cmd.data)
        except CAError as exc:
            return sw_bytes(exc.sw or _SW_UNKNOWN)
        return sw_bytes(SW_OK)

    def _mse(self, cmd: CommandAPDU) -> bytes:
        """MSE:Set AT for PACE (P1 C1, P2 A4); a BAC-only chip does not know the instruction."""
        if cmd.p1 == 0x41:
            return self._chip_authentication(cmd)
        if self._pace is None:
            return sw_bytes(SW_INS_NOT_SUPPORTED)
        if (cmd.p1, cmd.p2) != (0xC1, 0xA4):
            return sw_bytes(SW_WRONG_PARAMS)
        try:
            self._pace.mse_set_at(cmd.data)
        except PACEError as exc:
            return sw_bytes(exc.sw or _SW_UNKNOWN)
        return sw_bytes(SW_OK)

    def _general_authenticate(self, cmd: CommandAPDU) -> bytes:
        if self._ca.selected:
            if self._sm is None or (cmd.p1, cmd.p2) != (0x00, 0x00):
                self._ca.reset()
                return sw_bytes(SW_SECURITY_NOT_SATISFIED if self._sm is None else SW_WRONG_PARAMS)
            try:
                reply, self._next_sm = self._ca.general_authenticate(cmd.data)
            except CAError as exc:
                return sw_bytes(exc.sw or _SW_UNKNOWN)
            return reply + sw_bytes(SW_OK)
        if self._pace is None:
            return sw_bytes(SW_INS_NOT_SUPPORTED)
        if (cmd.p1, cmd.p2) != (0x00, 0x00):
            return sw_bytes(SW_WRONG_PARAMS)
        try:
            reply = self._pace.general_authenticate(cmd.data)
        except PACEError as exc:
            return sw_bytes(exc.sw or _SW_UNKNOWN)
        if self._pace.result is not None:
            self._sm = self._pace.result.secure_messaging()
        return reply + sw_bytes(SW_OK)


# Names of the chip image entries that are not LDS files: the chip's secrets and EF.CardAccess.
AA_KEY_ENTRY = "AA_PRIVATE_KEY"
CA_KEY_ENTRY = "CA_PRIVATE_KEY"
CARD_ACCESS_ENTRY = "EF_CardAccess"
ACCESS_ENTRY = "ACCESS"
_IMAGE_ENTRIES = (AA_KEY_ENTRY, CA_KEY_ENTRY, CARD_ACCESS_ENTRY, ACCESS_ENTRY)


def _private_key_der(key: Any) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load_private_key(der: bytes, what: str) -> Any:
    try:
        return serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError) as exc:
        raise LDSError(f"chip image {what}: not a PKCS#8 private key ({exc})") from None


@dataclass
class ChipImage:
    """What is written into a chip: the LDS files, how it is opened (EF.CardAccess) and the private
    keys of Active and Chip Authentication, which never leave the chip (nor this image)."""

    files: dict[str, bytes]
    access: str = "bac"
    pace_infos: tuple[PACEInfo, ...] = ()
    aa_key: Any = None
    ca_key: Any = None

    def entries(self) -> dict[str, bytes]:
        """The image as named byte strings (the LDS files, EF.CardAccess, the keys as PKCS#8)."""
        out = dict(self.files)
        out[ACCESS_ENTRY] = self.access.encode("ascii")
        if self.pace_infos:
            out[CARD_ACCESS_ENTRY] = encode_card_access(list(self.pace_infos))
        if self.aa_key is not None:
            out[AA_KEY_ENTRY] = _private_key_der(self.aa_key)
        if self.ca_key is not None:
            out[CA_KEY_ENTRY] = _private_key_der(self.ca_key)
        return out

    @classmethod
    def from_entries(cls, entries: dict[str, bytes]) -> "ChipImage":
        """Back from `entries()`; an image of LDS files only is a BAC chip without AA or CA keys."""
        files = {name: data for name, data in entries.items() if name not in _IMAGE_ENTRIES}
        access = entries.get(ACCESS_ENTRY, b"bac").decode("ascii", "replace")
        infos = decode_card_access(entries[CARD_ACCESS_ENTRY]).pace if CARD_ACCESS_ENTRY in entries else ()
        aa_key = _load_private_key(entries[AA_KEY_ENTRY], "AA key") if AA_KEY_ENTRY in entries else None
        ca_key = _load_private_key(entries[CA_KEY_ENTRY], "CA key") if CA_KEY_ENTRY in entries else None
        return cls(files, access, tuple(infos), aa_key, ca_key)

    def chip(self, **kwargs: Any) -> VirtualChip:
        """A virtual chip holding this image; keyword arguments override (e.g. a clone's keys)."""
        options: dict[str, Any] = {"access": self.access, "aa_key": self.aa_key, "ca_key": self.ca_key}
        if self.pace_infos:
            options["pace_infos"] = self.pace_infos
        options.update(kwargs)
        return VirtualChip(self.files, **options)

    def clone(self, **kwargs: Any) -> VirtualChip:
        """The same data groups and SOD in a new chip without the private keys (or with `aa_key` / `ca_key`)."""
        return self.chip(**{"aa_key": None, "ca_key": None, **kwargs})


def _do53(value: bytes) -> bytes:
    if len(value) < 0x80:
        length = bytes((len(value),))
    elif len(value) < 0x100:
        length = b"\x81" + bytes((len(value),))
    else:
        length = b"\x82" + len(value).to_bytes(2, "big")
    return b"\x53" + length + value


# --- vpcd socket -----------------------------------------------------------------------------

_VPCD_POWER_OFF, _VPCD_POWER_ON, _VPCD_RESET, _VPCD_ATR = 0, 1, 2, 4


def _recv_exact(sock: socket.socket, n: int, stop: threading.Event | None) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
            _quick_ack(sock)
        except socket.timeout:
            if stop is not None and stop.is_set():
                return None
            continue
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _quick_ack(sock: socket.socket) -> None:
    """Acknowledge at once. Without it each APDU over vpcd took about 50 ms (delayed ACKs on our
    side against vpcd's small writes, it seems); with it a whole passport read takes about 35 ms."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(2, "big") + payload)


def _connect(host: str, port: int, attempts: int, delay_s: float) -> socket.socket:
    last: OSError | None = None
    for _ in range(attempts):
        try:
            sock = socket.create_connection((host, port), timeout=2.0)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:
            last = exc
            threading.Event().wait(delay_s)
    raise ReaderError(
        f"no se pudo conectar con vpcd en {host}:{port} (¿pcscd en marcha?) / "
        f"cannot reach vpcd at {host}:{port} (is pcscd running?): {last}"
    )


def serve_vpcd(
    chip: VirtualChip,
    host: str = "127.0.0.1",
    port: int = VPCD_PORT,
    *,
    stop: threading.Event | None = None,
    connect_attempts: int = 10,
    ready: threading.Event | None = None,
) -> None:
    """Present `chip` as a card in pcscd's vpcd reader until the socket closes or `stop` is set.

    The card is the client: vpcd listens on `port` and sends framed control bytes and APDUs.
    """
    sock = _connect(host, port, connect_attempts, 0.3)
    sock.settimeout(0.2)  # lets a stop request be noticed between frames
    if ready is not None:
        ready.set()
    try:
        while stop is None or not stop.is_set():
            header = _recv_exact(sock, 2, stop)
            if header is None:
                return
            payload = _recv_exact(sock, int.from_bytes(header, "big"), stop)
            if payload is None:
                return
            reply = _vpcd_reply(chip, payload)
            if reply is not None:
                _send_frame(sock, reply)
    finally:
        sock.close()


def _vpcd_reply(chip: VirtualChip, payload: bytes) -> bytes | None:
    if len(payload) == 1:
        control = payload[0]
        if control in (_VPCD_POWER_OFF, _VPCD_POWER_ON, _VPCD_RESET):
            chip.reset()
            return None
        if control == _VPCD_ATR:
            return chip.atr
        return None
    return chip.transmit(payload)


def start_vpcd_thread(
    chip: VirtualChip, port: int = VPCD_PORT, host: str = "127.0.0.1",
) -> tuple[threading.Thread, threading.Event]:
    """Serve `chip` from a daemon thread; returns the thread and the event that stops it."""
    stop, ready = threading.Event(), threading.Event()
    errors: list[MRTDError] = []

    def run() -> None:
        try:
            serve_vpcd(chip, host, port, stop=stop, ready=ready)
        except MRTDError as exc:
            errors.append(exc)
            ready.set()

    thread = threading.Thread(target=run, name=f"vpcd-{port}", daemon=True)
    thread.start()
    ready.wait(10)
    if errors:
        raise errors[0]
    return thread, stop
