"""Secure messaging (ICAO 9303 Part 11 section 9.8) with 3DES (BAC, PACE-3DES) or AES (PACE):
wrap and unwrap APDUs on both the terminal and the chip side."""

from __future__ import annotations

import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

from mrtd.apdu import CommandAPDU, split_response, sw_bytes
from mrtd.bac import retail_mac, tdes_decrypt, tdes_encrypt
from mrtd.errors import SMError

_MAC_LEN = 8
CIPHERS = ("3DES", "AES")


def _encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    if n < 0x100:
        return b"\x81" + bytes((n,))
    return b"\x82" + n.to_bytes(2, "big")


def _do(tag: int, value: bytes) -> bytes:
    return bytes((tag,)) + _encode_length(len(value)) + value


def _parse_dos(data: bytes) -> dict[int, bytes]:
    """The one-byte-tag data objects of a protected APDU body (87, 85, 97, 99, 8E)."""
    objects: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise SMError("objeto SM truncado / truncated SM object")
        tag, first = data[i], data[i + 1]
        i += 2
        if first < 0x80:
            length = first
        elif first in (0x81, 0x82):
            size = first - 0x80
            if i + size > len(data):
                raise SMError("longitud SM truncada / truncated SM length")
            length = int.from_bytes(data[i:i + size], "big")
            i += size
        else:
            raise SMError(f"longitud SM no válida / bad SM length byte {first:#04x}")
        if i + length > len(data):
            raise SMError(f"objeto SM {tag:02X} truncado / SM object {tag:02X} truncated")
        if tag in objects:
            raise SMError(f"objeto SM {tag:02X} repetido / SM object {tag:02X} repeated")
        objects[tag] = data[i:i + length]
        i += length
    return objects


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise SMError("relleno de mensajería segura incorrecto / bad SM padding")
    return stripped[:-1]


def aes_cmac(key: bytes, data: bytes) -> bytes:
    """Full 16-byte AES-CMAC (NIST SP 800-38B) of `data`."""
    mac = CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


