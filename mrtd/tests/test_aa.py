"""Active Authentication: RSA (ISO/IEC 9796-2 scheme 1) and ECDSA answers signed by the chip and
checked by the terminal; a public 9796-2 vector; malformed answers give typed errors."""

import hashlib
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from mrtd import aa
from mrtd.errors import AAError, AAKeyError, AALengthError, AAPaddingError, AATrailerError, MRTDError

CHALLENGE = bytes.fromhex("0123456789ABCDEF")
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
EC_KEY = ec.generate_private_key(ec.SECP256R1())

# ISO/IEC 9796-2 scheme 1 (partial recovery, implicit trailer BC, RIPEMD-160) from Bouncy Castle's
# ISO9796Test doTest5 (MIT licence): mod3, exponent 3, msg5 and sig5 (see data/SOURCES.md).
BC_MOD3 = int("ffffffff78f6c55506c59785e871211ee120b0b5dd644aa796d82413a47b24573f1be5745b5cd9950f6b389b52350d4e01e9"
              "0009669a8720bf265a2865994190a661dea3c7828e2e7ca1b19651adc2d5", 16)
BC_MSG5 = bytes.fromhex("fedcba9876543210" * 14)
BC_SIG5 = bytes.fromhex("5cf9a01854dbacaec83aae8efc563d74538192e95466babacd361d7c86000fe42dcb4581e48e4feb862d04698da9203b"
                        "1803b262105104d510b365ee9c660857ba1c001aa57abfd1c8de92e47c275cae")


@pytest.mark.parametrize("hash_name", ["sha1", "sha256"])
def test_rsa_9796_2_answer_verifies_and_names_its_hash(hash_name):
    signature = aa.sign(RSA_KEY, CHALLENGE, hash_name=hash_name)
    result = aa.verify(RSA_KEY.public_key(), CHALLENGE, signature)
    assert result.verified, result
    assert result.algorithm == f"RSA ISO/IEC 9796-2 {hash_name}"
    # the trailer says which hash: BC for SHA-1, 34 CC for SHA-256
    f = pow(int.from_bytes(signature, "big"), 65537, RSA_KEY.public_key().public_numbers().n).to_bytes(128, "big")
    assert f[0] == 0x6A
    assert f.endswith(b"\xbc" if hash_name == "sha1" else b"\x34\xcc")


def test_rsa_answer_to_another_challenge_does_not_verify():
    signature = aa.sign(RSA_KEY, CHALLENGE)
    result = aa.verify(RSA_KEY.public_key(), bytes(8), signature)
    assert not result.verified and result.error is None and "challenge" in result.reason


def test_rsa_answer_with_n_minus_s_verifies():
    # ISO/IEC 9796-2 lets the signer send n - s; the verifier tries both
    n = RSA_KEY.public_key().public_numbers().n
    s = int.from_bytes(aa.sign(RSA_KEY, CHALLENGE), "big")
    assert aa.verify(RSA_KEY.public_key(), CHALLENGE, (n - s).to_bytes(128, "big")).verified


def test_public_9796_2_partial_recovery_vector_is_opened():
    recovered = aa.recover_9796_2(BC_MOD3, 3, BC_SIG5)
    assert recovered.hash_name == "sha1"  # trailer BC (the implicit hash is RIPEMD-160 in this vector)
    assert BC_MSG5.startswith(recovered.m1) and 0 < len(recovered.m1) < len(BC_MSG5)
    assert hashlib.new("ripemd160", BC_MSG5).digest() == recovered.digest


@pytest.mark.parametrize("algorithm, hash_name", [(None, "sha256"), ("0.4.0.127.0.7.1.1.4.1.3", "sha256"),
                                                  ("0.4.0.127.0.7.1.1.4.1.4", "sha384"),
                                                  ("1.2.840.10045.4.1", "sha1")])
def test_ecdsa_plain_answer_verifies_with_the_dg14_hash(algorithm, hash_name):
    signature = aa.sign(EC_KEY, CHALLENGE, hash_name=hash_name)
    assert len(signature) == 64  # plain r || s on P-256
    result = aa.verify(EC_KEY.public_key(), CHALLENGE, signature, signature_algorithm=algorithm)
    assert result.verified and result.algorithm == f"ECDSA {hash_name}"
    assert not aa.verify(EC_KEY.public_key(), bytes(8), signature, signature_algorithm=algorithm).verified


