"""Personalization: build and sign a passport's LDS image (EF.COM, DG1, DG2, DG3, DG7, EF.SOD) and,
for a chip of today, its EF.CardAccess (PACE), DG14 (Chip Authentication) and DG15 (Active
Authentication) with their private keys, which stay in the chip image."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from mrtd.aa import ECDSA_PLAIN_SHA256, encode_dg15
from mrtd.ca import CA_ECDH_AES_128, encode_dg14
from mrtd.cardaccess import PACEInfo
from mrtd.chip import DEFAULT_PACE_INFOS, ChipImage
from mrtd.errors import LDSError, PKIError
from mrtd.lds import FaceImage, FingerImage, encode_dg1, encode_dg2, encode_dg3, encode_dg7, encode_ef_com, encode_sod
from mrtd.pki import TestPKI


@dataclass(frozen=True)
class ImageInfo:
    """Format and size of an image, read from its header without decoding it."""

    kind: str  # "jpeg" | "jpeg2000" | "png" | "wsq"
    width: int
    height: int


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from the first SOFn segment of a JPEG."""
    offset = 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            raise LDSError("image: corrupt JPEG segment")
        marker = data[offset + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            offset += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[offset + 2 : offset + 4])[0]
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return width, height
        offset += 2 + length
    raise LDSError("image: JPEG without a frame header")


def _jp2_size(data: bytes) -> tuple[int, int]:
    """Width and height from the 'ihdr' box of a JP2 file (or the SIZ marker of a codestream)."""
    if data.startswith(b"\xff\x4f\xff\x51"):
        xsiz, ysiz, xo, yo = struct.unpack(">IIII", data[8:24])
        return xsiz - xo, ysiz - yo
    index = data.find(b"ihdr")
    if index < 0 or index + 12 > len(data):
        raise LDSError("image: JPEG 2000 without an ihdr box")
    height, width = struct.unpack(">II", data[index + 4 : index + 12])
    return width, height


def _wsq_size(data: bytes) -> tuple[int, int]:
    """Width and height from the WSQ frame header (marker FFA2)."""
    index = data.find(b"\xff\xa2")
    if index < 0 or index + 10 > len(data):
        raise LDSError("image: WSQ without a frame header")
    height, width = struct.unpack(">HH", data[index + 6 : index + 10])
    return width, height


def image_info(data: bytes) -> ImageInfo:
    """Sniff an image by its magic bytes (not its file name) and read its size."""
    if data.startswith(b"\xff\xd8"):
        return ImageInfo("jpeg", *_jpeg_size(data))
    if data.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or data.startswith(b"\xff\x4f\xff\x51"):
        return ImageInfo("jpeg2000", *_jp2_size(data))
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("png", width, height)
    if data.startswith(b"\xff\xa0"):
        return ImageInfo("wsq", *_wsq_size(data))
    raise LDSError("image: not JPEG, JPEG 2000, PNG or WSQ")


def make_face_image(data: bytes) -> FaceImage:
    """19794-5 face image (full frontal) around JPEG or JPEG 2000 bytes, stored as given."""
    info = image_info(data)
    if info.kind not in ("jpeg", "jpeg2000"):
        raise LDSError(f"face_image: {info.kind} is not allowed in DG2 (JPEG or JPEG 2000 only)")
    return FaceImage(image_bytes=bytes(data), image_type=info.kind, width=info.width, height=info.height)


def make_finger_image(position: int, data: bytes) -> FingerImage:
    """19794-4 finger view around WSQ, PNG, JPEG or JPEG 2000 bytes, stored as given."""
    info = image_info(data)
    return FingerImage(position=position, image_bytes=bytes(data), compression=info.kind,
                       width=info.width, height=info.height)


def personalize(
    *,
    mrz_lines: list[str],
    face_image: bytes,
    finger_images: list[tuple[int, bytes]] = (),  # type: ignore[assignment]
    signature_image: bytes | None = None,
    pki: TestPKI,
    signing_time: datetime | None = None,
    extra_groups: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """LDS files of a passport, signed by the PKI's Document Signer.

    Returns {"EF_COM", "DG1", "DG2", ["DG3"], ["DG7"], "EF_SOD"}: write them with
    mrtd.lds.write_lds_dir or load them into the chip. `extra_groups` (such as DG14 and DG15)
    are listed in EF.COM and hashed in the SOD like the others.
    """
    if pki.ds_private_key is None:
        raise PKIError("pki: the Document Signer private key is required to sign the SOD")
    files: dict[str, bytes] = {"DG1": encode_dg1(list(mrz_lines)), "DG2": encode_dg2([make_face_image(face_image)])}
    if finger_images:
        files["DG3"] = encode_dg3([make_finger_image(position, data) for position, data in finger_images])
    if signature_image is not None:
        image_info(signature_image)  # a signature must be an image the reader can show
        files["DG7"] = encode_dg7([bytes(signature_image)])
    for name, data in sorted((extra_groups or {}).items(), key=lambda item: int(item[0][2:])):
        if name in files or not name.startswith("DG") or not name[2:].isdigit():
            raise LDSError(f"extra_groups: {name} is not an additional data group")
        files[name] = bytes(data)
    dg_names = list(files)
    dg_files = {int(name[2:]): data for name, data in files.items()}
    return {
        "EF_COM": encode_ef_com(dg_names),
        **files,
        "EF_SOD": encode_sod(dg_files, pki.ds_private_key, pki.ds_cert_der, signing_time=signing_time),
    }


def personalize_chip(
    *,
    access: str = "both",
    pace_infos: tuple[PACEInfo, ...] = DEFAULT_PACE_INFOS,
    active_authentication: bool = True,
    chip_authentication: bool = True,
    **passport: Any,
) -> ChipImage:
    """A chip image as Peruvian passports are personalized: PACE (EF.CardAccess, also listed in
    DG14), Active Authentication with an ECDSA P-256 key (DG15, ActiveAuthenticationInfo in DG14)
    and Chip Authentication with an ECDH P-256 key (DG14), all signed into the SOD.

    `passport` are the arguments of `personalize` (mrz_lines, face_image, finger_images, ..., pki).
    The private keys are generated here and returned only inside the ChipImage.
    """
    aa_key = ec.generate_private_key(ec.SECP256R1()) if active_authentication else None
    ca_key = ec.generate_private_key(ec.SECP256R1()) if chip_authentication else None
    infos = tuple(pace_infos) if access != "bac" else ()
    extra: dict[str, bytes] = {}
    if aa_key is not None:
        extra["DG15"] = encode_dg15(aa_key.public_key())
    if ca_key is not None or aa_key is not None or infos:
        extra["DG14"] = encode_dg14(
            ca_public_key=ca_key.public_key() if ca_key is not None else None, ca_protocol=CA_ECDH_AES_128,
            aa_signature_algorithm=ECDSA_PLAIN_SHA256 if aa_key is not None else None,
            extra=[info.encode() for info in infos])
    files = personalize(**passport, extra_groups=extra)
    return ChipImage(files, access, infos, aa_key, ca_key)
