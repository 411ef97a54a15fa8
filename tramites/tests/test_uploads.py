"""The upload gate of tramites: what an applicant's file becomes (or why it is refused), and how it is kept.

Every file is made here, in the test (pikepdf for PDFs, Pillow for images): no copied samples.
"""
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import hypothesis
import pikepdf
import pytest
from django.test import RequestFactory
from hypothesis import strategies as st
from PIL import Image

from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from tramites.uploads import (
    CheckedUpload,
    StoredUploadAltered,
    clean_file_name,
    upload_check,
    upload_limits_error,
    upload_limits_install,
    upload_open,
    upload_store,
)

MB = 1024 * 1024


def pdf_bytes(pages: int = 1, *, text: bool = True, **save) -> bytes:
    """A real PDF of `pages` A4 pages, each with a line of text, as a word processor would save it."""
    pdf = pikepdf.new()
    for number in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        if text:
            page = pdf.pages[number]
            page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
            page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 770 Td (Pagina %d) Tj ET" % (number + 1))
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 255).save(out, format=fmt)
    return out.getvalue()


def refused(exc_class, *, name: str, data: bytes, field: str = "documento", **kwargs):
    """Call the gate expecting a refusal; returns the error, checked to name the file on its field."""
    with pytest.raises(exc_class) as caught:
        upload_check(field=field, name=name, data=data, **kwargs)
    error = caught.value
    assert type(error) is exc_class  # the API's status is the class's: 400, 413 or 415
    assert f"«{clean_file_name(name)}»" in error.message
    assert error.fields == {field: error.message}
    assert "bytes" not in error.message
    return error


# --- files that pass -------------------------------------------------------------------------------

def test_a_one_page_pdf_passes_with_its_kind_pages_and_hash():
    # given a one-page PDF as a word processor saves it
    data = pdf_bytes(1)
    # when it is checked
    checked = upload_check(field="pasaporte", name="pasaporte.pdf", data=data)
    # then it is a PDF of one page, with the hash of its bytes
    assert checked == CheckedUpload(field="pasaporte", name="pasaporte.pdf", kind="pdf",
                                    content_type="application/pdf", size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest(), pages=1, data=data)


def test_a_pdf_over_the_page_limit_is_refused_and_one_within_it_passes():
    # given a three-page PDF
    data = pdf_bytes(3)
    # when the document admits two pages, then it is refused saying so
    error = refused(ValidationFailed, name="contrato.pdf", data=data, max_pages=2)
    assert "3 páginas" in error.message and "como máximo 2 páginas" in error.message
    # when it admits three, then it passes with its three pages
    assert upload_check(field="documento", name="contrato.pdf", data=data, max_pages=3).pages == 3


@pytest.mark.parametrize(("fmt", "kind", "content_type"), [("JPEG", "jpeg", "image/jpeg"),
                                                             ("PNG", "png", "image/png")])
def test_jpeg_and_png_photos_pass_without_pages(fmt, kind, content_type):
    data = image_bytes(fmt)
    checked = upload_check(field="foto", name=f"foto.{kind}", data=data)
    assert (checked.kind, checked.content_type, checked.pages) == (kind, content_type, None)
    assert checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


def test_pdfs_as_a_scanner_app_and_an_html_printer_write_them_pass():
    # given two photographed pages saved as one PDF (JPEG inside, as phone scanner apps do)
    scan = io.BytesIO()
    photos = [Image.new("RGB", (1240, 1754), (250, 248, 240)) for _ in range(2)]
    photos[0].save(scan, format="PDF", save_all=True, append_images=photos[1:], resolution=150)
    # and a printed web page with a link (weasyprint, as the portal prints its own documents)
    import weasyprint

    printed = weasyprint.HTML(string='<p>Constancia de trámite</p><a href="https://www.gob.pe">gob.pe</a>').write_pdf()
    # then both pass with their pages
    assert upload_check(field="documento", name="escaneo.pdf", data=scan.getvalue()).pages == 2
    assert upload_check(field="documento", name="constancia.pdf", data=printed).pages == 1


def test_the_type_comes_from_the_bytes_so_a_pdf_named_jpg_is_a_pdf():
    checked = upload_check(field="documento", name="escaneo.jpg", data=pdf_bytes(2))
    assert (checked.kind, checked.content_type, checked.pages) == ("pdf", "application/pdf", 2)


