"""ISO/IEC 7816-4 command APDUs (short and extended) and status words used by the chip and reader."""

from __future__ import annotations

from dataclasses import dataclass

from mrtd.errors import CardError

SW_OK = 0x9000
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_FAILED = 0x6300
SW_SM_DATA_MISSING = 0x6987
SW_SM_DATA_INCORRECT = 0x6988
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_PARAMS = 0x6A86
SW_WRONG_OFFSET = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_END_OF_FILE = 0x6282

INS_SELECT = 0xA4
INS_READ_BINARY = 0xB0
INS_READ_BINARY_ODD = 0xB1
INS_GET_CHALLENGE = 0x84
INS_EXTERNAL_AUTHENTICATE = 0x82

# Human text for the status words a reader user may meet, Spanish first.
SW_TEXT = {
    SW_SECURITY_NOT_SATISFIED: "Acceso denegado: falta BAC / security status not satisfied",
    SW_SM_DATA_INCORRECT: "Mensajería segura incorrecta / incorrect secure messaging data",
    SW_SM_DATA_MISSING: "Faltan objetos de mensajería segura / secure messaging objects missing",
    SW_FILE_NOT_FOUND: "Archivo no encontrado / file not found",
    SW_WRONG_OFFSET: "Desplazamiento fuera del archivo / offset outside the file",
    SW_INS_NOT_SUPPORTED: "Instrucción no soportada / instruction not supported",
    SW_AUTH_FAILED: "Autenticación fallida / authentication failed",
}


@dataclass(frozen=True)
class CommandAPDU:
    """A command APDU; `le` None means no Le, 256 (short) or 65536 (extended) mean 'all'."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    @property
    def header(self) -> bytes:
        return bytes((self.cla, self.ins, self.p1, self.p2))

    def to_bytes(self) -> bytes:
        extended = len(self.data) > 255 or (self.le is not None and self.le > 256)
        out = bytearray(self.header)
        if extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = b"" if self.data else b"\x00"
                out += le + (self.le % 65536).to_bytes(2, "big")
            return bytes(out)
        if self.data:
            out += bytes((len(self.data),)) + self.data
        if self.le is not None:
            out += bytes((self.le % 256,))
        return bytes(out)

    @classmethod
    def from_bytes(cls, raw: bytes) -> "CommandAPDU":
        """Parse cases 1-4, short or extended. Raises CardError(0x6700) on a bad length."""
        if len(raw) < 4:
            raise CardError("APDU demasiado corto / APDU too short", SW_WRONG_LENGTH)
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, b"", body[0] or 256)
        if body[0] != 0:
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:1 + lc]), body[-1] or 256)
            raise CardError("Lc no coincide / Lc mismatch", SW_WRONG_LENGTH)
        return cls._extended(cla, ins, p1, p2, bytes(body))

    @classmethod
    def _extended(cls, cla: int, ins: int, p1: int, p2: int, body: bytes) -> "CommandAPDU":
        if len(body) == 3:
            return cls(cla, ins, p1, p2, b"", int.from_bytes(body[1:3], "big") or 65536)
        if len(body) < 3:
            raise CardError("APDU extendido mal formado / malformed extended APDU", SW_WRONG_LENGTH)
        lc = int.from_bytes(body[1:3], "big")
        if len(body) == 3 + lc:
            return cls(cla, ins, p1, p2, body[3:])
        if len(body) == 5 + lc:
            return cls(cla, ins, p1, p2, body[3:3 + lc], int.from_bytes(body[-2:], "big") or 65536)
        raise CardError("Lc extendido no coincide / extended Lc mismatch", SW_WRONG_LENGTH)


def split_response(resp: bytes) -> tuple[bytes, int]:
    """(data, status word) of a response APDU."""
    if len(resp) < 2:
        raise CardError("respuesta sin palabra de estado / response without status word")
    return resp[:-2], int.from_bytes(resp[-2:], "big")


def sw_bytes(sw: int) -> bytes:
    return sw.to_bytes(2, "big")
