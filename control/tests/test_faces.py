"""Face encodings at control: the face processes and their in-process fallback."""
from __future__ import annotations

import io
import os
import signal

import numpy as np
import pytest
from PIL import Image

from biometria.engine import FaceCountError, compare_faces
from control import faces as control_faces


@pytest.fixture
def fresh_pool():
    """Each test gets its own face processes and leaves none behind."""
    control_faces._discard_pool()
    control_faces._pool_failed = False
    control_faces.forget_all()
    yield
    control_faces._discard_pool()
    control_faces._pool_failed = False
    control_faces.forget_all()


def test_face_processes_and_in_process_give_the_same_encoding(faces, settings, fresh_pool):
    # Given the face processes running
    settings.CONTROL_FACE_PROCESSES = 1
    in_pool = control_faces.encode_image(faces.same_person, field="live_face")
    assert control_faces._pool is not None
    # When the same image is encoded in this process
    here = control_faces.start_encoding(faces.same_person, field="live_face", in_process=True).result()
    # Then the encodings are identical
    assert np.allclose(in_pool, here)


def test_a_dead_face_process_falls_back_to_this_process(faces, settings, fresh_pool):
    # Given the face processes started, then killed (out of memory, say)
    settings.CONTROL_FACE_PROCESSES = 1
    control_faces.encode_image(faces.portrait, field="chip.dg2")
    pool = control_faces._pool
    pending = control_faces.start_encoding(faces.same_person, field="live_face")
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    # When the encoding is asked for
    encoding = pending.result()
    # Then the traveller is still verified, and later faces are computed in-process
    assert compare_faces(control_faces.encode_image(faces.portrait, field="chip.dg2"), encoding).decision
    assert control_faces._pool is None


def test_no_face_in_a_face_process_is_a_typed_error_naming_the_field(settings, fresh_pool):
    # Given a blank image sent to the face processes
    settings.CONTROL_FACE_PROCESSES = 1
    out = io.BytesIO()
    Image.new("RGB", (180, 240), "gray").save(out, "JPEG")
    # When it is encoded, then the error says no face was found, for that field
    with pytest.raises(FaceCountError) as caught:
        control_faces.encode_image(out.getvalue(), field="live_face")
    assert "live_face" in caught.value.fields


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_small_first_detection_finds_one_face_in_chip_portraits_and_live_crops_and_still_counts_two(
        faces, testdata_dir):
    from control import face_worker

    # A chip portrait (480 px high) and a 240 px live crop: one face each, found on the 240 px pass
    for image in (faces.portrait, faces.same_person):
        found, encoding = face_worker.encode(_pixels(image))
        assert found == 1 and encoding is not None and encoding.shape == (128,)
    # The same person's portrait and live crop match; another person's does not
    portrait = face_worker.encode(_pixels(faces.portrait))[1]
    assert compare_faces(portrait, face_worker.encode(_pixels(faces.same_person))[1]).decision
    assert not compare_faces(portrait, face_worker.encode(_pixels(faces.other_person))[1]).decision
    # Two people in a photo are still two (the one-face rule), and a blank image has none
    assert face_worker.encode(_pixels((testdata_dir / "faces/two_people.jpg").read_bytes()))[0] == 2
    assert face_worker.encode(np.full((480, 360, 3), 200, dtype=np.uint8)) == (0, None)
