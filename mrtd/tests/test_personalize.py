"""Personalization: an LDS image built from a person's MRZ, face, fingers and signature."""


import pytest

from mrtd.errors import LDSError
from mrtd.lds import decode_dg1, decode_dg2, decode_dg3, decode_dg7, decode_ef_com, decode_sod, read_lds_dir, write_lds_dir
from mrtd.pa import passive_authentication
from mrtd.personalize import image_info, personalize
from mrtd.pki import init_test_pki
from core.testdata import TESTDATA

MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return init_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.mark.parametrize("name, kind, size", [
    ("obama.jpg", "jpeg", (910, 1137)), ("ICAO_39794_5_AP_Face.jpg", "jpeg2000", (413, 531))])
def test_dg2_holds_the_given_face_bytes_unchanged(pki, name, kind, size):
    face = (TESTDATA / "faces" / name).read_bytes()
    files = personalize(mrz_lines=MRZ, face_image=face, pki=pki)
    assert list(files) == ["EF_COM", "DG1", "DG2", "EF_SOD"]
    [image] = decode_dg2(files["DG2"])
    assert image.image_bytes == face
    assert (image.image_type, (image.width, image.height)) == (kind, size)
    assert decode_dg1(files["DG1"]) == MRZ


def test_fingers_and_signature_go_to_dg3_and_dg7_and_are_signed(pki, tmp_path):
    wsq = (TESTDATA / "fingerprints/sourceafis_wsq-original.wsq").read_bytes()
    png = (TESTDATA / "fingerprints/sourceafis_probe.png").read_bytes()
    signature = (TESTDATA / "fingerprints/utkarsh_2.jpg").read_bytes()
    files = personalize(mrz_lines=MRZ, face_image=(TESTDATA / "faces/obama_small.jpg").read_bytes(),
                        finger_images=[(2, wsq), (7, png)], signature_image=signature, pki=pki)
    assert decode_ef_com(files["EF_COM"]).dg_names == ["DG1", "DG2", "DG3", "DG7"]
    fingers = decode_dg3(files["DG3"])
    assert [(f.position, f.compression, f.width, f.height, f.image_bytes) for f in fingers] == [
        (2, "wsq", 832, 768, wsq), (7, "png", 388, 374, png)]
    assert decode_dg7(files["DG7"]) == [signature]
    assert sorted(decode_sod(files["EF_SOD"]).dg_hashes) == [1, 2, 3, 7]
    # Written to disk and read back, the image passes passive authentication.
    write_lds_dir(tmp_path, files)
    again = read_lds_dir(tmp_path)
    report = passive_authentication(
        sod=again["EF_SOD"], data_groups={int(k[2:]): v for k, v in again.items() if k.startswith("DG")},
        csca_certs=[pki.csca_cert_der], printed_mrz=MRZ)
    assert report.valid, report.to_dict()


def test_a_png_face_is_refused(pki):
    with pytest.raises(LDSError, match="DG2"):
        personalize(mrz_lines=MRZ, face_image=(TESTDATA / "faces/32bit.png").read_bytes(), pki=pki)


def test_an_unknown_image_format_is_refused(pki):
    with pytest.raises(LDSError, match="image"):
        personalize(mrz_lines=MRZ, face_image=b"GIF89a....", pki=pki)


def test_image_info_sniffs_by_content_not_by_name():
    # The ICAO sample is JPEG 2000 although its name ends in .jpg.
    assert image_info((TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg").read_bytes()).kind == "jpeg2000"
    info = image_info((TESTDATA / "fingerprints/jmrtd_fp.wsq").read_bytes())
    assert (info.kind, info.width, info.height) == ("wsq", 620, 620)