def test_ecdsa_signature_by_another_key_is_a_failed_result():
    other = ec.generate_private_key(ec.SECP256R1())
    result = aa.verify(EC_KEY.public_key(), CHALLENGE, aa.sign(other, CHALLENGE))
    assert (result.verified, result.error) == (False, None)


def test_dg15_round_trip_and_bad_dg15_is_a_key_error():
    assert aa.dg15_public_key(aa.encode_dg15(EC_KEY.public_key())) == EC_KEY.public_key()
    assert aa.dg15_public_key(aa.encode_dg15(RSA_KEY.public_key())).public_numbers() == \
        RSA_KEY.public_key().public_numbers()
    with pytest.raises(AAKeyError, match="DG15"):
        aa.dg15_public_key(b"\x6f\x03\x30\x01\x00")
    with pytest.raises(AAKeyError, match="DG15"):
        aa.dg15_public_key(b"\x61\x00")


def test_malformed_answers_name_the_structure():
    rsa_pub = RSA_KEY.public_key()
    n, e = rsa_pub.public_numbers().n, rsa_pub.public_numbers().e
    d = RSA_KEY.private_numbers().d

    def raw_sign(f: bytes) -> bytes:
        return pow(int.from_bytes(f, "big"), d, n).to_bytes(128, "big")

    with pytest.raises(AALengthError, match="127 bytes"):
        aa.verify(rsa_pub, CHALLENGE, bytes(127))
    with pytest.raises(AATrailerError, match="trailer"):
        aa.verify(rsa_pub, CHALLENGE, raw_sign(b"\x6a" + bytes(125) + b"\x99\xcc"))
    with pytest.raises(AAPaddingError, match="header"):
        aa.verify(rsa_pub, CHALLENGE, raw_sign(b"\x2a" + bytes(126) + b"\xbc"))
    with pytest.raises(AAPaddingError, match="total recovery"):
        aa.verify(rsa_pub, CHALLENGE, raw_sign(b"\x4a" + bytes(126) + b"\xbc"))
    with pytest.raises(AAPaddingError, match="padding"):
        aa.verify(rsa_pub, CHALLENGE, raw_sign(b"\x6b\x12" + bytes(125) + b"\xbc"))
    with pytest.raises(AALengthError, match="plain r \\|\\| s"):
        aa.verify(EC_KEY.public_key(), CHALLENGE, aa.sign(EC_KEY, CHALLENGE)[:-1])
    with pytest.raises(AAKeyError, match="RSA key"):
        aa.verify(rsa_pub, CHALLENGE, aa.sign(RSA_KEY, CHALLENGE), signature_algorithm="0.4.0.127.0.7.1.1.4.1.3")
    with pytest.raises(AALengthError, match="challenge"):
        aa.verify(rsa_pub, bytes(7), bytes(128))
    assert e == 65537


@settings(max_examples=150, deadline=None)
@given(signature=st.binary(max_size=140), algorithm=st.sampled_from([None, "0.4.0.127.0.7.1.1.4.1.3", "1.2.3"]))
def test_any_answer_gives_a_result_or_an_mrtd_error(signature, algorithm):
    for key in (RSA_KEY.public_key(), EC_KEY.public_key()):
        try:
            result = aa.verify(key, CHALLENGE, signature, signature_algorithm=algorithm)
        except AAError:
            continue
        assert result.verified is False


@settings(max_examples=150, deadline=None)
@given(dg15=st.binary(max_size=120))
def test_any_dg15_gives_a_key_or_an_mrtd_error(dg15):
    try:
        aa.dg15_public_key(dg15)
    except MRTDError:
        pass


def test_random_rsa_answers_are_typed_errors_not_crashes():
    for _ in range(50):
        with pytest.raises(AAError):
            aa.verify(RSA_KEY.public_key(), CHALLENGE, os.urandom(127) + b"\x00")