def aes_cbc(key: bytes, data: bytes, iv: bytes = bytes(16), *, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = cipher.decryptor() if decrypt else cipher.encryptor()
    return op.update(data) + op.finalize()


class SecureMessaging:
    """One secure messaging session; the SSC advances once per command and once per response.

    `cipher` "3DES" (BAC and PACE-3DES): 8-byte SSC, zero IV, retail MAC. "AES" (PACE, section
    9.8.7.3 and 9.8.6.3): 16-byte SSC, IV = E(KS_enc, SSC), AES-CMAC truncated to 8 bytes; after
    PACE the SSC starts at zero.
    """

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes | int, *, cipher: str = "3DES"):
        if cipher not in CIPHERS:
            raise SMError(f"cifrado desconocido / unknown SM cipher {cipher!r}")
        self.cipher = cipher
        self.block = 16 if cipher == "AES" else 8
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self.ssc = ssc if isinstance(ssc, int) else int.from_bytes(ssc, "big")

    def _pad(self, data: bytes) -> bytes:
        """ISO/IEC 9797-1 padding method 2 to the cipher's block size."""
        data = data + b"\x80"
        return data + bytes(-len(data) % self.block)

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << (8 * self.block))
        return self.ssc.to_bytes(self.block, "big")

    def _mac(self, ssc: bytes, data: bytes) -> bytes:
        if self.cipher == "AES":
            return aes_cmac(self.ks_mac, self._pad(ssc + data))[:_MAC_LEN]
        return retail_mac(self.ks_mac, self._pad(ssc + data))

    def _iv(self) -> bytes:
        """The IV for the current SSC: zero for 3DES, E(KS_enc, SSC) for AES."""
        if self.cipher == "3DES":
            return bytes(8)
        ecb = Cipher(algorithms.AES(self.ks_enc), modes.ECB()).encryptor()
        return ecb.update(self.ssc.to_bytes(16, "big")) + ecb.finalize()

    def _encrypt(self, plain: bytes) -> bytes:
        if self.cipher == "AES":
            return aes_cbc(self.ks_enc, self._pad(plain), self._iv())
        return tdes_encrypt(self.ks_enc, self._pad(plain))

    def _decrypt(self, cipher: bytes) -> bytes:
        if not cipher or len(cipher) % self.block:
            raise SMError(f"criptograma de longitud incorrecta / cryptogram length not a multiple of {self.block}")
        if self.cipher == "AES":
            return _unpad(aes_cbc(self.ks_enc, cipher, self._iv(), decrypt=True))
        return _unpad(tdes_decrypt(self.ks_enc, cipher))

    def _check_mac(self, ssc: bytes, covered: bytes, mac: bytes | None) -> None:
        if mac is None:
            raise SMError("falta el MAC (8E) / MAC object 8E missing")
        if not hmac.compare_digest(self._mac(ssc, covered), mac):
            raise SMError("MAC de mensajería segura incorrecto / secure messaging MAC mismatch")

    # --- terminal side ------------------------------------------------------------------

    def wrap_command(self, apdu: bytes) -> bytes:
        """Protect a plain command APDU (data in 87 or 85, Le in 97, MAC in 8E)."""
        cmd = CommandAPDU.from_bytes(apdu)
        cla = cmd.cla | 0x0C
        header = bytes((cla, cmd.ins, cmd.p1, cmd.p2))
        ssc = self._next_ssc()  # first: the AES IV is derived from this command's SSC
        body = b""
        if cmd.data:
            # Odd instructions carry BER data objects: no padding-content indicator (DO85).
            if cmd.ins & 1:
                body += _do(0x85, self._encrypt(cmd.data))
            else:
                body += _do(0x87, b"\x01" + self._encrypt(cmd.data))
        if cmd.le is not None:
            le = cmd.le % 256 if cmd.le <= 256 else cmd.le % 65536
            body += _do(0x97, bytes((le,)) if cmd.le <= 256 else le.to_bytes(2, "big"))
        body += _do(0x8E, self._mac(ssc, self._pad(header) + body))
        extended = len(body) > 255 or (cmd.le is not None and cmd.le > 256)
        return CommandAPDU(cla, cmd.ins, cmd.p1, cmd.p2, body, 65536 if extended else 256).to_bytes()

    def unwrap_response(self, resp: bytes) -> bytes:
        """Check and decrypt a protected response; returns plain data || SW1 SW2.

        Inside a session every reply must carry its MAC: a bare status word, even 90 00, could
        come from anyone between terminal and chip (a downgrade), so it is refused with an
        SMError carrying that status word. (A chip that lost the session answers a bare
        69 87 / 69 88; the reader tells that case apart before unwrapping.)
        """
        data, sw = split_response(resp)
        if not data:
            raise SMError(f"respuesta sin mensajería segura ({sw:04X}) dentro de la sesión segura: rechazada / "
                          f"reply without secure messaging refused", sw)
        objects = _parse_dos(data)
        ssc = self._next_ssc()
        covered = b"".join(_do(t, objects[t]) for t in (0x87, 0x85, 0x99) if t in objects)
        self._check_mac(ssc, covered, objects.get(0x8E))
        if 0x99 not in objects or len(objects[0x99]) != 2:
            raise SMError("falta el estado protegido (99) / protected status 99 missing")
        plain = b""
        if 0x87 in objects:
            value = objects[0x87]
            if not value or value[0] != 0x01:
                raise SMError("indicador de relleno desconocido / unknown padding indicator")
            plain = self._decrypt(value[1:])
        elif 0x85 in objects:
            plain = self._decrypt(objects[0x85])
        return plain + objects[0x99]

    # --- chip side ----------------------------------------------------------------------

    def unwrap_command(self, apdu: bytes) -> bytes:
        """Check and decrypt a protected command; returns the plain command APDU.

        Raises SMError (the chip answers 6988) on a missing or wrong MAC or bad objects.
        """
        try:
            cmd = CommandAPDU.from_bytes(apdu)
        except Exception as exc:  # a malformed length is an SM failure from the chip's view
            raise SMError("APDU protegido mal formado / malformed protected APDU") from exc
        if cmd.cla & 0x0C != 0x0C:
            raise SMError("comando sin mensajería segura / command not protected")
        objects = _parse_dos(cmd.data)
        header = cmd.header
        ssc = self._next_ssc()
        covered = b"".join(_do(t, objects[t]) for t in (0x87, 0x85, 0x97) if t in objects)
        self._check_mac(ssc, self._pad(header) + covered, objects.get(0x8E))
        data = b""
        if 0x87 in objects:
            if not objects[0x87] or objects[0x87][0] != 0x01:
                raise SMError("indicador de relleno desconocido / unknown padding indicator")
            data = self._decrypt(objects[0x87][1:])
        elif 0x85 in objects:
            data = self._decrypt(objects[0x85])
        le = None
        if 0x97 in objects:
            raw = objects[0x97]
            le = int.from_bytes(raw, "big") or (256 if len(raw) <= 1 else 65536)
        return CommandAPDU(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2, data, le).to_bytes()

    def wrap_response(self, resp: bytes) -> bytes:
        """Protect a plain response (data || SW): data in 87, status in 99, MAC in 8E."""
        data, sw = split_response(resp)
        ssc = self._next_ssc()
        body = _do(0x87, b"\x01" + self._encrypt(data)) if data else b""
        body += _do(0x99, sw_bytes(sw))
        body += _do(0x8E, self._mac(ssc, body))
        return body + sw_bytes(sw)
