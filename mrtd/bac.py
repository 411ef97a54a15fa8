"""Basic Access Control (ICAO 9303 Part 11 section 4.3): key derivation and mutual authentication, terminal and chip."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from mrtd.errors import BACError
from mrtd.mrz import check_digit

KDF_ENC = 1
KDF_MAC = 2
BLOCK = 8
_ZERO_IV = bytes(BLOCK)


@dataclass(frozen=True)
class BACKeys:
    """Document basic access keys, derived from the MRZ."""

    k_seed: bytes
    k_enc: bytes
    k_mac: bytes


@dataclass(frozen=True)
class SessionKeys:
    """Keys and send sequence counter that secure messaging starts with after BAC."""

    ks_enc: bytes
    ks_mac: bytes
    ssc: bytes


# --- primitives ----------------------------------------------------------------------------


def adjust_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit so that it has odd parity, as DES keys require."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (bin(high).count("1") % 2 == 0))
    return bytes(out)


def kdf(seed: bytes, counter: int) -> bytes:
    """ICAO 9303 Part 11 section 9.7.1 key derivation for 3DES (16-byte, parity adjusted)."""
    digest = hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
    return adjust_parity(digest[:16])


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a multiple of 8."""
    data = data + b"\x80"
    return data + bytes(-len(data) % BLOCK)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise BACError("relleno incorrecto / bad padding")
    return stripped[:-1]


def _tdes(key: bytes) -> TripleDES:
    # Spell 1- and 2-key DES out as 24 bytes: cryptography deprecates the short forms.
    if len(key) == 8:
        return TripleDES(key * 3)
    if len(key) == 16:
        return TripleDES(key + key[:8])
    return TripleDES(key)


