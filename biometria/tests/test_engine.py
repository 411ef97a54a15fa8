"""The plain-Python engine: decoding, face and fingerprint capture, 1:1 matching, the gallery."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from biometria.engine import (
    FaceCountError,
    FingerPosition,
    Gallery,
    ImageCorrupt,
    ImageTooLarge,
    ImageUnsupported,
    capture_face,
    compare_faces,
    compare_fingers,
    decode_image,
    encode_portrait_crop,
    find_embedded_image,
)
from biometria.engine.finger import load_template
from biometria.engine.images import FACE_FORMATS, FINGER_FORMATS


def test_the_same_person_in_two_photos_matches(face_captures):
    # Given two different photos of Obama / When compared / Then the decision is a match
    result = compare_faces(face_captures["obama.jpg"].encoding, face_captures["obama2.jpg"].encoding)
    assert result.decision is True and result.score >= result.threshold


def test_two_different_people_do_not_match(face_captures):
    result = compare_faces(face_captures["obama.jpg"].encoding, face_captures["biden.jpg"].encoding)
    assert result.decision is False and result.score < result.threshold


def test_a_photo_with_two_people_is_refused_naming_the_count(faces_dir):
    with pytest.raises(FaceCountError) as caught:
        capture_face((faces_dir / "two_people.jpg").read_bytes())
    assert caught.value.status == 400
    assert caught.value.extra["faces_found"] == 2
    assert "2 rostros" in caught.value.message


def test_a_photo_without_a_face_is_refused_with_count_zero(fingers_dir):
    with pytest.raises(FaceCountError) as caught:
        capture_face((fingers_dir / "sourceafis_probe.png").read_bytes())
    assert caught.value.extra["faces_found"] == 0


def test_an_rgba_png_works_and_matches_the_same_photo_as_jpeg(face_captures):
    rgba, jpeg = face_captures["32bit.png"], face_captures["obama2.jpg"]
    assert rgba.source_format == "PNG"
    assert compare_faces(rgba.encoding, jpeg.encoding).score > 0.9


def test_the_jpeg2000_portrait_decodes_and_gives_a_face(face_captures):
    capture = face_captures["ICAO_39794_5_AP_Face.jpg"]
    assert capture.source_format == "JPEG2000"  # sniffed from the bytes, though named .jpg
    assert capture.quality.acceptable


def test_the_quality_report_gives_each_check_its_value_and_limit(face_captures):
    checks = {c.name: c for c in face_captures["obama.jpg"].quality.checks}
    assert set(checks) == {"face_size", "face_centred", "eyes_level", "sharpness", "exposure", "background"}
    assert checks["face_size"].value > 60 and checks["face_size"].limit == ">= 60"
    assert all(c.limit for c in checks.values())


def test_a_small_face_fails_the_size_check(faces_dir):
    capture = capture_face((faces_dir / "obama_small.jpg").read_bytes())
    size = next(c for c in capture.quality.checks if c.name == "face_size")
    assert not size.passed and not capture.quality.acceptable


def test_a_blurred_photo_fails_the_sharpness_check(faces_dir):
    from PIL import ImageFilter

    blurred = Image.open(faces_dir / "obama.jpg").filter(ImageFilter.GaussianBlur(8))
    out = io.BytesIO()
    blurred.save(out, format="JPEG")
    capture = capture_face(out.getvalue())
    assert [c.name for c in capture.quality.failed if c.blocking] == ["sharpness"]


def test_the_dg2_portrait_is_a_3_by_4_jpeg_of_the_same_face(face_captures):
    capture = face_captures["obama.jpg"]
    portrait = Image.open(io.BytesIO(capture.portrait_jpeg))
    assert portrait.format == "JPEG" and portrait.size == (360, 480)
    # The encode-only path on the portrait agrees with the full detection path.
    assert compare_faces(encode_portrait_crop(portrait.convert("RGB")), capture.encoding).score > 0.8


def test_a_corrupt_image_is_a_400(faces_dir):
    data = (faces_dir / "obama.jpg").read_bytes()[:5000]
    with pytest.raises(ImageCorrupt) as caught:
        decode_image(data, field="face", allowed=FACE_FORMATS)
    assert caught.value.status == 400 and "face" in caught.value.fields


def test_a_file_that_is_not_an_image_is_a_415():
    with pytest.raises(ImageUnsupported) as caught:
        decode_image(b"%PDF-1.7 not a photo", field="face", allowed=FACE_FORMATS)
    assert caught.value.status == 415 and "face" in caught.value.fields


def test_a_file_over_the_limit_is_a_413(faces_dir):
    data = (faces_dir / "obama.jpg").read_bytes()
    with pytest.raises(ImageTooLarge) as caught:
        decode_image(data, field="face", allowed=FACE_FORMATS, max_bytes=len(data) - 1)
    assert caught.value.status == 413


@pytest.mark.parametrize("name,size", [("jmrtd_fp.wsq", (620, 620)), ("jmrtd_sample_image.wsq", (545, 622))])
def test_wsq_fingerprints_decode(fingers_dir, name, size):
    decoded = decode_image((fingers_dir / name).read_bytes(), field="finger", allowed=FINGER_FORMATS)
    assert decoded.format == "WSQ" and decoded.image.size == size
    assert np.asarray(decoded.image).std() > 10  # a ridge pattern, not a blank page


def test_a_wsq_file_decodes_to_the_reference_png(fingers_dir):
    decoded = decode_image((fingers_dir / "sourceafis_wsq-original.wsq").read_bytes(), field="f", allowed=FINGER_FORMATS)
    reference = Image.open(fingers_dir / "sourceafis_wsq-converted.png").convert("L")
    difference = np.abs(np.asarray(decoded.image, dtype=int) - np.asarray(reference, dtype=int))
    assert decoded.image.size == reference.size and difference.mean() < 2


def test_the_dg2_image_is_found_inside_a_biometric_record(faces_dir):
    jp2 = (faces_dir / "ICAO_39794_5_AP_Face.jpg").read_bytes()
    record = b"FAC\x000100" + bytes(40) + jp2  # an ISO 19794-5-like header before the image
    assert find_embedded_image(record) == jp2


def test_the_sourceafis_probe_matches_its_mate_and_not_the_other_finger(finger_captures):
    probe = finger_captures["probe"]
    same = compare_fingers(probe.iso_template, finger_captures["matching"].iso_template)
    other = compare_fingers(probe.iso_template, finger_captures["nonmatching"].iso_template)
    assert same.decision is True and other.decision is False
    assert same.score > 5 * other.score


def test_a_finger_capture_carries_nfiq2_position_and_an_iso_template(finger_captures):
    probe = finger_captures["probe"]
    assert probe.iso_template.startswith(b"FMR\x00")
    assert probe.position == FingerPosition.RIGHT_INDEX
    assert load_template(probe.iso_template).header.finger_position == 2  # the ISO code travels in the record
    assert 0 < probe.nfiq2 <= 100 and probe.minutiae_count >= 12


def test_a_fingerprint_declaring_300_ppi_is_resampled_and_still_matches(finger_captures, fingers_dir):
    from biometria.engine import capture_finger

    # Given the probe as a 300 ppi scanner would give it (60 % size), declaring its resolution
    image = Image.open(fingers_dir / "sourceafis_probe.png").convert("L")
    small = image.resize((round(image.width * 0.6), round(image.height * 0.6)), Image.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", dpi=(300, 300))
    capture = capture_finger(out.getvalue(), position=FingerPosition.RIGHT_INDEX)
    # Then it is brought to 500 ppi and matches the original
    assert compare_fingers(capture.iso_template, finger_captures["probe"].iso_template).decision is True


def _unit(rng, n):
    return rng.normal(0, 0.1, size=(n, 128)).astype(np.float32)


def test_the_gallery_finds_the_nearest_and_forgets_removed_rows(tmp_path):
    rng = np.random.default_rng(1)
    vectors = _unit(rng, 500)
    gallery = Gallery(tmp_path)
    gallery.rebuild((i + 100, v) for i, v in enumerate(vectors))
    probe = vectors[42] + 0.001
    assert gallery.search_exact(probe, k=1)[0].item_id == 142
    assert gallery.add(9999, vectors[42] + 0.0005) and not gallery.add(9999, vectors[0])  # idempotent
    assert {c.item_id for c in gallery.search_exact(probe, k=2)} == {142, 9999}
    assert gallery.remove(142)
    assert gallery.search_exact(probe, k=1)[0].item_id == 9999
    assert len(gallery) == 500
    # Within a distance: only the near one, and nobody for a stranger
    assert [c.item_id for c in gallery.search_exact(probe, k=5, max_distance=0.1)] == [9999]
    assert gallery.search_exact(_unit(rng, 1)[0], k=5, max_distance=0.1) == []


def test_another_process_sees_rows_appended_to_the_gallery_files(tmp_path):
    rng = np.random.default_rng(2)
    writer, reader = Gallery(tmp_path), Gallery(tmp_path)
    writer.rebuild([(1, _unit(rng, 1)[0])])
    assert len(reader) == 1
    new = _unit(rng, 1)[0]
    writer.add(2, new)
    assert reader.search_exact(new, k=1)[0].item_id == 2


def test_the_ann_index_agrees_with_exact_search_and_covers_later_rows(tmp_path):
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 2000)
    gallery = Gallery(tmp_path)
    gallery.rebuild(enumerate(vectors), build_ann=True)
    queries = vectors[:50] + rng.normal(0, 0.01, size=(50, 128)).astype(np.float32)
    hits = sum(gallery.search_ann(q, k=1)[0].item_id == gallery.search_exact(q, k=1)[0].item_id for q in queries)
    assert hits / len(queries) >= 0.98
    late = _unit(rng, 1)[0]
    gallery.add(5000, late)  # after the build: found through the exact tail scan
    assert gallery.search_ann(late, k=1)[0].item_id == 5000
    gallery.remove(7)
    assert all(c.item_id != 7 for c in gallery.search_ann(vectors[7], k=3))
