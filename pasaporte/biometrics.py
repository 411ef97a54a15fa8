"""The one seam between pasaporte and biometria: captures from the counter's uploads, and audited reads for the chip."""
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from django.utils.translation import gettext as _

from biometria import selectors as biometria_selectors
from biometria.engine import (
    FaceCapture,
    FingerCapture,
    MatchDecision,
    capture_face,
    capture_finger,
    capture_signature,
    compare_faces,
    parse_position,
)
from biometria.models import Enrollment as BiometricEnrollment
from core.actor import Actor
from core.errors import ApplicationError, ValidationFailed

# Every read of decrypted biometric data states why; these are pasaporte's purposes (Ley 29733).
PURPOSE_PERSONALIZE = "personalización de pasaporte"
PURPOSE_QC = "control de calidad del chip de pasaporte"
PURPOSE_DELIVERY = "entrega de pasaporte"


@dataclass(frozen=True)
class CounterCapture:
    """What the officer captured at the counter, ready for biometria.services.enrollment_create."""

    face: FaceCapture
    fingers: tuple[FingerCapture, ...]
    signature_png: bytes


@dataclass(frozen=True)
class ChipBiometrics:
    """The enrolled portrait, finger images and signature, decrypted for the chip (DG2, DG3, DG7)."""

    portrait_jpeg: bytes
    fingers: list[tuple[int, bytes]]
    signature: bytes


def capture_counter(*, face: bytes, fingers: Mapping[int, bytes], signature: bytes) -> CounterCapture:
    """Face with its ICAO quality report, each finger (template, NFIQ 2), the signature: typed errors per field."""
    face_capture = capture_face(face, field="face")
    if not face_capture.quality.acceptable:
        # Checked before RENIEC is asked: a photo to repeat should not cost an external call.
        failed = ", ".join(f"{c.label}: {c.value} ({c.limit})" for c in face_capture.quality.failed if c.blocking)
        raise ValidationFailed(_("La foto no cumple la calidad requerida. Repita la foto."), fields={"face": failed},
                               extra={"quality": face_capture.quality.as_dict()})
    captured = tuple(
        capture_finger(data, position=parse_position(position, field=f"finger_{position}"), field=f"finger_{position}")
        for position, data in sorted(fingers.items())
    )
    return CounterCapture(face_capture, captured, capture_signature(signature, field="signature"))


def reniec_match(face: FaceCapture, reniec_photo: bytes) -> MatchDecision:
    """1:1 of the captured face against RENIEC's photo (biometria's comparator and threshold)."""
    reference = capture_face(reniec_photo, field="reniec_photo", check_quality=False, portrait=False)
    return compare_faces(face.encoding, reference.encoding)


def live_face_encoding(data: bytes, *, field: str = "face") -> np.ndarray:
    """The encoding of the face in a photo taken at the counter (no quality gate: it is only compared)."""
    return capture_face(data, field=field, check_quality=False, portrait=False).encoding


def live_finger(data: bytes, *, position: int, field: str = "finger") -> FingerCapture:
    return capture_finger(data, position=parse_position(position, field="finger_position"), field=field)


def enrolled_positions(enrollment: BiometricEnrollment | None) -> list[int]:
    """The ISO positions of the fingers captured in an enrollment (no biometric data is read)."""
    if enrollment is None:
        return []
    return sorted(biometria_selectors.captured_fingers(enrollment=enrollment).values_list("position", flat=True))


def chip_biometrics(*, actor: Actor, enrollment: BiometricEnrollment) -> ChipBiometrics:
    """Portrait, fingers and signature through biometria's audited selectors, for personalization."""
    purpose = PURPOSE_PERSONALIZE
    fingers = [
        (record.position, biometria_selectors.finger_image(actor=actor, finger=record, purpose=purpose))
        for record in biometria_selectors.captured_fingers(enrollment=enrollment).select_related("image")
        .order_by("position")
    ]
    signature = biometria_selectors.enrollment_signature(actor=actor, enrollment=enrollment, purpose=purpose)
    if signature is None:
        raise ValidationFailed(_("El enrolamiento no tiene firma (DG7)."), fields={"signature": _("requerida")})
    return ChipBiometrics(
        portrait_jpeg=biometria_selectors.enrollment_portrait(actor=actor, enrollment=enrollment, purpose=purpose),
        fingers=fingers, signature=signature,
    )


def accepted_images(images: Mapping[str, bytes]) -> set[str]:
    """Which of a failed enrollment's images ("face", "finger_<n>", "signature") pass on their own."""
    accepted = set()
    for name, data in images.items():
        try:
            if name == "face":
                if not capture_face(data, field=name).quality.acceptable:
                    continue
            elif name == "signature":
                capture_signature(data, field=name)
            else:
                position = int(name.removeprefix("finger_"))
                capture_finger(data, position=parse_position(position, field=name), field=name)
        except ApplicationError:
            continue
        accepted.add(name)
    return accepted