def test_the_file_name_is_kept_as_its_last_part_without_control_characters():
    # a Windows browser's full path, a direction override that would show "gpj.exe" as "exe.jpg"
    assert clean_file_name("C:\\fakepath\\Mis documentos\\carta\u202egpj.exe") == "cartagpj.exe"
    assert clean_file_name("../../etc/passwd\x00.pdf") == "passwd.pdf"
    assert clean_file_name("  \x07 ") == "archivo" and clean_file_name("..") == "archivo"
    long_name = clean_file_name("a" * 300 + ".pdf")
    assert len(long_name) == 120 and long_name.endswith("a.pdf")
    checked = upload_check(field="documento", name="/tmp/x/\tcarné\u200b.pdf", data=pdf_bytes(1))
    assert checked.name == "carné.pdf"


# --- files that are not what a procedure takes: 415 --------------------------------------------

def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("documento.pdf", pdf_bytes(1))
    return out.getvalue()


NOT_A_DOCUMENT = {
    "an ELF program": b"\x7fELF\x02\x01\x01\x00" + bytes(120),
    "a Windows program": b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00" + bytes(64),
    "a ZIP holding a PDF": zip_bytes(),
    "an HTML page": b"<!DOCTYPE html><html><body><script>alert(1)</script>%PDF-1.7</body></html>",
    "an SVG image": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "a PDF behind a byte of junk": b" " + pdf_bytes(1),
    "a GIF": b"GIF89a" + bytes(40),
}


@pytest.mark.parametrize("what", NOT_A_DOCUMENT)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_415_whatever_its_name(what):
    error = refused(UnsupportedMediaType, name="certificado.pdf", data=NOT_A_DOCUMENT[what])
    assert error.status == 415
    assert "PDF, JPG o PNG" in error.message


def test_a_photo_where_only_pdf_is_accepted_is_415_naming_pdf():
    error = refused(UnsupportedMediaType, name="antecedentes.jpg", data=image_bytes("JPEG"), accept=("pdf",))
    assert "Suba un archivo PDF." in error.message


# --- too large: 413 ---------------------------------------------------------------------------------

def test_a_file_one_byte_over_3_mb_is_413_with_the_limit_in_megabytes():
    data = pdf_bytes(1)
    data += b"%" * (3 * MB + 1 - len(data))
    error = refused(PayloadTooLarge, name="escaneo.pdf", data=data)
    assert error.status == 413 and "más de 3 MB" in error.message and str(3 * MB) not in error.message
    # an executable that large is refused for its size first: nothing of it is parsed
    refused(PayloadTooLarge, name="x.pdf", data=b"MZ" + bytes(3 * MB))


def test_a_smaller_limit_is_said_in_megabytes_too():
    # given a photo of 3 MB of noise (it does not compress) where the limit is 1.5 MB
    noise = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(noise, format="PNG")
    error = refused(PayloadTooLarge, name="foto.png", data=noise.getvalue(), max_bytes=3 * MB // 2)
    assert "más de 1,5 MB" in error.message


# --- bad files: 400 naming the file -------------------------------------------------------------

def test_an_empty_file_is_refused():
    assert "vacío" in refused(ValidationFailed, name="vacio.pdf", data=b"").message


@pytest.mark.parametrize("user_password", ["secreto", ""])
def test_an_encrypted_pdf_is_refused_even_without_an_opening_password(user_password):
    data = pdf_bytes(1, encryption=pikepdf.Encryption(owner="propietario", user=user_password))
    error = refused(ValidationFailed, name="estado de cuenta.pdf", data=data)
    assert error.status == 400 and "contraseña" in error.message


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_pdf_is_refused_as_damaged(cut):
    data = pdf_bytes(3)
    error = refused(ValidationFailed, name="descarga.pdf", data=data[:int(len(data) * cut)])
    assert "dañado" in error.message


def test_a_pdf_header_over_garbage_is_refused_as_damaged():
    assert "dañado" in refused(ValidationFailed, name="x.pdf", data=b"%PDF-1.7\n" + os.urandom(2000)).message


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand from its objects (1 0 obj is the catalogue), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def test_a_pdf_with_the_small_slips_every_reader_forgives_passes():
    # a page without /Resources, as minimal generators write it (qpdf mends it without guessing)
    checked = upload_check(field="documento", name="a.pdf", data=raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE))
    assert checked.pages == 1


def test_a_pdf_that_opens_only_after_qpdf_mends_it_is_refused_as_damaged():
    # the page tree lists a number where a page should be: a reader skips it, but the file is broken
    data = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                   PAGE, b"42")
    assert "dañado" in refused(ValidationFailed, name="mal.pdf", data=data).message


