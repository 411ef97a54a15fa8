"""A gate's side of the device API: builds, signs and sends requests (used by `egate_device` and the bench)."""
from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from cuentas.authentication import sign
from mrtd.lds import read_lds_dir

VERIFICATIONS_PATH = "/api/v1/egates/verifications"
HEARTBEAT_PATH = "/api/v1/egates/heartbeat"


@dataclass(frozen=True)
class GateCredentials:
    key_id: str
    secret: str


def signed_headers(credentials: GateCredentials, method: str, path: str, body: bytes, *,
                   timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four signature headers for one request (a fresh nonce each time: a retry is a new request)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        "X-Device-Key": credentials.key_id, "X-Timestamp": ts, "X-Nonce": nonce,
        "X-Signature": sign(credentials.secret, method, path, ts, nonce, body),
        "Content-Type": "application/json",
    }


def verification_body(*, direction: str, mrz: list[str], face: bytes | None, chip_dir: Path | None = None,
                      boarding: dict[str, str] | None = None) -> bytes:
    """JSON body of a verification: MRZ lines, the chip's DG1/DG2/SOD and the live face in base64."""
    payload: dict[str, Any] = {"direction": direction, "mrz": mrz}
    if chip_dir is not None:
        files = read_lds_dir(chip_dir)
        payload["chip"] = {"dg1": _b64(files["DG1"]), "sod": _b64(files["EF_SOD"])}
        if "DG2" in files:
            payload["chip"]["dg2"] = _b64(files["DG2"])
    if face is not None:
        payload["live_face"] = _b64(face)
    if boarding:
        payload["boarding"] = boarding
    return json.dumps(payload).encode()


CHALLENGES_PATH = "/api/v1/egates/challenges"


def challenge_fetch(base_url: str, credentials: GateCredentials, *, timeout: float = 10.0,
                    session: requests.Session | None = None) -> str:
    """A one-time challenge for the chip's Active Authentication (hex), valid 60 s for this device."""
    response = post_signed(base_url, CHALLENGES_PATH, b"{}", credentials, timeout=timeout, session=session)
    response.raise_for_status()
    return response.json()["challenge"]


def verification_body_from_read(*, direction: str, mrz: list[str], face: bytes | None, read, challenge: str,
                                boarding: dict[str, str] | None = None) -> bytes:
    """The verification of a chip read over PC/SC: its files, and its answers to Active Authentication
    (with the portal's `challenge`) and Chip Authentication."""
    files = read.files
    chip: dict[str, Any] = {"dg1": _b64(files["DG1"]), "sod": _b64(files["EF_SOD"])}
    for name in ("DG2", "DG14", "DG15"):
        if name in files:
            chip[name.lower()] = _b64(files[name])
    if read.aa is not None and read.aa.signature is not None:
        chip["aa_challenge"], chip["aa_signature"] = challenge, _b64(read.aa.signature)
    if read.ca is not None:
        chip["ca_verified"] = bool(getattr(read.ca, "verified", False))
    payload: dict[str, Any] = {"direction": direction, "mrz": mrz, "chip": chip}
    if face is not None:
        payload["live_face"] = _b64(face)
    if boarding:
        payload["boarding"] = boarding
    return json.dumps(payload).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def post_signed(base_url: str, path: str, body: bytes, credentials: GateCredentials, *,
                idempotency_key: str | None = None, timeout: float = 10.0,
                session: requests.Session | None = None, timestamp: int | None = None,
                nonce: str | None = None) -> requests.Response:
    headers = signed_headers(credentials, "POST", path, body, timestamp=timestamp, nonce=nonce)
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return (session or requests).post(base_url.rstrip("/") + path, data=body, headers=headers, timeout=timeout)