def test_the_issuer_of_the_challenge_can_check_the_chips_answer_from_dg15():
    # What a gate sends the portal: DG15, the chip's answer to the portal's challenge
    dg15 = aa.encode_dg15(EC_KEY.public_key())
    signature = aa.sign(EC_KEY, CHALLENGE)
    result = aa.check(dg15=dg15, challenge=CHALLENGE, signature=signature)
    assert result.verified and result.to_dict()["signature"] == signature.hex().upper()
    # an answer replayed for another challenge, or a DG15 that is not a key, fail with the reason
    assert not aa.check(dg15=dg15, challenge=bytes(8), signature=signature).verified
    bad = aa.check(dg15=b"\x6f\x00", challenge=CHALLENGE, signature=signature)
    assert (bad.verified, bad.error) == (False, "AAKeyError")


class _Answers:
    """A card that answers every command with the same bytes (no secure messaging)."""

    def __init__(self, answer: bytes):
        self.answer = answer

    def transmit(self, apdu: bytes) -> bytes:
        return self.answer


@settings(max_examples=200, deadline=None)
@given(answer=st.binary(max_size=140), status=st.sampled_from([b"\x90\x00", b"\x6a\x88", b"\x69\x82"]),
       rsa_key=st.booleans())
def test_any_chip_answer_to_internal_authenticate_is_a_result(answer, status, rsa_key):
    from mrtd.reader import _Session
    key = RSA_KEY if rsa_key else EC_KEY
    result = _Session(_Answers(answer + status)).active_authenticate(CHALLENGE, aa.encode_dg15(key.public_key()))
    assert result.verified is False
    assert result.error in (None, "AAError", "AALengthError", "AATrailerError", "AAPaddingError")


def test_real_dg15_keys_are_read_also_the_bsi_2008_modulus_written_as_a_negative_integer():
    from core.testdata import TESTDATA
    dutch = aa.dg15_public_key((TESTDATA / "emrtd/loes2006/ef010F.bin").read_bytes())
    german = aa.dg15_public_key((TESTDATA / "emrtd/bsi2008/Datagroup15.bin").read_bytes())
    assert isinstance(dutch, rsa.RSAPublicKey) and dutch.key_size == 1024
    # BSI 2008: the modulus INTEGER lacks its leading 00 (it reads negative); its bytes are the key
    assert german.key_size == 1024 and german.public_numbers().e == 65537


@pytest.mark.parametrize("bits", [1024, 2048])
def test_rsa_chip_answers_through_the_reader_under_secure_messaging(bits):
    import tempfile
    from pathlib import Path
    from mrtd.chip import VirtualChip
    from mrtd.personalize import personalize
    from mrtd.pki import init_test_pki
    from mrtd.reader import read_chip
    from mrtd.tests.test_reader import FACE, MRZ
    key = RSA_KEY if bits == 1024 else rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pki = init_test_pki(Path(tempfile.mkdtemp()))
    files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki,
                        extra_groups={"DG15": aa.encode_dg15(key.public_key())})
    result = read_chip(mrz_lines=MRZ, transport=VirtualChip(files, aa_key=key), csca_certs=[pki.csca_cert_der],
                       aa_challenge=CHALLENGE)
    assert result.aa.verified and result.aa.algorithm == "RSA ISO/IEC 9796-2 sha1" and len(result.aa.signature) == bits // 8
    assert result.pa.valid and result.ca is None and result.authenticity.verdict is True
    assert not read_chip(mrz_lines=MRZ, transport=VirtualChip(files), run_pa=False).aa.verified


@pytest.mark.pcsc
def test_rsa_2048_answer_crosses_pcscd_with_an_extended_le(pcsc_reader):
    import tempfile
    from pathlib import Path
    from mrtd.chip import VirtualChip
    from mrtd.personalize import personalize
    from mrtd.pki import init_test_pki
    from mrtd.tests.test_ca import _read_served
    from mrtd.tests.test_reader import FACE, MRZ
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pki = init_test_pki(Path(tempfile.mkdtemp()))
    files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki,
                        extra_groups={"DG15": aa.encode_dg15(key.public_key())})
    result = _read_served(VirtualChip(files, aa_key=key, access="pace"), pcsc_reader, pki)
    assert result.aa.verified and len(result.aa.signature) == 256