def test_a_pdf_link_that_launches_a_program_is_refused():
    data = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   PAGE[:-2] + b" /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 595 842]"
                   b" /A << /S /Launch /F (cmd.exe) >> >>] >>")
    assert "programas" in refused(ValidationFailed, name="enlace.pdf", data=data).message


def test_a_pdf_made_of_two_hundred_thousand_tiny_objects_is_refused_as_too_complex():
    # a small file whose check alone would be the slow part: 200,001 empty dictionaries in 800 KB
    data = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /Filler [" + b"<<>>" * 200_001 + b"] >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE)
    assert len(data) < 3 * MB
    assert "demasiado complejo" in refused(ValidationFailed, name="lento.pdf", data=data).message


def test_a_tagged_pdf_with_a_large_structure_tree_passes():
    # a long report exported "accessible": one structure element per paragraph, for screen readers
    elements = b"<< /S /P /P 4 0 R /Pg 3 0 R /K 0 >>" * 60_000
    data = raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true >> /StructTreeRoot 4 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE,
                   b"<< /Type /StructTreeRoot /K [" + elements + b"] >>")
    assert len(data) < 3 * MB
    assert upload_check(field="documento", name="informe.pdf", data=data).pages == 1


def test_a_pdf_that_runs_javascript_on_opening_is_refused():
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(1)))
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('http://example.invalid')")))
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)  # the action hidden in a compressed object stream
    assert "programas" in refused(ValidationFailed, name="formulario.pdf", data=out.getvalue()).message