def tdes_encrypt(key: bytes, data: bytes, iv: bytes = _ZERO_IV) -> bytes:
    enc = Cipher(_tdes(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def tdes_decrypt(key: bytes, data: bytes, iv: bytes = _ZERO_IV) -> bytes:
    dec = Cipher(_tdes(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (retail MAC) with DES over already padded `data`."""
    if len(data) % BLOCK:
        raise BACError("datos sin rellenar para el MAC / MAC input not padded")
    ka, kb = key[:8], key[8:16]
    # Single DES CBC with Ka over every block, then decrypt with Kb and encrypt with Ka.
    last = tdes_encrypt(ka, data)[-BLOCK:]
    enc_ka = Cipher(_tdes(ka), modes.ECB())
    dec_kb = Cipher(_tdes(kb), modes.ECB()).decryptor()
    step = dec_kb.update(last) + dec_kb.finalize()
    e = enc_ka.encryptor()
    return e.update(step) + e.finalize()


# --- keys ----------------------------------------------------------------------------------


def mrz_information(doc_number: str, birth_yymmdd: str, expiry_yymmdd: str) -> str:
    """Document number (padded to 9), birth date and expiry date, each followed by its check digit."""
    number = doc_number.upper().replace(" ", "")
    number = number.ljust(9, "<")
    for name, value in (("birth_date", birth_yymmdd), ("expiry_date", expiry_yymmdd)):
        if len(value) != 6 or not value.isdigit():
            raise BACError(f"{name}: se espera AAMMDD / expected YYMMDD: {value!r}")
    return (number + check_digit(number) + birth_yymmdd + check_digit(birth_yymmdd)
            + expiry_yymmdd + check_digit(expiry_yymmdd))


def derive_keys_from_info(mrz_info: str) -> BACKeys:
    """BAC keys from the MRZ information string (see mrtd.mrz.bac_key_seed_info)."""
    seed = hashlib.sha1(mrz_info.encode("ascii")).digest()[:16]
    return BACKeys(k_seed=seed, k_enc=kdf(seed, KDF_ENC), k_mac=kdf(seed, KDF_MAC))


def derive_keys(doc_number: str, birth_yymmdd: str, expiry_yymmdd: str) -> BACKeys:
    """BAC keys from the three MRZ fields (check digits computed here)."""
    return derive_keys_from_info(mrz_information(doc_number, birth_yymmdd, expiry_yymmdd))


def _session(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> SessionKeys:
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic))
    return SessionKeys(kdf(seed, KDF_ENC), kdf(seed, KDF_MAC), rnd_ic[-4:] + rnd_ifd[-4:])


def _seal(keys: BACKeys, plain: bytes) -> bytes:
    cipher = tdes_encrypt(keys.k_enc, plain)
    return cipher + retail_mac(keys.k_mac, pad(cipher))


def _open(keys: BACKeys, data: bytes, who: str) -> bytes:
    if len(data) != 40:
        raise BACError(f"{who}: se esperaban 40 bytes / expected 40 bytes, got {len(data)}")
    cipher, mac = data[:32], data[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, pad(cipher)), mac):
        raise BACError(f"{who}: MAC incorrecto (¿MRZ equivocada?) / wrong MAC (wrong MRZ?)")
    return tdes_decrypt(keys.k_enc, cipher)


# --- the two sides -------------------------------------------------------------------------


class BACTerminal:
    """Inspection system side: builds EXTERNAL AUTHENTICATE data and checks the chip's answer."""

    def __init__(self, keys: BACKeys):
        self.keys = keys
        self._rnd_ic = b""
        self._rnd_ifd = b""
        self._k_ifd = b""

    def external_authenticate_data(self, rnd_ic: bytes, *, rnd_ifd: bytes | None = None,
                                   k_ifd: bytes | None = None) -> bytes:
        """E.IFD || M.IFD for the challenge `rnd_ic` (random RND.IFD and K.IFD unless given)."""
        if len(rnd_ic) != 8:
            raise BACError(f"RND.IC: se esperaban 8 bytes / expected 8 bytes, got {len(rnd_ic)}")
        self._rnd_ic = rnd_ic
        self._rnd_ifd = rnd_ifd or os.urandom(8)
        self._k_ifd = k_ifd or os.urandom(16)
        return _seal(self.keys, self._rnd_ifd + rnd_ic + self._k_ifd)

    def complete(self, response: bytes) -> SessionKeys:
        """Check the chip's E.IC || M.IC and derive the session keys."""
        plain = _open(self.keys, response, "respuesta del chip / chip response")
        if plain[:8] != self._rnd_ic or plain[8:16] != self._rnd_ifd:
            raise BACError("el chip no devolvió nuestros números aleatorios / chip did not echo the nonces")
        return _session(self._k_ifd, plain[16:32], self._rnd_ic, self._rnd_ifd)


class BACChip:
    """Chip side: issues the challenge and answers EXTERNAL AUTHENTICATE."""

    def __init__(self, keys: BACKeys):
        self.keys = keys
        self._rnd_ic: bytes | None = None

    def get_challenge(self, rnd_ic: bytes | None = None) -> bytes:
        self._rnd_ic = rnd_ic or os.urandom(8)
        return self._rnd_ic

    def external_authenticate(self, data: bytes, *, k_ic: bytes | None = None) -> tuple[bytes, SessionKeys]:
        """(E.IC || M.IC, session keys). Raises BACError on a wrong MAC or a stale challenge."""
        if self._rnd_ic is None:
            raise BACError("no hubo GET CHALLENGE / no challenge issued")
        plain = _open(self.keys, data, "EXTERNAL AUTHENTICATE")
        rnd_ifd, rnd_ic, k_ifd = plain[:8], plain[8:16], plain[16:32]
        if rnd_ic != self._rnd_ic:
            raise BACError("RND.IC no coincide / RND.IC mismatch")
        self._rnd_ic = None  # a challenge serves once
        k_ic = k_ic or os.urandom(16)
        return _seal(self.keys, rnd_ic + rnd_ifd + k_ic), _session(k_ifd, k_ic, rnd_ic, rnd_ifd)