def test_a_pdf_carrying_an_attached_file_is_refused():
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(1)))
    pdf.attachments["factura.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="factura.exe")
    out = io.BytesIO()
    pdf.save(out)
    assert "adjuntos" in refused(ValidationFailed, name="factura.pdf", data=out.getvalue()).message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused(fmt):
    data = image_bytes(fmt, (300, 200))
    error = refused(ValidationFailed, name="foto.jpg", data=data[:len(data) * 2 // 3])
    assert "dañada o incompleta" in error.message


def test_an_image_claiming_huge_dimensions_is_refused_before_it_is_decoded():
    # 30 million pixels of one colour compress to a few tens of KB: a decompression bomb in small
    data = image_bytes("PNG", (6000, 5000), mode="L")
    assert len(data) < 200_000
    assert "resolución" in refused(ValidationFailed, name="foto.png", data=data).message


# --- storing -----------------------------------------------------------------------------------------

@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_storing_the_same_file_twice_keeps_one_private_file_at_its_hash(media_root):
    # given a checked PDF
    checked = upload_check(field="documento", name="a.pdf", data=pdf_bytes(1))
    # when it is stored twice (a double submit, or the same file in two procedures)
    first = upload_store(checked)
    second = upload_store(upload_check(field="otro", name="b.pdf", data=checked.data))
    # then both give the same path, named by the hash, holding the bytes, readable only by the portal
    sha = checked.sha256
    assert first == second == f"tramites/{sha[:2]}/{sha}"
    stored = media_root / first
    assert [p.name for p in stored.parent.iterdir()] == [sha]  # no temporary file left behind
    assert stored.read_bytes() == checked.data
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((media_root / "tramites").stat().st_mode) == 0o700
    assert upload_open(first) == checked.data


def test_a_store_that_fails_midway_leaves_nothing_behind(media_root, monkeypatch):
    # given a disk that fails at the last step (the rename)
    checked = upload_check(field="documento", name="a.pdf", data=pdf_bytes(1))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    # when the file is stored, then the error surfaces and neither a half file nor a temporary one remains
    with pytest.raises(OSError):
        upload_store(checked)
    directory = media_root / "tramites" / checked.sha256[:2]
    assert list(directory.iterdir()) == []
    monkeypatch.undo()
    # and a retry stores it whole
    assert upload_open(upload_store(checked)) == checked.data


def test_a_stored_file_that_changed_or_vanished_is_refused_on_reading(media_root):
    checked = upload_check(field="documento", name="a.png", data=image_bytes("PNG"))
    path = upload_store(checked)
    stored = media_root / path
    stored.write_bytes(checked.data[:-1] + b"\x00")  # one byte changed on disk
    with pytest.raises(StoredUploadAltered) as caught:
        upload_open(path)
    assert caught.value.status == 500 and "cambió" in caught.value.message
    # storing the checked bytes again puts the right file back
    assert upload_open(upload_store(checked)) == checked.data
    stored.unlink()
    with pytest.raises(StoredUploadAltered):
        upload_open(path)


def test_the_same_file_stored_at_once_by_several_requests_ends_as_one_whole_file(media_root):
    from concurrent.futures import ThreadPoolExecutor

    checked = upload_check(field="documento", name="a.pdf", data=pdf_bytes(20))
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = set(pool.map(lambda _: upload_store(checked), range(16)))
    assert len(paths) == 1
    stored = media_root / paths.pop()
    assert [p.name for p in stored.parent.iterdir()] == [checked.sha256] and upload_open(
        str(stored.relative_to(media_root))) == checked.data


@pytest.mark.parametrize("path", ["../settings.py", "tramites/ab/../../x", "tramites/00/" + "a" * 64,
                                  "/etc/passwd", "tramites/aa/" + "A" * 64])
def test_only_paths_the_store_made_can_be_opened(media_root, path):
    with pytest.raises(ValueError):
        upload_open(path)


# --- limits while the request streams -------------------------------------------------------------

def multipart_request(files: dict[str, tuple[str, bytes]]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return RequestFactory().post("/tramites/x", {field: SimpleUploadedFile(name, data)
                                                 for field, (name, data) in files.items()})


def test_a_body_declared_over_the_limits_is_413_before_it_is_read():
    request = multipart_request({"documento": ("escaneo.pdf", b"%" * (MB + 100 * 1024))})
    with pytest.raises(PayloadTooLarge) as caught:
        upload_limits_install(request, limits={"documento": MB})
    assert "más de 1 MB" in caught.value.message and caught.value.fields == {"documento": caught.value.message}


def test_a_file_over_its_own_limit_is_stopped_while_streaming_and_named():
    # given two files whose sum is within the body limit, the second over its own
    request = multipart_request({"foto": ("foto.jpg", image_bytes("JPEG")),
                                 "documento": ("escaneo.pdf", b"%" * (MB + 1))})
    handler = upload_limits_install(request, limits={"foto": 3 * MB, "documento": MB})
    # when the body is parsed, then the oversized file is named with its limit
    request.FILES  # noqa: B018
    error = upload_limits_error(handler)
    assert isinstance(error, PayloadTooLarge) and "«escaneo.pdf»" in error.message and "1 MB" in error.message
    assert "documento" in error.fields


def test_files_within_their_limits_arrive_whole():
    data = pdf_bytes(1)
    request = multipart_request({"documento": ("a.pdf", data)})
    handler = upload_limits_install(request, limits={"documento": MB})
    assert request.FILES["documento"].read() == data and upload_limits_error(handler) is None


def test_a_file_the_form_does_not_ask_for_is_stopped():
    request = multipart_request({"programa": ("setup.exe", b"MZ" + bytes(100))})
    handler = upload_limits_install(request, limits={"documento": MB})
    request.FILES  # noqa: B018
    error = upload_limits_error(handler)
    assert isinstance(error, UnsupportedMediaType) and "«setup.exe»" in error.message


# --- anything at all -----------------------------------------------------------------------------

SEEDS = [pdf_bytes(2), pdf_bytes(1, encryption=pikepdf.Encryption(owner="o", user="")),
         image_bytes("JPEG", (40, 30)), image_bytes("PNG", (40, 30))]


@st.composite
def hostile_bytes(draw) -> bytes:
    """Random bytes, random bytes behind a magic number, or a good file with bytes changed or cut."""
    how = draw(st.sampled_from(["random", "magic", "mutated"]))
    if how == "random":
        return draw(st.binary(max_size=4096))
    if how == "magic":
        magic = draw(st.sampled_from([b"%PDF-1.7\n", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]))
        return magic + draw(st.binary(max_size=4096))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data[:draw(st.integers(1, len(data)))])


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(data=hostile_bytes(), max_pages=st.none() | st.integers(1, 3))
def test_no_bytes_make_the_gate_fail_other_than_with_its_three_refusals(data, max_pages):
    try:
        checked = upload_check(field="documento", name="x.pdf", data=data, max_pages=max_pages)
    except (ValidationFailed, PayloadTooLarge, UnsupportedMediaType) as error:
        assert "«x.pdf»" in error.message
    else:
        assert checked.kind in ("pdf", "jpeg", "png") and checked.sha256 == hashlib.sha256(data).hexdigest()


@hypothesis.given(name=st.text(max_size=400))
def test_any_client_file_name_becomes_a_short_plain_last_part(name):
    cleaned = clean_file_name(name)
    assert 0 < len(cleaned) <= 120 and cleaned == cleaned.strip()
    assert "/" not in cleaned and "\\" not in cleaned and cleaned.strip(".")
    assert not any(ch < " " or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in cleaned)
